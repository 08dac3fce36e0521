#pragma once
// The inputs the checks feed: real photos and seeded synthetic pixels and mixtures. Every
// expected value is computed from them by the reference inside the grader; nothing is stored.
#include <cstdint>
#include <string>

#include "gmmlab/mixture.hpp"

namespace gmmlab::grader::data {

// Every `stride`-th pixel of a bundled photo (lab/data/NAME), raw 0..255 values, N x 3.
arma::mat photo_pixels(const std::string& name, arma::uword stride);

// A photo problem as the lab sets it up, all by the reference: raw pixels, their Z-scores,
// and the k-means start (seed 0). Cached: the checks share it.
struct PhotoProblem {
  arma::mat raw, x;
  Mixture initial;
};
const PhotoProblem& photo_problem();  // chelsea.png, every 4th pixel, K = 3

// Seeded synthetic inputs (std::mt19937_64, so the same seed gives the same numbers).
arma::mat uniform_pixels(arma::uword n, arma::uword d, double lo, double hi, std::uint64_t seed);
Mixture random_mixture(arma::uword k, arma::uword d, std::uint64_t seed);
arma::mat sample(const Mixture& m, arma::uword n, std::uint64_t seed);
// Pixels about `distance` standard deviations from every component: their a_nk are around
// -distance^2 / 2, far below exp's underflow at -745.
arma::mat far_pixels(const Mixture& m, arma::uword n, double distance, std::uint64_t seed);

}  // namespace gmmlab::grader::data
