#pragma once
// The window: each frame takes the lanes' snapshots, uploads the pictures that changed, reads
// the shortcuts and has each panel (panels.hpp) draw into its box of the layout (layout.hpp).
// The script interpreter (script_runner.hpp) drives it from outside the frame.
#include <GLFW/glfw3.h>

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "panels.hpp"

namespace gmmlab::viewer {

class App {
 public:
  App(Session& session, GLFWwindow* window, std::optional<std::filesystem::path> state_file);

  // One frame's UI (between ImGui::NewFrame and ImGui::Render).
  void frame();
  // True when everything asked has been computed and drawn for two frames.
  bool settled() const { return settled_frames_ >= 2; }
  void unsettle() { settled_frames_ = 0; }  // something was asked: wait for it
  // The window as last rendered (call after rendering, before swapping), RGB.
  cv::Mat grab() const;
  // Called from GLFW's drop callback: a photo, or a trace (.json).
  void open_dropped(const std::filesystem::path& path);
  // Script mode draws nothing that changes from run to run (timings), so that two runs give
  // the same screenshots.
  void set_scripted() { scripted_ = true; }
  bool quit() const { return quit_; }

  Session& session() { return session_; }
  Controls& controls() { return controls_; }
  Choices& choices() { return choices_; }
  const std::vector<LaneView>& views() const { return views_; }  // this frame's snapshots
  const Problem* problem() const { return problem_.get(); }

 private:
  void sync();
  void shortcuts();
  void write_state();

  Session& session_;
  Controls controls_;
  GLFWwindow* window_;
  std::optional<std::filesystem::path> state_file_;
  std::string last_state_;

  std::vector<LaneView> views_;
  std::vector<std::uint64_t> seen_changes_;
  std::vector<std::unique_ptr<LaneTextures>> textures_;
  std::shared_ptr<const Problem> problem_;
  Texture photo_;
  std::string title_;
  Choices choices_;
  Palette painted_palette_ = Palette::lab;  // what the lanes were last told to paint in
  std::vector<Lane*> painted_lanes_;
  Rects rects_;

  SidebarPanel sidebar_;
  HeadlinePanel headline_;
  LaneRowPanel rows_[2] = {LaneRowPanel(0), LaneRowPanel(1)};
  FeatureSpacePanel feature_;
  CurvePanel curve_;
  ParameterTablePanel table_;
  DiffPanel diff_;

  int settled_frames_ = 0;
  bool scripted_ = false;
  bool quit_ = false;
};

}  // namespace gmmlab::viewer
