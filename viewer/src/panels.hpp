#pragma once
// The window's panels, each a type of its own drawing from the Scene (ui.hpp) into the box
// the layout (layout.hpp) gives it. They hold only what is theirs to remember (the path
// typed in the sidebar); everything else they read from the scene each frame.
#include "ui.hpp"

namespace gmmlab::viewer {

// Photo, model, EM and view controls on the left.
class SidebarPanel : public Panel {
 public:
  explicit SidebarPanel(const std::filesystem::path& image);
  void draw(const Scene& s, const Box& box) override;
  void set_path(const std::filesystem::path& p);  // a dropped file's path shows in the field

 private:
  void model(const Scene& s);
  void em(const Scene& s);
  char path_[1024] = {};
};

// "E-step 1 · half-step 1 of 1 so far", the log-likelihood and what the half-step changed.
class HeadlinePanel : public Panel {
 public:
  void draw(const Scene& s, const Box& box) override;
};

// One lane's photo, segmentation, soft segmentation and heat map, with pixel tooltips.
class LaneRowPanel : public Panel {
 public:
  explicit LaneRowPanel(std::size_t lane) : lane_(lane) {}
  void draw(const Scene& s, const Box& box) override;

 private:
  void picture(const Scene& s, const char* caption, const Texture& t, float w, float h, const char* rect);
  std::size_t lane_;
};

// The sample's pixels in feature space and every lane's Gaussians as 1σ/2σ ellipses.
class FeatureSpacePanel : public Panel {
 public:
  void draw(const Scene& s, const Box& box) override;

 private:
  float legend(const Scene& s, ImVec2 at, float width, bool before);
};

// The log-likelihood after every half-step of every lane (or each iteration's gain on a log
// scale), the half-step shown marked.
class CurvePanel : public Panel {
 public:
  void draw(const Scene& s, const Box& box) override;
};

// The line under the curve when L fell in some lane's iteration: "" when it never fell; a fall
// the ridge or rounding explains (within 1e-6 of L, the bound `gmmlab segment` warns at); or a
// fall larger than that, which a wrong step makes. Also in the state file ("curve_note").
std::string curve_fall_note(const std::vector<LaneView>& views);

// π, N, μ, Σ of the half-step shown, what it changed highlighted, and the two formulas.
class ParameterTablePanel : public Panel {
 public:
  void draw(const Scene& s, const Box& box) override;
};

// "both": where yours and the reference part (the tracer's diff).
class DiffPanel : public Panel {
 public:
  void draw(const Scene& s, const Box& box) override;
};

}  // namespace gmmlab::viewer
