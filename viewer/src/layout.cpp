#include "layout.hpp"

#include <algorithm>

namespace gmmlab::viewer {

Layout make_layout(float width, float height, std::size_t lanes, float line, float aspect, const Proportions& p) {
  Layout l;
  const float g = p.gap;
  l.sidebar = {g, g, std::clamp(p.sidebar_share * width, p.sidebar_min, p.sidebar_max), height - 2 * g};
  const float x = l.sidebar.right() + g, w = std::max(0.f, width - x - g);
  l.headline = {x, g, w, p.headline_lines * line};
  const float top = l.headline.bottom() + g / 2, avail = std::max(0.f, height - g - top);
  const bool two = lanes >= 2;
  const float fits = (w - 3 * g) / 4 / std::max(aspect, 0.1f) + line;  // four pictures across, captioned
  const float row = std::min({two ? p.row_max_two : p.row_max_one, fits,
                              avail * (two ? p.rows_share_two : p.rows_share_one) / (two ? 2.f : 1.f)});
  l.rows[0] = {x, top, w, row};
  if (two) l.rows[1] = {x, top + row, w, row};
  const float below_top = top + (two ? 2 : 1) * row + g / 2, below = std::max(0.f, height - g - below_top);
  // The feature plot is square: all the height below the rows, unless the table would get
  // less than its six columns need; never less than its share of the width.
  const float side = std::max(0.f, std::min({below, w, std::max(w - g - p.table_min_width, p.feature_min_share * w)}));
  l.feature = {x, below_top, side, side};
  const float rx = x + side + g, rw = std::max(0.f, x + w - rx);
  const float curve = std::min(p.curve_max, (two ? p.curve_share_two : p.curve_share) * below);
  l.curve = {rx, below_top, rw, curve};
  const float diff = two ? p.diff_share * below : 0;
  l.table = {rx, l.curve.bottom() + g / 2, rw, std::max(0.f, below - curve - g / 2 - (two ? diff + g / 2 : 0))};
  if (two) l.diff = {rx, l.table.bottom() + g / 2, rw, diff};
  return l;
}

}  // namespace gmmlab::viewer
