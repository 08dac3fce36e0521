#include "gmmlab/reference.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "fast_exp.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"

namespace gmmlab {

int set_reference_threads(int threads) {
  if (threads > 0) omp_set_num_threads(threads);
  return omp_get_max_threads();
}

namespace {

// 512 pixels: a block's log-densities for K = 5 (20 KB) and its pixels (12 KB) stay in L1/L2.
constexpr arma::uword kBlock = 512;

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

template <int D>
void accumulate(const double* const* x, const double* g, arma::uword n, const double* centre, bool second_moments,
                double* stats) {
  double s0 = 0;
#pragma omp simd reduction(+ : s0)
  for (arma::uword i = 0; i < n; ++i) s0 += g[i];
  stats[0] += s0;
  for (int a = 0; a < D; ++a) {
    const double* xa = x[a];
    const double ca = centre[a];
    double s = 0;
#pragma omp simd reduction(+ : s)
    for (arma::uword i = 0; i < n; ++i) s += g[i] * (xa[i] - ca);
    stats[1 + a] += s;
  }
  if (!second_moments) return;
  int slot = 1 + D;
  for (int a = 0; a < D; ++a) {
    for (int b = 0; b <= a; ++b, ++slot) {
      const double* xa = x[a];
      const double* xb = x[b];
      const double ca = centre[a], cb = centre[b];
      double s = 0;
#pragma omp simd reduction(+ : s)
      for (arma::uword i = 0; i < n; ++i) s += g[i] * (xa[i] - ca) * (xb[i] - cb);
      stats[slot] += s;
    }
  }
}

// Per-thread scratch, allocated once per parallel region, never per pixel.
struct Scratch {
  explicit Scratch(arma::uword k) : log_p(k * kBlock), max(kBlock), inv_sum(kBlock), gamma(kBlock), label(kBlock) {}
  std::vector<double> log_p;  // k x kBlock: ln(pi_k N(x_i)), then exp(. - max_i)
  std::vector<double> max, inv_sum, gamma;
  std::vector<std::uint32_t> label;
};

// The E-step of one block, in log space: returns sum_i ln sum_k pi_k N(x_i | k) and leaves
// exp(log_p - max) in s.log_p and 1 / sum_k exp(...) in s.inv_sum, so that
// gamma_ik = s.log_p[k][i] * s.inv_sum[i].
template <int D>
double e_block(const Factored& f, const double* const* x, arma::uword n, Scratch& s) {
  const arma::uword k = f.k;
  for (arma::uword c = 0; c < k; ++c) {
    const double* mu = &f.mean[c * D];
    const double* l = &f.l_inv[c * D * D];
    const double lw = f.log_weight[c];
    double* out = &s.log_p[c * kBlock];
#pragma omp simd
    for (arma::uword i = 0; i < n; ++i) {
      double diff[D];
      for (int a = 0; a < D; ++a) diff[a] = x[a][i] - mu[a];
      double q = 0;
      for (int a = 0; a < D; ++a) {
        double z = 0;
        for (int b = 0; b <= a; ++b) z += l[a * D + b] * diff[b];
        q += z * z;
      }
      out[i] = lw - 0.5 * q;
    }
  }
  // Log-sum-exp: subtract each pixel's largest term so that exp never overflows and at
  // least one term is exactly 1 (a pixel far from every component still gets a finite
  // log-likelihood and responsibilities that sum to 1).
  double* mx = s.max.data();
  std::uint32_t* label = s.label.data();
#pragma omp simd
  for (arma::uword i = 0; i < n; ++i) mx[i] = s.log_p[i], label[i] = 0;
  for (arma::uword c = 1; c < k; ++c) {
    const double* lp = &s.log_p[c * kBlock];
#pragma omp simd
    for (arma::uword i = 0; i < n; ++i) {
      const bool larger = lp[i] > mx[i];
      mx[i] = larger ? lp[i] : mx[i];
      label[i] = larger ? std::uint32_t(c) : label[i];
    }
  }
  double* sum = s.inv_sum.data();
  std::fill_n(sum, n, 0.0);
  for (arma::uword c = 0; c < k; ++c) {
    double* lp = &s.log_p[c * kBlock];
#pragma omp simd
    for (arma::uword i = 0; i < n; ++i) {
      lp[i] = detail::exp_nonpositive(lp[i] - mx[i]);
      sum[i] += lp[i];
    }
  }
  double ll = 0;
  for (arma::uword i = 0; i < n; ++i) ll += mx[i] + std::log(sum[i]);
#pragma omp simd
  for (arma::uword i = 0; i < n; ++i) sum[i] = 1.0 / sum[i];
  return ll;
}

// Runs `body(block, first_pixel, pixels, scratch, out)` over all blocks in parallel. Each
// block writes only its own slice `out` of `width` doubles; the slices are then added in
// block order, so the sums are the same on any number of threads.
template <class Body>
std::vector<double> reduce_blocks(arma::uword n, arma::uword k, std::size_t width, Body&& body) {
  const arma::uword blocks = block_count(n);
  std::vector<double> partial(blocks * width, 0.0);
#pragma omp parallel
  {
    Scratch scratch(k);
#pragma omp for schedule(static)
    for (arma::uword b = 0; b < blocks; ++b)
      body(b * kBlock, std::min(kBlock, n - b * kBlock), scratch, &partial[b * width]);
  }
  std::vector<double> total(width, 0.0);
  for (arma::uword b = 0; b < blocks; ++b)
    for (std::size_t j = 0; j < width; ++j) total[j] += partial[b * width + j];
  return total;
}

template <int D>
struct Kernels {
  static constexpr int S = stat_count<D>();

  static void columns(const arma::mat& x, arma::uword first, const double* (&cols)[D]) {
    for (int a = 0; a < D; ++a) cols[a] = x.colptr(arma::uword(a)) + first;
  }

  // The mixture from the M-step's sums (stats laid out k x S, centred on `centres`).
  static Mixture mixture_from_stats(const double* stats, const arma::mat& centres, arma::uword n_total) {
    const arma::uword k = centres.n_rows;
    Mixture m;
    m.means.set_size(k, D);
    m.covs.set_size(D, D, k);
    m.priors.set_size(k);
    for (arma::uword c = 0; c < k; ++c) {
      const double* s = stats + c * S;
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
        reduce_blocks(x.n_rows, f.k, 1, [&](arma::uword first, arma::uword n, Scratch& s, double* out) {
          const double* cols[D];
          columns(x, first, cols);
          out[0] = e_block<D>(f, cols, n, s);
          for (arma::uword c = 0; c < f.k; ++c) {
            double* g = p.gamma.colptr(c) + first;
            const double* e = &s.log_p[c * kBlock];
#pragma omp simd
            for (arma::uword i = 0; i < n; ++i) g[i] = e[i] * s.inv_sum[i];
          }
        });
    p.log_likelihood = ll[0];
    return p;
  }

  // Sums of gamma-weighted moments around `centres` (k x D) from a stored gamma.
  static std::vector<double> moments(const arma::mat& x, const arma::mat& gamma, const arma::mat& centres,
                                     bool second_moments) {
    const arma::uword k = gamma.n_cols;
    return reduce_blocks(x.n_rows, k, k * S, [&](arma::uword first, arma::uword n, Scratch&, double* out) {
      const double* cols[D];
      columns(x, first, cols);
      for (arma::uword c = 0; c < k; ++c) {
        const arma::rowvec centre = centres.row(c);
        accumulate<D>(cols, gamma.colptr(c) + first, n, centre.memptr(), second_moments, out + c * S);
      }
    });
  }

  static Mixture m_step(const arma::mat& x, const arma::mat& gamma) {
    const arma::uword k = gamma.n_cols;
    // Two passes, as the formulas read: the means, then the covariances around them.
    const arma::mat origin(k, D, arma::fill::zeros);
    const std::vector<double> first = moments(x, gamma, origin, false);
    arma::mat means(k, D);
    for (arma::uword c = 0; c < k; ++c)
      for (int a = 0; a < D; ++a) means(c, arma::uword(a)) = first[c * S + 1 + a] / first[c * S];
    const std::vector<double> second = moments(x, gamma, means, true);
    return mixture_from_stats(second.data(), means, x.n_rows);
  }

  static Iteration iterate(const arma::mat& x, const Mixture& mix) {
    const Factored f = factor(mix);
    const arma::uword k = f.k;
    // Per block: log-likelihood, k hard counts (as doubles: exact below 2^53), k x S moments.
    const std::size_t width = 1 + k + k * S;
    const std::vector<double> total =
        reduce_blocks(x.n_rows, k, width, [&](arma::uword first, arma::uword n, Scratch& s, double* out) {
          const double* cols[D];
          columns(x, first, cols);
          out[0] = e_block<D>(f, cols, n, s);
          for (arma::uword i = 0; i < n; ++i) out[1 + s.label[i]] += 1;
          for (arma::uword c = 0; c < k; ++c) {
            const double* e = &s.log_p[c * kBlock];
            double* g = s.gamma.data();
#pragma omp simd
            for (arma::uword i = 0; i < n; ++i) g[i] = e[i] * s.inv_sum[i];
            accumulate<D>(cols, g, n, &f.mean[c * D], true, out + 1 + k + c * S);
          }
        });
    Iteration it;
    it.e.log_likelihood = total[0];
    it.e.hard_counts.set_size(k);
    it.e.soft_counts.set_size(k);
    for (arma::uword c = 0; c < k; ++c) {
      it.e.hard_counts[c] = arma::uword(total[1 + c]);
      it.e.soft_counts[c] = total[1 + k + c * S];
    }
    it.next = mixture_from_stats(&total[1 + k], mix.means, x.n_rows);
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

arma::mat ReferenceSteps::zscore(const arma::mat& raw) const {
  arma::mat z(raw.n_rows, raw.n_cols);
  for (arma::uword j = 0; j < raw.n_cols; ++j) {
    const arma::vec column = raw.col(j);
    if (column.n_elem == 0 || column.max() == column.min()) {  // constant: no spread to divide by
      z.col(j).zeros();
      continue;
    }
    const double mean = arma::mean(column);
    const double std_population = std::sqrt(arma::mean(arma::square(column - mean)));
    z.col(j) = (column - mean) / std_population;
  }
  return z;
}

Posterior ReferenceSteps::e_step(const arma::mat& x, const Mixture& m) const {
  return by_dims(x.n_cols, [&](auto kernels) { return decltype(kernels)::e_step(x, m); });
}

Mixture ReferenceSteps::m_step(const arma::mat& x, const arma::mat& gamma) const {
  return by_dims(x.n_cols, [&](auto kernels) { return decltype(kernels)::m_step(x, gamma); });
}

Iteration ReferenceSteps::iterate(const arma::mat& x, const Mixture& m) const {
  return by_dims(x.n_cols, [&](auto kernels) { return decltype(kernels)::iterate(x, m); });
}

}  // namespace gmmlab
