#pragma once
// What the tracer's test suites share: a small photo, a small problem on it, and a plain
// textbook implementation of the lab's formulas (with switches for planted mistakes).
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include "gmmlab/gaussian.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/steps.hpp"
#include "gmmlab/testing/support.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab::testing {

// The sample photo shrunk to 60 x 40, so that every test runs in well under a second.
inline std::filesystem::path small_photo(const TempDir& dir, const std::string& name = "small.png", bool flip = false) {
  cv::Mat photo = cv::imread(sample_photo().string(), cv::IMREAD_COLOR), small;
  cv::resize(photo, small, cv::Size(60, 40), 0, 0, cv::INTER_AREA);
  if (flip) cv::flip(small, small, 1);
  const std::filesystem::path path = dir / name;
  cv::imwrite(path.string(), small);
  return path;
}

// The lab's formulas written the plainest way. `mistake` plants a known error.
class TextbookSteps : public Steps {
 public:
  enum class Mistake { none, covariance_over_n, prior_unnormalised };
  explicit TextbookSteps(Mistake mistake = Mistake::none) : mistake_(mistake) {}
  std::string_view name() const override { return mistake_ == Mistake::none ? "textbook" : "planted"; }

  arma::mat zscore(const arma::mat& raw) const override {
    arma::mat z = raw;
    for (arma::uword c = 0; c < raw.n_cols; ++c) {
      const double mean = arma::mean(raw.col(c)), sd = std::sqrt(arma::mean(arma::square(raw.col(c) - mean)));
      z.col(c) = sd > 0 ? arma::vec((raw.col(c) - mean) / sd) : arma::vec(raw.n_rows, arma::fill::zeros);
    }
    return z;
  }
  Posterior e_step(const arma::mat& x, const Mixture& m) const override {
    const arma::mat a = weighted_log_densities(x, m);
    const arma::vec top = arma::max(a, 1);
    const arma::vec lse = top + arma::log(arma::sum(arma::exp(a.each_col() - top), 1));
    return {arma::exp(a.each_col() - lse), arma::accu(lse)};
  }
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override {
    const arma::uword k = gamma.n_cols, d = x.n_cols;
    const arma::rowvec nk = arma::sum(gamma, 0);
    Mixture m;
    m.means = arma::mat(gamma.t() * x).each_col() / nk.t();
    m.covs.set_size(d, d, k);
    for (arma::uword c = 0; c < k; ++c) {
      const arma::mat centred = x.each_row() - m.means.row(c);
      const double norm = mistake_ == Mistake::covariance_over_n ? double(x.n_rows) : nk[c];
      m.covs.slice(c) = (centred.each_col() % gamma.col(c)).t() * centred / norm;
    }
    m.priors = mistake_ == Mistake::prior_unnormalised ? arma::vec(nk.t() / (double(x.n_rows) - 1))
                                                        : arma::vec(nk.t() / double(x.n_rows));
    return m;
  }

 private:
  Mistake mistake_;
};

struct SmallProblem {
  arma::mat x;
  Mixture initial;
  TraceInput input;
  TraceSettings settings;
};

inline SmallProblem small_problem(const std::filesystem::path& photo, arma::uword k = 3, int iterations = 15) {
  SmallProblem p;
  const Image image = load_image(photo, int(k));
  p.x = TextbookSteps().zscore(image.pixels);
  p.initial = kmeans_init(p.x, k, {.seed = 7});
  p.input = {photo.string(), content_hash(photo), image.height, image.width, image.channels};
  p.settings.k = k;
  p.settings.seed = 7;
  p.settings.em.max_iterations = iterations;
  return p;
}

inline Trace record(const Steps& steps, const SmallProblem& p) {
  return record_trace(steps, p.x, p.initial, p.input, p.settings);
}

}  // namespace gmmlab::testing
