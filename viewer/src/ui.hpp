#pragma once
// What the window's panels share: textures, colours and small widgets, the user's view
// choices, and the Scene every panel draws from (the problem, the lanes' snapshots, the
// controls). Each panel is a type of its own (panels.hpp) with one draw(scene, box).
#include <imgui.h>

#include <array>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "controls.hpp"
#include "layout.hpp"
#include "session.hpp"

namespace gmmlab::viewer {

// An OpenGL texture holding one RGB picture.
class Texture {
 public:
  Texture() = default;
  Texture(const Texture&) = delete;
  Texture& operator=(const Texture&) = delete;
  ~Texture();
  // smooth: blend when shrinking (photos, heat maps); otherwise nearest pixel (segmentations).
  void upload(const cv::Mat& rgb, bool smooth = false);
  void clear();  // nothing to show (an M-step has no changed-pixels map)
  bool empty() const { return id_ == 0; }
  ImTextureID id() const { return (ImTextureID)(std::intptr_t)id_; }

 private:
  unsigned id_ = 0;
};

// A lane's pictures on the GPU, uploaded only when its snapshot's pictures change.
struct LaneTextures {
  std::uint64_t version = ~0ull;
  Texture hard, soft, heat, changed;
  int heat_component = -1;
};

// What the user chose to see (not what EM runs with: that is Session::settings()).
struct Choices {
  Axes axes = Axes::pca;
  PointColour points = PointColour::label;
  int heat_component = 0;
  std::size_t table_lane = 0;
  Palette palette = Palette::lab;
  bool curve_gain = false;  // the curve as each iteration's gain on a log scale
  bool changed_map = false; // after an E-step, the segmentation panel shows the pixels it relabelled
};

// Where some items are drawn, in window pixels, for the state file (tests click them).
using Rects = std::map<std::string, std::array<float, 4>>;

// What a panel draws from. views[0] is the lane the window follows (its headline, the
// scrubber, the plot's cursor); every lane's snapshot is taken once a frame.
struct Scene {
  Session& session;
  Controls& controls;
  Choices& choices;
  Rects& rects;
  const Problem* problem;  // null until a photo or trace is open
  const std::vector<LaneView>& views;
  const std::vector<std::unique_ptr<LaneTextures>>& textures;
  const Texture& photo;
  bool scripted;  // draw nothing that changes from run to run (timings)
  const LaneView* current() const { return views.empty() ? nullptr : &views[0]; }
};

class Panel {
 public:
  virtual ~Panel() = default;
  virtual void draw(const Scene& scene, const Box& box) = 0;
};

namespace ui {

inline const ImVec4 kTodo(1.0f, 0.82f, 0.3f, 1), kBad(1.0f, 0.45f, 0.4f, 1), kMuted(0.65f, 0.65f, 0.68f, 1),
    kGood(0.55f, 0.85f, 0.55f, 1), kLesson(0.95f, 0.85f, 0.55f, 1);
inline const ImU32 kChanged = IM_COL32(160, 120, 20, 150), kPlotBack = IM_COL32(24, 24, 28, 255),
                   kTitleInk = IM_COL32(230, 230, 230, 255), kLabelInk = IM_COL32(170, 170, 170, 255);

// The palette the window paints with (the choice, set once a frame by the app: the
// panels, the swatches and the lanes' pictures use one palette at a time).
void use_palette(Palette p);
Palette palette_in_use();
ImU32 palette(arma::uword k, int alpha = 255);
// The palette mixed by the weights w (responsibilities summing to 1).
ImU32 palette_mix(const double* w, arma::uword k, int stride, int alpha = 255);
void swatch(arma::uword k);
// Buttons whose label says their shortcut; a key press does what the click does.
bool button(const char* label, const char* key, float width = 0);
std::string lane_label(const std::string& name);  // "yours (student)" for the student
const Record* at(const LaneView& v, std::size_t i);  // null past the history
// What the half-step shown did, in one sentence: the lesson of the screenshots.
std::string explain(const Record& r);
// A lane's message in the colour of its kind: a run that ended or a trace opened is news.
ImVec4 note_colour(LaneView::Note n);
// A run that stopped with an error keeps the pictures of its last half-step (or has none):
// the sentence drawn on them, so that they are not taken for a run that goes on. "" otherwise.
std::string stopped_banner(const LaneView& v);
// Why Reset would refuse the chosen settings (validate's sentence), "" when it would not.
std::string refusal_of(const Settings& s);
// The lane's Z-score mismatch in one sentence, or "" (see model.hpp's ZscoreMismatch).
std::string zscore_note(const LaneView& v, const Problem& p, bool side_by_side);
bool differs(double a, double b);
void remember(std::array<float, 4>& rect);  // the last item's rectangle
// A child window at `box` (window coordinates of the main window).
void begin_box(const char* id, const Box& box, bool border, ImGuiWindowFlags flags = 0);
// The tooltip of component k of the half-step `v` shows.
void component_tooltip(const LaneView& v, arma::uword k);

}  // namespace ui
}  // namespace gmmlab::viewer
