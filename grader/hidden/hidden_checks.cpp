// Hidden checks: the same properties on pixels and mixtures drawn from subject().seed, which
// `gmmlab grade` derives from the submission's content (and prints, so any result can be
// replayed with --seed). A submission cannot know the inputs in advance, so it cannot hard-code
// the answers. The student package leaves this folder out.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gmmlab/gaussian.hpp"
#include "gmmlab/grader/check.hpp"
#include "gmmlab/grader/data.hpp"

namespace gmmlab::grader {
namespace {

// Independent streams for each input from the one seed.
std::uint64_t stream(std::uint64_t salt) { return subject().seed * 0x9E3779B97F4A7C15ULL + salt; }

TEST(HiddenZScore, RandomPixels) {
  const arma::uword n = 200 + subject().seed % 300;
  const double lo = double(subject().seed % 50), hi = lo + 20 + double(subject().seed % 200);
  const arma::mat raw = data::uniform_pixels(n, 3, lo, hi, stream(1));
  const std::string name = fmt::format("{} pixels drawn from seed {} in [{:g}, {:g})", n, subject().seed, lo, hi);
  const auto z = call_student(name, [&] { return student().zscore(raw); });
  if (!z) return;
  expect_equal(name, "z", *z, reference().zscore(raw), tolerance(), [&] { return mistakes::recognise_zscore(raw, *z); });
}

TEST(HiddenEStep, RandomMixture) {
  const arma::uword k = 2 + subject().seed % 4;
  const Mixture m = data::random_mixture(k, 3, stream(2));
  const arma::mat x = arma::join_cols(data::sample(m, 300, stream(3)), data::far_pixels(m, 10, 50, stream(4)));
  const std::string name = fmt::format("310 pixels and a K = {} mixture drawn from seed {}", k, subject().seed);
  const Posterior want = reference().e_step(x, m);
  const arma::mat a = weighted_log_densities(x, m);
  const double tol = tolerance() * std::max(1.0, arma::abs(arma::max(a, 1)).max());
  if (const auto gamma = call_student(name, [&] { return student().gamma_of(x, m); }))
    expect_equal(name, "gamma", *gamma, want.gamma, tol, [&] { return mistakes::recognise_gamma(a, *gamma); });
  const auto got = call_student(name, [&] { return student().log_likelihood_of(x, m); });
  if (!got) return;
  const double ll_tol = tolerance() * std::abs(want.log_likelihood);
  if (std::abs(*got - want.log_likelihood) <= ll_tol)
    pass_case(name + ": the log-likelihood equals the reference's");
  else
    fail_case(fmt::format("{}: log-likelihood expected {:.17g}, got {:.17g} (tolerance {:g})", name,
                          want.log_likelihood, *got, ll_tol),
              mistakes::recognise_log_likelihood(a, *got));
}

TEST(HiddenMStep, RandomResponsibilities) {
  const arma::uword k = 2 + subject().seed % 4;
  const Mixture truth = data::random_mixture(k, 3, stream(5));
  const arma::mat x = data::sample(truth, 400, stream(6));
  arma::mat gamma = data::uniform_pixels(400, k, 0.01, 1, stream(7));
  gamma.each_col() /= arma::sum(gamma, 1);
  const std::string name = fmt::format("400 pixels and random responsibilities (K = {}) drawn from seed {}", k,
                                       subject().seed);
  const Mixture want = reference().m_step(x, gamma);
  if (const auto means = call_student(name, [&] { return student().means_of(x, gamma); }))
    expect_equal(name, "mu", *means, want.means, tolerance(),
                 [&] { return mistakes::recognise_means(x, gamma, *means); });
  if (const auto covs = call_student(name, [&] { return student().covariances_of(x, gamma, want.means); }))
    expect_equal(name, "Sigma", *covs, mistakes::covariances_about(x, gamma, want.means), tolerance(),
                 [&] { return mistakes::recognise_covariances(x, gamma, want.means, truth.means, *covs); });
  if (const auto priors = call_student(name, [&] { return student().priors_of(x, gamma); }))
    expect_equal(name, "pi", arma::mat(*priors), arma::mat(want.priors), tolerance(),
                 [&] { return mistakes::recognise_priors(gamma, *priors); });
}

}  // namespace
}  // namespace gmmlab::grader
