#include "controls.hpp"

namespace gmmlab::viewer {

bool Controls::next_is_e_step(const std::vector<LaneView>& views) {
  return views.empty() || viewer::next_is_e_step(views[0]);
}
bool Controls::has_next(const std::vector<LaneView>& views) { return !views.empty() && viewer::has_next(views[0]); }

void Controls::reset() {
  running_ = false;
  session_.reset();
}
void Controls::half_steps(int n) {
  for (Lane* l : session_.lanes()) l->advance(n, false);
}
void Controls::iterations(int n) {
  for (Lane* l : session_.lanes()) l->step(n);
}
void Controls::back(int half_steps) {
  running_ = false;
  for (Lane* l : session_.lanes()) l->back(half_steps);
}
void Controls::go_to(std::size_t record) {
  running_ = false;
  for (Lane* l : session_.lanes()) l->go_to(record);
}
void Controls::run_to_convergence() {
  for (Lane* l : session_.lanes()) l->run_to_convergence();
}
void Controls::cancel() {
  running_ = false;
  for (Lane* l : session_.lanes()) l->cancel();
}
void Controls::toggle_run() {
  running_ = !running_;
  last_tick_ = 0;
}
void Controls::open(const std::filesystem::path& path) {
  running_ = false;
  if (path.extension() == ".json") session_.open_trace(path);
  else session_.open_image(path);
}
void Controls::open_trace(const std::filesystem::path& path) {
  running_ = false;
  session_.open_trace(path);
}

void Controls::tick(const std::vector<LaneView>& views, bool idle, double now) {
  if (!running_ || !idle || now - last_tick_ < 1.0 / speed_) return;
  last_tick_ = now;
  bool more = false;
  for (const LaneView& v : views) more |= viewer::has_next(v);
  if (more) half_steps(1);
  else running_ = false;
}

}  // namespace gmmlab::viewer
