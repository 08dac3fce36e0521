#pragma once
// The lab's initialisation: k-means clusters, then each cluster's mean, unbiased covariance
// (as numpy's np.cov) and share of the pixels become the initial mixture.
#include <cstdint>

#include "gmmlab/mixture.hpp"

namespace gmmlab {

struct KMeansOptions {
  std::uint64_t seed = 0;
  int max_iterations = 100;            // Lloyd iterations on the sample (all pixels if no larger)
  arma::uword seeding_sample = 20000;  // k-means++ picks centres from this many pixels
  arma::uword lloyd_sample = 262144;   // larger images: Lloyd runs on this many evenly spread pixels,
  int full_iterations = 3;             // then at most this many iterations over all of them
  // Added to the diagonal of each initial covariance, as EM's M-step adds it (EmOptions::
  // reg_covar): with it a photo whose channels are equal (grey stored as colour) or otherwise
  // collinear still gets covariances EM can start from.
  double reg_covar = 0;
};

struct KMeansResult {
  arma::mat centres;    // K x d
  arma::uvec labels;    // N, cluster of each pixel
  int iterations = 0;   // Lloyd iterations run (on the sample, for a large image)
  int full_iterations = 0;  // then over all the pixels (0 when the image was no larger than the sample)
};

// Deterministic: the same data, K and seed give the same result on every run and thread
// count. When there are fewer distinct colours than K, some clusters stay empty.
KMeansResult kmeans(const arma::mat& x, arma::uword k, const KMeansOptions& options);

// A cluster with fewer than two pixels has no sample covariance (np.cov would give NaN):
// it gets the covariance of all the data instead, and an empty cluster keeps its centre
// with prior 0. `reg_covar` is added to every covariance's diagonal. The result passes
// validate_mixture unless the channels are collinear and reg_covar is 0.
Mixture mixture_from_clusters(const arma::mat& x, const KMeansResult& clusters, double reg_covar = 0);

inline Mixture kmeans_init(const arma::mat& x, arma::uword k, const KMeansOptions& options) {
  return mixture_from_clusters(x, kmeans(x, k, options), options.reg_covar);
}

}  // namespace gmmlab
