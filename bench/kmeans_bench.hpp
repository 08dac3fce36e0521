#pragma once
// `gmmlab-bench kmeans`: the lab's k-means initialisation (Lloyd on a sample, then a few full
// passes) against Lloyd on every pixel (what it did before), scikit-learn's KMeans and OpenCV's
// cv::kmeans, on the bundled photos and coffee.png resized: time, inertia, the time in
// reference EM iterations, and the log-likelihood EM reaches from each init in 20 iterations.
#include <filesystem>
#include <string>
#include <vector>

#include <armadillo>

namespace gmmlab::bench {

struct KMeansBenchOptions {
  std::vector<double> sizes{0.25, 1, 4, 12};
  std::vector<arma::uword> ks{3, 5};
  int threads = 2;
  std::string python = "/usr/bin/python3";
  std::filesystem::path output;
};

int run_kmeans_bench(const KMeansBenchOptions& options);

}  // namespace gmmlab::bench
