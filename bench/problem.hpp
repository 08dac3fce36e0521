#pragma once
// What every implementation in the benchmark is given: the same Z-scored pixels and the same
// initial mixture, handed from the parent to each timed child process through one file (so
// that a child's peak memory is its own data plus its own working set, nothing of the
// parent's).
#include <armadillo>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

#include "gmmlab/mixture.hpp"

namespace gmmlab::bench {

// How a child wants the pixels laid out in memory: reading straight into its own layout
// keeps a second copy of the data out of its peak memory.
enum class Layout {
  pixels_by_channel,  // N x d column-major (the lab's arma::mat)
  channel_by_pixels,  // d x N column-major (Armadillo's gmm_full: one column per sample)
};

// File layout, little-endian: "GMMBENCH", u64 n, u64 d, u64 k; n*d doubles channel after
// channel; k*d means (row by row); k*d*d covariances (component by component); k priors.
// bench/sklearn_child.py reads the same layout.
void write_problem(const std::filesystem::path& path, const arma::mat& x, const Mixture& initial);
arma::mat read_pixels(const std::filesystem::path& path, Layout layout);
Mixture read_initial(const std::filesystem::path& path);

// The photo at `path` resized to about `megapixels` million pixels (INTER_AREA when
// shrinking, INTER_CUBIC when enlarging), and its pixels as the lab's raw N x 3 matrix (B, G, R).
cv::Mat resized_photo(const std::filesystem::path& path, double megapixels);
arma::mat pixels_of(const cv::Mat& photo);

// sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k), in long double and pixel blocks: the one yardstick
// every implementation's final mixture is measured with, whoever produced it.
double log_likelihood(const arma::mat& x, const Mixture& m);

// The mixture as text (one line of 17-digit numbers) and back: children print the mixture
// they finished with, the parent evaluates it.
std::string mixture_to_line(const Mixture& m);
Mixture mixture_from_tokens(const std::vector<double>& values, arma::uword k, arma::uword d);

// This process's peak resident memory (VmHWM), in KiB: per process, so a child's figure is
// its own and does not include the parent it was started from.
long peak_rss_kib();

}  // namespace gmmlab::bench
