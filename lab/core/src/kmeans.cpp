#include "gmmlab/kmeans.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <random>
#include <vector>

#include "kmeans_assign.hpp"
#include "gmmlab/worker_pool.hpp"

namespace gmmlab {

namespace {

// A uniform double in [0, 1) from the generator's bits: std::uniform_real_distribution is not
// specified bit-for-bit, and the same seed must give the same init everywhere.
double uniform(std::mt19937_64& rng) { return double(rng() >> 11) * 0x1.0p-53; }

// Nearest centre of every pixel. Pixels are split into fixed chunks whose partial sums are
// added in chunk order, so the result does not depend on the number of threads.
struct Assignment {
  arma::mat sums;     // K x d
  arma::uvec counts;  // K
  bool changed = false;
};

using kmeans_kernels::kChunk;

// Assigns every pixel to its nearest centre, in place in `labels` (N, the previous assignment:
// one label vector rather than two, 96 MB at 12 MP), and sums the clusters.
Assignment assign(const arma::mat& x, const arma::mat& centres, arma::uvec& labels) {
  const arma::uword n = x.n_rows, d = x.n_cols, k = centres.n_rows;
  const arma::uword chunks = (n + kChunk - 1) / kChunk;
  Assignment a;
  // Per chunk: k x d sums, then k counts (as doubles: exact below 2^53).
  const arma::uword width = k * d + k;
  std::vector<double> partial(chunks * width, 0.0);
  std::vector<char> chunk_changed(chunks, 0);
  std::vector<double> flat(k * d);  // centre c's coordinates contiguous
  for (arma::uword c = 0; c < k; ++c)
    for (arma::uword j = 0; j < d; ++j) flat[c * d + j] = centres(c, j);
  std::vector<std::vector<double>> scratch(static_cast<std::size_t>(thread_count()));
  parallel_chunks(chunks, [&](std::size_t ch, int thread) {
    std::vector<double>& s = scratch[std::size_t(thread)];
    if (s.empty()) s.resize((d + 1) * kChunk);
    const arma::uword first = ch * kChunk, m = std::min(n, first + kChunk) - first;
    chunk_changed[ch] = kmeans_kernels::assign_chunk(x, flat, k, first, m, labels.memptr() + first, s.data(), &partial[ch * width]);
  });
  a.sums.zeros(k, d);
  a.counts.zeros(k);
  std::vector<double> counts(k, 0.0);
  for (arma::uword ch = 0; ch < chunks; ++ch) {
    const double* in = &partial[ch * width];
    for (arma::uword c = 0; c < k; ++c) {
      for (arma::uword j = 0; j < d; ++j) a.sums(c, j) += in[c * d + j];
      counts[c] += in[k * d + c];
    }
    a.changed = a.changed || chunk_changed[ch];
  }
  for (arma::uword c = 0; c < k; ++c) a.counts[c] = arma::uword(counts[c]);
  return a;
}

// Lloyd's iterations from `centres` until no label changes, the centres move less than
// `tolerance`, or `max_iterations` updates. Returns the number of updates; leaves the last
// assignment in `labels`.
int lloyd(const arma::mat& x, arma::mat& centres, int max_iterations, double tolerance, arma::uvec& labels) {
  const arma::uword k = centres.n_rows;
  labels.zeros(x.n_rows);  // the first assignment's changes are not looked at
  Assignment a = assign(x, centres, labels);
  int iterations = 0;
  while (iterations < max_iterations) {
    ++iterations;
    arma::mat moved = centres;
    for (arma::uword c = 0; c < k; ++c)
      if (a.counts[c] > 0) moved.row(c) = a.sums.row(c) / double(a.counts[c]);  // an empty cluster stays put
    const double shift = arma::accu(arma::square(moved - centres));
    centres = std::move(moved);
    Assignment next = assign(x, centres, labels);
    const bool stable = !next.changed || shift <= tolerance;
    a = std::move(next);
    if (stable) break;
  }
  return iterations;
}

// Every `stride`-th row from a random offset: rows spread evenly over the image.
arma::uvec spread_rows(arma::uword n, arma::uword m, std::mt19937_64& rng) {
  arma::uvec rows(m);
  const double stride = double(n) / double(m);
  const double offset = uniform(rng) * stride;
  for (arma::uword i = 0; i < m; ++i) rows[i] = std::min(n - 1, arma::uword(offset + stride * double(i)));
  return rows;
}

// k-means++ seeding (Arthur and Vassilvitskii) on an evenly spaced sample of the pixels.
arma::mat seed_centres(const arma::mat& x, arma::uword k, const KMeansOptions& options, std::mt19937_64& rng) {
  const arma::uword n = x.n_rows;
  const arma::uword m = std::min(n, options.seeding_sample);
  const arma::mat sample = x.rows(spread_rows(n, m, rng));

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
  // Most of Lloyd's iterations run on an evenly spread sample of the pixels: at 12 MP the
  // clusters a sample of a quarter of a million pixels finds differ from the full image's by
  // less than the few full passes that follow move them. An image no larger than the sample
  // is clustered whole, as before.
  const arma::uword n = x.n_rows;
  const bool sampled = n > options.lloyd_sample;
  const arma::mat sample = sampled ? arma::mat(x.rows(spread_rows(n, options.lloyd_sample, rng))) : arma::mat();
  const arma::mat& lloyd_data = sampled ? sample : x;
  // Stop when the centres move less than sklearn's default tolerance: 1e-4 of the mean
  // per-channel variance, summed over all centres.
  const double tolerance = 1e-4 * arma::mean(arma::var(lloyd_data, 1, 0));
  r.iterations = lloyd(lloyd_data, r.centres, options.max_iterations, tolerance, r.labels);
  if (sampled) r.full_iterations = lloyd(x, r.centres, options.full_iterations, tolerance, r.labels);
  return r;
}

Mixture mixture_from_clusters(const arma::mat& x, const KMeansResult& clusters, double reg_covar) {
  const arma::uword k = clusters.centres.n_rows, d = x.n_cols, n = x.n_rows;
  Mixture m;
  m.means = clusters.centres;
  m.covs.set_size(d, d, k);
  m.priors.set_size(k);
  // One pass, in parallel over fixed chunks added in chunk order: per cluster its count, the
  // sum of (x - c) and the lower triangle of the sum of (x - c)(x - c)^T around its k-means
  // centre c. The centre is the cluster's mean up to k-means' last move, so the scatter around
  // the mean (np.cov's second pass) follows without cancellation, and no cluster's rows are
  // copied out (at 12 MP that would hold another copy of most of the image).
  const arma::uword stats = 1 + d + d * (d + 1) / 2;
  const arma::uword width = k * stats;
  const arma::uword chunks = (n + kChunk - 1) / kChunk;
  std::vector<double> partial(chunks * width, 0.0);
  const arma::uword* label = clusters.labels.memptr();
  parallel_chunks(chunks, [&](std::size_t ch, int) {
    std::vector<double> centred(d);
    double* out = &partial[ch * width];
    for (arma::uword i = ch * kChunk; i < std::min(n, (ch + 1) * kChunk); ++i) {
      const arma::uword c = label[i];
      double* s = out + c * stats;
      for (arma::uword j = 0; j < d; ++j) centred[j] = x(i, j) - m.means(c, j);
      s[0] += 1;
      arma::uword slot = 1 + d;
      for (arma::uword a = 0; a < d; ++a) {
        s[1 + a] += centred[a];
        for (arma::uword b = 0; b <= a; ++b, ++slot) s[slot] += centred[a] * centred[b];
      }
    }
  });
  std::vector<double> total(width, 0.0);
  for (arma::uword ch = 0; ch < chunks; ++ch)
    for (arma::uword j = 0; j < width; ++j) total[j] += partial[ch * width + j];

  // The covariance of all the pixels, for clusters that have none of their own; identity if
  // even that is degenerate (a constant image). Computed only when a cluster needs it.
  std::optional<arma::mat> fallback;
  const auto all_pixels = [&]() -> const arma::mat& {
    if (!fallback) {
      fallback = n > 1 ? arma::mat(arma::cov(x)) : arma::mat(arma::eye(d, d));
      fallback->diag() += reg_covar;
      arma::mat l;
      // The lower triangle, as validate_mixture and EM read it: on a singular matrix the two
      // factorisations can disagree by rounding.
      if (!arma::chol(l, *fallback, "lower")) fallback = arma::mat(arma::eye(d, d));
    }
    return *fallback;
  };
  for (arma::uword c = 0; c < k; ++c) {
    const double* s = &total[c * stats];
    const double members = s[0];
    m.priors[c] = members / double(n);
    std::vector<double> shift(d, 0.0);
    if (members > 0)
      for (arma::uword a = 0; a < d; ++a) shift[a] = s[1 + a] / members, m.means(c, a) += shift[a];
    arma::mat cov;
    if (members >= 2) {  // np.cov: 1/(n-1)
      cov.set_size(d, d);
      arma::uword slot = 1 + d;
      for (arma::uword a = 0; a < d; ++a)
        for (arma::uword b = 0; b <= a; ++b, ++slot)
          cov(a, b) = cov(b, a) = (s[slot] - members * shift[a] * shift[b]) / (members - 1);
      cov.diag() += reg_covar;
      // A cluster of identical pixels has a zero covariance, which no Gaussian can have.
      arma::mat l;
      if (!arma::chol(l, cov, "lower")) cov = all_pixels();
    } else {
      cov = all_pixels();
    }
    m.covs.slice(c) = cov;
  }
  return m;
}

}  // namespace gmmlab
