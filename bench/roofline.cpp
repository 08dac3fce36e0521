// Compiled twice, as the kernels are (gmmlab_add_avx2_kernel): the roofline of the
// instructions the kernels run. The benchmark is not compiled for the same bits, so GCC fuses
// acc * m + a into FMA in the AVX2 build: the CPU's peak, which the kernels reach only where
// their formulas are a multiply and an add (fast_math.hpp's fmadd).
#include "roofline.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "gmmlab/fast_math.hpp"  // last: it switches the AVX2 build of this file to AVX2 + FMA

namespace gmmlab::bench::GMMLAB_KERNEL_ISA {

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

// Four doubles in one register (AVX) or two (SSE): the compiler's own vectors, so the loop
// below is fused multiply-adds and nothing else on whatever -march the build targets.
typedef double v4 __attribute__((vector_size(32)));

// 12 independent accumulators hide the FMA latency (4 cycles) on two FMA pipes. The
// multiplier is just below 1 and the addend small, so values stay normal and finite.
double fma_loop(long rounds) {
  v4 acc[12];
  for (int j = 0; j < 12; ++j) acc[j] = v4{1.0 + j, 2.0 + j, 3.0 + j, 4.0 + j};
  v4 m = {0.999999, 0.999999, 0.999999, 0.999999}, a = {1e-7, 1e-7, 1e-7, 1e-7};
  // Through an asm barrier (in memory: a portable build has no 32-byte registers), so the
  // compiler cannot fold the loop into a closed form.
  asm volatile("" : "+m"(m), "+m"(a));
  for (long r = 0; r < rounds; ++r)
    for (int j = 0; j < 12; ++j) acc[j] = acc[j] * m + a;
  double sum = 0;
  for (int j = 0; j < 12; ++j)
    for (int l = 0; l < 4; ++l) sum += acc[j][l];
  return sum;
}

// The reference's exp over an L1-resident array, as the E-step calls it.
double exp_loop(long rounds, std::vector<double>& in, std::vector<double>& out) {
  double sum = 0;
  for (long r = 0; r < rounds; ++r) {
    const double* src = in.data();
    double* dst = out.data();
    const std::size_t n = in.size();
    for (std::size_t i = 0; i < n; i += detail::kLanes) detail::store(dst + i, detail::exp_nonpositive(detail::load(src + i)));
    sum += dst[r % n];
  }
  return sum;
}

// Runs `work(rounds)` on `threads` threads at once and returns units of work per second,
// all threads together; the best of a few tries, since a peak is what is being measured.
template <class Work>
double rate(int threads, double units_per_round, Work&& work) {
  long rounds = 1000;
  double best = 0;
  volatile double sink = 0;  // the results are used, so the work cannot be dropped
  for (int attempt = 0; attempt < 5; ++attempt) {
    double seconds = 0, result = 0;
    const double start = now();
#pragma omp parallel num_threads(threads) reduction(+ : result)
    result += work(rounds);
    seconds = now() - start;
    sink = sink + result;
    if (seconds < 0.2) {  // too short to time: grow, and do not count this attempt
      rounds *= 4;
      --attempt;
      continue;
    }
    best = std::max(best, double(threads) * double(rounds) * units_per_round / seconds);
  }
  return best;
}

}  // namespace

Roofline measure_roofline(int threads) {
  Roofline r;
  r.threads = threads;
  r.flops_per_second = rate(threads, 12 * 4 * 2, [](long rounds) { return fma_loop(rounds); });
  constexpr std::size_t n = 1024;
  r.exps_per_second = rate(threads, double(n), [](long rounds) {
    // Arguments as the E-step sees them: ln(pi_k N) minus the pixel's largest, in [-40, 0].
    std::vector<double> in(n), out(n);
    for (std::size_t i = 0; i < n; ++i) in[i] = -40.0 * double(i) / double(n);
    return exp_loop(rounds, in, out);
  });
  return r;
}

}  // namespace gmmlab::bench::GMMLAB_KERNEL_ISA
