#pragma once
// Segmentation pictures, 8-bit BGR as OpenCV writes them.
#include <armadillo>
#include <opencv2/core.hpp>

#include "gmmlab/steps.hpp"  // most_likely

namespace gmmlab {

// The lab palette, RGB: red, green, blue, yellow, magenta first, then more distinct colours
// for K > 5 (cycling after the table ends).
cv::Vec3b palette_rgb(arma::uword component);

// Each pixel in the colour of its most likely component (argmax of gamma's row).
cv::Mat render_hard(const arma::mat& gamma, int height, int width);
// Each pixel a blend of the palette colours weighted by its responsibilities.
cv::Mat render_soft(const arma::mat& gamma, int height, int width);

}  // namespace gmmlab
