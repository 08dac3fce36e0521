// The reference against the lab's formulas computed naively in long double.
#include <gtest/gtest.h>
#include "gmmlab/worker_pool.hpp"

#include "gmmlab/gaussian.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"

namespace {

const gmmlab::ReferenceSteps reference;

double max_relative(const arma::mat& a, const arma::mat& b) {
  return arma::abs(a - b).max() / std::max(1.0, arma::abs(b).max());
}

arma::mat to_mat(const std::vector<std::vector<long double>>& rows) {
  arma::mat m(rows.size(), rows.front().size());
  for (arma::uword i = 0; i < m.n_rows; ++i)
    for (arma::uword j = 0; j < m.n_cols; ++j) m(i, j) = double(rows[i][j]);
  return m;
}

// Random data of the sizes the tests need: d in {1, 2, 3}, N not a multiple of any block.
struct Case {
  arma::uword k, d, n;
};
const Case kCases[] = {{1, 1, 37}, {2, 2, 513}, {3, 3, 1500}, {5, 3, 2049}, {4, 1, 999}};

}  // namespace

TEST(ZScore, MatchesTheDirectComputation) {
  arma::arma_rng::set_seed(1);
  const arma::mat raw = 40 + 30 * arma::randu<arma::mat>(1000, 3);
  const arma::mat z = reference.zscore(raw);
  EXPECT_LT(max_relative(z, gmmlab::testing::naive_zscore(raw)), 1e-13);
  // Population standard deviation: each column has mean 0 and mean square 1.
  EXPECT_LT(arma::abs(arma::mean(z, 0)).max(), 1e-13);
  EXPECT_LT(arma::abs(arma::mean(arma::square(z), 0) - 1).max(), 1e-12);
}

TEST(ZScore, ConstantChannelGivesZerosNotNaN) {
  arma::mat raw = arma::randu<arma::mat>(100, 3);
  raw.col(1).fill(0.1);
  const arma::mat z = reference.zscore(raw);
  EXPECT_TRUE(z.is_finite());
  EXPECT_TRUE(arma::all(z.col(1) == 0));
  EXPECT_GT(arma::abs(z.col(0)).max(), 0);
}

TEST(EStep, MatchesNaiveLongDoubleFormulas) {
  for (const Case& c : kCases) {
    const gmmlab::Mixture m = gmmlab::testing::random_mixture(c.k, c.d, 10 + c.k);
    const arma::mat x = gmmlab::testing::sample_from(m, c.n, 20 + c.n);
    const gmmlab::Posterior fast = reference.e_step(x, m);
    const gmmlab::testing::NaivePosterior naive = gmmlab::testing::naive_e_step(x, m);
    EXPECT_LT(arma::abs(fast.gamma - to_mat(naive.gamma)).max(), 1e-12) << "K=" << c.k << " d=" << c.d;
    EXPECT_NEAR(fast.log_likelihood, double(naive.log_likelihood), 1e-12 * std::abs(double(naive.log_likelihood)));
  }
}

TEST(EStep, ResponsibilitiesSumToOne) {
  const gmmlab::Mixture m = gmmlab::testing::random_mixture(5, 3, 3);
  const arma::mat x = gmmlab::testing::sample_from(m, 3000, 4);
  const gmmlab::Posterior p = reference.e_step(x, m);
  EXPECT_LT(arma::abs(arma::sum(p.gamma, 1) - 1).max(), 1e-14);
  EXPECT_GE(p.gamma.min(), 0.0);
}

TEST(EStep, FarAwayPixelsGiveFiniteResponsibilitiesAndLikelihood) {
  // exp(-0.5 * 1e10) is 0 in any floating type: only log-sum-exp keeps these finite.
  const gmmlab::Mixture m = gmmlab::testing::random_mixture(3, 3, 8);
  arma::mat x(4, 3);
  x.row(0) = arma::rowvec{1e5, -1e5, 1e5};
  x.row(1) = arma::rowvec{-3e4, 0, 0};
  x.row(2) = m.means.row(1);
  x.row(3) = arma::rowvec{0, 0, 1e6};
  const gmmlab::Posterior p = reference.e_step(x, m);
  EXPECT_TRUE(p.gamma.is_finite());
  EXPECT_TRUE(std::isfinite(p.log_likelihood));
  EXPECT_LT(arma::abs(arma::sum(p.gamma, 1) - 1).max(), 1e-14);
  // And the log-likelihood still equals the sum over pixels of ln sum_k pi_k N.
  const arma::mat l = gmmlab::weighted_log_densities(x, m);
  double expected = 0;
  for (arma::uword i = 0; i < x.n_rows; ++i) {
    const double top = l.row(i).max();
    expected += top + std::log(arma::accu(arma::exp(l.row(i) - top)));
  }
  EXPECT_NEAR(p.log_likelihood, expected, 1e-12 * std::abs(expected));
}

TEST(EStep, ComponentWithPriorZeroTakesNoResponsibility) {
  gmmlab::Mixture m = gmmlab::testing::random_mixture(3, 2, 9);
  m.priors = arma::vec{0.5, 0.5, 0.0};
  const arma::mat x = gmmlab::testing::sample_from(gmmlab::testing::random_mixture(3, 2, 9), 600, 1);
  const gmmlab::Posterior p = reference.e_step(x, m);
  EXPECT_TRUE(p.gamma.is_finite());
  EXPECT_TRUE(arma::all(p.gamma.col(2) == 0));
}

TEST(MStep, MatchesNaiveLongDoubleFormulas) {
  for (const Case& c : kCases) {
    const gmmlab::Mixture truth = gmmlab::testing::random_mixture(c.k, c.d, 30 + c.k);
    const arma::mat x = gmmlab::testing::sample_from(truth, c.n, 40 + c.n);
    const gmmlab::testing::NaivePosterior p = gmmlab::testing::naive_e_step(x, truth);
    const gmmlab::Mixture naive = gmmlab::testing::naive_m_step(x, p.gamma);
    const gmmlab::Mixture fast = reference.m_step(x, to_mat(p.gamma));
    EXPECT_LT(max_relative(fast.means, naive.means), 1e-12) << "K=" << c.k << " d=" << c.d;
    EXPECT_LT(max_relative(arma::vectorise(fast.covs), arma::vectorise(naive.covs)), 1e-12);
    EXPECT_LT(max_relative(fast.priors, naive.priors), 1e-13);
  }
}

TEST(MStep, PriorsSumToOneAndCovariancesAreSymmetric) {
  const gmmlab::Mixture truth = gmmlab::testing::random_mixture(4, 3, 2);
  const arma::mat x = gmmlab::testing::sample_from(truth, 5000, 3);
  const gmmlab::Mixture m = reference.m_step(x, reference.e_step(x, truth).gamma);
  EXPECT_NEAR(arma::accu(m.priors), 1.0, 1e-14);
  for (arma::uword c = 0; c < 4; ++c) EXPECT_TRUE(m.covs.slice(c).is_symmetric()) << c;
}

TEST(MStep, TightComponentFarFromTheOriginKeepsItsCovariance) {
  // A component with variance 1e-8 around (5, -5, 5): summing x x^T around 0 would cancel
  // 25 against 25 and lose the 1e-8 in rounding.
  gmmlab::Mixture tight;
  tight.means = arma::mat{{5, -5, 5}};
  tight.covs = arma::cube(3, 3, 1);
  tight.covs.slice(0) = 1e-8 * arma::eye(3, 3);
  tight.priors = arma::vec{1};
  const arma::mat x = gmmlab::testing::sample_from(tight, 4000, 5);
  const arma::mat gamma(4000, 1, arma::fill::ones);
  const gmmlab::Mixture m = reference.m_step(x, gamma);
  const gmmlab::Mixture it = reference.iterate(x, tight).next;
  const arma::mat centred = x.each_row() - arma::mean(x, 0);
  const arma::mat expected = centred.t() * centred / 4000.0;
  EXPECT_LT(arma::abs(m.covs.slice(0) - expected).max() / 1e-8, 1e-6);
  EXPECT_LT(arma::abs(it.covs.slice(0) - expected).max() / 1e-8, 1e-6);
}

TEST(Iterate, FusedPassEqualsEStepThenMStep) {
  for (const Case& c : kCases) {
    const gmmlab::Mixture m = gmmlab::testing::random_mixture(c.k, c.d, 50 + c.k);
    const arma::mat x = gmmlab::testing::sample_from(gmmlab::testing::random_mixture(c.k, c.d, 51), c.n, 7);
    const gmmlab::Iteration fused = reference.iterate(x, m);
    const gmmlab::Posterior p = reference.e_step(x, m);
    const gmmlab::Mixture separate = reference.m_step(x, p.gamma);
    const gmmlab::EStepSummary s = gmmlab::summarise(p);
    EXPECT_NEAR(fused.e.log_likelihood, p.log_likelihood, 1e-12 * std::abs(p.log_likelihood));
    EXPECT_LT(arma::abs(fused.e.soft_counts - s.soft_counts).max(), 1e-9);
    EXPECT_TRUE(arma::all(fused.e.hard_counts == s.hard_counts));
    EXPECT_LT(max_relative(fused.next.means, separate.means), 1e-11);
    EXPECT_LT(max_relative(arma::vectorise(fused.next.covs), arma::vectorise(separate.covs)), 1e-11);
  }
}

TEST(Iterate, ThreadCountDoesNotChangeTheAnswer) {
  const gmmlab::Mixture m = gmmlab::testing::random_mixture(5, 3, 60);
  const arma::mat x = gmmlab::testing::sample_from(m, 100000, 61);
  const int before = gmmlab::thread_count();
  gmmlab::set_reference_threads(1);
  const gmmlab::Iteration one = reference.iterate(x, m);
  const gmmlab::Posterior p1 = reference.e_step(x, m);
  gmmlab::set_reference_threads(2);
  const gmmlab::Iteration two = reference.iterate(x, m);
  const gmmlab::Posterior p2 = reference.e_step(x, m);
  gmmlab::set_reference_threads(before);
  // Bit for bit: blocks are fixed and their sums are added in block order.
  EXPECT_EQ(one.e.log_likelihood, two.e.log_likelihood);
  EXPECT_TRUE(arma::approx_equal(one.next.means, two.next.means, "absdiff", 0.0));
  EXPECT_TRUE(arma::approx_equal(one.next.covs, two.next.covs, "absdiff", 0.0));
  EXPECT_EQ(p1.log_likelihood, p2.log_likelihood);
}
