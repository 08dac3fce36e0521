#include "app.hpp"

#include <GL/gl.h>
#include <fmt/format.h>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <opencv2/imgproc.hpp>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/mixture_json.hpp"
#include "gmmlab/render.hpp"
#include "keys.hpp"

namespace fs = std::filesystem;

namespace gmmlab::viewer {

namespace {

constexpr float kSidebar = 300, kGap = 8;
const ImVec4 kTodo(1.0f, 0.82f, 0.3f, 1), kBad(1.0f, 0.45f, 0.4f, 1), kMuted(0.65f, 0.65f, 0.68f, 1),
    kGood(0.55f, 0.85f, 0.55f, 1);
const ImU32 kChanged = IM_COL32(160, 120, 20, 150);
// Lane colours for the log-likelihood curves: the reference, then the student.
const ImU32 kLaneInk[] = {IM_COL32(110, 170, 255, 255), IM_COL32(255, 160, 70, 255)};

ImU32 palette(arma::uword k, int alpha = 255) {
  const cv::Vec3b c = palette_rgb(k);
  return IM_COL32(c[0], c[1], c[2], alpha);
}
ImVec4 palette4(arma::uword k) {
  const cv::Vec3b c = palette_rgb(k);
  return ImVec4(c[0] / 255.f, c[1] / 255.f, c[2] / 255.f, 1);
}

void swatch(arma::uword k) {
  ImGui::ColorButton(fmt::format("##sw{}", k).c_str(), palette4(k), ImGuiColorEditFlags_NoTooltip, ImVec2(12, 12));
  ImGui::SameLine();
}

// Buttons whose label says their shortcut; a key press does what the click does.
bool button(const char* label, const char* key, float width = 0) {
  return ImGui::Button(fmt::format("{}  [{}]", label, key).c_str(), ImVec2(width, 0));
}

std::string lane_label(const std::string& name) { return name == "student" ? "yours (student)" : name; }

const Record* at(const LaneView& v, std::size_t i) { return i < v.history.size() ? &v.history[i] : nullptr; }

// What the half-step shown did, in one sentence: the lesson of the screenshots.
std::string explain(const Record& r) {
  switch (r.kind) {
    case Record::Kind::start:
      return "Start: k-means clusters the pixels; each cluster's share, mean and covariance give the first "
             "\xcf\x80, \xce\xbc, \xce\xa3. Each pixel is painted by its nearest mean. Next: an E-step.";
    case Record::Kind::e_step:
      return fmt::format("E-step {}: the Gaussians stay where they are; every pixel's responsibilities \xce\xb3 "
                         "are recomputed from them, so the colours change and the ellipses do not.",
                         r.iteration);
    case Record::Kind::m_step:
      return fmt::format("M-step {}: the responsibilities stay as they are; each Gaussian's \xcf\x80, \xce\xbc, "
                         "\xce\xa3 are re-estimated from the pixels it is responsible for, so the ellipses move "
                         "(faint: before) and the colours do not.",
                         r.iteration);
  }
  return {};
}

// A lane's message in the colour of its kind: a run that ended or a trace opened is news, not
// an error.
ImVec4 note_colour(LaneView::Note n) {
  switch (n) {
    case LaneView::Note::todo: return kTodo;
    case LaneView::Note::failed: return kBad;
    case LaneView::Note::none:
    case LaneView::Note::ended:
    case LaneView::Note::replayed: return kMuted;
  }
  return kMuted;
}

// A run that stopped with an error keeps the pictures of its last half-step (or has none):
// the sentence drawn on them, so that they are not taken for a run that goes on. "" otherwise.
std::string stopped_banner(const LaneView& v) {
  const bool stopped = v.finished && (v.note == LaneView::Note::todo || v.note == LaneView::Note::failed);
  if (!stopped) return {};
  if (v.history.empty()) return fmt::format("{} stopped before its start: {}", lane_label(v.name), v.message);
  if (v.cursor + 1 != v.history.size()) return {};
  return fmt::format("{} stopped after the {}: {}", lane_label(v.name), describe(v.history.back()), v.message);
}

// Why Reset would refuse the chosen settings (validate's sentence), "" when it would not.
std::string refusal_of(const Settings& s) {
  try {
    validate(s);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

bool differs(double a, double b) { return std::abs(a - b) > 1e-12 * (1 + std::abs(a)); }

// The sample projected on the axes, and a range that holds most of it (fixed while stepping,
// so that what moves is the Gaussians, not the frame).
struct Projected {
  const Problem* problem = nullptr;
  Axes axes = Axes::pca;
  arma::mat P, points;  // 2 x d, 2 x M
  double x0 = 0, x1 = 1, y0 = 0, y1 = 1;
};

const Projected& projected(const Problem& p, Axes a) {
  static thread_local Projected cache;
  if (cache.problem == &p && cache.axes == a) return cache;
  cache.problem = &p;
  cache.axes = a;
  cache.P = projection(p, a);
  cache.points = cache.P * p.x.rows(p.sample).t();
  auto range = [&](arma::uword row, double& lo, double& hi) {
    const arma::rowvec s = arma::sort(cache.points.row(row));
    lo = s[arma::uword(0.005 * (s.n_elem - 1))];
    hi = s[arma::uword(0.995 * (s.n_elem - 1))];
    const double pad = std::max(0.12 * (hi - lo), 1e-3);
    lo -= pad;
    hi += pad;
  };
  range(0, cache.x0, cache.x1);
  range(1, cache.y0, cache.y1);
  return cache;
}

}  // namespace

// ---- Texture ----------------------------------------------------------------------------------

Texture::~Texture() {
  if (id_) glDeleteTextures(1, &id_);
}

void Texture::upload(const cv::Mat& rgb, bool smooth) {
  if (rgb.empty()) return;
  if (!id_) glGenTextures(1, &id_);
  glBindTexture(GL_TEXTURE_2D, id_);
  // Segmentations are shrunk without blending, so that every pixel shown is a palette colour.
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MIN_FILTER, smooth ? GL_LINEAR : GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_MAG_FILTER, GL_NEAREST);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_S, GL_CLAMP_TO_EDGE);
  glTexParameteri(GL_TEXTURE_2D, GL_TEXTURE_WRAP_T, GL_CLAMP_TO_EDGE);
  glPixelStorei(GL_UNPACK_ALIGNMENT, 1);
  const cv::Mat packed = rgb.isContinuous() ? rgb : rgb.clone();
  glTexImage2D(GL_TEXTURE_2D, 0, GL_RGB, packed.cols, packed.rows, 0, GL_RGB, GL_UNSIGNED_BYTE, packed.data);
}

// ---- App --------------------------------------------------------------------------------------

App::App(Session& session, GLFWwindow* window, std::optional<fs::path> state_file)
    : session_(session), window_(window), state_file_(std::move(state_file)) {
  const Settings& s = session_.settings();
  std::snprintf(path_, sizeof path_, "%s", s.image.string().c_str());
}

void App::sync() {
  session_.poll();
  bool changed = false;
  if (session_.problem() != problem_) {
    problem_ = session_.problem();
    if (problem_) photo_.upload(problem_->photo, true);
    heat_component_ = std::min<int>(heat_component_, int(session_.running().k) - 1);
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
  for (std::size_t i = 0; i < views_.size(); ++i) {
    LaneTextures& t = *textures_[i];
    const Display& d = views_[i].display;
    if (d.version != t.version) {
      t.hard.upload(d.hard);
      t.soft.upload(d.soft);
      t.version = d.version;
      t.heat_component = -1;
    }
    if (d.gamma && t.heat_component != heat_component_ && heat_component_ < int(d.gamma->n_cols)) {
      // The heat map is made here, at display size, so choosing a component needs no worker.
      cv::Mat g(problem_->display_height, problem_->display_width, CV_8UC1);
      for (arma::uword j = 0; j < problem_->display_index.n_elem; ++j)
        g.data[j] = cv::saturate_cast<uchar>(255 * (*d.gamma)(problem_->display_index[j], heat_component_));
      cv::Mat heat;
      cv::applyColorMap(g, heat, cv::COLORMAP_INFERNO);
      cv::cvtColor(heat, heat, cv::COLOR_BGR2RGB);
      t.heat.upload(heat, true);
      t.heat_component = heat_component_;
      changed = true;
    }
  }
  const bool idle = !session_.busy();
  settled_frames_ = idle && !changed ? settled_frames_ + 1 : 0;

  // The title says where the run is, so a glance (or a test) can tell.
  std::string title = "GMM Lab viewer";
  if (problem_) title += " - " + problem_->source;
  if (!views_.empty())
    if (const Record* r = at(views_[0], views_[0].cursor))
      title += fmt::format(" - {} {}", views_[0].name, describe(*r));
  if (title != title_) {
    title_ = title;
    glfwSetWindowTitle(window_, title_.c_str());
  }
  if (running_ && idle) {
    const double now = glfwGetTime();
    if (now - last_tick_ >= 1.0 / speed_) {
      last_tick_ = now;
      bool more = false;
      for (const LaneView& v : views_) more |= v.cursor + 1 < v.history.size() || !v.finished;
      if (more) step_all(1, false);
      else running_ = false;
    }
  }
}

bool App::next_is_e_step() const { return views_.empty() || viewer::next_is_e_step(views_[0]); }
bool App::has_next() const { return !views_.empty() && viewer::has_next(views_[0]); }

void App::reset() {
  running_ = false;
  session_.reset();
}

void App::step_iterations(int iterations) {
  for (Lane* l : session_.lanes()) l->step(iterations);
}

void App::step_all(int half_steps, bool full) {
  for (Lane* l : session_.lanes()) l->advance(half_steps, full);
}
void App::back_all(int half_steps) {
  running_ = false;
  for (Lane* l : session_.lanes()) l->back(half_steps);
}
void App::go_to_all(std::size_t record) {
  for (Lane* l : session_.lanes()) l->go_to(record);
}
void App::toggle_run() {
  running_ = !running_;
  last_tick_ = 0;
}

void App::open_dropped(const fs::path& path) {
  std::snprintf(path_, sizeof path_, "%s", path.string().c_str());
  running_ = false;
  if (path.extension() == ".json") session_.open_trace(path);
  else session_.open_image(path);
}

void App::shortcuts() {
  const ImGuiIO& io = ImGui::GetIO();
  const KeyPresses pressed = take_keys();
  if (io.WantTextInput) return;
  if (io.KeyCtrl && pressed(Key::q)) quit_ = true;
  if (io.KeyCtrl) return;
  if (pressed(Key::r)) reset();
  if (has_next() && ((pressed(Key::e) && next_is_e_step()) || (pressed(Key::m) && !next_is_e_step())))
    step_all(1, false);
  if (pressed(Key::s) || pressed(Key::right)) step_iterations(1);
  if (pressed(Key::b) || pressed(Key::left)) back_all(1);
  if (pressed(Key::space)) toggle_run();
  if (pressed(Key::c)) {
    for (Lane* l : session_.lanes()) l->run_to_convergence();
  }
  if (pressed(Key::escape)) {
    running_ = false;
    for (Lane* l : session_.lanes()) l->cancel();
  }
  if (pressed(Key::a)) axes_ = Axes((int(axes_) + 1) % 4);
  if (pressed(Key::l)) colour_by_label_ = !colour_by_label_;
  if (pressed(Key::h)) heat_component_ = (heat_component_ + 1) % std::max(1, int(session_.running().k));
}

void App::frame() {
  sync();
  shortcuts();
  const ImGuiIO& io = ImGui::GetIO();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(io.DisplaySize);
  ImGui::Begin("GMM Lab viewer", nullptr,
               ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                   ImGuiWindowFlags_NoBringToFrontOnFocus);
  ImGui::BeginChild("sidebar", ImVec2(kSidebar, 0), false);
  sidebar();
  ImGui::EndChild();
  ImGui::SameLine();
  ImGui::BeginChild("main", ImVec2(0, 0), false);
  const ImVec2 avail = ImGui::GetContentRegionAvail();
  headline();
  if (problem_ && !views_.empty()) {
    const float rows = float(views_.size());
    const float row_h = std::min(views_.size() == 1 ? 230.f : 170.f, (avail.y - 300) / rows);
    for (std::size_t i = 0; i < views_.size(); ++i) lane_row(i, avail.x, row_h);
    const float below = ImGui::GetContentRegionAvail().y;
    const float side = std::min(below, avail.x - 570);
    feature_space(side);
    ImGui::SameLine();
    ImGui::BeginGroup();
    const float right = ImGui::GetContentRegionAvail().x;
    const bool diff = views_.size() == 2;
    log_likelihood_plot(right, std::min(200.f, below * 0.4f));
    const float table_h = ImGui::GetContentRegionAvail().y - (diff ? 118 : 0);
    parameter_table(right, table_h);
    if (diff) diff_box(right);
    ImGui::EndGroup();
  } else {
    ImGui::TextColored(kMuted, session_.busy() ? "Loading ..." : "Open a photo (left) or drop one on the window.");
  }
  ImGui::EndChild();
  ImGui::End();
  write_state();
}

void App::headline() {
  if (views_.empty()) return;
  const LaneView& v = views_[0];
  const Record* r = at(v, v.cursor);
  if (!r) return;
  const std::size_t last = v.history.size() - 1;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::Text("%s  \xc2\xb7  half-step %zu of %zu%s", describe(*r).c_str(), v.cursor, last,
              v.finished ? "" : " so far");
  ImGui::PopStyleColor();
  if (r->log_likelihood) {
    ImGui::SameLine();
    const Record* prev = nullptr;
    for (std::size_t i = v.cursor; i-- > 0;)
      if (v.history[i].kind == Record::Kind::e_step && v.history[i].iteration < r->iteration) {
        prev = &v.history[i];
        break;
      }
    std::string ll = fmt::format("   log-likelihood {:.6g}", *r->log_likelihood);
    if (prev && prev->log_likelihood) ll += fmt::format(" ({:+.4g} since E-step {})", *r->log_likelihood - *prev->log_likelihood, prev->iteration);
    ImGui::TextColored(kMuted, "%s", ll.c_str());
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(ImVec4(0.95f, 0.85f, 0.55f, 1), "%s", explain(*r).c_str());
  ImGui::PopTextWrapPos();
}

void App::sidebar() {
  ImGui::TextColored(kGood, "GMM Lab viewer");
  ImGui::TextColored(kMuted, "EM on a photo, half-step by half-step");
  ImGui::Separator();

  ImGui::Text("Photo");
  ImGui::SetNextItemWidth(-1);
  const bool enter = ImGui::InputText("##path", path_, sizeof path_, ImGuiInputTextFlags_EnterReturnsTrue);
  if (ImGui::Button("Open photo") || enter) open_dropped(path_);  // .json opens a trace, as a drop does
  ImGui::SameLine();
  if (ImGui::Button("Open trace")) {
    running_ = false;
    session_.open_trace(path_);
  }
  ImGui::TextColored(kMuted, "samples:");
  for (const fs::path& p : sample_images()) {
    ImGui::SameLine();
    if (ImGui::SmallButton(p.stem().string().c_str())) open_dropped(p);
  }
  ImGui::TextColored(kMuted, "or drop a photo or a trace on the window");
  if (problem_)
    ImGui::TextColored(kMuted, "%d x %d pixels (%.1f MP); EM runs on all", problem_->image.width,
                       problem_->image.height, problem_->image.width * double(problem_->image.height) / 1e6);
  if (!session_.error().empty()) {
    ImGui::PushTextWrapPos(0);
    ImGui::TextColored(kBad, "%s", session_.error().c_str());
    ImGui::PopTextWrapPos();
  }
  ImGui::Separator();

  ImGui::Text("Model");
  // The fields edit the session's chosen settings; the run shown keeps its own until Reset.
  Settings& s = session_.settings();
  ImGui::SetNextItemWidth(110);
  int k = int(std::min<arma::uword>(s.k, 1u << 30));
  if (ImGui::InputInt("K", &k)) s.k = arma::uword(std::max(k, 0));  // out of range: said below, not clamped
  {
    // The "+" of K, for the real-input test: left of the label, one frame height square.
    const ImVec2 lo = ImGui::GetItemRectMin(), hi = ImGui::GetItemRectMax();
    const float label = ImGui::CalcTextSize("K").x + ImGui::GetStyle().ItemInnerSpacing.x, side = ImGui::GetFrameHeight();
    rects_["k_plus"] = {hi.x - label - side, lo.y, hi.x - label, lo.y + side};
  }
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90);
  int seed = int(std::min<std::uint64_t>(s.seed, 1u << 30));
  if (ImGui::InputInt("seed", &seed, 1, 10)) s.seed = std::uint64_t(std::max(seed, 0));
  ImGui::SetNextItemWidth(110);
  ImGui::InputDouble("ridge", &s.em.reg_covar, 0, 0, "%g");
  for (Mode m : kModes) {
    if (m != Mode::reference) ImGui::SameLine();
    if (ImGui::RadioButton(mode_name(m), s.mode == m)) s.mode = m;
  }
  const std::string refusal = refusal_of(s);
  ImGui::BeginDisabled(!refusal.empty());
  if (button("Reset (k-means)", "R", -1)) reset();
  ImGui::EndDisabled();
  // Two lines are kept for the sentence, whether there is one or not, so that the controls
  // below do not move when it appears.
  const float sentence_top = ImGui::GetCursorPosY();
  ImGui::PushTextWrapPos(0);
  if (!refusal.empty()) ImGui::TextColored(kBad, "%s", refusal.c_str());
  else if (const std::string p = session_.pending(); !p.empty())
    ImGui::TextColored(kTodo, "%s (applies at Reset)", p.c_str());
  ImGui::PopTextWrapPos();
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), sentence_top + 2 * ImGui::GetTextLineHeightWithSpacing()));
  ImGui::Separator();

  const bool busy = session_.busy();
  ImGui::Text("EM");
  const float half = (kSidebar - 3 * kGap) / 2;
  // Only the half-step that comes next is enabled, and neither at the end of a run or a trace.
  const bool e_next = next_is_e_step(), more = has_next();
  ImGui::BeginDisabled(!e_next || !more);
  if (button("E-step", "E", half)) step_all(1, false);
  ImGui::EndDisabled();
  ImGui::SameLine();
  ImGui::BeginDisabled(e_next || !more);
  if (button("M-step", "M", half)) step_all(1, false);
  ImGui::EndDisabled();
  if (button("Step", "S", half)) step_iterations(1);
  remember(rects_["step_button"]);
  ImGui::SameLine();
  if (button("Back", "B", half)) back_all(1);
  if (button(running_ ? "Pause" : "Run", "Space", half)) toggle_run();
  ImGui::SameLine();
  ImGui::SetNextItemWidth(half);
  ImGui::SliderFloat("##speed", &speed_, 0.5f, 30, "%.1f steps/s", ImGuiSliderFlags_Logarithmic);
  if (button("Run to convergence", "C", half * 2 + kGap)) {
    for (Lane* l : session_.lanes()) l->run_to_convergence();
  }
  ImGui::BeginDisabled(!busy);
  if (button("Cancel", "Esc", half)) {
    running_ = false;
    for (Lane* l : session_.lanes()) l->cancel();
  }
  ImGui::EndDisabled();
  if (busy) {
    static const char* spin[] = {"|", "/", "-", "\\"};
    ImGui::SameLine();
    ImGui::Text("%s working", spin[int(ImGui::GetTime() * 8) % 4]);
  }
  for (const LaneView& v : views_) {
    if (!v.progress.empty()) ImGui::TextColored(kMuted, "%s: %s", v.name.c_str(), v.progress.c_str());
    else if (!v.timing.empty() && !scripted_) ImGui::TextColored(kMuted, "%s: %s", v.name.c_str(), v.timing.c_str());
  }

  if (!views_.empty() && !views_[0].history.empty()) {
    int cursor = int(views_[0].cursor);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::SliderInt("##scrub", &cursor, 0, int(views_[0].history.size()) - 1, "half-step %d")) {
      running_ = false;
      go_to_all(std::size_t(cursor));
    }
  }
  ImGui::Separator();

  ImGui::Text("Feature space  [A]");
  for (Axes ax : kAllAxes) {
    if (ax != Axes::bg) ImGui::SameLine();
    if (ImGui::RadioButton(axes_name(ax), axes_ == ax)) axes_ = ax;
  }
  ImGui::Text("points coloured by  [L]");
  ImGui::SameLine();
  if (ImGui::RadioButton("pixel", !colour_by_label_)) colour_by_label_ = false;
  ImGui::SameLine();
  if (ImGui::RadioButton("label", colour_by_label_)) colour_by_label_ = true;
  ImGui::SetNextItemWidth(120);
  int heat = heat_component_ + 1;
  if (ImGui::SliderInt("heat map  [H]", &heat, 1, std::max(1, int(session_.running().k)))) heat_component_ = heat - 1;
  ImGui::Separator();

  ImGui::PushTextWrapPos(0);
  if (!session_.student_error().empty()) ImGui::TextColored(kBad, "%s", session_.student_error().c_str());
  for (Lane* l : session_.lanes())
    if (!l->implementation().note.empty()) ImGui::TextColored(kTodo, "%s", l->implementation().note.c_str());
  for (const LaneView& v : views_) {
    if (v.message.empty()) continue;
    ImGui::TextColored(note_colour(v.note), "%s: %s", lane_label(v.name).c_str(), v.message.c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::SetCursorPosY(std::max(ImGui::GetCursorPosY(), ImGui::GetWindowHeight() - 3 * ImGui::GetTextLineHeightWithSpacing()));
  ImGui::TextColored(kMuted, "Right = Step, Left = Back, Ctrl+Q quits");
  ImGui::TextColored(kMuted, "hover a pixel or a component for details");
}

void App::lane_row(std::size_t lane, float width, float height) {
  const LaneView& v = views_[lane];
  const float aspect = float(problem_->display_width) / float(problem_->display_height);
  const float caption = ImGui::GetTextLineHeightWithSpacing();
  float h = height - caption, w = h * aspect;
  const float max_w = (width - 3 * kGap) / 4;
  if (w > max_w) {
    w = max_w;
    h = w / aspect;
  }
  const LaneTextures& t = *textures_[lane];
  const std::string who = views_.size() > 1 ? lane_label(v.name) : "photo";
  const ImVec2 row = ImGui::GetCursorScreenPos();
  image_panel(who.c_str(), photo_, w, h, lane, nullptr);
  ImGui::SameLine();
  image_panel("segmentation", t.hard, w, h, lane, "each pixel in the colour of its most likely component");
  ImGui::SameLine();
  image_panel("soft (colours mixed by \xce\xb3)", t.soft, w, h, lane,
              "each pixel a mix of the palette colours weighted by its responsibilities");
  ImGui::SameLine();
  image_panel(fmt::format("\xce\xb3 of component {}", heat_component_ + 1).c_str(), t.heat, w, h, lane,
              "bright: the pixels this component is responsible for");
  if (const std::string text = stopped_banner(v); !text.empty()) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a(row.x + w + kGap, row.y + caption), b(row.x + 4 * w + 3 * kGap, row.y + caption + h);
    dl->AddRectFilled(a, b, IM_COL32(20, 20, 24, 200));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(a.x + 10, a.y + 10), ImGui::GetColorU32(note_colour(v.note)),
                text.c_str(), nullptr, b.x - a.x - 20);
  }
}

void App::image_panel(const char* caption, const Texture& t, float w, float h, std::size_t lane, const char* tip) {
  ImGui::BeginGroup();
  // The caption never widens the panel: it is clipped to the picture's width.
  const ImVec2 at_caption = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
  ImGui::GetWindowDrawList()->PushClipRect(at_caption, ImVec2(at_caption.x + w, at_caption.y + 40), true);
  ImGui::GetWindowDrawList()->AddText(at_caption, ImGui::GetColorU32(kMuted), caption);
  ImGui::GetWindowDrawList()->PopClipRect();
  if (t.empty()) {
    ImGui::Dummy(ImVec2(w, h));
    const ImVec2 a = ImGui::GetItemRectMin();
    ImGui::GetWindowDrawList()->AddRect(a, ImVec2(a.x + w, a.y + h), IM_COL32(90, 90, 90, 255));
    ImGui::GetWindowDrawList()->AddText(ImVec2(a.x + 8, a.y + 8), IM_COL32(150, 150, 150, 255), "nothing to show");
  } else {
    ImGui::Image(t.id(), ImVec2(w, h));
  }
  if (&t == &textures_[0]->hard) remember(rects_["segmentation"]);
  if (&t == &textures_[0]->soft) remember(rects_["soft"]);
  if (ImGui::IsItemHovered() && problem_) {
    const ImVec2 a = ImGui::GetItemRectMin(), m = ImGui::GetIO().MousePos;
    const int px = std::clamp(int((m.x - a.x) / w * problem_->image.width), 0, problem_->image.width - 1);
    const int py = std::clamp(int((m.y - a.y) / h * problem_->image.height), 0, problem_->image.height - 1);
    pixel_tooltip(lane, arma::uword(py) * problem_->image.width + px);
    (void)tip;
  }
  ImGui::EndGroup();
}

void App::pixel_tooltip(std::size_t lane, arma::uword n) {
  const Image& im = problem_->image;
  const auto names = channel_names(problem_->x.n_cols);
  ImGui::BeginTooltip();
  ImGui::Text("pixel (%llu, %llu)", (unsigned long long)(n % im.width), (unsigned long long)(n / im.width));
  std::string raw, z;
  for (arma::uword c = 0; c < problem_->x.n_cols; ++c) {
    raw += fmt::format("{} {:g}  ", names[c], im.pixels(n, c));
    z += fmt::format("{} {:+.3f}  ", names[c], problem_->x(n, c));
  }
  ImGui::Text("colour    %s", raw.c_str());
  ImGui::Text("Z-scored  %s", z.c_str());
  const auto& gamma = views_[lane].display.gamma;
  if (gamma) {
    ImGui::Text("\xce\xb3 (responsibilities):");
    for (arma::uword k = 0; k < gamma->n_cols; ++k) {
      swatch(k);
      ImGui::Text("%llu: %.4f", (unsigned long long)(k + 1), (*gamma)(n, k));
    }
  }
  ImGui::EndTooltip();
}

void App::component_tooltip(std::size_t lane, arma::uword k) {
  const LaneView& v = views_[lane];
  const Record* r = at(v, v.cursor);
  if (!r) return;
  const Mixture& m = r->mixture;
  const auto names = channel_names(m.dims());
  ImGui::BeginTooltip();
  swatch(k);
  ImGui::Text("component %llu (%s), %s", (unsigned long long)(k + 1), colour_name(k).c_str(), describe(*r).c_str());
  ImGui::Text("\xcf\x80 = %.5f", m.priors[k]);
  if (r->soft_counts.n_elem > k) ImGui::Text("N_k = %.2f pixels (from the E-step)", r->soft_counts[k]);
  std::string mu;
  for (arma::uword i = 0; i < m.dims(); ++i) mu += fmt::format("{} {:+.4f}  ", names[i], m.means(k, i));
  ImGui::Text("\xce\xbc = %s", mu.c_str());
  ImGui::Text("\xce\xa3 =");
  for (arma::uword i = 0; i < m.dims(); ++i) {
    std::string row = "    ";
    for (arma::uword j = 0; j < m.dims(); ++j) row += fmt::format("{:+9.5f} ", m.covs(i, j, k));
    ImGui::Text("%s", row.c_str());
  }
  ImGui::EndTooltip();
}

void App::feature_space(float side) {
  ImGui::BeginChild("feature", ImVec2(side, side), true, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  rects_["feature_space"] = {a.x, a.y, a.x + size.x, a.y + size.y};
  dl->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), IM_COL32(24, 24, 28, 255));
  const auto names = channel_names(problem_->x.n_cols);
  if (problem_->x.n_cols < 2) {
    ImGui::TextColored(kMuted, "one channel: no feature space to draw");
    ImGui::EndChild();
    return;
  }
  const Projected& pr = projected(*problem_, axes_);
  const float pad = 26;
  const ImVec2 lo(a.x + pad, a.y + 22), hi(a.x + size.x - 8, a.y + size.y - pad);
  auto map = [&](double u, double v) {
    return ImVec2(lo.x + float((u - pr.x0) / (pr.x1 - pr.x0)) * (hi.x - lo.x),
                  hi.y - float((v - pr.y0) / (pr.y1 - pr.y0)) * (hi.y - lo.y));
  };
  // Grid lines at whole Z-score units, and the axes' names.
  for (double g = std::ceil(pr.x0); g <= pr.x1; g += 1) {
    const float x = map(g, 0).x;
    dl->AddLine(ImVec2(x, lo.y), ImVec2(x, hi.y), g == 0 ? IM_COL32(90, 90, 96, 255) : IM_COL32(48, 48, 54, 255));
  }
  for (double g = std::ceil(pr.y0); g <= pr.y1; g += 1) {
    const float y = map(0, g).y;
    dl->AddLine(ImVec2(lo.x, y), ImVec2(hi.x, y), g == 0 ? IM_COL32(90, 90, 96, 255) : IM_COL32(48, 48, 54, 255));
  }
  const std::string xname = axes_ == Axes::pca ? "1st principal axis" : names[axes_ == Axes::gr ? 1 : 0] + " (Z-scored)";
  const std::string yname = axes_ == Axes::pca ? "2nd principal axis"
                                               : names[axes_ == Axes::bg ? 1 : 2] + " (Z-scored)";
  dl->AddText(ImVec2(lo.x, hi.y + 5), IM_COL32(170, 170, 170, 255), ("\xe2\x86\x92 " + xname).c_str());
  dl->AddText(ImVec2(a.x + 6, a.y + 4), IM_COL32(230, 230, 230, 255),
              fmt::format("feature space ({})   \xe2\x86\x91 {}", axes_name(axes_), yname).c_str());

  dl->PushClipRect(lo, hi, true);
  const LaneView& v0 = views_[0];
  const arma::uvec& labels = v0.display.sample_labels;
  for (arma::uword i = 0; i < pr.points.n_cols; ++i) {
    const ImVec2 p = map(pr.points(0, i), pr.points(1, i));
    ImU32 c;
    if (colour_by_label_ && labels.n_elem == pr.points.n_cols) {
      c = palette(labels[i], 150);
    } else {
      const arma::rowvec rgb = problem_->sample_colours.row(i);
      c = IM_COL32(int(255 * rgb[0]), int(255 * rgb[1]), int(255 * rgb[2]), 200);
    }
    dl->AddRectFilled(ImVec2(p.x - 1.2f, p.y - 1.2f), ImVec2(p.x + 1.2f, p.y + 1.2f), c);
  }
  auto polyline = [&](const std::vector<std::array<double, 2>>& pts, ImU32 c, float thick, bool dashed) {
    std::vector<ImVec2> q;
    for (const auto& p : pts) q.push_back(map(p[0], p[1]));
    if (!dashed) return dl->AddPolyline(q.data(), int(q.size()), c, ImDrawFlags_Closed, thick);
    for (std::size_t i = 0; i < q.size(); i += 2) dl->AddLine(q[i], q[(i + 1) % q.size()], c, thick);
  };
  std::optional<std::pair<std::size_t, arma::uword>> hovered;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  for (std::size_t lane = 0; lane < views_.size(); ++lane) {
    const LaneView& v = views_[lane];
    const Record* r = at(v, v.cursor);
    if (!r) continue;
    const bool dashed = lane == 1;
    // After an M-step, the Gaussians before it, faint, and where each mean went.
    const Record* before = r->kind == Record::Kind::m_step ? at(v, v.cursor - 1) : nullptr;
    const Mixture& m = r->mixture;
    for (arma::uword k = 0; k < m.components(); ++k) {
      if (m.priors[k] == 0) continue;
      if (before) {
        polyline(ellipse(pr.P, before->mixture.means.row(k), before->mixture.covs.slice(k), 1),
                 IM_COL32(255, 255, 255, 120), 1.5f, true);
        const arma::vec from = pr.P * before->mixture.means.row(k).t(), to = pr.P * m.means.row(k).t();
        dl->AddLine(map(from[0], from[1]), map(to[0], to[1]), IM_COL32(255, 255, 255, 200), 1.5f);
        dl->AddCircle(map(from[0], from[1]), 3, IM_COL32(255, 255, 255, 160));
      }
      polyline(ellipse(pr.P, m.means.row(k), m.covs.slice(k), 2), palette(k, 170), 1.5f, true);
      polyline(ellipse(pr.P, m.means.row(k), m.covs.slice(k), 1), palette(k), 2.5f, dashed);
      const arma::vec c = pr.P * m.means.row(k).t();
      const ImVec2 p = map(c[0], c[1]);
      dl->AddCircleFilled(p, 5.5f, IM_COL32(0, 0, 0, 255));
      dl->AddCircleFilled(p, 4, palette(k));
      dl->AddText(ImVec2(p.x + 7, p.y - 7), IM_COL32(255, 255, 255, 255), std::to_string(k + 1).c_str());
      if (ImGui::IsWindowHovered() && std::hypot(mouse.x - p.x, mouse.y - p.y) < 9) hovered = {lane, k};
    }
  }
  dl->PopClipRect();
  std::string legend = "ellipses: 1\xcf\x83 and 2\xcf\x83 of each Gaussian";
  if (views_.size() == 2) legend += "; dashed: yours";
  dl->AddText(ImVec2(lo.x + 4, lo.y + 2), IM_COL32(170, 170, 170, 255), legend.c_str());
  if (hovered) component_tooltip(hovered->first, hovered->second);
  ImGui::EndChild();
}

void App::log_likelihood_plot(float w, float h) {
  ImGui::BeginChild("loglik", ImVec2(w, h), true, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  dl->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), IM_COL32(24, 24, 28, 255));
  // Every lane's curve over the whole history computed so far.
  double lo = INFINITY, hi = -INFINITY;
  int last = 1;
  for (const LaneView& v : views_)
    for (const Record& r : v.history)
      if (r.kind == Record::Kind::e_step) {
        lo = std::min(lo, *r.log_likelihood);
        hi = std::max(hi, *r.log_likelihood);
        last = std::max(last, r.iteration);
      }
  dl->AddText(ImVec2(a.x + 6, a.y + 4), IM_COL32(230, 230, 230, 255), "log-likelihood per E-step (falls in red)");
  if (!(lo <= hi)) {
    dl->AddText(ImVec2(a.x + 6, a.y + 24), IM_COL32(150, 150, 150, 255), "no E-step yet");
    ImGui::EndChild();
    return;
  }
  if (hi - lo < 1e-9 * std::max(1.0, std::abs(hi))) {
    lo -= 1;
    hi += 1;
  }
  const ImVec2 p0(a.x + 84, a.y + 24), p1(a.x + size.x - 12, a.y + size.y - 20);
  auto map = [&](double it, double ll) {
    const float u = last > 1 ? float((it - 1) / (last - 1)) : 0.5f;
    return ImVec2(p0.x + u * (p1.x - p0.x), p1.y - float((ll - lo) / (hi - lo)) * (p1.y - p0.y));
  };
  dl->AddRect(p0, p1, IM_COL32(60, 60, 66, 255));
  dl->AddText(ImVec2(a.x + 4, p0.y - 2), IM_COL32(170, 170, 170, 255), fmt::format("{:.5g}", hi).c_str());
  dl->AddText(ImVec2(a.x + 4, p1.y - 12), IM_COL32(170, 170, 170, 255), fmt::format("{:.5g}", lo).c_str());
  dl->AddText(ImVec2(p0.x, p1.y + 3), IM_COL32(170, 170, 170, 255), "iteration 1");
  const std::string end = fmt::format("{}", last);
  dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize(end.c_str()).x, p1.y + 3), IM_COL32(170, 170, 170, 255), end.c_str());
  for (std::size_t lane = 0; lane < views_.size(); ++lane) {
    const LaneView& v = views_[lane];
    const Record* previous = nullptr;
    for (const Record& r : v.history) {
      if (r.kind != Record::Kind::e_step) continue;
      const ImVec2 q = map(r.iteration, *r.log_likelihood);
      if (previous) {
        const bool fell = *r.log_likelihood < *previous->log_likelihood;
        dl->AddLine(map(previous->iteration, *previous->log_likelihood), q,
                    fell ? IM_COL32(255, 70, 60, 255) : kLaneInk[lane % 2], 2);
      }
      dl->AddCircleFilled(q, 2.5f, kLaneInk[lane % 2]);
      previous = &r;
    }
  }
  if (const Record* r = at(views_[0], views_[0].cursor); r && r->iteration > 0) {
    const float x = map(r->iteration, lo).x;
    dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), IM_COL32(255, 255, 255, 140), 1);
    if (r->log_likelihood) dl->AddCircle(map(r->iteration, *r->log_likelihood), 6, IM_COL32(255, 255, 255, 255), 0, 2);
  }
  ImGui::EndChild();
}

void App::parameter_table(float w, float h) {
  ImGui::BeginChild("params", ImVec2(w, h), true);
  if (views_.size() > 1) {
    for (std::size_t i = 0; i < views_.size(); ++i) {
      if (i) ImGui::SameLine();
      if (ImGui::RadioButton(lane_label(views_[i].name).c_str(), table_lane_ == i)) table_lane_ = i;
    }
  }
  table_lane_ = std::min(table_lane_, views_.size() - 1);
  const LaneView& v = views_[table_lane_];
  const Record* r = at(v, v.cursor);
  if (!r) {
    ImGui::EndChild();
    return;
  }
  const Record* prev = v.cursor > 0 ? at(v, v.cursor - 1) : nullptr;
  const Mixture& m = r->mixture;
  const auto names = channel_names(m.dims());
  ImGui::TextColored(kMuted, "parameters after %s; highlighted: what it changed", describe(*r).c_str());
  const bool counts = r->kind != Record::Kind::start;
  const int columns = 3 + (counts ? 1 : 0) + 2;
  if (ImGui::BeginTable("mixture", columns, ImGuiTableFlags_Borders | ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingFixedFit)) {
    ImGui::TableSetupColumn("k");
    ImGui::TableSetupColumn("\xcf\x80_k");
    if (counts) ImGui::TableSetupColumn("N_k");
    ImGui::TableSetupColumn(fmt::format("\xce\xbc_k ({})", fmt::join(names, ", ")).c_str());
    ImGui::TableSetupColumn("\xce\xa3_k diagonal");
    ImGui::TableSetupColumn("\xce\xa3_k off-diag.");
    ImGui::TableHeadersRow();
    const std::size_t lane = table_lane_;
    for (arma::uword k = 0; k < m.components(); ++k) {
      ImGui::TableNextRow();
      auto cell = [&](int column, bool changed, const std::string& text) {
        ImGui::TableSetColumnIndex(column);
        if (changed) ImGui::TableSetBgColor(ImGuiTableBgTarget_CellBg, kChanged);
        ImGui::TextUnformatted(text.c_str());
        if (ImGui::IsItemHovered()) component_tooltip(lane, k);
      };
      ImGui::TableSetColumnIndex(0);
      swatch(k);
      ImGui::Text("%llu", (unsigned long long)(k + 1));
      if (ImGui::IsItemHovered()) component_tooltip(lane, k);
      const Mixture* pm = prev ? &prev->mixture : nullptr;
      int col = 1;
      cell(col++, pm && differs(pm->priors[k], m.priors[k]), fmt::format("{:.4f}", m.priors[k]));
      if (counts) {
        const bool new_counts = r->kind == Record::Kind::e_step;
        cell(col++, new_counts, r->soft_counts.n_elem > k ? fmt::format("{:.1f}", r->soft_counts[k]) : "");
      }
      std::string mu, diag, off;
      bool mu_changed = false, diag_changed = false, off_changed = false;
      for (arma::uword i = 0; i < m.dims(); ++i) {
        mu += fmt::format("{}{:+.2f}", i ? " " : "", m.means(k, i));
        diag += fmt::format("{}{:.2f}", i ? " " : "", m.covs(i, i, k));
        if (pm) {
          mu_changed |= differs(pm->means(k, i), m.means(k, i));
          diag_changed |= differs(pm->covs(i, i, k), m.covs(i, i, k));
        }
        for (arma::uword j = i + 1; j < m.dims(); ++j) {
          off += fmt::format("{}{:+.2f}", off.empty() ? "" : " ", m.covs(i, j, k));
          if (pm) off_changed |= differs(pm->covs(i, j, k), m.covs(i, j, k));
        }
      }
      cell(col++, mu_changed, mu);
      cell(col++, diag_changed, diag);
      cell(col++, off_changed, off);
    }
    ImGui::EndTable();
  }
  for (const ComponentEvent& e : r->events) ImGui::TextColored(kTodo, "%s", e.describe().c_str());
  // The formulas of the two half-steps, the one just done in bright ink.
  ImGui::Spacing();
  ImGui::PushTextWrapPos(0);
  const ImVec4 lit(0.95f, 0.85f, 0.55f, 1);
  ImGui::TextColored(r->kind == Record::Kind::e_step ? lit : kMuted,
                     "E-step: \xce\xb3_nk = \xcf\x80_k N(x_n | \xce\xbc_k, \xce\xa3_k) / \xe2\x88\x91_j \xcf\x80_j "
                     "N(x_n | \xce\xbc_j, \xce\xa3_j); N_k = \xe2\x88\x91_n \xce\xb3_nk. It changes the colours and N_k.");
  ImGui::TextColored(r->kind == Record::Kind::m_step ? lit : kMuted,
                     "M-step: \xcf\x80_k = N_k / N;  \xce\xbc_k = \xe2\x88\x91_n \xce\xb3_nk x_n / N_k;  \xce\xa3_k = "
                     "\xe2\x88\x91_n \xce\xb3_nk (x_n \xe2\x88\x92 \xce\xbc_k)(x_n \xe2\x88\x92 \xce\xbc_k)\xe1\xb5\x80 / N_k "
                     "(+ the ridge on the diagonal). It changes \xcf\x80, \xce\xbc, \xce\xa3 and the ellipses.");
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

void App::diff_box(float w) {
  ImGui::BeginChild("diff", ImVec2(w, 0), true);
  const std::optional<TraceDiff> d = session_.diff();
  ImGui::PushTextWrapPos(0);
  if (!d) {
    ImGui::TextColored(kMuted, "yours against the reference: waiting for both runs ...");
  } else if (!d->comparable) {
    ImGui::TextColored(kBad, "%s", d->refusal.c_str());
  } else if (d->agree) {
    ImGui::TextColored(kGood, "Yours and the reference agree on every half-step so far (the tracer's diff).");
  } else if (d->first->cause == TraceDifference::Cause::stopped) {
    if (d->first->iteration == 0 && !d->first->half_step)
      ImGui::TextColored(kTodo, "Yours stopped before its first E-step, where the reference went on:");
    else
      ImGui::TextColored(kTodo, "Yours stopped at iteration %d, %s, where the reference went on:", d->first->iteration,
                         d->first->half_step ? half_step_name(*d->first->half_step) : "the start");
    ImGui::TextColored(kMuted, "%s", d->report.c_str());
  } else {
    ImGui::TextColored(kTodo, "Yours and the reference part at iteration %d, %s: %s", d->first->iteration,
                       d->first->half_step ? half_step_name(*d->first->half_step) : "the start",
                       d->first->quantity.c_str());
    ImGui::TextColored(kMuted, "%s", d->report.c_str());
  }
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

void App::remember(std::array<float, 4>& rect) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rect = {a.x, a.y, b.x, b.y};
}

void App::write_state() {
  if (!state_file_) return;
  nlohmann::json s;
  s["source"] = problem_ ? problem_->source : "";
  s["axes"] = axes_name(axes_);
  s["running"] = running_;
  for (const auto& [name, r] : rects_) s["rects"][name] = r;
  const Settings &chosen = session_.settings(), &run = session_.running();
  s["settings"] = {{"chosen", {{"k", chosen.k}, {"seed", chosen.seed}}},
                   {"running", {{"k", run.k}, {"seed", run.seed}}},
                   {"pending", session_.pending()},
                   {"refusal", refusal_of(chosen)}};
  s["lanes"] = nlohmann::json::array();
  for (const LaneView& v : views_) {
    const Record* r = at(v, v.cursor);
    s["lanes"].push_back({{"name", v.name},
                          {"cursor", v.cursor},
                          {"history", v.history.size()},
                          {"shown", r ? describe(*r) : ""},
                          {"timing", v.timing},
                          {"message", v.message},
                          {"note", note_name(v.note)},
                          {"banner", stopped_banner(v)},
                          {"next", !viewer::has_next(v) ? "none" : viewer::next_is_e_step(v) ? "E-step" : "M-step"}});
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

void App::execute(const Action& a) {
  settled_frames_ = 0;
  const std::string& v = a.verb;
  const std::vector<Lane*> lanes = session_.lanes();
  auto need_lanes = [&] {
    if (lanes.empty())
      throw Error(fmt::format("script {}: nothing is open to step{}", a.what(),
                              session_.error().empty() ? "" : " (" + session_.error() + ")"));
  };
  if (v == "open") return open_dropped(a.words[0]);
  if (v == "trace") return session_.open_trace(a.words[0]);
  if (v == "reset") return reset();
  if (v == "estep" || v == "mstep") {
    need_lanes();
    // A script says which half it means: refuse the other, so a script cannot silently skip one.
    const HalfStep wanted = v == "estep" ? HalfStep::e_step : HalfStep::m_step;
    if (!has_next())
      throw Error(fmt::format("script {}: the run has ended ({}); there is no next half-step", a.what(),
                              views_[0].message));
    const bool next_is_e = next_is_e_step();
    if ((wanted == HalfStep::e_step) != next_is_e)
      throw Error(fmt::format("script {}: the next half-step is an {}, not an {}", a.what(),
                              half_step_name(next_is_e ? HalfStep::e_step : HalfStep::m_step), half_step_name(wanted)));
    return step_all(1, false);
  }
  if (v == "step") return need_lanes(), step_iterations(count_of(a));
  if (v == "back") {
    need_lanes();
    // Moving over the history is exact: a script that asks for more than there is is wrong.
    const std::size_t cursor = views_[0].cursor;
    if (std::size_t(count_of(a)) > cursor)
      throw Error(fmt::format("script {}: the window shows half-step {} ({}), so it can go back {} at most", a.what(),
                              cursor, describe(views_[0].history[cursor]), cursor));
    return back_all(count_of(a));
  }
  if (v == "forward") return need_lanes(), step_all(count_of(a), false);
  if (v == "goto") {
    need_lanes();
    const std::size_t target = std::size_t(std::stoull(a.words[0])), made = views_[0].history.size();
    if (target >= made)
      throw Error(fmt::format("script {}: {} half-step{} made so far, 0 to {}; step further first or go to one of "
                              "them", a.what(), made, made == 1 ? " is" : "s are", made - 1));
    return go_to_all(target);
  }
  if (v == "run") {
    need_lanes();
    for (Lane* l : lanes) l->run_to_convergence();
    return;
  }
  if (v == "set") {
    const std::string &key = a.words[0], &value = a.words[1];
    Settings& s = session_.settings();
    if (key == "k") s.k = std::stoull(value);
    else if (key == "seed") s.seed = std::stoull(value);
    else if (key == "ridge") s.em.reg_covar = std::stod(value);
    else if (key == "impl") s.mode = parse_mode(value);
    else if (key == "axes") axes_ = parse_axes(value);
    else if (key == "colour" || key == "color") colour_by_label_ = value == "label";
    else if (key == "heat") {
      heat_component_ = std::stoi(value) - 1;
      if (heat_component_ >= int(session_.running().k))
        throw Error(fmt::format("script {}: there are only {} components", a.what(), session_.running().k));
    }
    return;
  }
  if (v == "screenshot") {
    cv::Mat bgr;
    cv::cvtColor(grab(), bgr, cv::COLOR_RGB2BGR);
    return write_picture(bgr, a.words[0]);
  }
  if (v == "save") {
    need_lanes();
    if (a.words[0] == "labels") {
      const auto gamma = lanes[0]->displayed_gamma();
      if (!gamma) throw Error(fmt::format("script {}: the segmentation panel shows nothing yet", a.what()));
      return write_picture(full_segmentation(*problem_, *gamma), a.words[1]);
    }
    const LaneView lv = lanes[0]->view();
    return write_text_file(to_json(lv.history[lv.cursor].mixture).dump(2) + "\n", a.words[1]);
  }
  throw Error(fmt::format("script {}: not an action", a.what()));  // parse_script refuses these first
}

}  // namespace gmmlab::viewer
