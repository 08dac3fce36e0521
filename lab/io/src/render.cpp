#include "gmmlab/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gmmlab/errors.hpp"

namespace gmmlab {

void paint_hard(const arma::mat& scores, cv::Mat& out, arma::uword first, Palette palette) {
  const arma::uvec labels = most_likely(scores);
  auto* px = out.ptr<cv::Vec3b>() + first;
  for (arma::uword n = 0; n < labels.n_elem; ++n) {
    const cv::Vec3b rgb = palette_rgb(labels[n], palette);
    px[n] = {rgb[2], rgb[1], rgb[0]};
  }
}

void paint_soft(const arma::mat& gamma, cv::Mat& out, arma::uword first, Palette palette) {
  arma::mat colours(gamma.n_cols, 3);  // K x 3, BGR
  for (arma::uword k = 0; k < gamma.n_cols; ++k) {
    const cv::Vec3b rgb = palette_rgb(k, palette);
    colours.row(k) = arma::rowvec{double(rgb[2]), double(rgb[1]), double(rgb[0])};
  }
  const arma::mat blended = arma::clamp(gamma * colours, 0.0, 255.0);
  auto* px = out.ptr<cv::Vec3b>() + first;
  for (arma::uword n = 0; n < blended.n_rows; ++n)
    for (int c = 0; c < 3; ++c) px[n][c] = static_cast<unsigned char>(std::lround(blended(n, c)));
}

cv::Mat render_hard(const arma::mat& gamma, int height, int width, Palette palette) {
  cv::Mat out(height, width, CV_8UC3);
  paint_hard(gamma, out, 0, palette);
  return out;
}

cv::Mat render_soft(const arma::mat& gamma, int height, int width, Palette palette) {
  cv::Mat out(height, width, CV_8UC3);
  paint_soft(gamma, out, 0, palette);
  return out;
}

Segmentation render_segmentation(const Steps& steps, const arma::mat& x, const Mixture& m, int height, int width,
                                 bool soft, Palette palette) {
  Segmentation s;
  s.hard.create(height, width, CV_8UC3);
  if (soft) s.soft.create(height, width, CV_8UC3);
  for (arma::uword first = 0; first < x.n_rows; first += kRenderBlock) {
    const arma::uword last = std::min(x.n_rows, first + kRenderBlock) - 1;
    const Posterior p = steps.e_step(x.rows(first, last), m);
    if (!p.gamma.is_finite() || p.gamma.n_rows != last - first + 1 || p.gamma.n_cols != m.components())
      throw Error(fmt::format("the {} E-step gave NaN responsibilities for the final mixture; no picture written",
                              steps.name()));
    paint_hard(p.gamma, s.hard, first, palette);
    if (soft) paint_soft(p.gamma, s.soft, first, palette);
  }
  return s;
}

}  // namespace gmmlab
