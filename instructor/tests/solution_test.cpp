// The instructor solution, written the plain textbook way: its own helpers (responsibilities,
// log_likelihood), and whole runs on the sample photo that agree with the fast reference and
// give the same segmentation. The properties of each exercise are the contract suite's
// (contract_solution_test.cpp). Links gmmlab_solution and the reference, never the skeleton.
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

void expect_mixtures_close(const Mixture& a, const Mixture& b, double tolerance) {
  EXPECT_LT(relative_difference(a.means, b.means), tolerance);
  EXPECT_LT(relative_difference(a.priors, b.priors), tolerance);
  ASSERT_EQ(a.covs.n_slices, b.covs.n_slices);
  for (arma::uword k = 0; k < a.covs.n_slices; ++k)
    EXPECT_LT(relative_difference(a.covs.slice(k), b.covs.slice(k)), tolerance) << "Sigma_" << k + 1;
}

const StudentSteps solution;
const ReferenceSteps reference;

// --- E-step helpers ---------------------------------------------------------------------

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
