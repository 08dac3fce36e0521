// The headline and the lanes' picture rows.
#include <fmt/format.h>

#include <algorithm>

#include <opencv2/imgproc.hpp>

#include "gmmlab/render.hpp"
#include "panels.hpp"

namespace gmmlab::viewer {

using namespace ui;

void HeadlinePanel::draw(const Scene& s, const Box& box) {
  begin_box("headline", box, false, ImGuiWindowFlags_NoScrollbar);
  const LaneView* v = s.current();
  const Record* r = v ? at(*v, v->cursor) : nullptr;
  if (!s.problem || !r) {
    ImGui::TextColored(kMuted, s.session.busy() ? "Loading ..." : "Open a photo (left) or drop one on the window.");
    ImGui::EndChild();
    return;
  }
  const std::size_t last = v->history.size() - 1;
  ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 1, 1, 1));
  ImGui::Text("%s  \xc2\xb7  half-step %zu of %zu%s", describe(*r).c_str(), v->cursor, last,
              v->finished ? "" : " so far");
  ImGui::PopStyleColor();
  // What the half-step did, in numbers: an E-step moves the labels (and measures L of the
  // mixture it was given), an M-step moves L.
  std::string numbers;
  if (r->kind == Record::Kind::e_step && r->log_likelihood) {
    numbers = fmt::format("L = {:.8g}", *r->log_likelihood);
    if (r->labels_changed)
      numbers += fmt::format(";  {} pixels ({:.1f}%) changed label", *r->labels_changed,
                             100.0 * double(*r->labels_changed) / double(s.problem->x.n_rows));
  } else if (r->kind == Record::Kind::m_step && r->log_likelihood) {
    numbers = r->new_log_likelihood ? fmt::format("L {:.8g} \xe2\x86\x92 {:.8g} ({:+.4g})", *r->log_likelihood,
                                                  *r->new_log_likelihood, *r->new_log_likelihood - *r->log_likelihood)
                                    : fmt::format("L {:.8g} \xe2\x86\x92 (measuring ...)", *r->log_likelihood);
  }
  if (!numbers.empty()) {
    ImGui::SameLine();
    ImGui::TextColored(kMuted, "   %s", numbers.c_str());
  }
  ImGui::PushTextWrapPos(0);
  ImGui::TextColored(kLesson, "%s", explain(*r).c_str());
  ImGui::PopTextWrapPos();
  ImGui::EndChild();
}

namespace {

// The heat map's scale, inside its right edge: inferno from γ = 0 (bottom) to 1 (top).
void colour_bar(ImVec2 top_right, float h) {
  static const cv::Mat inferno = [] {
    cv::Mat ramp(256, 1, CV_8UC1), out;
    for (int i = 0; i < 256; ++i) ramp.at<uchar>(i) = uchar(i);
    cv::applyColorMap(ramp, out, cv::COLORMAP_INFERNO);  // BGR, as the heat map is made (app.cpp)
    return out;
  }();
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const float line = ImGui::GetTextLineHeight(), bar_w = 7, x1 = top_right.x - 4, x0 = x1 - bar_w;
  const float y0 = top_right.y + line + 2, y1 = top_right.y + h - line - 2;
  if (y1 - y0 < 20) return;
  dl->AddRectFilled(ImVec2(x0 - 14, top_right.y + 1), ImVec2(x1 + 2, top_right.y + h - 1), IM_COL32(0, 0, 0, 150));
  const int steps = 32;
  for (int i = 0; i < steps; ++i) {
    const cv::Vec3b c = inferno.at<cv::Vec3b>(255 * (steps - 1 - i) / (steps - 1));
    const float a = y0 + (y1 - y0) * i / steps, b = y0 + (y1 - y0) * (i + 1) / steps;
    dl->AddRectFilled(ImVec2(x0, a), ImVec2(x1, b + 0.5f), IM_COL32(c[2], c[1], c[0], 255));
  }
  dl->AddText(ImVec2(x0 - 12, top_right.y + 1), kLabelInk, "\xce\xb3 1");
  dl->AddText(ImVec2(x0 - 2, y1 + 1), kLabelInk, "0");
}

// Display pixel j: the photo pixel the panel draws there (display_index[j]) and its γ row.
void pixel_tooltip(const Problem& p, const LaneView& v, arma::uword j) {
  const Image& im = p.image;
  const arma::uword n = p.display_index[j];
  const auto names = channel_names(p.x.n_cols);
  ImGui::BeginTooltip();
  ImGui::Text("pixel (%llu, %llu)", (unsigned long long)(n % im.width), (unsigned long long)(n / im.width));
  std::string raw, z;
  for (arma::uword c = 0; c < p.x.n_cols; ++c) {
    raw += fmt::format("{} {:g}  ", names[c], p.raw_value(n, c));
    z += fmt::format("{} {:+.3f}  ", names[c], p.x(n, c));
  }
  ImGui::Text("colour    %s", raw.c_str());
  ImGui::Text("Z-scored  %s", z.c_str());
  if (const auto& gamma = v.display.gamma) {
    ImGui::Text("\xce\xb3 (responsibilities):");
    for (arma::uword k = 0; k < gamma->n_cols; ++k) {
      swatch(k);
      ImGui::Text("%llu: %.4f", (unsigned long long)(k + 1), (*gamma)(j, k));
    }
  }
  ImGui::EndTooltip();
}

}  // namespace

void LaneRowPanel::draw(const Scene& s, const Box& box) {
  if (!s.problem || lane_ >= s.views.size()) return;
  begin_box(fmt::format("row{}", lane_).c_str(), box, false, ImGuiWindowFlags_NoScrollbar);
  const LaneView& v = s.views[lane_];
  const float gap = ImGui::GetStyle().ItemSpacing.x;
  const float aspect = float(s.problem->display_width) / float(s.problem->display_height);
  const float caption = ImGui::GetTextLineHeightWithSpacing();
  float h = box.h - caption, w = h * aspect;
  const float max_w = (box.w - 3 * gap) / 4;
  if (w > max_w) {
    w = max_w;
    h = w / aspect;
  }
  const LaneTextures& t = *s.textures[lane_];
  const std::string who = s.views.size() > 1 ? lane_label(v.name) : "photo";
  const ImVec2 row = ImGui::GetCursorScreenPos();
  const bool first = lane_ == 0;
  picture(s, who.c_str(), s.photo, w, h, nullptr);
  ImGui::SameLine();
  // After an E-step the map of the pixels it relabelled may stand in for the segmentation.
  if (s.choices.changed_map && !t.changed.empty())
    picture(s, "changed label (this E-step)", t.changed, w, h, first ? "segmentation" : nullptr);
  else
    picture(s, "segmentation", t.hard, w, h, first ? "segmentation" : nullptr);
  ImGui::SameLine();
  picture(s, "soft (colours mixed by \xce\xb3)", t.soft, w, h, first ? "soft" : nullptr);
  ImGui::SameLine();
  picture(s, fmt::format("\xce\xb3 of component {}", s.choices.heat_component + 1).c_str(), t.heat, w, h, nullptr);
  if (!t.heat.empty()) colour_bar(ImVec2(ImGui::GetItemRectMax().x, ImGui::GetItemRectMax().y - h), h);
  if (const std::string text = stopped_banner(v); !text.empty()) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a(row.x + w + gap, row.y + caption), b(row.x + 4 * w + 3 * gap, row.y + caption + h);
    dl->AddRectFilled(a, b, IM_COL32(20, 20, 24, 200));
    dl->AddText(ImGui::GetFont(), ImGui::GetFontSize(), ImVec2(a.x + 10, a.y + 10),
                ImGui::GetColorU32(note_colour(v.note)), text.c_str(), nullptr, b.x - a.x - 20);
  }
  ImGui::EndChild();
}

void LaneRowPanel::picture(const Scene& s, const char* caption, const Texture& t, float w, float h, const char* rect) {
  ImGui::BeginGroup();
  // The caption never widens the panel: it is clipped to the picture's width.
  const ImVec2 at_caption = ImGui::GetCursorScreenPos();
  ImGui::Dummy(ImVec2(w, ImGui::GetTextLineHeight()));
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->PushClipRect(at_caption, ImVec2(at_caption.x + w, at_caption.y + 40), true);
  dl->AddText(at_caption, ImGui::GetColorU32(kMuted), caption);
  dl->PopClipRect();
  if (t.empty()) {
    ImGui::Dummy(ImVec2(w, h));
    const ImVec2 a = ImGui::GetItemRectMin();
    dl->AddRect(a, ImVec2(a.x + w, a.y + h), IM_COL32(90, 90, 90, 255));
    dl->AddText(ImVec2(a.x + 8, a.y + 8), IM_COL32(150, 150, 150, 255), "nothing to show");
  } else {
    ImGui::Image(t.id(), ImVec2(w, h));
  }
  if (rect) remember(s.rects[rect]);
  if (ImGui::IsItemHovered()) {
    const Problem& p = *s.problem;
    const ImVec2 a = ImGui::GetItemRectMin(), m = ImGui::GetIO().MousePos;
    // The display pixel under the mouse, whose photo pixel and γ the picture shows there.
    const int px = std::clamp(int((m.x - a.x) / w * p.display_width), 0, p.display_width - 1);
    const int py = std::clamp(int((m.y - a.y) / h * p.display_height), 0, p.display_height - 1);
    pixel_tooltip(p, s.views[lane_], arma::uword(py) * p.display_width + px);
  }
  ImGui::EndGroup();
}

}  // namespace gmmlab::viewer
