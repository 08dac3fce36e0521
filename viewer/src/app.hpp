#pragma once
// The window: panels drawn with Dear ImGui from the lanes' snapshots, textures uploaded only
// when a snapshot's pictures change, keyboard shortcuts, and the script runner.
#include <GLFW/glfw3.h>

#include <array>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "script.hpp"
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
  bool empty() const { return id_ == 0; }
  void* id() const { return reinterpret_cast<void*>(static_cast<std::intptr_t>(id_)); }

 private:
  unsigned id_ = 0;
};

class App {
 public:
  App(Session& session, GLFWwindow* window, std::optional<std::filesystem::path> state_file);

  // One frame's UI (between ImGui::NewFrame and ImGui::Render).
  void frame();
  // Script mode: true when everything asked has been computed and drawn for two frames.
  bool settled() const { return settled_frames_ >= 2; }
  // Runs one script action; throws gmmlab::Error naming the action when it cannot be done.
  void execute(const Action& a);
  // The window as last rendered (call after rendering, before swapping), RGB.
  cv::Mat grab() const;
  // Called from GLFW's drop callback: a photo, or a trace (.json).
  void open_dropped(const std::filesystem::path& path);
  void quit_requested() { quit_ = true; }
  // Script mode draws nothing that changes from run to run (timings), so that two runs give
  // the same screenshots.
  void set_scripted() { scripted_ = true; }
  bool quit() const { return quit_; }

 private:
  struct LaneTextures {
    std::uint64_t version = ~0ull;
    Texture hard, soft, heat;
    int heat_component = -1;
  };
  void sync();
  void shortcuts();
  void sidebar();
  void lane_row(std::size_t lane, float width, float height);
  void image_panel(const char* caption, const Texture& t, float w, float h, std::size_t lane, const char* tip);
  void feature_space(float side);
  void log_likelihood_plot(float w, float h);
  void parameter_table(float w, float h);
  void diff_box(float w);
  void headline();
  void pixel_tooltip(std::size_t lane, arma::uword pixel);
  void component_tooltip(std::size_t lane, arma::uword k);
  void write_state();

  bool next_is_e_step() const;  // of the half-step shown in the first lane
  bool has_next() const;        // a half-step comes after it (not at the end of a run or a trace)
  void reset();                 // R, the Reset button and a script's reset: the chosen settings
  void step_all(int half_steps, bool full);
  void step_iterations(int iterations);  // the Step button: every Step ends on an M-step
  void back_all(int half_steps);
  void go_to_all(std::size_t record);
  void toggle_run();

  Session& session_;
  GLFWwindow* window_;
  std::optional<std::filesystem::path> state_file_;
  std::string last_state_;

  std::vector<LaneView> views_;
  std::vector<std::uint64_t> seen_changes_;
  std::vector<std::unique_ptr<LaneTextures>> textures_;
  std::shared_ptr<const Problem> problem_;
  Texture photo_;
  std::string title_;

  // What the user chose to see.
  Axes axes_ = Axes::pca;
  bool colour_by_label_ = true;
  int heat_component_ = 0;
  std::size_t table_lane_ = 0;
  bool running_ = false;
  float speed_ = 2;  // half-steps a second when running
  double last_tick_ = 0;
  char path_[1024] = {};
  // Where the Step button and some panels are drawn, in window pixels (for the state file).
  std::map<std::string, std::array<float, 4>> rects_;
  void remember(std::array<float, 4>& rect);  // the last item's rectangle

  int settled_frames_ = 0;
  bool scripted_ = false;
  bool quit_ = false;
};

}  // namespace gmmlab::viewer
