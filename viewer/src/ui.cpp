#include "ui.hpp"

#include <GL/gl.h>
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/render.hpp"

namespace gmmlab::viewer {

Texture::~Texture() {
  if (id_) glDeleteTextures(1, &id_);
}

void Texture::clear() {
  if (id_) glDeleteTextures(1, &id_);
  id_ = 0;
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

namespace ui {

namespace {
Palette g_palette = Palette::lab;  // UI thread only
}  // namespace

void use_palette(Palette p) { g_palette = p; }
Palette palette_in_use() { return g_palette; }

ImU32 palette(arma::uword k, int alpha) {
  const cv::Vec3b c = palette_rgb(k, g_palette);
  return IM_COL32(c[0], c[1], c[2], alpha);
}

ImU32 palette_mix(const double* w, arma::uword k, int stride, int alpha) {
  double rgb[3] = {0, 0, 0};
  for (arma::uword j = 0; j < k; ++j) {
    const cv::Vec3b c = palette_rgb(j, g_palette);
    for (int i = 0; i < 3; ++i) rgb[i] += w[j * stride] * c[i];
  }
  auto byte = [](double v) { return int(std::lround(std::clamp(v, 0.0, 255.0))); };
  return IM_COL32(byte(rgb[0]), byte(rgb[1]), byte(rgb[2]), alpha);
}

void swatch(arma::uword k) {
  const cv::Vec3b c = palette_rgb(k, g_palette);
  ImGui::ColorButton(fmt::format("##sw{}", k).c_str(), ImVec4(c[0] / 255.f, c[1] / 255.f, c[2] / 255.f, 1),
                     ImGuiColorEditFlags_NoTooltip, ImVec2(12, 12));
  ImGui::SameLine();
}

bool button(const char* label, const char* key, float width) {
  return ImGui::Button(fmt::format("{}  [{}]", label, key).c_str(), ImVec2(width, 0));
}

std::string lane_label(const std::string& name) { return name == "student" ? "yours (student)" : name; }

const Record* at(const LaneView& v, std::size_t i) { return i < v.history.size() ? &v.history[i] : nullptr; }

std::string explain(const Record& r) {
  switch (r.kind) {
    case Record::Kind::start:
      return "Start: k-means clusters the pixels; each cluster's share, mean and covariance give the first "
             "\xcf\x80, \xce\xbc, \xce\xa3. Each pixel is painted by its nearest mean. Next: an E-step.";
    case Record::Kind::e_step:
      return fmt::format("E-step {}: the Gaussians stay where they are; every pixel's responsibilities \xce\xb3 "
                         "are recomputed from them, so the colours change (pixels change label) and the ellipses do "
                         "not. L, a function of the Gaussians only, is measured, not changed.",
                         r.iteration);
    case Record::Kind::m_step:
      return fmt::format("M-step {}: the responsibilities stay as they are; each Gaussian's \xcf\x80, \xce\xbc, "
                         "\xce\xa3 are re-estimated from the pixels it is responsible for, so the ellipses move "
                         "(dashed: before) and L rises; the colours do not change.",
                         r.iteration);
  }
  return {};
}

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

std::string stopped_banner(const LaneView& v) {
  const bool stopped = v.finished && (v.note == LaneView::Note::todo || v.note == LaneView::Note::failed);
  if (!stopped) return {};
  if (v.history.empty()) return fmt::format("{} stopped before its start: {}", lane_label(v.name), v.message);
  if (v.cursor + 1 != v.history.size()) return {};
  return fmt::format("{} stopped after the {}: {}", lane_label(v.name), describe(v.history.back()), v.message);
}

std::string zscore_note(const LaneView& v, const Problem& p, bool side_by_side) {
  return v.zscore ? zscore_sentence(*v.zscore, p.image.width, side_by_side) : "";
}

std::string refusal_of(const Settings& s) {
  try {
    validate(s);
  } catch (const Error& e) {
    return e.what();
  }
  return {};
}

bool differs(double a, double b) { return std::abs(a - b) > 1e-12 * (1 + std::abs(a)); }

void remember(std::array<float, 4>& rect) {
  const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
  rect = {a.x, a.y, b.x, b.y};
}

void begin_box(const char* id, const Box& box, bool border, ImGuiWindowFlags flags) {
  ImGui::SetCursorPos(ImVec2(box.x, box.y));
  ImGui::BeginChild(id, ImVec2(std::max(box.w, 1.f), std::max(box.h, 1.f)), border, flags);
}

void component_tooltip(const LaneView& v, arma::uword k) {
  const Record* r = at(v, v.cursor);
  if (!r) return;
  const Mixture& m = r->mixture;
  const auto names = channel_names(m.dims());
  ImGui::BeginTooltip();
  swatch(k);
  ImGui::Text("component %llu (%s), %s", (unsigned long long)(k + 1), colour_name(k, palette_in_use()).c_str(),
              describe(*r).c_str());
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

}  // namespace ui
}  // namespace gmmlab::viewer
