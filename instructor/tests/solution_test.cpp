// The instructor solution, written the plain textbook way, agrees with the fast reference on
// every graded quantity and gives the same segmentation: the skeleton's exercise blocks are
// enough for full marks. Links gmmlab_solution and the reference, never the skeleton.
#include <gtest/gtest.h>

#include <cmath>

#include "gmmlab/em.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/render.hpp"
#include "gmmlab/testing/support.hpp"
#include "student.hpp"

namespace gmmlab {
namespace {

namespace support = gmmlab::testing;

// Both sides compute the same formulas in a different order; 1e-10 leaves room for that
// rounding and none for a wrong formula.
constexpr double kTight = 1e-10;

// max |a - b| relative to the largest |b|: for matrices whose small entries (off-diagonal
// covariances, Z-scores near 0) carry only absolute accuracy.
double relative_difference(const arma::mat& a, const arma::mat& b) {
  EXPECT_EQ(a.n_rows, b.n_rows);
  EXPECT_EQ(a.n_cols, b.n_cols);
  if (a.n_rows != b.n_rows || a.n_cols != b.n_cols) return INFINITY;
  const double scale = std::max(arma::abs(b).max(), 1e-300);
  return arma::abs(a - b).max() / scale;
}

// Entry by entry, for responsibilities: a gamma of 1e-200 must agree to 1e-10 of itself.
// Below 1e-290 the reference's exp flushes to 0 where std::exp gives a subnormal.
void expect_entrywise_close(const arma::mat& a, const arma::mat& b, double tolerance) {
  ASSERT_EQ(a.n_rows, b.n_rows);
  ASSERT_EQ(a.n_cols, b.n_cols);
  int reported = 0;
  for (arma::uword j = 0; j < a.n_cols; ++j)
    for (arma::uword i = 0; i < a.n_rows; ++i) {
      const double limit = tolerance * std::max(std::abs(a(i, j)), std::abs(b(i, j))) + 1e-290;
      if (!(std::abs(a(i, j) - b(i, j)) <= limit) && reported++ < 5)
        ADD_FAILURE() << "entry (" << i << ", " << j << "): " << a(i, j) << " vs " << b(i, j);
    }
}

void expect_mixtures_close(const Mixture& a, const Mixture& b, double tolerance) {
  EXPECT_LT(relative_difference(a.means, b.means), tolerance);
  EXPECT_LT(relative_difference(a.priors, b.priors), tolerance);
  ASSERT_EQ(a.covs.n_slices, b.covs.n_slices);
  for (arma::uword k = 0; k < a.covs.n_slices; ++k)
    EXPECT_LT(relative_difference(a.covs.slice(k), b.covs.slice(k)), tolerance) << "Sigma_" << k + 1;
}

const StudentSteps solution;
const ReferenceSteps reference;

// Pixels drawn from a known mixture, plus pixels far from every component: there the
// log-densities are around -1000 to -2000 and exp() of them is 0 in double precision.
arma::mat pixels_with_outliers(const Mixture& m, std::uint64_t seed) {
  arma::mat x = support::sample_from(m, 2000, seed);
  const arma::uword d = m.dims();
  arma::mat far(4, d);
  far.row(0).fill(40.0);
  far.row(1).fill(-55.0);
  far.row(2) = arma::linspace<arma::rowvec>(-60, 60, d);
  far.row(3).fill(35.0);
  return arma::join_cols(x, far);
}

// --- Z-score ------------------------------------------------------------------------------

TEST(SolutionZscore, MatchesReference) {
  arma::arma_rng::set_seed(3);
  const arma::mat raw = arma::floor(arma::randu<arma::mat>(5000, 3) * 256);
  EXPECT_LT(relative_difference(solution.zscore(raw), reference.zscore(raw)), kTight);
}

TEST(SolutionZscore, ConstantChannelsBecomeZeros) {
  arma::arma_rng::set_seed(4);
  arma::mat raw = arma::randu<arma::mat>(1000, 4) * 255;
  raw.col(1).fill(7);    // an integer, as in an 8-bit photo
  raw.col(3).fill(0.1);  // not exact in binary: its mean can be off by an ulp
  const arma::mat z = solution.zscore(raw);
  ASSERT_TRUE(z.is_finite());
  EXPECT_TRUE(arma::all(z.col(1) == 0));
  EXPECT_TRUE(arma::all(z.col(3) == 0));
  EXPECT_LT(relative_difference(z, reference.zscore(raw)), kTight);
}

// --- E-step -------------------------------------------------------------------------------

class SolutionEStep : public ::testing::TestWithParam<arma::uword> {};  // the dimension d

TEST_P(SolutionEStep, GammaAndLogLikelihoodMatchReference) {
  const arma::uword d = GetParam();
  const Mixture m = support::random_mixture(4, d, 20 + d);
  const arma::mat x = pixels_with_outliers(m, 30 + d);
  const Posterior mine = solution.e_step(x, m), theirs = reference.e_step(x, m);
  ASSERT_TRUE(mine.gamma.is_finite()) << "far-away pixels must not give NaN";
  EXPECT_LT(arma::abs(arma::sum(mine.gamma, 1) - 1.0).max(), 1e-12);
  expect_entrywise_close(mine.gamma, theirs.gamma, kTight);
  ASSERT_TRUE(std::isfinite(mine.log_likelihood));
  EXPECT_NEAR(mine.log_likelihood, theirs.log_likelihood, kTight * std::abs(theirs.log_likelihood));
}

INSTANTIATE_TEST_SUITE_P(Dims, SolutionEStep, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return "d" + std::to_string(info.param); });

TEST(SolutionEStepParts, FarPixelGetsFiniteLogLikelihoodAndAWholeResponsibility) {
  // One pixel, two components, log-densities far below exp()'s range: a naive exp gives 0/0.
  const arma::mat a = {{-1200.0, -1203.0}};
  const arma::mat gamma = solution.responsibilities(a);
  ASSERT_TRUE(gamma.is_finite());
  // exp(a - ln sum) subtracts numbers near 1200, whose spacing is 2e-13: that is the accuracy.
  EXPECT_NEAR(gamma(0, 0), 1 / (1 + std::exp(-3.0)), 1e-12);
  EXPECT_NEAR(gamma(0, 0) + gamma(0, 1), 1.0, 1e-12);
  EXPECT_NEAR(solution.log_likelihood(a), -1200.0 + std::log1p(std::exp(-3.0)), 1e-12);
}

TEST(SolutionEStepParts, ComponentWithZeroPriorGetsNoResponsibility) {
  Mixture m = support::random_mixture(3, 3, 40);
  const arma::mat x = support::sample_from(m, 500, 41);
  m.priors = {0.6, 0.0, 0.4};
  const Posterior mine = solution.e_step(x, m), theirs = reference.e_step(x, m);
  ASSERT_TRUE(mine.gamma.is_finite());
  EXPECT_TRUE(arma::all(mine.gamma.col(1) == 0));
  expect_entrywise_close(mine.gamma, theirs.gamma, kTight);
  EXPECT_NEAR(mine.log_likelihood, theirs.log_likelihood, kTight * std::abs(theirs.log_likelihood));
}

// --- M-step -------------------------------------------------------------------------------

class SolutionMStep : public ::testing::TestWithParam<arma::uword> {};

TEST_P(SolutionMStep, MeansCovariancesPriorsMatchReference) {
  const arma::uword d = GetParam();
  const Mixture m = support::random_mixture(4, d, 50 + d);
  const arma::mat x = pixels_with_outliers(m, 60 + d);
  const arma::mat gamma = reference.e_step(x, m).gamma;
  const Mixture mine = solution.m_step(x, gamma), theirs = reference.m_step(x, gamma);
  expect_mixtures_close(mine, theirs, kTight);
  EXPECT_NEAR(arma::accu(mine.priors), 1.0, 1e-12);
}

INSTANTIATE_TEST_SUITE_P(Dims, SolutionMStep, ::testing::Values(1, 2, 3),
                         [](const auto& info) { return "d" + std::to_string(info.param); });

// A tight component far from the origin: E[x x^T] - mu mu^T would cancel to noise here.
TEST(SolutionMStepParts, TightComponentFarFromOriginKeepsItsCovariance) {
  arma::arma_rng::set_seed(70);
  const arma::mat x = 1e4 + 1e-3 * arma::randn<arma::mat>(3000, 3);
  const arma::mat gamma = arma::ones<arma::mat>(3000, 1);
  const Mixture mine = solution.m_step(x, gamma), theirs = reference.m_step(x, gamma);
  expect_mixtures_close(mine, theirs, 1e-8);
  EXPECT_NEAR(mine.covs(0, 0, 0), 1e-6, 1e-7);
}

// --- Whole runs ---------------------------------------------------------------------------

struct Photo {
  arma::mat x;
  Mixture initial;
};

const Photo& sample_photo_problem() {
  static const Photo photo = [] {
    const Image image = load_image(support::sample_photo(), 3);
    Photo p;
    p.x = reference.zscore(image.pixels);
    p.initial = kmeans_init(p.x, 3, {.seed = 0});
    return p;
  }();
  return photo;
}

TEST(SolutionRun, ZscoreOfTheSamplePhotoMatchesReference) {
  const Image image = load_image(support::sample_photo(), 3);
  EXPECT_LT(relative_difference(solution.zscore(image.pixels), reference.zscore(image.pixels)), kTight);
}

TEST(SolutionRun, FirstIterationsMatchReference) {
  const Photo& p = sample_photo_problem();
  const EmOptions options{.max_iterations = 5};
  const EmOutcome mine = run_em(solution, p.x, p.initial, options);
  const EmOutcome theirs = run_em(reference, p.x, p.initial, options);
  ASSERT_EQ(mine.iterations, 5) << mine.message;
  ASSERT_EQ(theirs.iterations, 5) << theirs.message;
  expect_mixtures_close(mine.mixture, theirs.mixture, 1e-9);
  ASSERT_EQ(mine.log_likelihood.size(), theirs.log_likelihood.size());
  for (std::size_t i = 0; i < mine.log_likelihood.size(); ++i)
    EXPECT_NEAR(mine.log_likelihood[i], theirs.log_likelihood[i], kTight * std::abs(theirs.log_likelihood[i]));
}

TEST(SolutionRun, SamePhotoSegmentationAsReference) {
  const Photo& p = sample_photo_problem();
  // The lab's defaults reach the 500-iteration cap, a minute and a half for the plain solution
  // on a busy machine; after 50 the segmentation has settled and the two still differ only by
  // rounding, which is what this compares.
  const EmOptions options{.max_iterations = 50};
  const EmOutcome mine = run_em(solution, p.x, p.initial, options);
  const EmOutcome theirs = run_em(reference, p.x, p.initial, options);
  ASSERT_TRUE(mine.usable()) << mine.message;
  ASSERT_TRUE(theirs.usable()) << theirs.message;
  const arma::uvec labels_mine = most_likely(solution.e_step(p.x, mine.mixture).gamma);
  const arma::uvec labels_theirs = most_likely(reference.e_step(p.x, theirs.mixture).gamma);
  EXPECT_EQ(arma::accu(labels_mine != labels_theirs), 0u) << "pixels labelled differently";
  expect_mixtures_close(mine.mixture, theirs.mixture, 1e-6);
}

}  // namespace
}  // namespace gmmlab
