// The feature-space plot and the log-likelihood curve.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>
#include <vector>

#include "panels.hpp"

namespace gmmlab::viewer {

using namespace ui;

namespace {

// Lane colours for the log-likelihood curves: the reference, then the student.
const ImU32 kLaneInk[] = {IM_COL32(110, 170, 255, 255), IM_COL32(255, 160, 70, 255)};

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

// Round tick values from lo to hi, at most `most` of them, 1, 2 or 5 times a power of ten apart.
std::vector<double> ticks(double lo, double hi, int most) {
  std::vector<double> out;
  if (!(hi > lo) || most < 2) return out;
  const double raw = (hi - lo) / (most - 1), power = std::pow(10.0, std::floor(std::log10(raw)));
  double step = power;
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (f * power >= raw) {
      step = f * power;
      break;
    }
  for (double t = std::ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) out.push_back(t);
  return out;
}

// Tick labels with as many digits as they need to differ from each other (a flat curve's
// ticks are otherwise all "-1.9501e+05").
std::vector<std::string> tick_labels(const std::vector<double>& t) {
  for (int digits = 3; digits < 15; ++digits) {
    std::vector<std::string> out;
    for (double v : t) out.push_back(fmt::format("{:.{}g}", std::abs(v) < 1e-300 ? 0.0 : v, digits));
    if (std::adjacent_find(out.begin(), out.end()) == out.end()) return out;
  }
  std::vector<std::string> out;
  for (double v : t) out.push_back(fmt::format("{:.15g}", v));
  return out;
}

// A line of dots: "yours" in the feature plot (dashes there mean "before the M-step").
void dotted(ImDrawList* dl, const std::vector<ImVec2>& q, ImU32 c, float r) {
  for (std::size_t i = 0; i < q.size(); i += 2) dl->AddCircleFilled(q[i], r, c, 6);
}

void dashed(ImDrawList* dl, const std::vector<ImVec2>& q, ImU32 c, float thick) {
  for (std::size_t i = 0; i < q.size(); i += 2) dl->AddLine(q[i], q[(i + 1) % q.size()], c, thick);
}

void arrow(ImDrawList* dl, ImVec2 from, ImVec2 to, ImU32 c) {
  const float dx = to.x - from.x, dy = to.y - from.y, len = std::hypot(dx, dy);
  if (len < 2) return;
  const float ux = dx / len, uy = dy / len, head = std::min(9.f, 0.6f * len);
  const ImVec2 base(to.x - ux * head, to.y - uy * head);
  dl->AddLine(from, base, c, 2.5f);
  dl->AddTriangleFilled(to, ImVec2(base.x - uy * head * 0.5f, base.y + ux * head * 0.5f),
                        ImVec2(base.x + uy * head * 0.5f, base.y - ux * head * 0.5f), c);
}

}  // namespace

void FeatureSpacePanel::draw(const Scene& s, const Box& box) {
  if (!s.problem || s.views.empty()) return;
  const Problem& problem = *s.problem;
  const Axes axes = s.choices.axes;
  begin_box("feature", box, true, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  s.rects["feature_space"] = {a.x, a.y, a.x + size.x, a.y + size.y};
  dl->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), kPlotBack);
  const auto names = channel_names(problem.x.n_cols);
  if (problem.x.n_cols < 2) {
    ImGui::TextColored(kMuted, "one channel: no feature space to draw");
    ImGui::EndChild();
    return;
  }
  const Projected& pr = projected(problem, axes);
  const float line = ImGui::GetTextLineHeight();
  bool any_before = false;
  for (const LaneView& v : s.views)
    if (const Record* r = at(v, v.cursor); r && r->kind == Record::Kind::m_step) any_before = true;
  const float legend_h = legend(s, ImVec2(a.x + 8, a.y + line + 6), size.x - 16, any_before);
  // Square cells: one Z-score unit is as long across as up, so an ellipse's shape is its
  // covariance's (the principal axes are orthonormal, so the PCA view is to scale too).
  const ImVec2 room_lo(a.x + 30, a.y + line + 12 + legend_h), room_hi(a.x + size.x - 8, a.y + size.y - 2 * line - 6);
  const double unit = std::max(1e-6, std::min((room_hi.x - room_lo.x) / (pr.x1 - pr.x0),
                                                (room_hi.y - room_lo.y) / (pr.y1 - pr.y0)));
  const float plot_w = float(unit * (pr.x1 - pr.x0)), plot_h = float(unit * (pr.y1 - pr.y0));
  const ImVec2 lo(room_lo.x + (room_hi.x - room_lo.x - plot_w) / 2, room_lo.y + (room_hi.y - room_lo.y - plot_h) / 2);
  const ImVec2 hi(lo.x + plot_w, lo.y + plot_h);
  auto map = [&](double u, double v) { return ImVec2(lo.x + float((u - pr.x0) * unit), hi.y - float((v - pr.y0) * unit)); };
  dl->AddRect(lo, hi, IM_COL32(60, 60, 66, 255));
  // Grid lines and tick labels at whole Z-score units.
  const float every = unit < 14 ? 2.f : 1.f;  // every other label when a unit is narrower than "-2"
  for (double g = std::ceil(pr.x0); g <= pr.x1; g += 1) {
    const float x = map(g, 0).x;
    dl->AddLine(ImVec2(x, lo.y), ImVec2(x, hi.y), g == 0 ? IM_COL32(90, 90, 96, 255) : IM_COL32(48, 48, 54, 255));
    if (std::fmod(std::abs(g), every) == 0) {
      const std::string t = fmt::format("{:g}", g);
      dl->AddText(ImVec2(x - ImGui::CalcTextSize(t.c_str()).x / 2, hi.y + 2), kLabelInk, t.c_str());
    }
  }
  for (double g = std::ceil(pr.y0); g <= pr.y1; g += 1) {
    const float y = map(0, g).y;
    dl->AddLine(ImVec2(lo.x, y), ImVec2(hi.x, y), g == 0 ? IM_COL32(90, 90, 96, 255) : IM_COL32(48, 48, 54, 255));
    if (std::fmod(std::abs(g), every) == 0) {
      const std::string t = fmt::format("{:g}", g);
      dl->AddText(ImVec2(lo.x - ImGui::CalcTextSize(t.c_str()).x - 3, y - line / 2), kLabelInk, t.c_str());
    }
  }
  const std::string xname = axes == Axes::pca ? "1st principal axis" : names[axes == Axes::gr ? 1 : 0];
  const std::string yname = axes == Axes::pca ? "2nd principal axis" : names[axes == Axes::bg ? 1 : 2];
  dl->AddText(ImVec2(lo.x, hi.y + line + 3), kLabelInk,
              fmt::format("\xe2\x86\x92 {} (Z-scores{})", xname, axes == Axes::pca ? ", to scale" : "").c_str());
  dl->AddText(ImVec2(a.x + 6, a.y + 4), kTitleInk,
              fmt::format("feature space ({})   \xe2\x86\x91 {}", axes_name(axes), yname).c_str());

  dl->PushClipRect(lo, hi, true);
  const Display& shown = s.views[0].display;
  const arma::uvec& labels = shown.sample_labels;
  const arma::mat& mix = shown.sample_gamma;
  const PointColour how = s.choices.points;
  for (arma::uword i = 0; i < pr.points.n_cols; ++i) {
    const ImVec2 p = map(pr.points(0, i), pr.points(1, i));
    ImU32 c;
    if (how == PointColour::label && labels.n_elem == pr.points.n_cols) {
      c = palette(labels[i], 150);
    } else if (how == PointColour::mix && mix.n_rows == pr.points.n_cols) {
      c = palette_mix(mix.colptr(0) + i, mix.n_cols, int(mix.n_rows), 170);
    } else {
      const arma::rowvec rgb = problem.sample_colours.row(i);
      c = IM_COL32(int(255 * rgb[0]), int(255 * rgb[1]), int(255 * rgb[2]), 200);
    }
    dl->AddRectFilled(ImVec2(p.x - 1.2f, p.y - 1.2f), ImVec2(p.x + 1.2f, p.y + 1.2f), c);
  }
  auto points_of = [&](const std::vector<std::array<double, 2>>& pts) {
    std::vector<ImVec2> q;
    for (const auto& p : pts) q.push_back(map(p[0], p[1]));
    return q;
  };
  std::optional<std::pair<std::size_t, arma::uword>> hovered;
  const ImVec2 mouse = ImGui::GetIO().MousePos;
  const ImU32 before_ink = IM_COL32(255, 255, 255, 150), arrow_ink = IM_COL32(255, 255, 255, 235);
  for (std::size_t lane = 0; lane < s.views.size(); ++lane) {
    const LaneView& v = s.views[lane];
    const Record* r = at(v, v.cursor);
    if (!r) continue;
    const bool yours = lane == 1;
    // After an M-step, the Gaussians before it (dashed, white) and an arrow from each old mean to the new one.
    const Record* before = r->kind == Record::Kind::m_step ? at(v, v.cursor - 1) : nullptr;
    const Mixture& m = r->mixture;
    for (arma::uword k = 0; k < m.components(); ++k) {
      if (m.priors[k] == 0) continue;
      const auto one = points_of(ellipse(pr.P, m.means.row(k), m.covs.slice(k), 1));
      const auto two = points_of(ellipse(pr.P, m.means.row(k), m.covs.slice(k), 2));
      if (yours) {
        dotted(dl, one, palette(k), 2.2f);
        dotted(dl, two, palette(k, 150), 1.4f);
      } else {
        dl->AddPolyline(one.data(), int(one.size()), palette(k), ImDrawFlags_Closed, 2.5f);
        dl->AddPolyline(two.data(), int(two.size()), palette(k, 150), ImDrawFlags_Closed, 1.0f);
      }
      const arma::vec c = pr.P * m.means.row(k).t();
      const ImVec2 p = map(c[0], c[1]);
      if (before) {
        dashed(dl, points_of(ellipse(pr.P, before->mixture.means.row(k), before->mixture.covs.slice(k), 1)),
               before_ink, 1.5f);
        const arma::vec from = pr.P * before->mixture.means.row(k).t();
        const ImVec2 f = map(from[0], from[1]);
        dl->AddCircle(f, 3.5f, arrow_ink, 0, 1.5f);
        arrow(dl, f, p, arrow_ink);
      }
      if (yours) {
        dl->AddCircle(p, 5.5f, palette(k), 0, 2.5f);  // hollow: yours; filled: the reference
      } else {
        dl->AddCircleFilled(p, 5.5f, IM_COL32(0, 0, 0, 255));
        dl->AddCircleFilled(p, 4, palette(k));
      }
      // The reference's number above right of its mean, yours below left, so that two means
      // in one place keep both numbers readable.
      const std::string n = std::to_string(k + 1);
      const ImVec2 at_label = yours ? ImVec2(p.x - 8 - ImGui::CalcTextSize(n.c_str()).x, p.y + 3) : ImVec2(p.x + 7, p.y - line - 1);
      dl->AddText(ImVec2(at_label.x + 1, at_label.y + 1), IM_COL32(0, 0, 0, 255), n.c_str());
      dl->AddText(at_label, IM_COL32(255, 255, 255, 255), n.c_str());
      if (ImGui::IsWindowHovered() && std::hypot(mouse.x - p.x, mouse.y - p.y) < 9) hovered = {lane, k};
    }
  }
  dl->PopClipRect();
  if (hovered) component_tooltip(s.views[hovered->first], hovered->second);
  ImGui::EndChild();
}

// What each line means, once, in a row under the title (wrapped to the box): solid is a
// Gaussian now, dashed is before the M-step, dots are yours. Returns the height it took.
float FeatureSpacePanel::legend(const Scene& s, ImVec2 at, float width, bool before) {
  ImDrawList* dl = ImGui::GetWindowDrawList();
  struct Entry {
    int kind;
    const char* text;
  };
  std::vector<Entry> entries{{0, "1\xcf\x83"}, {1, "2\xcf\x83"}};
  if (before) entries.push_back({2, "before this M-step"}), entries.push_back({3, "mean moved"});
  if (s.views.size() > 1) entries.push_back({4, "yours (hollow mean)"});
  const float line = ImGui::GetTextLineHeight() + 2, sample = 24;
  const ImU32 ink = palette(0), white = IM_COL32(255, 255, 255, 210);
  float x = at.x, y = at.y;
  for (const Entry& e : entries) {
    const float w = sample + 5 + ImGui::CalcTextSize(e.text).x + 14;
    if (x + w > at.x + width && x > at.x) x = at.x, y += line;
    const float my = y + line / 2, x0 = x, x1 = x + sample;
    const std::vector<ImVec2> seg{ImVec2(x0, my), ImVec2(x0 + 5, my), ImVec2(x0 + 9, my), ImVec2(x0 + 14, my),
                                  ImVec2(x0 + 18, my), ImVec2(x1, my)};
    switch (e.kind) {
      case 0: dl->AddLine(ImVec2(x0, my), ImVec2(x1, my), ink, 2.5f); break;
      case 1: dl->AddLine(ImVec2(x0, my), ImVec2(x1, my), palette(0, 150), 1.0f); break;
      case 2: dashed(dl, seg, white, 1.5f); break;
      case 3: arrow(dl, ImVec2(x0, my), ImVec2(x1, my), white); break;
      case 4: dotted(dl, {ImVec2(x0, my), {}, ImVec2(x0 + 8, my), {}, ImVec2(x0 + 16, my), {}, ImVec2(x1, my)}, ink, 2.2f); break;
    }
    dl->AddText(ImVec2(x1 + 5, y + 1), kLabelInk, e.text);
    x += w;
  }
  return y + line - at.y;
}

namespace {

// The log-likelihood of the mixture each half-step leaves: an E-step measures the mixture it
// was given (so it does not move the curve: it moves the labels), an M-step's is the new
// mixture's. x is in iterations: E-step i at i - 0.5, M-step i at i.
struct CurvePoint {
  double x, ll;
  Record::Kind kind;
};

std::vector<CurvePoint> curve_of(const LaneView& v) {
  std::vector<CurvePoint> out;
  for (const Record& r : v.history) {
    if (r.kind == Record::Kind::e_step && r.log_likelihood) out.push_back({r.iteration - 0.5, *r.log_likelihood, r.kind});
    if (r.kind == Record::Kind::m_step && r.new_log_likelihood) out.push_back({double(r.iteration), *r.new_log_likelihood, r.kind});
  }
  return out;
}

// Each iteration's gain L(after M-step i) - L(before it), for the log-scale view.
std::vector<std::pair<int, double>> gains_of(const LaneView& v) {
  std::vector<std::pair<int, double>> out;
  for (std::size_t i = 0; i + 1 < v.history.size(); ++i) {
    const Record &e = v.history[i], &m = v.history[i + 1];
    if (e.kind == Record::Kind::e_step && m.kind == Record::Kind::m_step && e.log_likelihood && m.new_log_likelihood)
      out.push_back({m.iteration, *m.new_log_likelihood - *e.log_likelihood});
  }
  return out;
}

}  // namespace

std::string curve_fall_note(const std::vector<LaneView>& views) {
  bool fell = false, fell_far = false;
  for (const LaneView& v : views) {
    double scale = 0;  // the size of L, for a fall's relative size
    for (const CurvePoint& p : curve_of(v)) scale = std::max(scale, std::abs(p.ll));
    for (const auto& [it, g] : gains_of(v)) {
      fell |= g < 0;
      // The ridge lowers L by about 5e-11 of its size an iteration, rounding by far less.
      fell_far |= g < -1e-6 * scale;
    }
  }
  if (fell_far) return "red: L fell by more than the ridge or rounding can: a step is wrong";
  return fell ? "red: L fell, by the covariance ridge or rounding (viewer/README.md)" : "";
}

void CurvePanel::draw(const Scene& s, const Box& box) {
  if (!s.problem || s.views.empty()) return;
  begin_box("loglik", box, true, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  s.rects["curve"] = {a.x, a.y, a.x + size.x, a.y + size.y};
  dl->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), kPlotBack);
  const bool gain = s.choices.curve_gain;
  // The two views, as radio buttons at the top right.
  ImGui::SetCursorPos(ImVec2(size.x - 215, 2));
  if (ImGui::RadioButton("L", !gain)) s.choices.curve_gain = false;
  ImGui::SameLine();
  if (ImGui::RadioButton("gain per iteration  [G]", gain)) s.choices.curve_gain = true;
  const float line = ImGui::GetTextLineHeight();
  dl->AddText(ImVec2(a.x + 6, a.y + 4), kTitleInk, gain ? "gain of L per iteration (log scale)" : "log-likelihood L");

  std::vector<std::vector<CurvePoint>> curves;
  std::vector<std::vector<std::pair<int, double>>> gains;
  double lo = INFINITY, hi = -INFINITY, last = 1;
  const std::string fall_note = curve_fall_note(s.views);
  const bool fell = !fall_note.empty();
  for (const LaneView& v : s.views) {
    curves.push_back(curve_of(v));
    gains.push_back(gains_of(v));
    if (!gain)
      for (const CurvePoint& p : curves.back()) lo = std::min(lo, p.ll), hi = std::max(hi, p.ll), last = std::max(last, p.x);
    for (const auto& [it, g] : gains.back()) {
      if (gain && g != 0) lo = std::min(lo, std::log10(std::abs(g))), hi = std::max(hi, std::log10(std::abs(g)));
      last = std::max(last, double(it));
    }
  }
  if (!(lo <= hi)) {
    dl->AddText(ImVec2(a.x + 6, a.y + 8 + line), IM_COL32(150, 150, 150, 255), gain ? "no whole iteration yet" : "no E-step yet");
    ImGui::EndChild();
    return;
  }
  if (gain) lo = std::floor(lo), hi = std::max(std::ceil(hi), lo + 1);
  if (hi - lo < 1e-9 * std::max(1.0, std::abs(hi))) lo -= 1, hi += 1;
  // As many y ticks as fit two lines apart, so that no two labels overlap.
  const float top = a.y + line + 12, bottom = a.y + size.y - line - 8 - (fell ? line : 0);
  const int most = std::clamp(int((bottom - top) / (2 * line)) + 1, 2, 6);
  const std::vector<double> ys = ticks(lo, hi, most);
  std::vector<std::string> labels = tick_labels(ys);
  if (gain)
    for (std::size_t i = 0; i < ys.size(); ++i) labels[i] = fmt::format("1e{:g}", ys[i]);
  float label_w = 0;
  for (const std::string& t : labels) label_w = std::max(label_w, ImGui::CalcTextSize(t.c_str()).x);
  const ImVec2 p0(a.x + label_w + 10, top), p1(a.x + size.x - 12, bottom);
  const double first = gain ? 1 : 0.5;
  auto map = [&](double x, double y) {
    const float u = last > first ? float((x - first) / (last - first)) : 0.5f;
    return ImVec2(p0.x + u * (p1.x - p0.x), p1.y - float((y - lo) / (hi - lo)) * (p1.y - p0.y));
  };
  dl->AddRect(p0, p1, IM_COL32(60, 60, 66, 255));
  for (std::size_t i = 0; i < ys.size(); ++i) {
    const float y = map(first, ys[i]).y;
    dl->AddLine(ImVec2(p0.x, y), ImVec2(p1.x, y), IM_COL32(44, 44, 50, 255));
    dl->AddText(ImVec2(a.x + 4, y - line / 2), kLabelInk, labels[i].c_str());
  }
  // Whole iterations along x (an E-step sits half-way before its M-step), as many as fit.
  const std::string caption = gain ? "iteration" : "iteration (E-step i at i - \xc2\xbd)";
  const float caption_w = ImGui::CalcTextSize(caption.c_str()).x;
  dl->AddText(ImVec2(p1.x - caption_w, p1.y + 3), kLabelInk, caption.c_str());
  const int fit = std::max(2, int((p1.x - p0.x - caption_w) / 45));
  for (double t : ticks(std::max(1.0, std::ceil(first)), std::max(1.0, std::floor(last)), fit)) {
    if (t != std::round(t)) continue;
    const std::string label = fmt::format("{:g}", t);
    const float x = map(t, lo).x - ImGui::CalcTextSize(label.c_str()).x / 2;
    if (x + 30 > p1.x - caption_w) continue;
    dl->AddText(ImVec2(x, p1.y + 3), kLabelInk, label.c_str());
  }
  const ImU32 red = IM_COL32(255, 70, 60, 255);
  for (std::size_t lane = 0; lane < s.views.size(); ++lane) {
    const ImU32 ink = kLaneInk[lane % 2];
    if (gain) {
      for (const auto& [it, g] : gains[lane]) {
        if (g == 0) continue;
        const ImVec2 q = map(it, std::log10(std::abs(g)));
        dl->AddCircleFilled(q, 2.5f, g < 0 ? red : ink);
      }
      continue;
    }
    const std::vector<CurvePoint>& c = curves[lane];
    for (std::size_t i = 0; i < c.size(); ++i) {
      const ImVec2 q = map(c[i].x, c[i].ll);
      if (i > 0) {
        // M-steps raise L (lane ink, red if it fell); E-steps keep it (a faint flat step).
        const bool m = c[i].kind == Record::Kind::m_step;
        dl->AddLine(map(c[i - 1].x, c[i - 1].ll), q, !m ? IM_COL32(120, 120, 130, 160) : c[i].ll < c[i - 1].ll ? red : ink,
                    m ? 2.f : 1.f);
      }
      dl->AddCircleFilled(q, c[i].kind == Record::Kind::m_step ? 2.5f : 1.5f, ink);
    }
  }
  if (const Record* r = at(s.views[0], s.views[0].cursor); r && r->iteration > 0) {
    const bool m = r->kind == Record::Kind::m_step;
    const double x = gain ? r->iteration : r->iteration - (m ? 0.0 : 0.5);
    const float px = map(x, lo).x;
    dl->AddLine(ImVec2(px, p0.y), ImVec2(px, p1.y), IM_COL32(255, 255, 255, 140), 1);
    const std::optional<double> y = m ? r->new_log_likelihood : r->log_likelihood;
    if (!gain && y) dl->AddCircle(map(x, *y), 6, IM_COL32(255, 255, 255, 255), 0, 2);
  }
  if (fell)
    dl->AddText(ImVec2(p0.x, p1.y + line + 4), red,
                fall_note.c_str());
  ImGui::EndChild();
}

}  // namespace gmmlab::viewer
