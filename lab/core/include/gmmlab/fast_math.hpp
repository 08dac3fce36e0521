#pragma once
// Four doubles at once, and an exp() over them, for the reference's E-step kernels, k-means'
// distance kernel (both need it, so it lives in the core) and the benchmark's roofline, which
// must time the same exp.
//
// The kernels use GCC/Clang vector types rather than `#pragma omp simd` because GCC does not
// vectorise what they need most: a loop that sums into ten accumulators, and (under the
// default -ftrapping-math) any loop with a floating-point comparison against a constant.
// Written this way the code is vectorised on every -march: AVX2 makes one instruction of each
// operation, SSE2 two.
//
// Include it last, after every other header: in a file built a second time with
// GMMLAB_KERNEL_AVX2 (CMake's gmmlab_add_avx2_kernel) it switches the rest of that file to
// AVX2 + FMA and names the namespace GMMLAB_KERNEL_ISA (avx2 or baseline) that keeps the two
// builds' code apart; headers included after it would be built for AVX2 too.
#include <bit>
#include <cmath>
#include <cstdint>
#include <cstring>

#if defined(GMMLAB_KERNEL_AVX2)
#pragma GCC target("avx2,fma")
#define GMMLAB_KERNEL_ISA avx2
#else
#define GMMLAB_KERNEL_ISA baseline
#endif

namespace gmmlab::detail {
// Internal linkage: each kernel is compiled once for any x86-64 and once for AVX2
// (gmmlab/vector_isa.hpp), and each copy must inline its own build of these helpers; shared
// inline functions would let the linker keep the AVX2 build for both.
namespace {

typedef double v4 __attribute__((vector_size(32)));
typedef std::int64_t v4i __attribute__((vector_size(32)));
inline constexpr int kLanes = 4;

inline v4 load(const double* p) {
  v4 v;
  std::memcpy(&v, p, sizeof v);  // no alignment assumed; compiles to one unaligned load
  return v;
}
inline void store(double* p, v4 v) { std::memcpy(p, &v, sizeof v); }
inline v4 splat(double s) { return v4{s, s, s, s}; }
inline double lane_sum(v4 v) { return (v[0] + v[1]) + (v[2] + v[3]); }

// a * b + c, rounded once. Written out where the kernels want it (the build contracts nothing
// by itself: -ffp-contract=off), so every build computes the same bits: the AVX2 kernels with
// the FMA instruction, the baseline ones with the C library's fma(), which is exact too but a
// call per lane (so a CPU without FMA, made before 2013, runs them several times slower).
// (GMMLAB_KERNEL_AVX2: the AVX2 kernels' files, built under a target pragma, which does not
// define __FMA__; __FMA__: a -march=native build on a CPU with FMA.)
inline v4 fmadd(v4 a, v4 b, v4 c) {
#if defined(GMMLAB_KERNEL_AVX2) || defined(__FMA__)
  return __builtin_ia32_vfmaddpd256(a, b, c);
#else
  return v4{std::fma(a[0], b[0], c[0]), std::fma(a[1], b[1], c[1]), std::fma(a[2], b[2], c[2]),
            std::fma(a[3], b[3], c[3])};
#endif
}

// exp(x) for x <= 0, four at a time: std::exp is a library call per value (about 7 ns here),
// this is a dozen fused multiply-adds shared by four values. Accurate to a few units in the
// last place on [-708, 0]; 0 below, where the true value is subnormal (0 next to the largest
// term of a log-sum-exp), and for -inf; NaN stays NaN.
inline v4 exp_nonpositive(v4 x) {
  // The range test on the bits, as integers: it cannot trap, so it costs no branch.
  const v4i magnitude = std::bit_cast<v4i>(x) & 0x7fffffffffffffffLL;
  constexpr std::int64_t bits_708 = 0x4086200000000000LL, bits_inf = 0x7ff0000000000000LL;
  const v4i underflow = (magnitude > bits_708) & (magnitude <= bits_inf);
  const v4 xc = underflow ? splat(-708.0) : x;
  // n = round(x / ln 2) by the 1.5 * 2^52 trick, which leaves n in the low mantissa bits.
  constexpr double shifter = 6755399441055744.0;
  const v4 t = fmadd(xc, splat(1.4426950408889634), splat(shifter));
  const v4 n = t - shifter;
  // r = x - n ln 2 in two parts (Cody-Waite), so r is exact to double precision.
  const v4 r = fmadd(n, splat(-1.90821492927058770002e-10), fmadd(n, splat(-6.93147180369123816490e-01), xc));
  // Taylor series to degree 13: |r| <= 0.35 makes the remainder below 1e-17.
  constexpr double kCoefficients[] = {1.0 / 479001600.0, 1.0 / 39916800.0, 1.0 / 3628800.0, 1.0 / 362880.0,
                                      1.0 / 40320.0,     1.0 / 5040.0,     1.0 / 720.0,     1.0 / 120.0,
                                      1.0 / 24.0,        1.0 / 6.0,        0.5,             1.0,
                                      1.0};
  v4 p = splat(1.0 / 6227020800.0);
  for (double coefficient : kCoefficients) p = fmadd(p, r, splat(coefficient));
  // 2^n from its exponent bits; n >= -1022 here so the result is a normal number.
  const v4 scale = std::bit_cast<v4>((std::bit_cast<v4i>(t) + 1023) << 52);
  return underflow ? v4{} : p * scale;
}

}  // namespace
}  // namespace gmmlab::detail
