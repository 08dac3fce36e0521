// The reference's E-step, M-step and fused iteration: the kernels, compiled twice
// (reference/CMakeLists.txt): as they are, for any x86-64, and with GMMLAB_KERNEL_AVX2 for
// AVX2 (gmmlab/vector_isa.hpp; the two give the same bits). Everything they include comes
// before the target pragma, so only this file's own code (and fast_math's internal helpers)
// is built for AVX2, and no shared inline function can be.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <vector>

#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"
#include "gmmlab/worker_pool.hpp"
#include "reference_kernels.hpp"

#include "gmmlab/fast_math.hpp"  // last: it switches the AVX2 build of this file to AVX2

namespace gmmlab::reference_kernels::GMMLAB_KERNEL_ISA {

namespace {

using detail::kLanes;
using detail::lane_sum;
using detail::load;
using detail::splat;
using detail::store;
using detail::v4;
using detail::v4i;

// 256 pixels: a block's log-densities for K = 5 (10 KB), its pixels and per-pixel scratch
// (8 KB) stay in L1 between the E-step's passes and the M-step's sums.
constexpr arma::uword kBlock = 256;
// Blocks are added in order within a chunk and chunks in order at the end, so the tree of
// additions depends on neither the thread count nor which thread runs which chunk. 16 blocks (4096 pixels)
// keep the chunk sums a few MB even at 50 MP, and give two threads work to share from
// 0.01 MP up.
constexpr arma::uword kChunkBlocks = 16;

arma::uword block_count(arma::uword n) { return (n + kBlock - 1) / kBlock; }

// The mixture in flat arrays, factored once per E-step rather than once per pixel.
struct Factored {
  arma::uword k = 0, d = 0;
  std::vector<double> mean;  // k * d
  std::vector<double> l_inv; // k * d * d, row-major lower triangle of L^{-1}
  std::vector<double> log_weight;
};

Factored factor(const Mixture& m) {
  Factored f;
  f.k = m.components();
  f.d = m.dims();
  for (arma::uword c = 0; c < f.k; ++c) {
    const FactoredComponent fc = factor_component(m, c);
    for (arma::uword a = 0; a < f.d; ++a) {
      f.mean.push_back(fc.mean[a]);
      for (arma::uword b = 0; b < f.d; ++b) f.l_inv.push_back(fc.l_inv(a, b));
    }
    f.log_weight.push_back(fc.log_weight);
  }
  return f;
}

// Second-moment sums per component: N_k, sum gamma (x - c), sum gamma (x - c)(x - c)^T
// (lower triangle), around a centre c close to the new mean. Summing around the old mean
// rather than around 0 keeps E[x x^T] - mu mu^T from cancelling catastrophically for a tight
// component far from the origin.
template <int D>
constexpr int stat_count() { return 1 + D + D * (D + 1) / 2; }

// Per-thread scratch, allocated once per parallel region, never per block or pixel.
struct Scratch {
  Scratch(arma::uword k, arma::uword d)
      : log_p(k * kBlock), max(kBlock), inv_sum(kBlock), label(kBlock), padded_x(d * kBlock), padded_gamma(kBlock) {}
  std::vector<double> log_p;  // k x kBlock: ln(pi_k N(x_i)), then exp(. - max_i)
  std::vector<double> max, inv_sum;
  std::vector<double> label;  // most likely component (-1 for padding), as doubles to compare in vectors
  std::vector<double> padded_x, padded_gamma;  // the last block when it is not a whole number of vectors
};

// Points `cols` at the block's pixels and returns how many to process: n rounded up to whole
// vectors. The data's last block is copied, zero-padded, so that no vector reads past it.
template <int D>
arma::uword block_columns(const arma::mat& x, arma::uword first, arma::uword n, Scratch& s, const double* (&cols)[D]) {
  const arma::uword m = (n + kLanes - 1) / kLanes * kLanes;
  for (int a = 0; a < D; ++a) {
    cols[a] = x.colptr(arma::uword(a)) + first;
    if (m == n) continue;
    double* p = &s.padded_x[arma::uword(a) * kBlock];
    std::copy_n(cols[a], n, p);
    std::fill(p + n, p + m, 0.0);
    cols[a] = p;
  }
  return m;
}

// The E-step of one block, in log space: returns sum_i ln sum_k pi_k N(x_i | k) over the n real
// pixels and leaves exp(log_p - max) in s.log_p, 1 / sum_k exp(...) in s.inv_sum (0 for
// padding, so padding carries no weight) and the most likely component in s.label, so that
// gamma_ik = s.log_p[k][i] * s.inv_sum[i].
template <int D>
double e_block(const Factored& f, const double* const* x, arma::uword n, arma::uword m, Scratch& s) {
  const arma::uword k = f.k;
  double* lp = s.log_p.data();
  double* mx = s.max.data();
  double* label = s.label.data();
  double* inv = s.inv_sum.data();
  const v4 lane = {0, 1, 2, 3};
  for (arma::uword i = 0; i < m; i += kLanes) {
    v4 xi[D];
    for (int a = 0; a < D; ++a) xi[a] = load(x[a] + i);
    v4 best = splat(-INFINITY), best_c = splat(0);
    for (arma::uword c = 0; c < k; ++c) {
      const double* mu = &f.mean[c * D];
      const double* l = &f.l_inv[c * D * D];
      v4 diff[D];
      for (int a = 0; a < D; ++a) diff[a] = xi[a] - mu[a];
      v4 q = {};
      for (int a = 0; a < D; ++a) {
        v4 z = l[a * D] * diff[0];
        for (int b = 1; b <= a; ++b) z = detail::fmadd(splat(l[a * D + b]), diff[b], z);
        q = detail::fmadd(z, z, q);
      }
      const v4 v = detail::fmadd(splat(-0.5), q, splat(f.log_weight[c]));
      store(lp + c * kBlock + i, v);
      // Strictly larger: ties go to the lower index, as a scan from component 0 would.
      const v4i larger = v > best;
      best = larger ? v : best;
      best_c = larger ? splat(double(c)) : best_c;
    }
    const v4i padding = (lane + double(i)) >= double(n);
    store(mx + i, padding ? v4{} : best);
    store(label + i, padding ? splat(-1) : best_c);
  }
  // Log-sum-exp: subtract each pixel's largest term so that exp never overflows and at
  // least one term is exactly 1 (a pixel far from every component still gets a finite
  // log-likelihood and responsibilities that sum to 1). The logs of the sums are taken of
  // products of 16 sums a lane: each sum lies in [1, K], so a product can neither overflow
  // nor underflow, and one log per 16 pixels replaces a log per pixel, the E-step's most
  // expensive call after exp.
  v4 ll_max = {}, product = splat(1);
  double ll = 0;
  for (arma::uword i = 0; i < m; i += kLanes) {
    const v4 top = load(mx + i);
    v4 sum = {};
    for (arma::uword c = 0; c < k; ++c) {
      const v4 e = detail::exp_nonpositive(load(lp + c * kBlock + i) - top);
      store(lp + c * kBlock + i, e);
      sum += e;
    }
    const v4i padding = (lane + double(i)) >= double(n);
    sum = padding ? splat(1) : sum;
    store(inv + i, padding ? v4{} : 1.0 / sum);
    ll_max += top;
    product *= sum;
    if ((i / kLanes) % 16 == 15 || i + kLanes >= m) {
      ll += (std::log(product[0]) + std::log(product[1])) + (std::log(product[2]) + std::log(product[3]));
      product = splat(1);
    }
  }
  return lane_sum(ll_max) + ll;
}

// Adds one block's sums for one component to `out`: N_k, then sum gamma (x - centre), then
// the lower triangle of sum gamma (x - centre)(x - centre)^T (stat_count<D> values), and
// with kFused the hard count first. gamma is g[i] * inv[i] when kFused (straight from the
// E-step's scratch), g[i] otherwise. The sums live in vector registers for the whole block.
template <int D, bool kFused>
void accumulate(const double* const* x, const double* g, const double* inv, const double* label, double component,
                arma::uword m, const double* centre, double* out) {
  constexpr int S = stat_count<D>();
  v4 acc[S] = {};
  v4 hard = {};
  for (arma::uword i = 0; i < m; i += kLanes) {
    v4 gamma = load(g + i);
    if constexpr (kFused) {
      gamma *= load(inv + i);
      hard += load(label + i) == component ? splat(1) : v4{};
    }
    v4 d[D];
    for (int a = 0; a < D; ++a) d[a] = load(x[a] + i) - centre[a];
    acc[0] += gamma;
    int slot = 1 + D;
    for (int a = 0; a < D; ++a) {
      const v4 gd = gamma * d[a];
      acc[1 + a] += gd;
      for (int b = 0; b <= a; ++b, ++slot) acc[slot] = detail::fmadd(gd, d[b], acc[slot]);
    }
  }
  if constexpr (kFused) *out++ += lane_sum(hard);
  for (int j = 0; j < S; ++j) out[j] += lane_sum(acc[j]);
}

// Runs `body(first_pixel, pixels, scratch, out)` over all blocks in parallel; `out` is the
// block's chunk slice of `width` doubles, to add into. Chunks sum their blocks in order
// and are then added in chunk order, so the sums are the same on any number of threads.
template <class Body>
std::vector<double> reduce_blocks(arma::uword n, arma::uword k, arma::uword d, std::size_t width, Body&& body) {
  const arma::uword blocks = block_count(n);
  const arma::uword chunks = (blocks + kChunkBlocks - 1) / kChunkBlocks;
  std::vector<double> partial(chunks * width, 0.0);
  const int threads = thread_count();
  std::vector<std::optional<Scratch>> scratch(static_cast<std::size_t>(threads));
  WorkerPool::instance().run(chunks, threads, [&](std::size_t ch, int thread) {
    std::optional<Scratch>& s = scratch[std::size_t(thread)];
    if (!s) s.emplace(k, d);  // by the thread that uses it, so its pages are local to it
    for (arma::uword b = ch * kChunkBlocks; b < std::min(blocks, (ch + 1) * kChunkBlocks); ++b)
      body(b * kBlock, std::min(kBlock, n - b * kBlock), *s, &partial[ch * width]);
  });
  std::vector<double> total(width, 0.0);
  for (arma::uword ch = 0; ch < chunks; ++ch)
    for (std::size_t j = 0; j < width; ++j) total[j] += partial[ch * width + j];
  return total;
}

template <int D>
struct Kernels {
  static constexpr int S = stat_count<D>();

  // The mixture from the M-step's sums: component c's stat_count<D> sums start at
  // stats + c * stride and are centred on row c of `centres`.
  static Mixture mixture_from_stats(const double* stats, std::size_t stride, const arma::mat& centres,
                                    arma::uword n_total) {
    const arma::uword k = centres.n_rows;
    Mixture m;
    m.means.set_size(k, D);
    m.covs.set_size(D, D, k);
    m.priors.set_size(k);
    for (arma::uword c = 0; c < k; ++c) {
      const double* s = stats + c * stride;
      const double nk = s[0];
      double shift[D];
      for (int a = 0; a < D; ++a) shift[a] = s[1 + a] / nk, m.means(c, arma::uword(a)) = centres(c, arma::uword(a)) + shift[a];
      int slot = 1 + D;
      for (int a = 0; a < D; ++a)
        for (int b = 0; b <= a; ++b, ++slot)
          m.covs(arma::uword(a), arma::uword(b), c) = m.covs(arma::uword(b), arma::uword(a), c) =
              s[slot] / nk - shift[a] * shift[b];
      m.priors[c] = nk / double(n_total);
    }
    return m;
  }

  static Posterior e_step(const arma::mat& x, const Mixture& mix) {
    const Factored f = factor(mix);
    Posterior p;
    p.gamma.set_size(x.n_rows, f.k);
    const std::vector<double> ll =
        reduce_blocks(x.n_rows, f.k, D, 1, [&](arma::uword first, arma::uword n, Scratch& s, double* out) {
          const double* cols[D];
          const arma::uword m = block_columns<D>(x, first, n, s, cols);
          out[0] += e_block<D>(f, cols, n, m, s);
          for (arma::uword c = 0; c < f.k; ++c) {
            double* g = p.gamma.colptr(c) + first;
            const double* e = &s.log_p[c * kBlock];
            for (arma::uword i = 0; i < n; ++i) g[i] = e[i] * s.inv_sum[i];
          }
        });
    p.log_likelihood = ll[0];
    return p;
  }

  // Sums of gamma-weighted moments around `centres` (k x D) from a stored gamma.
  static std::vector<double> moments(const arma::mat& x, const arma::mat& gamma, const arma::mat& centres) {
    const arma::uword k = gamma.n_cols;
    const arma::mat centres_by_column = centres.t();  // component c's centre contiguous
    return reduce_blocks(x.n_rows, k, D, k * S, [&](arma::uword first, arma::uword n, Scratch& s, double* out) {
      const double* cols[D];
      const arma::uword m = block_columns<D>(x, first, n, s, cols);
      for (arma::uword c = 0; c < k; ++c) {
        const double* g = gamma.colptr(c) + first;
        if (m != n) {
          std::copy_n(g, n, s.padded_gamma.data());
          std::fill(s.padded_gamma.begin() + std::ptrdiff_t(n), s.padded_gamma.begin() + std::ptrdiff_t(m), 0.0);
          g = s.padded_gamma.data();
        }
        accumulate<D, false>(cols, g, nullptr, nullptr, 0, m, centres_by_column.colptr(c), out + c * S);
      }
    });
  }

  static Mixture m_step(const arma::mat& x, const arma::mat& gamma) {
    const arma::uword k = gamma.n_cols;
    // Two passes, as the formulas read: the means, then the covariances around them.
    const arma::mat origin(k, D, arma::fill::zeros);
    const std::vector<double> first = moments(x, gamma, origin);
    arma::mat means(k, D);
    for (arma::uword c = 0; c < k; ++c)
      for (int a = 0; a < D; ++a) means(c, arma::uword(a)) = first[c * S + 1 + a] / first[c * S];
    const std::vector<double> second = moments(x, gamma, means);
    return mixture_from_stats(second.data(), S, means, x.n_rows);
  }

  static Iteration iterate(const arma::mat& x, const Mixture& mix) {
    const Factored f = factor(mix);
    const arma::uword k = f.k;
    // Per chunk: the log-likelihood, then per component its hard count (a double: exact
    // below 2^53) and its S moment sums.
    constexpr std::size_t stride = 1 + S;
    const std::vector<double> total =
        reduce_blocks(x.n_rows, k, D, 1 + k * stride, [&](arma::uword first, arma::uword n, Scratch& s, double* out) {
          const double* cols[D];
          const arma::uword m = block_columns<D>(x, first, n, s, cols);
          out[0] += e_block<D>(f, cols, n, m, s);
          for (arma::uword c = 0; c < k; ++c)
            accumulate<D, true>(cols, &s.log_p[c * kBlock], s.inv_sum.data(), s.label.data(), double(c), m,
                                &f.mean[c * D], out + 1 + c * stride);
        });
    Iteration it;
    it.e.log_likelihood = total[0];
    it.e.hard_counts.set_size(k);
    it.e.soft_counts.set_size(k);
    for (arma::uword c = 0; c < k; ++c) {
      it.e.hard_counts[c] = arma::uword(total[1 + c * stride]);
      it.e.soft_counts[c] = total[1 + c * stride + 1];
    }
    it.next = mixture_from_stats(&total[2], stride, mix.means, x.n_rows);
    return it;
  }
};

template <class F>
decltype(auto) by_dims(arma::uword d, F&& f) {
  switch (d) {
    case 1: return f(Kernels<1>{});
    case 2: return f(Kernels<2>{});
    case 3: return f(Kernels<3>{});
    case 4: return f(Kernels<4>{});
    default:
      throw Error(fmt::format("the reference handles 1 to 4 channels, not {}; images have 1 (grey) or 3 (colour)", d));
  }
}

}  // namespace

Posterior e_step(const arma::mat& x, const Mixture& m) {
  return by_dims(x.n_cols, [&](auto kernels) { return decltype(kernels)::e_step(x, m); });
}

Mixture m_step(const arma::mat& x, const arma::mat& gamma) {
  return by_dims(x.n_cols, [&](auto kernels) { return decltype(kernels)::m_step(x, gamma); });
}

Iteration iterate(const arma::mat& x, const Mixture& m) {
  return by_dims(x.n_cols, [&](auto kernels) { return decltype(kernels)::iterate(x, m); });
}

}  // namespace gmmlab::reference_kernels::GMMLAB_KERNEL_ISA
