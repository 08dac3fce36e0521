#include "child.hpp"

#include <fmt/format.h>
#include <omp.h>

#include <chrono>
#include <opencv2/core.hpp>
#include <opencv2/ml.hpp>

#include "gmmlab/em.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/reference.hpp"
#include "problem.hpp"

namespace gmmlab::bench {

namespace {

double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

struct Timed {
  std::vector<double> seconds;           // one per repeat of `iterations` updates
  std::vector<double> baseline_seconds;  // OpenCV only: one per repeat of its set-up and first E-step
  Mixture final;
};

Timed run_reference(const ChildOptions& o) {
  const arma::mat x = read_pixels(o.data, Layout::pixels_by_channel);
  const Mixture initial = read_initial(o.data);
  set_reference_threads(o.threads);
  const ReferenceSteps steps;
  // No tolerance (a fixed number of iterations) and no ridge: the peers get neither.
  const EmOptions options{.max_iterations = o.iterations, .tolerance = 0, .relative_tolerance = false, .reg_covar = 0};
  Timed t;
  for (int r = 0; r < o.repeats; ++r) {
    const double start = now();
    EmOutcome outcome = run_em(steps, x, initial, options);
    t.seconds.push_back(now() - start);
    if (outcome.iterations != o.iterations)
      throw Error(fmt::format("the reference stopped after {} of {} iterations: {}", outcome.iterations, o.iterations,
                              outcome.message));
    t.final = std::move(outcome.mixture);
  }
  return t;
}

Timed run_armadillo(const ChildOptions& o) {
  const arma::mat x = read_pixels(o.data, Layout::channel_by_pixels);
  const Mixture initial = read_initial(o.data);
  omp_set_num_threads(o.threads);
  const arma::mat means = initial.means.t();
  const arma::rowvec hefts = initial.priors.t();
  arma::gmm_full model;
  Timed t;
  for (int r = 0; r < o.repeats; ++r) {
    model.set_params(means, initial.covs, hefts);
    const double start = now();
    // keep_existing and 0 k-means iterations: EM starts from exactly the given mixture. A
    // variance floor of 0 becomes the smallest double inside, i.e. no floor.
    const bool ok = model.learn(x, initial.components(), arma::eucl_dist, arma::keep_existing, 0, arma::uword(o.iterations),
                                0.0, false);
    t.seconds.push_back(now() - start);
    if (!ok) throw Error("Armadillo's gmm_full::learn failed");
  }
  t.final.means = model.means.t();
  t.final.covs = model.fcovs;
  t.final.priors = model.hefts.t();
  return t;
}

Timed run_opencv(const ChildOptions& o) {
  // d x N column-major is N x d row-major: OpenCV's samples without a second copy.
  arma::mat x = read_pixels(o.data, Layout::channel_by_pixels);
  const Mixture initial = read_initial(o.data);
  cv::setNumThreads(o.threads);
  const int k = int(initial.components()), d = int(initial.dims());
  const cv::Mat samples(int(x.n_cols), d, CV_64F, x.memptr());
  cv::Mat means0(k, d, CV_64F), weights0(1, k, CV_64F);
  std::vector<cv::Mat> covs0;
  for (int c = 0; c < k; ++c) {
    for (int a = 0; a < d; ++a) means0.at<double>(c, a) = initial.means(arma::uword(c), arma::uword(a));
    weights0.at<double>(0, c) = initial.priors[arma::uword(c)];
    cv::Mat s(d, d, CV_64F);
    for (int a = 0; a < d; ++a)
      for (int b = 0; b < d; ++b) s.at<double>(a, b) = initial.covs(arma::uword(a), arma::uword(b), arma::uword(c));
    covs0.push_back(s);
  }
  // TermCriteria(COUNT, M) runs M E-steps and M - 1 M-steps (its loop stops after the E-step),
  // so M = iterations + 1 makes `iterations` updates; a run with M = 1 (set-up and one E-step)
  // is timed too and subtracted, leaving the cost of the updates alone.
  auto train = [&](int updates) {
    cv::Ptr<cv::ml::EM> em = cv::ml::EM::create();
    em->setClustersNumber(k);
    em->setCovarianceMatrixType(cv::ml::EM::COV_MAT_GENERIC);
    em->setTermCriteria(cv::TermCriteria(cv::TermCriteria::COUNT, updates + 1, 0));
    if (!em->trainE(samples, means0, covs0, weights0)) throw Error("OpenCV's EM::trainE failed");
    return em;
  };
  Timed t;
  for (int r = 0; r < o.repeats; ++r) {
    double start = now();
    (void)train(0);
    t.baseline_seconds.push_back(now() - start);
    start = now();
    const cv::Ptr<cv::ml::EM> em = train(o.iterations);
    t.seconds.push_back(now() - start);
    if (r + 1 < o.repeats) continue;
    const cv::Mat means = em->getMeans(), weights = em->getWeights();
    std::vector<cv::Mat> covs;
    em->getCovs(covs);
    t.final.means.set_size(arma::uword(k), arma::uword(d));
    t.final.covs.set_size(arma::uword(d), arma::uword(d), arma::uword(k));
    t.final.priors.set_size(arma::uword(k));
    for (int c = 0; c < k; ++c) {
      for (int a = 0; a < d; ++a) t.final.means(arma::uword(c), arma::uword(a)) = means.at<double>(c, a);
      t.final.priors[arma::uword(c)] = weights.at<double>(0, c);
      for (int a = 0; a < d; ++a)
        for (int b = 0; b < d; ++b)
          t.final.covs(arma::uword(a), arma::uword(b), arma::uword(c)) = covs[std::size_t(c)].at<double>(a, b);
    }
  }
  return t;
}

std::string numbers(const std::vector<double>& v) {
  std::string s;
  for (double x : v) s += fmt::format(" {:.9g}", x);
  return s;
}

}  // namespace

int run_child(const ChildOptions& o) {
  Timed t;
  if (o.impl == "reference") t = run_reference(o);
  else if (o.impl == "armadillo") t = run_armadillo(o);
  else if (o.impl == "opencv") t = run_opencv(o);
  else throw Error(fmt::format("unknown implementation '{}'", o.impl));
  // Read before anything else allocates: this is the peak of loading the data and fitting.
  const long peak = peak_rss_kib();
  fmt::print("seconds{}\n", numbers(t.seconds));
  if (!t.baseline_seconds.empty()) fmt::print("baseline_seconds{}\n", numbers(t.baseline_seconds));
  fmt::print("peak_kib {}\n", peak);
  fmt::print("mixture{}\n", mixture_to_line(t.final));
  return 0;
}

}  // namespace gmmlab::bench
