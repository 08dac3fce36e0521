#include <fmt/format.h>

#include <algorithm>

#include "panels.hpp"

namespace fs = std::filesystem;

namespace gmmlab::viewer {

using namespace ui;

SidebarPanel::SidebarPanel(const fs::path& image) { set_path(image); }

void SidebarPanel::set_path(const fs::path& p) { std::snprintf(path_, sizeof path_, "%s", p.string().c_str()); }

void SidebarPanel::draw(const Scene& s, const Box& box) {
  begin_box("sidebar", box, false);
  ImGui::TextColored(kGood, "GMM Lab viewer");
  ImGui::Separator();

  ImGui::Text("Photo");
  ImGui::SetNextItemWidth(-1);
  const bool enter = ImGui::InputText("##path", path_, sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::Button("Open photo") || enter) s.controls.open(path_);  // .json opens a trace, as a drop does
  ImGui::SameLine();
  if (ImGui::Button("Open trace")) s.controls.open_trace(path_);
  ImGui::TextColored(kMuted, "samples:");
  for (const fs::path& p : sample_images()) {
    ImGui::SameLine();
    if (ImGui::SmallButton(p.stem().string().c_str())) {
      set_path(p);
      s.controls.open(p);
    }
  }
  ImGui::TextColored(kMuted, "or drop a photo or trace here");
  // One line always (the size, or nothing yet), so that the controls below never move; a
  // file that cannot be opened is said with the other messages at the bottom.
  if (s.problem)
    ImGui::TextColored(kMuted, "%d x %d px (%.1f MP); EM uses all", s.problem->image.width, s.problem->image.height,
                       s.problem->image.width * double(s.problem->image.height) / 1e6);
  else
    ImGui::TextUnformatted("");
  ImGui::Separator();
  model(s);
  ImGui::Separator();
  em(s);
  ImGui::Separator();

  Choices& c = s.choices;
  ImGui::Text("Feature space  [A]");
  for (Axes ax : kAllAxes) {
    if (ax != Axes::bg) ImGui::SameLine();
    if (ImGui::RadioButton(axes_name(ax), c.axes == ax)) c.axes = ax;
  }
  ImGui::Text("points coloured by  [L]");
  for (PointColour pc : kPointColours) {
    if (pc != PointColour::pixel) ImGui::SameLine();
    const char* label = pc == PointColour::mix ? "\xce\xb3 mix" : point_colour_name(pc);
    if (ImGui::RadioButton(label, c.points == pc)) c.points = pc;
  }
  ImGui::Checkbox("changed pixels (after an E-step)", &c.changed_map);
  ImGui::Text("palette  [P]");
  for (Palette p : kPalettes) {
    ImGui::SameLine();
    if (ImGui::RadioButton(palette_name(p), c.palette == p)) c.palette = p;
  }
  ImGui::SetNextItemWidth(std::max(60.f, ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("heat map  [H]").x - 8));
  int heat = c.heat_component + 1;
  if (ImGui::SliderInt("heat map  [H]", &heat, 1, std::max(1, int(s.session.running().k)))) c.heat_component = heat - 1;
  ImGui::Separator();

  s.rects["view_controls_end"] = {0, ImGui::GetCursorScreenPos().y, 0, ImGui::GetCursorScreenPos().y};
  ImGui::PushTextWrapPos(0);
  if (!s.session.error().empty()) ImGui::TextColored(kBad, "%s", s.session.error().c_str());
  if (!s.session.student_error().empty()) ImGui::TextColored(kBad, "%s", s.session.student_error().c_str());
  for (Lane* l : s.session.lanes())
    if (!l->implementation().walls.empty()) ImGui::TextColored(kMuted, "%s", l->implementation().walls.c_str());
  for (Lane* l : s.session.lanes())
    if (!l->implementation().note.empty()) ImGui::TextColored(kTodo, "%s", l->implementation().note.c_str());
  for (const LaneView& v : s.views) {
    if (v.message.empty()) continue;
    ImGui::TextColored(note_colour(v.note), "%s: %s", lane_label(v.name).c_str(), v.message.c_str());
  }
  // Alone, a lane's Z-score mismatch is said here; side by side the diff panel says it.
  if (s.views.size() == 1 && s.problem)
    if (const std::string z = zscore_note(s.views[0], *s.problem, false); !z.empty()) ImGui::TextColored(kTodo, "%s", z.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), ImGui::GetWindowHeight() - 3 * ImGui::GetTextLineHeightWithSpacing()));
  ImGui::TextColored(kMuted, "Right = Step, Left = Back, Ctrl+Q quits");
  ImGui::TextColored(kMuted, "hover a pixel or a mean for details");
  ImGui::EndChild();
}

void SidebarPanel::model(const Scene& sc) {
  ImGui::Text("Model");
  // The fields edit the session's chosen settings (held there once); the run shown keeps its
  // own (Session::running()) until Reset.
  Settings& s = sc.session.settings();
  // K and seed share the line whatever the sidebar's width (250 px at 1024 x 640): each field
  // gets half of what their labels leave.
  const ImGuiStyle& st = ImGui::GetStyle();
  const float field = std::max(70.f, (ImGui::GetContentRegionAvail().x - ImGui::CalcTextSize("K").x -
                                      ImGui::CalcTextSize("seed").x - 2 * st.ItemInnerSpacing.x - st.ItemSpacing.x) / 2);
  ImGui::SetNextItemWidth(field);
  int k = int(std::min<arma::uword>(s.k, 1u << 30));
  if (ImGui::InputInt("K", &k)) s.k = arma::uword(std::max(k, 0));  // out of range: said below, not clamped
  {
    // The "+" of K, for the real-input test: left of the label, one frame height square.
    const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    const float label = ImGui::CalcTextSize("K").x + ImGui::GetStyle().ItemInnerSpacing.x, side = ImGui::GetFrameHeight();
    sc.rects["k_plus"] = {hi.x - label - side, lo.y, hi.x - label, lo.y + side};
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(field);
  int seed = int(std::min<std::uint64_t>(s.seed, 1u << 30));
  if (ImGui::InputInt("seed", &seed, 1, 10)) s.seed = std::uint64_t(std::max(seed, 0));
  remember(sc.rects["seed"]);
  ImGui::SetNextItemWidth(110);
  ImGui::InputDouble("ridge", &s.em.reg_covar, 0, 0, "%g");
  for (Mode m : kModes) {
    if (m != Mode::reference) ImGui::SameLine();
    if (ImGui::RadioButton(mode_name(m), s.mode == m)) s.mode = m;
  }
  const std::string refusal = refusal_of(s);
  ImGui::BeginDisabled(!refusal.empty());
  if (button("Reset (k-means)", "R", -1)) sc.controls.reset();
  ImGui::EndDisabled();
  // Two lines are kept for the sentence, whether there is one or not, so that the controls
  // below do not move when it appears.
  const float sentence_top = ImGui::GetCursorPosY();
  ImGui::PushTextWrapPos(0);
  if (!refusal.empty()) ImGui::TextColored(kBad, "%s", refusal.c_str());
  else if (const std::string p = sc.session.pending(); !p.empty())
    ImGui::TextColored(kTodo, "%s (applies at Reset)", p.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), sentence_top + 2 * ImGui::GetTextLineHeightWithSpacing()));
}

void SidebarPanel::em(const Scene& s) {
  Controls& c = s.controls;
  const bool busy = s.session.busy();
  ImGui::Text("EM");
  const float gap = ImGui::GetStyle().ItemSpacing.x, half = (ImGui::GetContentRegionAvail().x - gap) / 2;
  // Only the half-step that comes next is enabled, and neither at the end of a run or a trace.
  const bool e_next = Controls::next_is_e_step(s.views), more = Controls::has_next(s.views);
  ImGui::BeginDisabled(!e_next || !more);
  if (button("E-step", "E", half)) c.half_steps(1);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(e_next || !more);
  if (button("M-step", "M", half)) c.half_steps(1);
  ImGui::EndDisabled();
  if (button("Step", "S", half)) c.iterations(1);
  remember(s.rects["step_button"]);
  ImGui::SameLine();
  if (button("Back", "B", half)) c.back(1);
  if (button(c.running() ? "Pause" : "Run", "Space", half)) c.toggle_run();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half);
  ImGui::SliderFloat("##speed", &c.speed(), 0.5f, 30, "%.1f steps/s", ImGuiSliderFlags_Logarithmic);
  if (button("Run to convergence", "C", -1)) c.run_to_convergence();
  ImGui::BeginDisabled(!busy);
  if (button("Cancel", "Esc", half)) c.cancel();
  ImGui::EndDisabled();
  if (busy) {
    static const char* spin[] = {"|", "/", "-", "\\"};
    ImGui::SameLine();
    ImGui::Text("%s working", spin[int(ImGui::GetTime() * 8) % 4]);
  }
  // Progress and timing wrap: the sidebar is narrower than "EM 1.23 s, pictures 0.45 s (2 half-steps)".
  const float timing_top = ImGui::GetCursorPosY();
  ImGui::PushTextWrapPos(0);
  for (const LaneView& v : s.views) {
    if (!v.progress.empty()) ImGui::TextColored(kMuted, "%s: %s", v.name.c_str(), v.progress.c_str());
    else if (!v.timing.empty() && !s.scripted) ImGui::TextColored(kMuted, "%s: %s", v.name.c_str(), v.timing.c_str());
  }
  ImGui::PopTextWrapPos();
  // Two lines a lane are kept for progress and timing, so that the scrubber does not jump.
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(),
                                timing_top + 2 * std::max<std::size_t>(1, s.views.size()) * ImGui::GetTextLineHeightWithSpacing()));

  if (const LaneView* v = s.current(); v && !v->history.empty()) {
    int cursor = int(v->cursor);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderInt("##scrub", &cursor, 0, int(v->history.size()) - 1, "half-step %d")) c.go_to(std::size_t(cursor));
  } else {
    ImGui::Dummy(ImVec2(1, ImGui::GetFrameHeight()));  // the scrubber's place, kept
  }
}

}  // namespace gmmlab::viewer
