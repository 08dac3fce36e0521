// The feature-space plot and the log-likelihood curve.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

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

// Two axis labels with as many digits as they need to differ (a flat curve's ends are
// otherwise both "-2.1406e+05").
std::pair<std::string, std::string> distinct_labels(double hi, double lo) {
  for (int digits = 5; digits < 12; ++digits) {
    std::string a = fmt::format("{:.{}g}", hi, digits), b = fmt::format("{:.{}g}", lo, digits);
    if (a != b) return {a, b};
  }
  return {fmt::format("{:.12g}", hi), fmt::format("{:.12g}", lo)};
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
  const std::string xname = axes == Axes::pca ? "1st principal axis" : names[axes == Axes::gr ? 1 : 0] + " (Z-scored)";
  const std::string yname = axes == Axes::pca ? "2nd principal axis" : names[axes == Axes::bg ? 1 : 2] + " (Z-scored)";
  dl->AddText(ImVec2(lo.x, hi.y + 5), kLabelInk, ("\xe2\x86\x92 " + xname).c_str());
  dl->AddText(ImVec2(a.x + 6, a.y + 4), kTitleInk,
              fmt::format("feature space ({})   \xe2\x86\x91 {}", axes_name(axes), yname).c_str());

  dl->PushClipRect(lo, hi, true);
  const arma::uvec& labels = s.views[0].display.sample_labels;
  for (arma::uword i = 0; i < pr.points.n_cols; ++i) {
    const ImVec2 p = map(pr.points(0, i), pr.points(1, i));
    ImU32 c;
    if (s.choices.colour_by_label && labels.n_elem == pr.points.n_cols) {
      c = palette(labels[i], 150);
    } else {
      const arma::rowvec rgb = problem.sample_colours.row(i);
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
  for (std::size_t lane = 0; lane < s.views.size(); ++lane) {
    const LaneView& v = s.views[lane];
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
  if (s.views.size() == 2) legend += "; dashed: yours";
  dl->AddText(ImVec2(lo.x + 4, lo.y + 2), kLabelInk, legend.c_str());
  if (hovered) component_tooltip(s.views[hovered->first], hovered->second);
  ImGui::EndChild();
}

void CurvePanel::draw(const Scene& s, const Box& box) {
  if (!s.problem || s.views.empty()) return;
  begin_box("loglik", box, true, ImGuiWindowFlags_NoScrollbar);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  const ImVec2 a = ImGui::GetWindowPos(), size = ImGui::GetWindowSize();
  dl->AddRectFilled(a, ImVec2(a.x + size.x, a.y + size.y), kPlotBack);
  // Every lane's curve over the whole history computed so far.
  double lo = INFINITY, hi = -INFINITY;
  int last = 1;
  for (const LaneView& v : s.views)
    for (const Record& r : v.history)
      if (r.kind == Record::Kind::e_step) {
        lo = std::min(lo, *r.log_likelihood);
        hi = std::max(hi, *r.log_likelihood);
        last = std::max(last, r.iteration);
      }
  dl->AddText(ImVec2(a.x + 6, a.y + 4), kTitleInk, "log-likelihood per E-step (falls in red)");
  if (!(lo <= hi)) {
    dl->AddText(ImVec2(a.x + 6, a.y + 24), IM_COL32(150, 150, 150, 255), "no E-step yet");
    ImGui::EndChild();
    return;
  }
  if (hi - lo < 1e-9 * std::max(1.0, std::abs(hi))) {
    lo -= 1;
    hi += 1;
  }
  const auto [hi_label, lo_label] = distinct_labels(hi, lo);
  const float label_w = std::max(ImGui::CalcTextSize(hi_label.c_str()).x, ImGui::CalcTextSize(lo_label.c_str()).x);
  const ImVec2 p0(a.x + label_w + 10, a.y + 24), p1(a.x + size.x - 12, a.y + size.y - 20);
  auto map = [&](double it, double ll) {
    const float u = last > 1 ? float((it - 1) / (last - 1)) : 0.5f;
    return ImVec2(p0.x + u * (p1.x - p0.x), p1.y - float((ll - lo) / (hi - lo)) * (p1.y - p0.y));
  };
  dl->AddRect(p0, p1, IM_COL32(60, 60, 66, 255));
  dl->AddText(ImVec2(a.x + 4, p0.y - 2), kLabelInk, hi_label.c_str());
  dl->AddText(ImVec2(a.x + 4, p1.y - 12), kLabelInk, lo_label.c_str());
  dl->AddText(ImVec2(p0.x, p1.y + 3), kLabelInk, "iteration 1");
  const std::string end = fmt::format("{}", last);
  dl->AddText(ImVec2(p1.x - ImGui::CalcTextSize(end.c_str()).x, p1.y + 3), kLabelInk, end.c_str());
  for (std::size_t lane = 0; lane < s.views.size(); ++lane) {
    const LaneView& v = s.views[lane];
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
  if (const Record* r = at(s.views[0], s.views[0].cursor); r && r->iteration > 0) {
    const float x = map(r->iteration, lo).x;
    dl->AddLine(ImVec2(x, p0.y), ImVec2(x, p1.y), IM_COL32(255, 255, 255, 140), 1);
    if (r->log_likelihood) dl->AddCircle(map(r->iteration, *r->log_likelihood), 6, IM_COL32(255, 255, 255, 255), 0, 2);
  }
  ImGui::EndChild();
}

}  // namespace gmmlab::viewer
