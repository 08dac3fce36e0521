// Exercise 3, M-step: student/m_step.cpp, means(), covariances() and priors(), each its own
// check and each called on its own (Steps::means_of and the others), so one that hangs or throws
// costs only its own checks. They are fed the reference's responsibilities, and covariances()
// the reference's new means, so a wrong mean is charged once, in the means' check.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gmmlab/grader/check.hpp"
#include "gmmlab/grader/data.hpp"

namespace gmmlab::grader {
namespace {

struct MInput {
  std::string name;
  arma::mat x, gamma;
  arma::mat old_means;  // of the mixture that gave gamma
};

MInput photo_input() {
  const auto& p = data::photo_problem();
  return {"chelsea photo, gamma of the k-means start (K = 3)", p.x, reference().e_step(p.x, p.initial).gamma,
          p.initial.means};
}
MInput synthetic_input() {
  const Mixture truth = data::random_mixture(3, 3, 51);
  Mixture guess = data::random_mixture(3, 3, 53);  // another mixture's gamma: the M-step has to move
  const arma::mat x = data::sample(truth, 500, 52);
  return {"500 synthetic pixels, K = 3", x, reference().e_step(x, guess).gamma, guess.means};
}
MInput tiny_component_input() {
  MInput in = photo_input();
  in.name = "chelsea photo, component 3's responsibilities scaled down to about 1e-6 of its pixels";
  in.gamma.col(2) *= 1e-6;
  in.gamma.each_col() /= arma::sum(in.gamma, 1);
  return in;
}

std::optional<arma::mat> student_means(const MInput& in) {
  return call_student(in.name, [&] { return student().means_of(in.x, in.gamma); });
}

// The student's covariances() is given the reference's new means, as the handout says: a wrong
// mean is charged once, in the means' checks, and never hides a right covariance formula.
std::optional<arma::cube> student_covariances(const MInput& in, const arma::mat& means) {
  return call_student(in.name, [&] { return student().covariances_of(in.x, in.gamma, means); });
}

std::optional<arma::vec> student_priors(const MInput& in) {
  return call_student(in.name, [&] { return student().priors_of(in.x, in.gamma); });
}

void expect_means(const MInput& in, double tol) {
  const auto means = student_means(in);
  if (!means) return;
  expect_equal(in.name, "mu", *means, reference().m_step(in.x, in.gamma).means, tol,
               [&] { return mistakes::recognise_means(in.x, in.gamma, *means); });
}

void expect_covariances(const MInput& in, double tol) {
  const Mixture want = reference().m_step(in.x, in.gamma);
  const auto covs = student_covariances(in, want.means);
  if (!covs) return;
  expect_equal(in.name, "Sigma", *covs, mistakes::covariances_about(in.x, in.gamma, want.means), tol, [&] {
    return mistakes::recognise_covariances(in.x, in.gamma, want.means, in.old_means, *covs);
  });
}

void expect_priors(const MInput& in, double tol) {
  const auto priors = student_priors(in);
  if (!priors) return;
  expect_equal(in.name, "pi", arma::mat(*priors), arma::mat(reference().m_step(in.x, in.gamma).priors), tol,
               [&] { return mistakes::recognise_priors(in.gamma, *priors); });
}

TEST(MStepMeans, MatchesReference) {
  for (const MInput& in : {photo_input(), synthetic_input()}) expect_means(in, tolerance());
}

TEST(MStepCovariances, Symmetric) {
  for (const MInput& in : {photo_input(), synthetic_input()}) {
    const auto student_covs = student_covariances(in, reference().m_step(in.x, in.gamma).means);
    if (!student_covs) continue;
    const arma::cube& covs = *student_covs;
    if (covs.n_slices != in.gamma.n_cols || covs.n_rows != in.x.n_cols || covs.n_cols != in.x.n_cols) {
      fail_case(fmt::format("{}: Sigma is {} x {} x {}, expected d x d x K = {} x {} x {}", in.name, covs.n_rows,
                            covs.n_cols, covs.n_slices, in.x.n_cols, in.x.n_cols, in.gamma.n_cols));
      continue;
    }
    std::optional<std::string> bad;
    for (arma::uword k = 0; k < covs.n_slices && !bad; ++k) {
      const arma::mat& s = covs.slice(k);
      const double tol = tolerance() * std::max(1.0, arma::abs(s).max());
      if (auto d = first_difference(fmt::format("Sigma_{}^T", k + 1), arma::mat(s.t()), s, tol))
        bad = *d + " (Sigma_k must equal its transpose)";
    }
    if (bad)
      fail_case(in.name + ": " + *bad);
    else
      pass_case(in.name + ": every Sigma_k is symmetric");
  }
}

TEST(MStepCovariances, MatchesReference) {
  for (const MInput& in : {photo_input(), synthetic_input()}) expect_covariances(in, tolerance());
}

TEST(MStepPriors, SumToOne) {
  for (const MInput& in : {photo_input(), synthetic_input()}) {
    const auto priors = student_priors(in);
    if (!priors) continue;
    const double sum = arma::accu(*priors);
    if (std::abs(sum - 1) <= tolerance())
      pass_case(fmt::format("{}: the priors sum to {:.17g}", in.name, sum));
    else
      fail_case(fmt::format("{}: the priors sum to {:.17g}, expected 1 (tolerance {:g})", in.name, sum, tolerance()),
                mistakes::recognise_priors(in.gamma, *priors));
  }
}

TEST(MStepPriors, MatchesReference) {
  for (const MInput& in : {photo_input(), synthetic_input()}) expect_priors(in, tolerance());
}

TEST(MStep, TinyComponent) {
  const MInput in = tiny_component_input();
  expect_means(in, tolerance());
  expect_covariances(in, tolerance());
  expect_priors(in, tolerance());
}

}  // namespace
}  // namespace gmmlab::grader
