// Segmentation pictures in the lab palette.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
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

namespace {

double linear(double c) {
  c /= 255;
  return c <= 0.04045 ? c / 12.92 : std::pow((c + 0.055) / 1.055, 2.4);
}
double encoded(double c) {
  c = std::clamp(c, 0.0, 1.0);
  return 255 * (c <= 0.0031308 ? 12.92 * c : 1.055 * std::pow(c, 1 / 2.4) - 0.055);
}
// CIELAB (D65) of an sRGB colour: a distance of about 2.3 is just noticeable, 10+ is plain.
std::array<double, 3> cielab(const std::array<double, 3>& rgb) {
  const double r = linear(rgb[0]), g = linear(rgb[1]), b = linear(rgb[2]);
  const double x = (0.4124 * r + 0.3576 * g + 0.1805 * b) / 0.95047, y = 0.2126 * r + 0.7152 * g + 0.0722 * b,
               z = (0.0193 * r + 0.1192 * g + 0.9505 * b) / 1.08883;
  auto f = [](double t) { return t > 0.008856 ? std::cbrt(t) : 7.787 * t + 16.0 / 116; };
  return {116 * f(y) - 16, 500 * (f(x) - f(y)), 200 * (f(y) - f(z))};
}
// The colour as a reader with full deuteranopia or protanopia sees it (Machado, Oliveira and
// Fernandes 2009, severity 1, in linear RGB); identity for normal vision.
using Vision = std::array<std::array<double, 3>, 3>;
const Vision kNormal{{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}};
const Vision kDeuteranopia{{{0.367322, 0.860646, -0.227968}, {0.280085, 0.672501, 0.047413},
                            {-0.011820, 0.042940, 0.968881}}};
const Vision kProtanopia{{{0.152286, 1.052583, -0.204868}, {0.114503, 0.786281, 0.099216},
                          {-0.003882, -0.048116, 1.051998}}};
std::array<double, 3> seen(const cv::Vec3b& c, const Vision& m) {
  const double l[3] = {linear(c[0]), linear(c[1]), linear(c[2])};
  std::array<double, 3> out{};
  for (int i = 0; i < 3; ++i) out[i] = encoded(m[i][0] * l[0] + m[i][1] * l[1] + m[i][2] * l[2]);
  return out;
}
double distance(const cv::Vec3b& a, const cv::Vec3b& b, const Vision& m) {
  const auto p = cielab(seen(a, m)), q = cielab(seen(b, m));
  return std::hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2]);
}
// WCAG's contrast ratio of two colours (1 to 21; 3 is its minimum for graphics).
double contrast(const cv::Vec3b& a, const cv::Vec3b& b) {
  auto lum = [](const cv::Vec3b& c) { return 0.2126 * linear(c[0]) + 0.7152 * linear(c[1]) + 0.0722 * linear(c[2]); };
  const double la = lum(a), lb = lum(b);
  return (std::max(la, lb) + 0.05) / (std::min(la, lb) + 0.05);
}

}  // namespace

TEST(Palette, OkabeItoAtSixteenHasNoNearTwinsForColourBlindReadersAndShowsOnTheDarkBackground) {
  using gmmlab::Palette;
  const cv::Vec3b background(24, 24, 28);  // the viewer's plot background (ui.hpp, kPlotBack)
  EXPECT_EQ(gmmlab::palette_rgb(0, Palette::okabe_ito), cv::Vec3b(230, 159, 0));  // Okabe-Ito's orange
  // 15 CIELAB units apart at least, for every pair in all three visions: Okabe and Ito's own
  // closest pair (orange and yellow, for a deuteranope) is 17.0; the lab's navy has a contrast
  // of 1.1 with the background, which is why it is not this palette.
  std::set<std::string> names;
  for (arma::uword a = 0; a < 16; ++a) {
    const cv::Vec3b ca = gmmlab::palette_rgb(a, Palette::okabe_ito);
    names.insert(gmmlab::colour_name(a, Palette::okabe_ito));
    EXPECT_GE(contrast(ca, background), 3.0) << gmmlab::colour_name(a, Palette::okabe_ito);
    for (arma::uword b = a + 1; b < 16; ++b) {
      const cv::Vec3b cb = gmmlab::palette_rgb(b, Palette::okabe_ito);
      for (const Vision* v : {&kNormal, &kDeuteranopia, &kProtanopia})
        EXPECT_GE(distance(ca, cb, *v), 15.0) << gmmlab::colour_name(a, Palette::okabe_ito) << " and "
                                              << gmmlab::colour_name(b, Palette::okabe_ito);
    }
  }
  EXPECT_EQ(names.size(), 16u);
}

TEST(Palette, TheLabsPaletteStaysTheDefaultAndNamesReadBack) {
  EXPECT_EQ(gmmlab::palette_rgb(3), gmmlab::palette_rgb(3, gmmlab::Palette::lab));
  for (gmmlab::Palette p : gmmlab::kPalettes)
    EXPECT_EQ(gmmlab::from_name(gmmlab::palette_name(p), gmmlab::kPalettes, gmmlab::palette_name), p);
  EXPECT_EQ(gmmlab::name_choices(gmmlab::kPalettes, gmmlab::palette_name), "lab or okabe-ito");
  const arma::mat gamma = {{0.0, 1.0}};
  EXPECT_EQ(gmmlab::render_hard(gamma, 1, 1, gmmlab::Palette::okabe_ito).at<cv::Vec3b>(0, 0),
            cv::Vec3b(233, 180, 86));  // sky blue, BGR
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
