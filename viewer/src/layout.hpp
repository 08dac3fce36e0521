#pragma once
// Where each panel of the window goes, from named proportions of the window's size: no ImGui
// here, so that the model tests can check every size (nothing overlaps, nothing leaves the
// window, the feature plot gets the room).

#include <cstddef>

namespace gmmlab::viewer {

struct Box {
  float x = 0, y = 0, w = 0, h = 0;
  float right() const { return x + w; }
  float bottom() const { return y + h; }
};

// The named proportions (and the few sizes in pixels that text needs).
struct Proportions {
  float gap = 8;                       // between panels
  float sidebar_share = 0.24f;         // of the window's width ...
  float sidebar_min = 250, sidebar_max = 300;  // ... within these (its controls need 250)
  float headline_lines = 3;            // "E-step 1 · half-step ..." and its explanation in 2 lines
  float rows_share_one = 0.30f;        // of the main column's height: the photo row of one lane
  float rows_share_two = 0.40f;        // both rows of "both"
  float row_max_one = 240, row_max_two = 180;
  float table_min_width = 560;         // the parameter table's six columns
  float feature_min_share = 0.40f;     // the feature plot never gets less of the main width
  float curve_share = 0.40f;           // of the right column's height, the log-likelihood curve
  float curve_max = 220;
  float curve_share_two = 0.30f;       // in "both", where the table and the diff need room too
  float diff_share = 0.26f;            // of the right column's height, the diff (in "both")
};

struct Layout {
  Box sidebar, headline;
  Box rows[2];  // one per lane shown (the second only in "both")
  Box feature, curve, table, diff;  // diff: empty unless two lanes
};

// lanes: 1 or 2; line: the height of a line of text with its spacing; aspect: the photo's
// width over its height (a row is no taller than its four pictures and their captions).
Layout make_layout(float width, float height, std::size_t lanes, float line, float aspect = 1.5f,
                   const Proportions& p = {});

}  // namespace gmmlab::viewer
