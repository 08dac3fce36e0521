// The whole EM, in the lab's own driver, three ways: the student's E-step with the
// reference's M-step, the reference's E-step with the student's M-step, and both the
// student's. Each run starts from the reference's k-means start on the reference's Z-scores
// of a real photo and is compared with the reference's own run from the same start.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gmmlab/em.hpp"
#include "gmmlab/grader/check.hpp"
#include "gmmlab/grader/data.hpp"

namespace gmmlab::grader {
namespace {

constexpr int kIterations = 20;

// One implementation's E-step with another's M-step.
class MixedSteps final : public Steps {
 public:
  MixedSteps(const Steps& e, const Steps& m, std::string name) : e_(e), m_(m), name_(std::move(name)) {}
  std::string_view name() const override { return name_; }
  std::string_view e_step_name() const override { return e_.name(); }
  std::string_view m_step_name() const override { return m_.name(); }
  arma::mat zscore(const arma::mat& raw) const override { return e_.zscore(raw); }
  Posterior e_step(const arma::mat& x, const Mixture& m) const override { return e_.e_step(x, m); }
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override { return m_.m_step(x, gamma); }

 private:
  const Steps& e_;
  const Steps& m_;
  std::string name_;
};

EmOutcome run(const Steps& steps, double reg_covar) {
  const auto& p = data::photo_problem();
  EmOptions o;
  o.max_iterations = kIterations;
  o.tolerance = 0;  // every run does exactly kIterations iterations, so the runs line up
  o.reg_covar = reg_covar;
  return run_em(steps, p.x, p.initial, o);
}

arma::uvec labels(const Mixture& m) {
  return arma::index_max(reference().e_step(data::photo_problem().x, m).gamma, 1);
}

// A run that stopped before its iterations: the driver's sentence already says where ("EM
// stopped at iteration 1: ..."), so it is not prefixed a second time.
void fail_stopped_early(const std::string& name, const std::string& message) {
  fail_case(message.starts_with("EM stopped") ? fmt::format("{}: {}", name, message)
                                              : fmt::format("{}: EM stopped early: {}", name, message));
}

// Final log-likelihood within the tolerance (relative) of the reference's, and the same
// segmentation for all but 0.1% of the pixels.
void expect_like_reference(const Steps& steps) {
  const std::string name = fmt::format("EM on the chelsea photo, {} iterations from the k-means start, {}",
                                       kIterations, steps.name());
  const EmOutcome got = run(steps, 1e-6);
  if (!got.usable()) return fail_stopped_early(name, got.message);
  const EmOutcome want = run(reference(), 1e-6);
  const double ll = got.log_likelihood.back(), expected = want.log_likelihood.back();
  const double tol = tolerance() * std::abs(expected);
  if (!(std::abs(ll - expected) <= tol))
    return fail_case(fmt::format("{}: final log-likelihood expected {:.17g}, got {:.17g} (tolerance {:g})", name,
                                 expected, ll, tol));
  const arma::uvec a = labels(got.mixture), b = labels(want.mixture);
  const double differ = double(arma::accu(a != b)) / double(a.n_elem);
  if (differ > 1e-3)
    return fail_case(fmt::format("{}: the log-likelihood agrees but {:.2f}% of the pixels are painted another "
                                 "colour than by the reference (at most 0.1% allowed)",
                                 name, 100 * differ));
  pass_case(fmt::format("{}: final log-likelihood {:.12g} (reference {:.12g}); segmentation differs in {:.3f}% of "
                        "the pixels",
                        name, ll, expected, 100 * differ));
}

TEST(EM, StudentEStepReferenceMStep) {
  expect_like_reference(MixedSteps(student(), reference(), "your E-step with the reference M-step"));
}

TEST(EM, ReferenceEStepStudentMStep) {
  expect_like_reference(MixedSteps(reference(), student(), "the reference E-step with your M-step"));
}

TEST(EM, StudentBoth) { expect_like_reference(MixedSteps(student(), student(), "your E-step and M-step")); }

TEST(EM, NeverDecreases) {
  const std::string name = fmt::format("your EM on the chelsea photo with no covariance ridge, {} iterations",
                                       kIterations);
  const EmOutcome got = run(MixedSteps(student(), student(), "student"), 0.0);
  if (!got.usable()) return fail_stopped_early(name, got.message);
  const auto& ll = got.log_likelihood;
  for (std::size_t i = 1; i < ll.size(); ++i) {
    const double tol = tolerance() * std::abs(ll[i - 1]);
    if (ll[i] < ll[i - 1] - tol)
      return fail_case(fmt::format("{}: the log-likelihood fell from {:.17g} to {:.17g} at iteration {} (its E-step, "
                                   "on the mixture iteration {}'s M-step made; by {:.3g}, more than rounding's {:g}); "
                                   "EM never decreases it with the exact formulas, so one of your steps is not the "
                                   "maximum-likelihood update",
                                   name, ll[i - 1], ll[i], i + 1, i, ll[i - 1] - ll[i], tol));
  }
  pass_case(fmt::format("{}: the log-likelihood rose from {:.12g} to {:.12g} and never fell", name, ll.front(),
                        ll.back()));
}

}  // namespace
}  // namespace gmmlab::grader
