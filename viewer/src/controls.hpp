#pragma once
// What the window can be told to do, once for the buttons, the shortcuts and the script:
// every control goes to every lane, so the lanes of "both" move together.
#include <cstddef>
#include <filesystem>
#include <vector>

#include "session.hpp"

namespace gmmlab::viewer {

class Controls {
 public:
  explicit Controls(Session& session) : session_(session) {}

  // Of the half-step the followed lane (the first) shows.
  static bool next_is_e_step(const std::vector<LaneView>& views);
  static bool has_next(const std::vector<LaneView>& views);  // not at the end of a run or a trace

  void reset();                        // R, the Reset button, a script's reset: the chosen settings
  void half_steps(int n);              // E, M, the script's forward
  void iterations(int n);              // Step: to the end of the next n iterations (an M-step)
  void back(int half_steps);
  void go_to(std::size_t record);
  void run_to_convergence();
  void cancel();
  void toggle_run();
  void open(const std::filesystem::path& path);  // a photo, or a trace (.json), as a drop does
  void open_trace(const std::filesystem::path& path);

  // Run's timer: one half-step every 1/speed s while running and idle.
  void tick(const std::vector<LaneView>& views, bool idle, double now);
  bool running() const { return running_; }
  float& speed() { return speed_; }

 private:
  Session& session_;
  bool running_ = false;
  float speed_ = 2;  // half-steps a second when running
  double last_tick_ = 0;
};

}  // namespace gmmlab::viewer
