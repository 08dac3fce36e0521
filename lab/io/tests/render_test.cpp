// Segmentation pictures in the lab palette.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "gmmlab/render.hpp"
#include "gmmlab/testing/support.hpp"
#include "gmmlab/testing/textbook.hpp"

TEST(Palette, FirstFiveAreTheLabsColours) {
  EXPECT_EQ(gmmlab::palette_rgb(0), cv::Vec3b(255, 0, 0));
  EXPECT_EQ(gmmlab::palette_rgb(1), cv::Vec3b(0, 255, 0));
  EXPECT_EQ(gmmlab::palette_rgb(2), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(gmmlab::palette_rgb(3), cv::Vec3b(255, 255, 0));
  EXPECT_EQ(gmmlab::palette_rgb(4), cv::Vec3b(255, 0, 255));
}

TEST(Palette, EachColourHasItsOwnNameAndBothCycleTogether) {
  EXPECT_EQ(gmmlab::colour_name(0), "red");
  EXPECT_EQ(gmmlab::colour_name(4), "magenta");
  std::set<std::string> names;
  for (arma::uword k = 0; k < gmmlab::kPalette.size(); ++k) names.insert(gmmlab::colour_name(k));
  EXPECT_EQ(names.size(), gmmlab::kPalette.size());
  const arma::uword past = gmmlab::kPalette.size() + 2;  // past the table: the third colour again
  EXPECT_EQ(gmmlab::colour_name(past), "blue");
  EXPECT_EQ(gmmlab::palette_rgb(past), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(gmmlab::palette_bgr(past), cv::Scalar(255, 0, 0));
}

TEST(Palette, MoreThanFiveComponentsGetDistinctColours) {
  for (arma::uword a = 0; a < 12; ++a)
    for (arma::uword b = a + 1; b < 12; ++b) EXPECT_NE(gmmlab::palette_rgb(a), gmmlab::palette_rgb(b)) << a << " " << b;
}

TEST(RenderHard, PaintsTheMostLikelyComponentInBgr) {
  const arma::mat gamma = {{0.7, 0.2, 0.1}, {0.1, 0.1, 0.8}, {0.2, 0.5, 0.3}, {0.0, 0.0, 1.0}};
  const cv::Mat picture = gmmlab::render_hard(gamma, 2, 2);
  EXPECT_EQ(picture.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 0, 255));  // red, as OpenCV stores it
  EXPECT_EQ(picture.at<cv::Vec3b>(0, 1), cv::Vec3b(255, 0, 0));  // blue
  EXPECT_EQ(picture.at<cv::Vec3b>(1, 0), cv::Vec3b(0, 255, 0));  // green
}

TEST(RenderSoft, BlendsByResponsibility) {
  const arma::mat gamma = {{0.5, 0.5}, {1.0, 0.0}};
  const cv::Mat picture = gmmlab::render_soft(gamma, 1, 2);
  EXPECT_EQ(picture.at<cv::Vec3b>(0, 0), cv::Vec3b(0, 128, 128));  // half red, half green
  EXPECT_EQ(picture.at<cv::Vec3b>(0, 1), cv::Vec3b(0, 0, 255));
}

TEST(RenderSegmentation, BlockByBlockEqualsTheWholeResponsibilities) {
  // More pixels than one block, so that the blocks' seams are crossed.
  const arma::uword n = gmmlab::kRenderBlock * 2 + 123;
  const gmmlab::Mixture m = gmmlab::testing::random_mixture(4, 3, 5);
  const arma::mat x = gmmlab::testing::sample_from(m, n, 6);
  const gmmlab::testing::TextbookSteps steps;
  const arma::mat gamma = steps.e_step(x, m).gamma;
  const gmmlab::Segmentation s = gmmlab::render_segmentation(steps, x, m, 1, int(n), true);
  EXPECT_EQ(cv::norm(s.hard, gmmlab::render_hard(gamma, 1, int(n)), cv::NORM_INF), 0);
  EXPECT_EQ(cv::norm(s.soft, gmmlab::render_soft(gamma, 1, int(n)), cv::NORM_INF), 0);
  EXPECT_TRUE(gmmlab::render_segmentation(steps, x, m, 1, int(n), false).soft.empty());
}
