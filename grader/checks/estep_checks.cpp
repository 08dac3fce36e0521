// Exercise 2, E-step: student/e_step.cpp, responsibilities() and log_likelihood(), each called
// on its own (Steps::gamma_of, log_likelihood_of), so one that hangs or throws costs only its
// own checks. They are fed the reference's inputs (Z-scored pixels, a mixture), so a wrong
// Z-score never costs E-step points. The known mistakes are recognised from the same
// a_nk = ln(pi_k N(x_n | mu_k, Sigma_k)) the student's code was given.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gmmlab/gaussian.hpp"
#include "gmmlab/grader/check.hpp"
#include "gmmlab/grader/data.hpp"

namespace gmmlab::grader {
namespace {

struct EInput {
  std::string name;
  arma::mat x;
  Mixture m;
};

EInput photo_input() {
  const auto& p = data::photo_problem();
  return {"chelsea photo, K = 3 from k-means", p.x, p.initial};
}
EInput synthetic_input() {
  const Mixture m = data::random_mixture(4, 3, 21);
  return {"400 synthetic pixels, K = 4", data::sample(m, 400, 22), m};
}
EInput far_input() {
  const Mixture m = data::random_mixture(3, 3, 31);
  return {"100 pixels near a K = 3 mixture and 50 about 60 standard deviations away",
          arma::join_cols(data::sample(m, 100, 32), data::far_pixels(m, 50, 60, 33)), m};
}
EInput zero_prior_input() {
  Mixture m = data::random_mixture(3, 3, 41);
  m.priors = {0.6, 0.0, 0.4};
  return {"a K = 3 mixture whose component 2 has prior 0", data::sample(m, 300, 42), m};
}

std::optional<arma::mat> student_gamma(const EInput& in) {
  return call_student(in.name, [&] { return student().gamma_of(in.x, in.m); });
}
std::optional<double> student_log_likelihood(const EInput& in) {
  return call_student(in.name, [&] { return student().log_likelihood_of(in.x, in.m); });
}

// gamma's rows must sum to 1 within the tolerance scaled by max(1, |c_n|), c_n = max_k a_nk:
// the shift c_n is subtracted from every a_nk, and that rounds at about eps |c_n|.
std::optional<std::string> bad_row_sum(const arma::mat& gamma, const arma::mat& a, double tol) {
  const arma::vec sums = arma::sum(gamma, 1), c = arma::max(a, 1);
  for (arma::uword n = 0; n < sums.n_elem; ++n) {
    const double t = tol * std::max(1.0, std::abs(c(n)));
    if (!(std::abs(sums(n) - 1) <= t))
      return fmt::format("row {} of gamma sums to {:.17g}, expected 1 (tolerance {:g})", n, sums(n), t);
  }
  return std::nullopt;
}

void expect_gamma_like_reference(const EInput& in, double tol) {
  const auto gamma = student_gamma(in);
  if (!gamma) return;
  const arma::mat a = weighted_log_densities(in.x, in.m);
  expect_equal(in.name, "gamma", *gamma, reference().e_step(in.x, in.m).gamma, tol,
               [&] { return mistakes::recognise_gamma(a, *gamma); });
}

void expect_log_likelihood_like_reference(const EInput& in, double rel_tol) {
  const auto got = student_log_likelihood(in);
  if (!got) return;
  const double expected = reference().e_step(in.x, in.m).log_likelihood;
  const double tol = rel_tol * std::abs(expected);
  if (std::isfinite(*got) && std::abs(*got - expected) <= tol)
    pass_case(fmt::format("{}: log-likelihood {:.17g} equals the reference within {:g}", in.name, *got, tol));
  else
    fail_case(fmt::format("{}: log-likelihood expected {:.17g}, got {:.17g} (tolerance {:g}, i.e. {:g} relative)",
                          in.name, expected, *got, tol, rel_tol),
              mistakes::recognise_log_likelihood(weighted_log_densities(in.x, in.m), *got));
}

TEST(EStepGamma, Shape) {
  for (const EInput& in : {photo_input(), synthetic_input()}) {
    const auto gamma = student_gamma(in);
    if (!gamma) continue;
    if (gamma->n_rows == in.x.n_rows && gamma->n_cols == in.m.components())
      pass_case(fmt::format("{}: gamma is {} x {} (N x K)", in.name, gamma->n_rows, gamma->n_cols));
    else
      fail_case(fmt::format("{}: gamma is {} x {}, expected N x K = {} x {}", in.name, gamma->n_rows,
                            gamma->n_cols, in.x.n_rows, in.m.components()),
                mistakes::recognise_gamma(weighted_log_densities(in.x, in.m), *gamma));
  }
}

TEST(EStepGamma, EntriesInZeroOne) {
  for (const EInput& in : {photo_input(), synthetic_input()}) {
    const auto gamma = student_gamma(in);
    if (!gamma) continue;
    const arma::mat& g = *gamma;
    const arma::uvec bad = arma::find_nonfinite(g);
    const arma::uvec out = arma::find(g < -tolerance() || g > 1 + tolerance());
    if (bad.empty() && out.empty()) {
      pass_case(in.name + ": every entry of gamma is in [0, 1]");
      continue;
    }
    const arma::uword at = bad.empty() ? out(0) : bad(0);
    fail_case(fmt::format("{}: gamma({}, {}) is {:.17g}, expected a number in [0, 1] (tolerance {:g})", in.name,
                          at % g.n_rows, at / g.n_rows, g(at), tolerance()),
              mistakes::recognise_gamma(weighted_log_densities(in.x, in.m), g));
  }
}

TEST(EStepGamma, RowsSumToOne) {
  for (const EInput& in : {photo_input(), synthetic_input()}) {
    const auto gamma = student_gamma(in);
    if (!gamma) continue;
    const arma::mat a = weighted_log_densities(in.x, in.m);
    if (gamma->n_rows != in.x.n_rows) {
      fail_case(in.name + ": gamma does not have one row per pixel (see the shape check)",
                mistakes::recognise_gamma(a, *gamma));
    } else if (auto bad = bad_row_sum(*gamma, a, tolerance())) {
      fail_case(in.name + ": " + *bad, mistakes::recognise_gamma(a, *gamma));
    } else {
      pass_case(in.name + ": every row of gamma sums to 1");
    }
  }
}

TEST(EStepGamma, MatchesReference) {
  for (const EInput& in : {photo_input(), synthetic_input()}) expect_gamma_like_reference(in, tolerance());
}

TEST(EStepGamma, FarPixelsStayFinite) {
  const EInput in = far_input();
  const auto gamma = student_gamma(in);
  if (!gamma) return;
  const arma::mat a = weighted_log_densities(in.x, in.m);
  if (auto bad = first_not_finite("gamma", *gamma))
    return fail_case(in.name + ": " + *bad, mistakes::recognise_gamma(a, *gamma));
  if (gamma->n_rows != in.x.n_rows)
    return fail_case(in.name + ": gamma does not have one row per pixel");
  if (auto bad = bad_row_sum(*gamma, a, tolerance()))
    return fail_case(in.name + ": " + *bad, mistakes::recognise_gamma(a, *gamma));
  // The same scaled tolerance as the row sums: the farthest pixel's |c_n| bounds the rounding.
  const double tol = tolerance() * std::max(1.0, arma::abs(arma::max(a, 1)).max());
  expect_equal(in.name, "gamma", *gamma, reference().e_step(in.x, in.m).gamma, tol,
               [&] { return mistakes::recognise_gamma(a, *gamma); });
}

TEST(EStepGamma, ZeroPriorComponent) {
  const EInput in = zero_prior_input();
  const auto gamma = student_gamma(in);
  if (!gamma) return;
  expect_equal(in.name, "gamma", *gamma, reference().e_step(in.x, in.m).gamma, tolerance(),
               [&] { return mistakes::recognise_gamma(weighted_log_densities(in.x, in.m), *gamma); });
}

TEST(EStepLogLikelihood, MatchesReference) {
  for (const EInput& in : {photo_input(), synthetic_input(), zero_prior_input()})
    expect_log_likelihood_like_reference(in, tolerance());
}

TEST(EStepLogLikelihood, FarPixelsStayFinite) { expect_log_likelihood_like_reference(far_input(), tolerance()); }

TEST(EStepLogLikelihood, SignAndScale) {
  for (const EInput& in : {photo_input(), synthetic_input()}) {
    const auto got = student_log_likelihood(in);
    if (!got) continue;
    const double expected = reference().e_step(in.x, in.m).log_likelihood;
    const double ratio = *got / expected;
    if (std::isfinite(*got) && ratio >= 1 / tolerance() && ratio <= tolerance())
      pass_case(fmt::format("{}: log-likelihood {:.6g} has the reference's sign and scale ({:.6g})", in.name, *got,
                            expected));
    else
      fail_case(fmt::format("{}: log-likelihood {:.6g} is not within a factor {:g} of the reference's {:.6g} (same "
                            "sign, a sum over all {} pixels)",
                            in.name, *got, tolerance(), expected, in.x.n_rows),
                mistakes::recognise_log_likelihood(weighted_log_densities(in.x, in.m), *got));
  }
}

}  // namespace
}  // namespace gmmlab::grader
