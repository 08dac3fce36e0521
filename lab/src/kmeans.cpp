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
  std::vector<arma::mat> block_sums(blocks);
  std::vector<arma::uvec> block_counts(blocks);
  std::vector<char> block_changed(blocks, 0);
#pragma omp parallel for schedule(static)
  for (arma::uword b = 0; b < blocks; ++b) {
    arma::mat sums(k, d, arma::fill::zeros);
    arma::uvec counts(k, arma::fill::zeros);
    const arma::uword end = std::min(n, (b + 1) * block);
    for (arma::uword i = b * block; i < end; ++i) {
      arma::uword best = 0;
      double best_distance = std::numeric_limits<double>::infinity();
      for (arma::uword c = 0; c < k; ++c) {
        double distance = 0;
        for (arma::uword j = 0; j < d; ++j) {
          const double diff = x(i, j) - centres(c, j);
          distance += diff * diff;
        }
        if (distance < best_distance) best_distance = distance, best = c;
      }
      a.labels[i] = best;
      if (previous && (*previous)[i] != best) block_changed[b] = 1;
      ++counts[best];
      for (arma::uword j = 0; j < d; ++j) sums(best, j) += x(i, j);
    }
    block_sums[b] = std::move(sums);
    block_counts[b] = std::move(counts);
  }
  a.sums.zeros(k, d);
  a.counts.zeros(k);
  for (arma::uword b = 0; b < blocks; ++b) {
    a.sums += block_sums[b];
    a.counts += block_counts[b];
    a.changed = a.changed || block_changed[b];
  }
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

Mixture mixture_from_clusters(const arma::mat& x, const KMeansResult& clusters) {
  const arma::uword k = clusters.centres.n_rows, d = x.n_cols, n = x.n_rows;
  Mixture m;
  m.means = clusters.centres;
  m.covs.set_size(d, d, k);
  m.priors.set_size(k);
  // The covariance of all the pixels, for clusters that have none of their own; identity if
  // even that is degenerate (a constant image).
  arma::mat fallback = n > 1 ? arma::mat(arma::cov(x)) : arma::eye(d, d);
  arma::mat l;
  if (!arma::chol(l, fallback)) fallback = arma::eye(d, d);
  for (arma::uword c = 0; c < k; ++c) {
    const arma::uvec members = arma::find(clusters.labels == c);
    m.priors[c] = double(members.n_elem) / double(n);
    if (members.n_elem > 0) m.means.row(c) = arma::mean(x.rows(members), 0);
    arma::mat s = members.n_elem >= 2 ? arma::mat(arma::cov(x.rows(members))) : fallback;  // np.cov: 1/(n-1)
    // A cluster of identical pixels has a zero covariance, which no Gaussian can have.
    if (!arma::chol(l, s)) s = fallback;
    m.covs.slice(c) = s;
  }
  return m;
}

}  // namespace gmmlab
