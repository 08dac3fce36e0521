#include "kmeans_bench.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <sstream>

#include "child.hpp"
#include "gmmlab/em.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/reference.hpp"
#include "problem.hpp"

namespace fs = std::filesystem;

namespace gmmlab::bench {

namespace {

template <class F>
double seconds_of(F&& f) {
  const auto t = std::chrono::steady_clock::now();
  f();
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

// The k-means objective of centres on x: each pixel's squared distance to its nearest centre.
double inertia(const arma::mat& x, const arma::mat& centres) {
  double total = 0;
  for (arma::uword i = 0; i < x.n_rows; ++i) {
    double best = INFINITY;
    for (arma::uword c = 0; c < centres.n_rows; ++c) {
      double d2 = 0;
      for (arma::uword j = 0; j < x.n_cols; ++j) d2 += (x(i, j) - centres(c, j)) * (x(i, j) - centres(c, j));
      best = std::min(best, d2);
    }
    total += best;
  }
  return total;
}

struct Init {
  double seconds = 0, inertia = 0, ll20 = 0;
  int iterations = 0, full = 0;
};

// k-means with these options, then 20 reference EM iterations from it (lab defaults otherwise).
Init lab_init(const arma::mat& x, arma::uword k, const KMeansOptions& options, double& em_seconds) {
  Init r;
  KMeansResult clusters;
  Mixture m;
  r.seconds = seconds_of([&] {
    clusters = kmeans(x, k, options);
    m = mixture_from_clusters(x, clusters);
  });
  r.iterations = clusters.iterations;
  r.full = clusters.full_iterations;
  r.inertia = inertia(x, clusters.centres);
  EmOptions em;
  em.max_iterations = 20;
  em.tolerance = 0;
  EmOutcome out;
  em_seconds = seconds_of([&] { out = run_em(ReferenceSteps(), x, m, em, nullptr); });
  r.ll20 = out.log_likelihood.empty() ? NAN : out.log_likelihood.back();
  return r;
}

}  // namespace

int run_kmeans_bench(const KMeansBenchOptions& o) {
  set_reference_threads(o.threads);
  cv::setNumThreads(o.threads);
  const fs::path data_dir(GMMLAB_BENCH_DATA_DIR);
  const fs::path work = fs::temp_directory_path() / fmt::format("gmmlab-kmeans-bench-{}", ::getpid());
  fs::create_directories(work);
  struct Photo {
    std::string name;
    cv::Mat image;
  };
  std::vector<Photo> photos;
  for (const char* name : {"chelsea.png", "coffee.png"})
    photos.push_back({name, cv::imread((data_dir / name).string(), cv::IMREAD_COLOR)});
  for (double mp : o.sizes) photos.push_back({fmt::format("coffee {} MP", mp), resized_photo(data_dir / "coffee.png", mp)});

  std::string text = fmt::format(
      "### k-means initialisation, {} threads\n\n"
      "new: Lloyd on 262 144 evenly spread pixels, then at most 3 passes over all (images no larger are clustered "
      "whole, as before); whole: Lloyd on every pixel, up to 100 iterations (the previous algorithm, with today's "
      "kernel). Inertia: sum over pixels of the squared distance to the nearest centre (Z-scored pixels). "
      "LL after 20: reference EM's log-likelihood after 20 iterations from that init. EM it.: the k-means time in "
      "reference EM iterations on the same data and threads.\n\n"
      "| photo | pixels | K | new s | EM it. | Lloyd it. (sample + full) | whole s | EM it. | new inertia / whole | "
      "LL after 20, new | LL after 20, whole | scikit-learn s | inertia / new | OpenCV s | inertia / new |\n"
      "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|\n",
      o.threads);
  fmt::print("{}", text);
  std::fflush(stdout);
  for (const Photo& photo : photos) {
    const arma::mat x = ReferenceSteps().zscore(pixels_of(photo.image));
    for (arma::uword k : o.ks) {
      double em_new = 0, em_whole = 0;
      const Init fresh = lab_init(x, k, {.seed = 0}, em_new);
      const Init whole = lab_init(x, k, {.seed = 0, .lloyd_sample = x.n_rows}, em_whole);
      const double per_iteration = std::min(em_new, em_whole) / 20;

      // scikit-learn, in its own process (it is Python), from the same pixels.
      std::string sk_seconds = "—", sk_ratio = "—";
      const fs::path data = work / "pixels.bin";
      write_problem(data, x, mixture_from_clusters(x, kmeans(x, k, {.seed = 0})));
      try {
        std::istringstream out(run_process({o.python, GMMLAB_BENCH_SKLEARN_KMEANS, data.string(), std::to_string(k),
                                            std::to_string(o.threads)}));
        std::string key;
        double seconds = 0, value = 0;
        if (out >> key && key == "seconds" && out >> seconds >> key >> value) {
          sk_seconds = fmt::format("{:.3f}", seconds);
          sk_ratio = fmt::format("{:.4f}", value / fresh.inertia);
        } else {
          sk_seconds = "not installed";
        }
      } catch (const std::exception& e) {
        sk_seconds = "failed";
      }
      fs::remove(data);

      // OpenCV: k-means++ centres, one attempt, the same cap and a comparable tolerance; it
      // needs 32-bit floats.
      cv::Mat samples(int(x.n_rows), int(x.n_cols), CV_32F);
      for (arma::uword i = 0; i < x.n_rows; ++i)
        for (arma::uword j = 0; j < x.n_cols; ++j) samples.at<float>(int(i), int(j)) = float(x(i, j));
      cv::Mat labels, centres;
      cv::setRNGSeed(0);
      const double cv_seconds = seconds_of([&] {
        cv::kmeans(samples, int(k), labels,
                   cv::TermCriteria(cv::TermCriteria::COUNT + cv::TermCriteria::EPS, 100, 1e-4), 1,
                   cv::KMEANS_PP_CENTERS, centres);
      });
      arma::mat cv_centres(k, x.n_cols);
      for (arma::uword c = 0; c < k; ++c)
        for (arma::uword j = 0; j < x.n_cols; ++j) cv_centres(c, j) = centres.at<float>(int(c), int(j));
      const double cv_inertia = inertia(x, cv_centres);

      const std::string row = fmt::format(
          "| {} | {} | {} | {:.3f} | {:.1f} | {} + {} | {:.3f} | {:.1f} | {:.5f} | {:.9e} | {:.9e} | {} | {} | {:.3f} | "
          "{:.4f} |\n",
          photo.name, x.n_rows, k, fresh.seconds, fresh.seconds / per_iteration, fresh.iterations, fresh.full,
          whole.seconds, whole.seconds / per_iteration, fresh.inertia / whole.inertia, fresh.ll20, whole.ll20,
          sk_seconds, sk_ratio, cv_seconds, cv_inertia / fresh.inertia);
      fmt::print("{}", row);
      std::fflush(stdout);
      text += row;
    }
  }
  fs::remove_all(work);
  if (!o.output.empty()) {
    std::ofstream out(o.output);
    out << text;
    if (!out) throw Error(fmt::format("cannot write '{}'", o.output.string()));
  }
  return 0;
}

}  // namespace gmmlab::bench
