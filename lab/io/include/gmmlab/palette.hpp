#pragma once
// The lab palette: the colour each component is painted in and the word every table and
// legend uses for it, in one table, so that a picture and the text beside it cannot drift apart.
// The first five are the original lab's COLORS (red, green, blue, yellow, magenta); the rest keep
// K > 5 readable, and components beyond the table cycle through it.
#include <armadillo>
#include <array>
#include <opencv2/core.hpp>
#include <string>

namespace gmmlab {

struct PaletteColour {
  unsigned char r, g, b;
  const char* name;
};

inline constexpr std::array<PaletteColour, 16> kPalette{{
    {255, 0, 0, "red"},       {0, 255, 0, "green"},      {0, 0, 255, "blue"},     {255, 255, 0, "yellow"},
    {255, 0, 255, "magenta"}, {0, 255, 255, "cyan"},     {255, 128, 0, "orange"}, {128, 0, 255, "purple"},
    {0, 128, 128, "teal"},    {128, 64, 0, "brown"},     {255, 128, 192, "pink"}, {128, 128, 0, "olive"},
    {0, 0, 128, "navy"},      {128, 128, 128, "grey"},   {128, 0, 0, "maroon"},   {0, 128, 0, "dark green"},
}};

// The colour of component k (0-based).
inline const PaletteColour& palette_colour(arma::uword component) { return kPalette[component % kPalette.size()]; }
// As RGB, and as a BGR scalar for OpenCV's drawing functions.
inline cv::Vec3b palette_rgb(arma::uword component) {
  const PaletteColour& c = palette_colour(component);
  return {c.r, c.g, c.b};
}
inline cv::Scalar palette_bgr(arma::uword component) {
  const PaletteColour& c = palette_colour(component);
  return {double(c.b), double(c.g), double(c.r)};
}
// "red", "green", ...: the name of component k's colour, as tables and legends say it.
inline std::string colour_name(arma::uword component) { return palette_colour(component).name; }

}  // namespace gmmlab
