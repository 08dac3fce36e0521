#pragma once
// The palettes: the colour each component is painted in and the word every table and legend
// uses for it, in one table each, so that a picture and the text beside it cannot drift apart.
//
// `lab` (the default): the first five are the original lab's COLORS (red, green, blue, yellow,
// magenta); the rest keep K > 5 readable. `okabe-ito`: for colour-blind readers, Okabe and Ito's
// seven colours (their black left out: it vanishes on the viewer's dark background), then nine
// chosen greedily from a 16-level RGB grid, each as far as possible (CIELAB distance) from all
// before it in normal vision and in simulated deuteranopia and protanopia (Machado 2009), with
// a contrast of at least 4:1 against the viewer's background (24, 24, 28).
// lab/io/tests/render_test.cpp checks both properties at K = 16. Components beyond a table
// cycle through it.
#include <armadillo>
#include <array>
#include <opencv2/core.hpp>
#include <string>

#include "gmmlab/enum_names.hpp"

namespace gmmlab {

struct PaletteColour {
  unsigned char r, g, b;
  const char* name;
};

enum class Palette { lab, okabe_ito };
inline constexpr std::array kPalettes{Palette::lab, Palette::okabe_ito};
inline const char* palette_name(Palette p) {
  switch (p) {
    case Palette::lab: return "lab";
    case Palette::okabe_ito: return "okabe-ito";
  }
  return "?";
}

inline constexpr std::array<PaletteColour, 16> kPalette{{
    {255, 0, 0, "red"},       {0, 255, 0, "green"},      {0, 0, 255, "blue"},     {255, 255, 0, "yellow"},
    {255, 0, 255, "magenta"}, {0, 255, 255, "cyan"},     {255, 128, 0, "orange"}, {128, 0, 255, "purple"},
    {0, 128, 128, "teal"},    {128, 64, 0, "brown"},     {255, 128, 192, "pink"}, {128, 128, 0, "olive"},
    {0, 0, 128, "navy"},      {128, 128, 128, "grey"},   {128, 0, 0, "maroon"},   {0, 128, 0, "dark green"},
}};

inline constexpr std::array<PaletteColour, 16> kOkabeItoPalette{{
    {230, 159, 0, "orange"},        {86, 180, 233, "sky blue"},    {0, 158, 115, "bluish green"},
    {240, 228, 66, "yellow"},       {0, 114, 178, "blue"},         {213, 94, 0, "vermillion"},
    {204, 121, 167, "reddish purple"}, {187, 255, 170, "pale green"}, {102, 102, 255, "periwinkle"},
    {238, 255, 255, "white"},       {102, 187, 102, "leaf green"}, {85, 221, 170, "aquamarine"},
    {85, 153, 255, "cornflower"},   {255, 255, 136, "pale yellow"}, {187, 221, 255, "pale blue"},
    {68, 136, 68, "forest green"},
}};

inline const std::array<PaletteColour, 16>& palette_table(Palette p) {
  return p == Palette::okabe_ito ? kOkabeItoPalette : kPalette;
}
// The colour of component k (0-based).
inline const PaletteColour& palette_colour(arma::uword component, Palette p = Palette::lab) {
  const auto& table = palette_table(p);
  return table[component % table.size()];
}
// As RGB, and as a BGR scalar for OpenCV's drawing functions.
inline cv::Vec3b palette_rgb(arma::uword component, Palette p = Palette::lab) {
  const PaletteColour& c = palette_colour(component, p);
  return {c.r, c.g, c.b};
}
inline cv::Scalar palette_bgr(arma::uword component, Palette p = Palette::lab) {
  const PaletteColour& c = palette_colour(component, p);
  return {double(c.b), double(c.g), double(c.r)};
}
// "red", "green", ...: the name of component k's colour, as tables and legends say it.
inline std::string colour_name(arma::uword component, Palette p = Palette::lab) {
  return palette_colour(component, p).name;
}

}  // namespace gmmlab
