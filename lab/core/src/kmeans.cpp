#include "gmmlab/kmeans.hpp"

#include <algorithm>
#include <limits>
#include <random>
#include <vector>

namespace gmmlab {

namespace {

// A uniform double in [0, 1) from the generator's bits: std::uniform_real_distribution is not
// specified bit-for-bit, and the same seed must give the same init everywhere.
double uniform(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

// Nearest centre of every pixel. Pixels are split into fixed blocks whose partial sums are
// added in block order, so the result does not depend on the number of threads.
struct Assignment {
  arma::uvec labels;
  arma::mat sums;     // K x d
  arma::uvec counts;  // K
  bool changed = false;
};

Assignment assign(const arma::mat& x, const arma::mat& centres, const arma::uvec* previous) {
  const arma::uword n = x.n_rows, d = x.n_cols, k = centres.n_rows;
  constexpr arma::uword block = 4096;
  const arma::uword blocks = (n + block - 1) / block;
  Assignment a;
  a.labels.set_size(n);
  // Per block: k x d sums, then k counts (as doubles: exact below 2^53).
  const arma::uword width = k * d + k;
  std::vector<double> partial(blocks * width, 0.0);
  std::vector<char> block_changed(blocks, 0);
#pragma omp parallel
  {
    // Each loop below runs over a block's pixels with no branch, component by component and
    // channel by channel, so that the compiler vectorises it; a loop over components per
    // pixel does not vectorise, and this assignment is most of what k-means costs.
    std::vector<double> distance(block), best(block);
#pragma omp for schedule(dynamic)
    for (arma::uword b = 0; b < blocks; ++b) {
      const arma::uword first = b * block, m = std::min(n, first + block) - first;
      arma::uword* label = a.labels.memptr() + first;
      for (arma::uword c = 0; c < k; ++c) {
        // Squared distances summed over channels in channel order, as a per-pixel loop would.
        std::fill_n(distance.data(), m, 0.0);
        for (arma::uword j = 0; j < d; ++j) {
          const double* xj = x.colptr(j) + first;
          const double centre = centres(c, j);
          double* dist = distance.data();
#pragma omp simd
          for (arma::uword i = 0; i < m; ++i) dist[i] += (xj[i] - centre) * (xj[i] - centre);
        }
        const double* dist = distance.data();
        double* nearest = best.data();
        if (c == 0) {
          std::copy_n(dist, m, nearest);
          std::fill_n(label, m, 0);
          continue;
        }
        // Strictly closer: ties go to the lower index.
#pragma omp simd
        for (arma::uword i = 0; i < m; ++i) {
          const bool closer = dist[i] < nearest[i];
          nearest[i] = closer ? dist[i] : nearest[i];
          label[i] = closer ? c : label[i];
        }
      }
      double* out = &partial[b * width];
      for (arma::uword c = 0; c < k; ++c) {
        double count = 0;
#pragma omp simd reduction(+ : count)
        for (arma::uword i = 0; i < m; ++i) count += label[i] == c ? 1.0 : 0.0;
        out[k * d + c] = count;
        for (arma::uword j = 0; j < d; ++j) {
          const double* xj = x.colptr(j) + first;
          double sum = 0;
#pragma omp simd reduction(+ : sum)
          for (arma::uword i = 0; i < m; ++i) sum += label[i] == c ? xj[i] : 0.0;
          out[c * d + j] = sum;
        }
      }
      if (previous) {
        const arma::uword* before = previous->memptr() + first;
        int differ = 0;
#pragma omp simd reduction(| : differ)
        for (arma::uword i = 0; i < m; ++i) differ |= label[i] != before[i];
        block_changed[b] = char(differ);
      }
    }
  }
  a.sums.zeros(k, d);
  a.counts.zeros(k);
  std::vector<double> counts(k, 0.0);
  for (arma::uword b = 0; b < blocks; ++b) {
    const double* in = &partial[b * width];
    for (arma::uword c = 0; c < k; ++c) {
      for (arma::uword j = 0; j < d; ++j) a.sums(c, j) += in[c * d + j];
      counts[c] += in[k * d + c];
    }
    a.changed = a.changed || block_changed[b];
  }
  for (arma::uword c = 0; c < k; ++c) a.counts[c] = arma::uword(counts[c]);
  if (!previous) a.changed = true;
  return a;
}

// k-means++ seeding (Arthur and Vassilvitskii) on an evenly spaced sample of the pixels.
arma::mat seed_centres(const arma::mat& x, arma::uword k, const KMeansOptions& options, std::mt19937_64& rng) {
  const arma::uword n = x.n_rows;
  const arma::uword m = std::min(n, options.seeding_sample);
  arma::uvec rows(m);
  const double stride = double(n) / double(m);
  const double offset = uniform(rng) * stride;
  for (arma::uword i = 0; i < m; ++i) rows[i] = std::min(n - 1, arma::uword(offset + stride * double(i)));
  const arma::mat sample = x.rows(rows);

  arma::mat centres(k, x.n_cols);
  centres.row(0) = sample.row(std::min(m - 1, arma::uword(uniform(rng) * double(m))));
  arma::vec nearest(m);
  nearest.fill(std::numeric_limits<double>::infinity());
  for (arma::uword c = 1; c < k; ++c) {
    nearest = arma::min(nearest, arma::sum(arma::square(sample.each_row() - centres.row(c - 1)), 1));
    const double total = arma::accu(nearest);
    arma::uword pick = 0;
    if (total > 0) {  // otherwise every sampled pixel already is a centre: repeat one
      double target = uniform(rng) * total;
      while (pick + 1 < m && (target -= nearest[pick]) >= 0) ++pick;
    }
    centres.row(c) = sample.row(pick);
  }
  return centres;
}

}  // namespace

KMeansResult kmeans(const arma::mat& x, arma::uword k, const KMeansOptions& options) {
  std::mt19937_64 rng(options.seed);
  KMeansResult r;
  r.centres = seed_centres(x, k, options, rng);
  // Stop when the centres move less than sklearn's default tolerance: 1e-4 of the mean
  // per-channel variance, summed over all centres.
  const double tolerance = 1e-4 * arma::mean(arma::var(x, 1, 0));
  Assignment a = assign(x, r.centres, nullptr);
  for (r.iterations = 1; r.iterations <= options.max_iterations; ++r.iterations) {
    arma::mat moved = r.centres;
    for (arma::uword c = 0; c < k; ++c)
      if (a.counts[c] > 0) moved.row(c) = a.sums.row(c) / double(a.counts[c]);  // an empty cluster stays put
    const double shift = arma::accu(arma::square(moved - r.centres));
    r.centres = std::move(moved);
    Assignment next = assign(x, r.centres, &a.labels);
    const bool stable = !next.changed || shift <= tolerance;
    a = std::move(next);
    if (stable) break;
  }
  r.iterations = std::min(r.iterations, options.max_iterations);
  r.labels = std::move(a.labels);
  return r;
}

Mixture mixture_from_clusters(const arma::mat& x, const KMeansResult& clusters, double reg_covar) {
  const arma::uword k = clusters.centres.n_rows, d = x.n_cols, n = x.n_rows;
  Mixture m;
  m.means = clusters.centres;
  m.covs.set_size(d, d, k);
  m.priors.set_size(k);
  // The covariance of all the pixels, for clusters that have none of their own; identity if
  // even that is degenerate (a constant image).
  arma::mat fallback = n > 1 ? arma::mat(arma::cov(x)) : arma::eye(d, d);
  fallback.diag() += reg_covar;
  arma::mat l;
  // The lower triangle, as validate_mixture and EM read it: on a singular matrix the two
  // factorisations can disagree by rounding.
  if (!arma::chol(l, fallback, "lower")) fallback = arma::eye(d, d);
  // Each cluster's mean, then its scatter around that mean (the two passes np.cov makes),
  // summed in pixel order straight from x: copying each cluster's rows out first would hold
  // another copy of most of the image at 12 MP.
  const arma::uword* label = clusters.labels.memptr();
  arma::uvec members(k, arma::fill::zeros);
  arma::mat sums(k, d, arma::fill::zeros);
  for (arma::uword j = 0; j < d; ++j) {
    const double* xj = x.colptr(j);
    for (arma::uword i = 0; i < n; ++i) sums(label[i], j) += xj[i];
  }
  for (arma::uword i = 0; i < n; ++i) ++members[label[i]];
  for (arma::uword c = 0; c < k; ++c)
    if (members[c] > 0) m.means.row(c) = sums.row(c) / double(members[c]);
  arma::cube scatter(d, d, k, arma::fill::zeros);
  std::vector<double> centred(d);
  for (arma::uword i = 0; i < n; ++i) {
    const arma::uword c = label[i];
    for (arma::uword j = 0; j < d; ++j) centred[j] = x(i, j) - m.means(c, j);
    for (arma::uword a = 0; a < d; ++a)
      for (arma::uword b = 0; b <= a; ++b) scatter(a, b, c) += centred[a] * centred[b];
  }
  for (arma::uword c = 0; c < k; ++c) {
    m.priors[c] = double(members[c]) / double(n);
    arma::mat s = fallback;
    if (members[c] >= 2) {  // np.cov: 1/(n-1)
      for (arma::uword a = 0; a < d; ++a)
        for (arma::uword b = 0; b <= a; ++b) s(a, b) = s(b, a) = scatter(a, b, c) / double(members[c] - 1);
    }
    if (members[c] >= 2) s.diag() += reg_covar;
    // A cluster of identical pixels has a zero covariance, which no Gaussian can have.
    if (!arma::chol(l, s, "lower")) s = fallback;
    m.covs.slice(c) = s;
  }
  return m;
}

}  // namespace gmmlab
