// Exercise 3, M-step: student/m_step.cpp, means(), covariances() and priors(), each its own
// check. The student's M-step is fed the reference's responsibilities. The covariances are
// compared about the student's own means (the M-step passes them in), so a wrong mean is
// charged once, in the means' check.
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

std::optional<Mixture> student_m_step(const MInput& in) {
  return call_student(in.name, [&] { return student().m_step(in.x, in.gamma); });
}

void expect_means(const MInput& in, double tol) {
  const auto m = student_m_step(in);
  if (!m) return;
  expect_equal(in.name, "mu", m->means, reference().m_step(in.x, in.gamma).means, tol,
               [&] { return mistakes::recognise_means(in.x, in.gamma, m->means); });
}

void expect_covariances(const MInput& in, double tol) {
  const auto m = student_m_step(in);
  if (!m) return;
  if (arma::size(m->means) != arma::size(in.gamma.n_cols, in.x.n_cols))
    return fail_case(in.name + ": the means are not K x d, so the covariances cannot be checked about them");
  const arma::cube expected = mistakes::covariances_about(in.x, in.gamma, m->means);
  expect_equal(in.name, "Sigma", m->covs, expected, tol, [&] {
    return mistakes::recognise_covariances(in.x, in.gamma, m->means, in.old_means, m->covs);
  });
}

void expect_priors(const MInput& in, double tol) {
  const auto m = student_m_step(in);
  if (!m) return;
  expect_equal(in.name, "pi", arma::mat(m->priors), arma::mat(reference().m_step(in.x, in.gamma).priors), tol,
               [&] { return mistakes::recognise_priors(in.gamma, m->priors); });
}

TEST(MStepMeans, MatchesReference) {
  for (const MInput& in : {photo_input(), synthetic_input()}) expect_means(in, tolerance());
}

TEST(MStepCovariances, Symmetric) {
  for (const MInput& in : {photo_input(), synthetic_input()}) {
    const auto m = student_m_step(in);
    if (!m) continue;
    if (m->covs.n_slices != in.gamma.n_cols || m->covs.n_rows != in.x.n_cols || m->covs.n_cols != in.x.n_cols) {
      fail_case(fmt::format("{}: Sigma is {} x {} x {}, expected d x d x K = {} x {} x {}", in.name, m->covs.n_rows,
                            m->covs.n_cols, m->covs.n_slices, in.x.n_cols, in.x.n_cols, in.gamma.n_cols));
      continue;
    }
    std::optional<std::string> bad;
    for (arma::uword k = 0; k < m->covs.n_slices && !bad; ++k) {
      const arma::mat& s = m->covs.slice(k);
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
    const auto m = student_m_step(in);
    if (!m) continue;
    const double sum = arma::accu(m->priors);
    if (std::abs(sum - 1) <= tolerance())
      pass_case(fmt::format("{}: the priors sum to {:.17g}", in.name, sum));
    else
      fail_case(fmt::format("{}: the priors sum to {:.17g}, expected 1 (tolerance {:g})", in.name, sum, tolerance()),
                mistakes::recognise_priors(in.gamma, m->priors));
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
