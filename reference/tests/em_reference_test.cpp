// The EM driver with the reference on whole real photos, too slow for the textbook
// implementation the core's own tests use: EM's monotonicity, and a collapse named.
#include <gtest/gtest.h>

#include "gmmlab/em.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"

namespace {

const gmmlab::ReferenceSteps reference;

arma::mat photo_pixels(const std::filesystem::path& path) {
  return reference.zscore(gmmlab::load_image(path, 5).pixels);
}

void expect_monotone(const std::vector<double>& ll, double relative_slack) {
  for (std::size_t i = 1; i < ll.size(); ++i)
    EXPECT_GE(ll[i], ll[i - 1] - relative_slack * std::abs(ll[i - 1])) << "log-likelihood fell at E-step " << i + 1;
}

}  // namespace

TEST(EmDriver, LogLikelihoodNeverDecreasesOnRealPhotos) {
  for (const auto& [photo, k] : {std::pair{"chelsea.png", 3u}, std::pair{"coffee.png", 5u}}) {
    const arma::mat x = photo_pixels(gmmlab::testing::sample_photo(photo));
    const gmmlab::EmOutcome r =
        gmmlab::run_em(reference, x, gmmlab::kmeans_init(x, k, {.seed = 0}), {.max_iterations = 120, .reg_covar = 0});
    ASSERT_TRUE(r.usable()) << r.message;
    ASSERT_GT(r.log_likelihood.size(), 20u);
    // EM's guarantee, up to rounding of sums over 10^5 pixels.
    expect_monotone(r.log_likelihood, 1e-12);
  }
}

TEST(EmDriver, AstronautCollapsesWithoutRidgeAndNamesTheComponent) {
  // 10.7% of astronaut.png is pure black; with K = 5 one component shrinks onto it.
  const arma::mat x = photo_pixels(gmmlab::testing::astronaut_photo());
  const gmmlab::Mixture init = gmmlab::kmeans_init(x, 5, {.seed = 0});
  const gmmlab::EmOutcome bare = gmmlab::run_em(reference, x, init, {.reg_covar = 0});
  ASSERT_EQ(bare.reason, gmmlab::StopReason::collapsed);
  EXPECT_NE(bare.message.find("iteration"), std::string::npos) << bare.message;
  EXPECT_NE(bare.message.find("component"), std::string::npos) << bare.message;
  EXPECT_NE(bare.message.find("--reg-covar"), std::string::npos) << bare.message;
  ASSERT_FALSE(bare.events.empty());
  EXPECT_EQ(bare.events.back().kind, gmmlab::ComponentEvent::Kind::collapsed);
  // The last valid mixture is kept: finite, usable by a tool that wants to show it.
  EXPECT_NO_THROW(gmmlab::validate_mixture(bare.mixture, 3, "last mixture"));

  const gmmlab::EmOutcome ridged = gmmlab::run_em(reference, x, init, {});
  EXPECT_TRUE(ridged.usable()) << ridged.message;
  EXPECT_NO_THROW(gmmlab::validate_mixture(ridged.mixture, 3, "final mixture"));
  expect_monotone(ridged.log_likelihood, 1e-9);
}

