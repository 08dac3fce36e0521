#pragma once
// Segmentation pictures, 8-bit BGR as OpenCV writes them.
#include <armadillo>
#include <opencv2/core.hpp>

#include "gmmlab/palette.hpp"  // the colours painted
#include "gmmlab/steps.hpp"    // most_likely, Steps

namespace gmmlab {

// Each pixel in the colour of its most likely component (argmax of gamma's row).
cv::Mat render_hard(const arma::mat& gamma, int height, int width, Palette palette = Palette::lab);
// Each pixel a blend of the palette colours weighted by its responsibilities.
cv::Mat render_soft(const arma::mat& gamma, int height, int width, Palette palette = Palette::lab);

// The same for a block of rows: paints pixels first .. first + rows - 1 of `out` (8-bit BGR,
// the image's size). scores may be gamma or anything with the same argmax (log-densities).
void paint_hard(const arma::mat& scores, cv::Mat& out, arma::uword first, Palette palette = Palette::lab);
void paint_soft(const arma::mat& gamma, cv::Mat& out, arma::uword first, Palette palette = Palette::lab);

// Pixels per block when pictures are drawn block by block (64 Ki: gamma of a block is 2.5 MB at K = 5).
inline constexpr arma::uword kRenderBlock = arma::uword(1) << 16;

// The pictures of a fitted mixture, from the E-step run block by block, so that the N x K
// responsibilities are never held whole (458 MB at 12 MP, K = 5). `soft` empty unless asked.
// Throws gmmlab::Error when the E-step gives NaN (a student's), naming the implementation.
struct Segmentation {
  cv::Mat hard, soft;
};
Segmentation render_segmentation(const Steps& steps, const arma::mat& x, const Mixture& m, int height, int width,
                                 bool soft, Palette palette = Palette::lab);

}  // namespace gmmlab
