#include "app.hpp"

#include <GL/gl.h>
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "keys.hpp"

namespace fs = std::filesystem;

namespace gmmlab::viewer {

App::App(Session& session, GLFWwindow* window, std::optional<fs::path> state_file)
    : session_(session),
      controls_(session),
      window_(window),
      state_file_(std::move(state_file)),
      sidebar_(session.settings().image) {}

void App::sync() {
  session_.poll();
  bool changed = false;
  if (session_.problem() != problem_) {
    problem_ = session_.problem();
    if (problem_) photo_.upload(problem_->photo, true);
    choices_.heat_component = std::min<int>(choices_.heat_component, int(session_.running().k) - 1);
    changed = true;
  }
  const std::vector<Lane*> lanes = session_.lanes();
  if (lanes.size() != views_.size() || changed) {
    views_.assign(lanes.size(), LaneView{});
    seen_changes_.assign(lanes.size(), ~0ull);
    textures_.clear();
    for (std::size_t i = 0; i < lanes.size(); ++i) textures_.push_back(std::make_unique<LaneTextures>());
    changed = true;
  }
  for (std::size_t i = 0; i < lanes.size(); ++i) {
    const std::uint64_t c = lanes[i]->changes();
    if (c == seen_changes_[i]) continue;
    seen_changes_[i] = c;
    views_[i] = lanes[i]->view();
    changed = true;
  }
  // One palette for the window: the panels' ink now, the lanes' pictures when they repaint.
  ui::use_palette(choices_.palette);
  if (lanes != painted_lanes_ || painted_palette_ != choices_.palette) {
    for (Lane* lane : lanes) lane->set_palette(choices_.palette);
    painted_palette_ = choices_.palette;
    painted_lanes_ = lanes;
  }
  const int heat = choices_.heat_component;
  for (std::size_t i = 0; i < views_.size(); ++i) {
    LaneTextures& t = *textures_[i];
    const Display& d = views_[i].display;
    if (d.version != t.version) {
      t.hard.upload(d.hard);
      t.soft.upload(d.soft);
      if (d.changed.empty()) t.changed.clear();
      else t.changed.upload(d.changed);
      t.version = d.version;
      t.heat_component = -1;
    }
    if (d.gamma && t.heat_component != heat && heat < int(d.gamma->n_cols)) {
      // The heat map is made here, at display size, so choosing a component needs no worker.
      cv::Mat g(problem_->display_height, problem_->display_width, CV_8UC1);
      for (arma::uword j = 0; j < problem_->display_index.n_elem; ++j)
        g.data[j] = cv::saturate_cast<uchar>(255 * (*d.gamma)(j, heat));  // row j: display pixel j
      cv::Mat map;
      cv::applyColorMap(g, map, cv::COLORMAP_INFERNO);
      cv::cvtColor(map, map, cv::COLOR_BGR2RGB);
      t.heat.upload(map, true);
      t.heat_component = heat;
      changed = true;
    }
  }
  const bool idle = !session_.busy();
  settled_frames_ = idle && !changed ? settled_frames_ + 1 : 0;

  // The title says where the run is, so a glance (or a test) can tell.
  std::string title = "GMM Lab viewer";
  if (problem_) title += " - " + problem_->source;
  if (!views_.empty())
    if (const Record* r = ui::at(views_[0], views_[0].cursor)) title += fmt::format(" - {} {}", views_[0].name, describe(*r));
  if (title != title_) {
    title_ = title;
    glfwSetWindowTitle(window_, title_.c_str());
  }
  controls_.tick(views_, idle, glfwGetTime());
}

void App::open_dropped(const fs::path& path) {
  sidebar_.set_path(path);
  controls_.open(path);
}

void App::shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  const KeyPresses pressed = take_keys();
  if (io.WantTextInput) return;
  if (io.KeyCtrl && pressed(Key::q)) quit_ = true;
  if (io.KeyCtrl) return;
  Controls& c = controls_;
  const bool e_next = Controls::next_is_e_step(views_);
  if (pressed(Key::r)) c.reset();
  if (Controls::has_next(views_) && ((pressed(Key::e) && e_next) || (pressed(Key::m) && !e_next))) c.half_steps(1);
  if (pressed(Key::s) || pressed(Key::right)) c.iterations(1);
  if (pressed(Key::b) || pressed(Key::left)) c.back(1);
  if (pressed(Key::space)) c.toggle_run();
  if (pressed(Key::c)) c.run_to_convergence();
  if (pressed(Key::escape)) c.cancel();
  if (pressed(Key::a)) choices_.axes = Axes((int(choices_.axes) + 1) % 4);
  if (pressed(Key::l)) choices_.points = PointColour((int(choices_.points) + 1) % int(kPointColours.size()));
  if (pressed(Key::p)) choices_.palette = Palette((int(choices_.palette) + 1) % int(kPalettes.size()));
  if (pressed(Key::g)) choices_.curve_gain = !choices_.curve_gain;
  if (pressed(Key::h)) choices_.heat_component = (choices_.heat_component + 1) % std::max(1, int(session_.running().k));
}

void App::frame() {
  sync();
  shortcuts();
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(0, 0));
  ImGui::Begin("GMM Lab viewer", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::PopStyleVar();
  const float aspect = problem_ ? float(problem_->display_width) / float(problem_->display_height) : 1.5f;
  const Layout l = make_layout(io.DisplaySize.x, io.DisplaySize.y, views_.size(), ImGui::GetTextLineHeightWithSpacing(), aspect);
  const Scene scene{session_, controls_, choices_, rects_, problem_.get(), views_, textures_, photo_, scripted_};
  sidebar_.draw(scene, l.sidebar);
  headline_.draw(scene, l.headline);
  for (std::size_t i = 0; i < std::min<std::size_t>(views_.size(), 2); ++i) rows_[i].draw(scene, l.rows[i]);
  Panel* lower[] = {&feature_, &curve_, &table_, &diff_};
  const Box* boxes[] = {&l.feature, &l.curve, &l.table, &l.diff};
  for (int i = 0; i < 4; ++i) lower[i]->draw(scene, *boxes[i]);
  ImGui::End();
  write_state();
}

void App::write_state() {
  if (!state_file_) return;
  nlohmann::json s;
  s["source"] = problem_ ? problem_->source : "";
  s["axes"] = axes_name(choices_.axes);
  s["palette"] = palette_name(choices_.palette);
  s["changed_map"] = choices_.changed_map;
  s["points"] = point_colour_name(choices_.points);
  s["running"] = controls_.running();
  for (const auto& [name, r] : rects_) s["rects"][name] = r;
  const Settings &chosen = session_.settings(), &run = session_.running();
  s["settings"] = {{"chosen", {{"k", chosen.k}, {"seed", chosen.seed}}},
                   {"running", {{"k", run.k}, {"seed", run.seed}}},
                   {"pending", session_.pending()},
                   {"refusal", ui::refusal_of(chosen)}};
  s["lanes"] = nlohmann::json::array();
  for (const LaneView& v : views_) {
    const Record* r = ui::at(v, v.cursor);
    s["lanes"].push_back({{"name", v.name},
                          {"cursor", v.cursor},
                          {"history", v.history.size()},
                          {"shown", r ? describe(*r) : ""},
                          {"timing", v.timing},
                          {"message", v.message},
                          {"note", note_name(v.note)},
                          {"banner", ui::stopped_banner(v)},
                          {"zscore", problem_ ? ui::zscore_note(v, *problem_, views_.size() > 1) : ""},
                          {"next", !has_next(v) ? "none" : next_is_e_step(v) ? "E-step" : "M-step"}});
    // What the half-step shown measured: E-steps their labels changed, M-steps L of the new mixture.
    nlohmann::json& lane = s["lanes"].back();
    lane["log_likelihood"] = r && r->log_likelihood ? nlohmann::json(*r->log_likelihood) : nlohmann::json();
    lane["new_log_likelihood"] = r && r->new_log_likelihood ? nlohmann::json(*r->new_log_likelihood) : nlohmann::json();
    lane["labels_changed"] = r && r->labels_changed ? nlohmann::json(*r->labels_changed) : nlohmann::json();
  }
  s["curve_note"] = curve_fall_note(views_);
  // The diff panel's first line, as drawn (the tracer's diff is cached by the session).
  if (views_.size() == 2) {
    const auto d = session_.diff();
    s["diff"] = d ? diff_headline(*d, views_[1].zscore.has_value()) : "";
  }
  const std::string text = s.dump(2) + "\n";
  if (text == last_state_) return;
  last_state_ = text;
  try {
    write_text_file(text, *state_file_);
  } catch (const Error&) {
    // The state file is for tests; the window goes on without it.
  }
}

cv::Mat App::grab() const {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  cv::Mat rgb(h, w, CV_8UC3);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  glReadBuffer(GL_BACK);
  glReadPixels(0, 0, w, h, GL_RGB, GL_UNSIGNED_BYTE, rgb.data);
  cv::flip(rgb, rgb, 0);
  return rgb;
}

}  // namespace gmmlab::viewer
