#pragma once
// The contract of the Steps interface, written once (GoogleTest's sample 6 pattern) and
// instantiated for every implementation: the reference (reference/tests), the instructor's
// solution (instructor/tests) and the textbook implementation (testing/tests). The grader's
// checks build on the same properties.
//
// To run it on an implementation `Impl` (default-constructible, deriving from gmmlab::Steps):
//   using Types = ::testing::Types<Impl>;
//   INSTANTIATE_TYPED_TEST_SUITE_P(Impl, StepsContract, Types);
//
// Every property is checked against an independent yardstick: the lab's formulas computed
// pixel by pixel in long double (support.hpp), or log-sum-exp in long double for pixels whose
// densities underflow, never against another implementation.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "gmmlab/em.hpp"
#include "gmmlab/gaussian.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/steps.hpp"
#include "gmmlab/testing/support.hpp"

namespace gmmlab::testing::contract {

// max |a - b| relative to max(1, max |b|).
inline double max_relative(const arma::mat& a, const arma::mat& b) {
  return arma::abs(a - b).max() / std::max(1.0, arma::abs(b).max());
}

inline arma::mat to_mat(const std::vector<std::vector<long double>>& rows) {
  arma::mat m(rows.size(), rows.front().size());
  for (arma::uword i = 0; i < m.n_rows; ++i)
    for (arma::uword j = 0; j < m.n_cols; ++j) m(i, j) = double(rows[i][j]);
  return m;
}

// Sizes the properties run on: d in {1, 2, 3}, N not a multiple of any block size.
struct Case {
  arma::uword k, d, n;
};
inline constexpr Case kCases[] = {{1, 1, 37}, {2, 2, 513}, {3, 3, 1500}, {5, 3, 2049}, {4, 1, 999}};

// Pixels drawn from a known mixture, plus pixels far from every component: there the
// log-densities are around -1000 to -2000 and exp() of them is 0 in double precision.
inline arma::mat pixels_with_outliers(const Mixture& m, std::uint64_t seed) {
  arma::mat x = sample_from(m, 2000, seed);
  const arma::uword d = m.dims();
  arma::mat far(4, d);
  far.row(0).fill(40.0);
  far.row(1).fill(-55.0);
  far.row(2) = arma::linspace<arma::rowvec>(-60, 60, d);
  far.row(3).fill(35.0);
  return arma::join_cols(x, far);
}

// gamma and the log-likelihood from the lab's log-density helper, by log-sum-exp in long
// double: right however far a pixel is from every component.
inline Posterior long_double_log_sum_exp(const arma::mat& x, const Mixture& m) {
  const arma::mat a = weighted_log_densities(x, m);
  Posterior p{arma::mat(a.n_rows, a.n_cols), 0};
  long double total = 0;
  for (arma::uword n = 0; n < a.n_rows; ++n) {
    const long double top = a.row(n).max();
    long double sum = 0;
    for (arma::uword k = 0; k < a.n_cols; ++k) sum += std::exp((long double)a(n, k) - top);
    const long double lse = top + std::log(sum);
    for (arma::uword k = 0; k < a.n_cols; ++k) p.gamma(n, k) = double(std::exp((long double)a(n, k) - lse));
    total += lse;
  }
  p.log_likelihood = double(total);
  return p;
}

template <class Impl>
class StepsContract : public ::testing::Test {
 protected:
  const Impl steps{};
};

TYPED_TEST_SUITE_P(StepsContract);

// ---- Z-score ------------------------------------------------------------------------------

TYPED_TEST_P(StepsContract, ZScoreMatchesTheDirectComputation) {
  arma::arma_rng::set_seed(1);
  const arma::mat raw = 40 + 30 * arma::randu<arma::mat>(1000, 3);
  const arma::mat z = this->steps.zscore(raw);
  ASSERT_EQ(z.n_rows, raw.n_rows);
  ASSERT_EQ(z.n_cols, raw.n_cols);
  EXPECT_LT(max_relative(z, naive_zscore(raw)), 1e-13);
  // Population standard deviation: each column has mean 0 and mean square 1.
  EXPECT_LT(arma::abs(arma::mean(z, 0)).max(), 1e-13);
  EXPECT_LT(arma::abs(arma::mean(arma::square(z), 0) - 1).max(), 1e-12);
}

TYPED_TEST_P(StepsContract, ZScoreOfAConstantChannelIsZerosNotNaN) {
  arma::arma_rng::set_seed(4);
  arma::mat raw = arma::randu<arma::mat>(1000, 4) * 255;
  raw.col(1).fill(7);    // an integer, as in an 8-bit photo
  raw.col(3).fill(0.1);  // not exact in binary: its mean can be off by an ulp
  const arma::mat z = this->steps.zscore(raw);
  ASSERT_TRUE(z.is_finite());
  EXPECT_TRUE(arma::all(z.col(1) == 0));
  EXPECT_TRUE(arma::all(z.col(3) == 0));
  EXPECT_GT(arma::abs(z.col(0)).max(), 0);
  EXPECT_LT(max_relative(z, naive_zscore(raw)), 1e-13);
}

// ---- E-step -------------------------------------------------------------------------------

TYPED_TEST_P(StepsContract, EStepMatchesTheLongDoubleFormulas) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(::testing::Message() << "K=" << c.k << " d=" << c.d << " N=" << c.n);
    const Mixture m = random_mixture(c.k, c.d, 10 + c.k);
    const arma::mat x = sample_from(m, c.n, 20 + c.n);
    const Posterior p = this->steps.e_step(x, m);
    const NaivePosterior naive = naive_e_step(x, m);
    ASSERT_EQ(p.gamma.n_rows, c.n);
    ASSERT_EQ(p.gamma.n_cols, c.k);
    EXPECT_LT(arma::abs(p.gamma - to_mat(naive.gamma)).max(), 1e-12);
    EXPECT_NEAR(p.log_likelihood, double(naive.log_likelihood), 1e-12 * std::abs(double(naive.log_likelihood)));
  }
}

TYPED_TEST_P(StepsContract, EStepResponsibilitiesSumToOne) {
  const Mixture m = random_mixture(5, 3, 3);
  const arma::mat x = sample_from(m, 3000, 4);
  const Posterior p = this->steps.e_step(x, m);
  EXPECT_LT(arma::abs(arma::sum(p.gamma, 1) - 1).max(), 1e-14);
  EXPECT_GE(p.gamma.min(), 0.0);
}

// exp(-0.5 * 1e10) is 0 in any floating type: only log-sum-exp keeps these finite.
TYPED_TEST_P(StepsContract, EStepOfFarAwayPixelsIsFiniteAndExact) {
  for (arma::uword d : {1u, 2u, 3u}) {
    SCOPED_TRACE(::testing::Message() << "d=" << d);
    const Mixture m = random_mixture(4, d, 20 + d);
    const arma::mat x = pixels_with_outliers(m, 30 + d);
    const Posterior p = this->steps.e_step(x, m);
    ASSERT_EQ(p.gamma.n_rows, x.n_rows);
    ASSERT_EQ(p.gamma.n_cols, m.components());
    ASSERT_TRUE(p.gamma.is_finite()) << "far-away pixels must not give NaN";
    ASSERT_TRUE(std::isfinite(p.log_likelihood));
    EXPECT_LT(arma::abs(arma::sum(p.gamma, 1) - 1.0).max(), 1e-12);
    const Posterior expected = long_double_log_sum_exp(x, m);
    // Entry by entry: a gamma of 1e-200 must agree to 1e-10 of itself. Below 1e-290 an exp
    // may flush to 0 where another gives a subnormal.
    int reported = 0;
    for (arma::uword k = 0; k < p.gamma.n_cols; ++k)
      for (arma::uword n = 0; n < x.n_rows; ++n) {
        const double a = p.gamma(n, k), b = expected.gamma(n, k);
        if (!(std::abs(a - b) <= 1e-10 * std::max(std::abs(a), std::abs(b)) + 1e-290) && reported++ < 5)
          ADD_FAILURE() << "gamma(" << n << ", " << k << "): " << a << ", expected " << b;
      }
    EXPECT_NEAR(p.log_likelihood, expected.log_likelihood, 1e-12 * std::abs(expected.log_likelihood));
  }
}

TYPED_TEST_P(StepsContract, EStepGivesAZeroPriorComponentNoResponsibility) {
  Mixture m = random_mixture(3, 3, 40);
  const arma::mat x = sample_from(m, 500, 41);
  m.priors = {0.6, 0.0, 0.4};
  const Posterior p = this->steps.e_step(x, m);
  ASSERT_TRUE(p.gamma.is_finite());
  EXPECT_TRUE(arma::all(p.gamma.col(1) == 0));
  const NaivePosterior naive = naive_e_step(x, m);
  EXPECT_LT(arma::abs(p.gamma - to_mat(naive.gamma)).max(), 1e-12);
  EXPECT_NEAR(p.log_likelihood, double(naive.log_likelihood), 1e-12 * std::abs(double(naive.log_likelihood)));
}

// ---- M-step -------------------------------------------------------------------------------

TYPED_TEST_P(StepsContract, MStepMatchesTheLongDoubleFormulas) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(::testing::Message() << "K=" << c.k << " d=" << c.d << " N=" << c.n);
    const Mixture truth = random_mixture(c.k, c.d, 30 + c.k);
    const arma::mat x = sample_from(truth, c.n, 40 + c.n);
    const NaivePosterior p = naive_e_step(x, truth);
    const Mixture naive = naive_m_step(x, p.gamma);
    const Mixture m = this->steps.m_step(x, to_mat(p.gamma));
    ASSERT_EQ(m.means.n_rows, c.k);
    ASSERT_EQ(m.means.n_cols, c.d);
    ASSERT_EQ(m.covs.n_rows, c.d);
    ASSERT_EQ(m.covs.n_cols, c.d);
    ASSERT_EQ(m.covs.n_slices, c.k);
    ASSERT_EQ(m.priors.n_elem, c.k);
    EXPECT_LT(max_relative(m.means, naive.means), 1e-12);
    EXPECT_LT(max_relative(arma::vectorise(m.covs), arma::vectorise(naive.covs)), 1e-12);
    EXPECT_LT(max_relative(m.priors, naive.priors), 1e-13);
  }
}

TYPED_TEST_P(StepsContract, MStepPriorsSumToOneAndCovariancesAreSymmetric) {
  const Mixture truth = random_mixture(4, 3, 2);
  const arma::mat x = sample_from(truth, 5000, 3);
  const Mixture m = this->steps.m_step(x, to_mat(naive_e_step(x, truth).gamma));
  EXPECT_NEAR(arma::accu(m.priors), 1.0, 1e-14);
  // Symmetric up to rounding (the driver symmetrises exactly before Cholesky reads one triangle).
  for (arma::uword c = 0; c < 4; ++c)
    EXPECT_LT(max_relative(m.covs.slice(c), m.covs.slice(c).t()), 1e-14) << "Sigma_" << c + 1;
}

// A tight component far from the origin: E[x x^T] - mu mu^T would cancel to noise here.
TYPED_TEST_P(StepsContract, MStepKeepsTheCovarianceOfATightFarComponent) {
  // Variance 1e-8 around (5, -5, 5): summing x x^T around 0 would cancel 25 against 25.
  Mixture tight;
  tight.means = arma::mat{{5, -5, 5}};
  tight.covs = arma::cube(3, 3, 1);
  tight.covs.slice(0) = 1e-8 * arma::eye(3, 3);
  tight.priors = arma::vec{1};
  const arma::mat x = sample_from(tight, 4000, 5);
  const arma::mat gamma(4000, 1, arma::fill::ones);
  const arma::mat centred = x.each_row() - arma::mean(x, 0);
  const arma::mat expected = centred.t() * centred / 4000.0;
  EXPECT_LT(arma::abs(this->steps.m_step(x, gamma).covs.slice(0) - expected).max() / 1e-8, 1e-6);
  EXPECT_LT(arma::abs(this->steps.iterate(x, tight).next.covs.slice(0) - expected).max() / 1e-8, 1e-6);

  // Standard deviation 1e-3 at 1e4: the variance 1e-6 is 14 orders below x x^T.
  arma::arma_rng::set_seed(70);
  const arma::mat far = 1e4 + 1e-3 * arma::randn<arma::mat>(3000, 3);
  const arma::mat centred_far = far.each_row() - arma::mean(far, 0);
  const arma::mat expected_far = centred_far.t() * centred_far / 3000.0;
  const Mixture m = this->steps.m_step(far, arma::ones<arma::mat>(3000, 1));
  EXPECT_LT(arma::abs(m.covs.slice(0) - expected_far).max() / 1e-6, 1e-6);
  EXPECT_NEAR(m.covs(0, 0, 0), 1e-6, 1e-7);
}

// ---- Both halves ----------------------------------------------------------------------------

TYPED_TEST_P(StepsContract, IterateEqualsEStepThenMStep) {
  for (const Case& c : kCases) {
    SCOPED_TRACE(::testing::Message() << "K=" << c.k << " d=" << c.d << " N=" << c.n);
    const Mixture m = random_mixture(c.k, c.d, 50 + c.k);
    const arma::mat x = sample_from(random_mixture(c.k, c.d, 51), c.n, 7);
    const Iteration fused = this->steps.iterate(x, m);
    const Posterior p = this->steps.e_step(x, m);
    const Mixture separate = this->steps.m_step(x, p.gamma);
    const EStepSummary s = summarise(p);
    EXPECT_NEAR(fused.e.log_likelihood, p.log_likelihood, 1e-12 * std::abs(p.log_likelihood));
    EXPECT_LT(arma::abs(fused.e.soft_counts - s.soft_counts).max(), 1e-9);
    EXPECT_TRUE(arma::all(fused.e.hard_counts == s.hard_counts));
    EXPECT_LT(max_relative(fused.next.means, separate.means), 1e-11);
    EXPECT_LT(max_relative(arma::vectorise(fused.next.covs), arma::vectorise(separate.covs)), 1e-11);
  }
}

// EM through the driver (no ridge) follows the long-double EM iteration by iteration.
TYPED_TEST_P(StepsContract, EmRunFollowsTheLongDoubleEm) {
  const Mixture truth = random_mixture(3, 3, 80);
  const arma::mat x = sample_from(truth, 2000, 81);
  const Mixture initial = kmeans_init(x, 3, {.seed = 82});
  std::vector<Mixture> mixtures;
  struct Keep : EmObserver {
    std::vector<Mixture>* out = nullptr;
    void on_m_step(int, const Mixture& m, std::span<const ComponentEvent>) override { out->push_back(m); }
  } keep;
  keep.out = &mixtures;
  const int iterations = 8;
  const EmOutcome r = run_em(this->steps, x, initial, {.max_iterations = iterations, .tolerance = 0, .reg_covar = 0},
                             &keep);
  ASSERT_EQ(r.iterations, iterations) << r.message;
  Mixture naive = initial;
  for (int i = 0; i < iterations; ++i) {
    SCOPED_TRACE(::testing::Message() << "iteration " << i + 1);
    const NaivePosterior p = naive_e_step(x, naive);
    EXPECT_NEAR(r.log_likelihood[std::size_t(i)], double(p.log_likelihood), 1e-10 * std::abs(double(p.log_likelihood)));
    naive = naive_m_step(x, p.gamma);
    const Mixture& got = mixtures[std::size_t(i)];
    EXPECT_LT(max_relative(got.means, naive.means), 1e-9);
    EXPECT_LT(max_relative(arma::vectorise(got.covs), arma::vectorise(naive.covs)), 1e-9);
    EXPECT_LT(max_relative(got.priors, naive.priors), 1e-9);
  }
}

REGISTER_TYPED_TEST_SUITE_P(StepsContract, ZScoreMatchesTheDirectComputation, ZScoreOfAConstantChannelIsZerosNotNaN,
                            EStepMatchesTheLongDoubleFormulas, EStepResponsibilitiesSumToOne,
                            EStepOfFarAwayPixelsIsFiniteAndExact, EStepGivesAZeroPriorComponentNoResponsibility,
                            MStepMatchesTheLongDoubleFormulas, MStepPriorsSumToOneAndCovariancesAreSymmetric,
                            MStepKeepsTheCovarianceOfATightFarComponent, IterateEqualsEStepThenMStep,
                            EmRunFollowsTheLongDoubleEm);

}  // namespace gmmlab::testing::contract
