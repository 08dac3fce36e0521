// `trace plot` and `trace film`: pictures of a trace, drawn with OpenCV so that they need
// nothing beyond what gmmlab::io already links.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <opencv2/imgproc.hpp>
#include <set>
#include <sstream>

#include "gmmlab/drawing.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"
#include "gmmlab/render.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab {

namespace {

using drawing::text;
using drawing::text_centred;
using drawing::text_vertical;
using drawing::text_width;

const cv::Scalar kInk(40, 40, 40), kGrid(225, 225, 225), kCurve(180, 90, 20), kWarn(30, 30, 200),
    kMuted(120, 120, 120), kWhite(255, 255, 255);

void dashed_line(cv::Mat& img, cv::Point a, cv::Point b, cv::Scalar colour) {
  const double length = std::hypot(b.x - a.x, b.y - a.y);
  for (double t = 0; t < length; t += 12) {
    const double u = std::min(t + 6, length);
    cv::line(img, a + (b - a) * (t / length), a + (b - a) * (u / length), colour, 1, cv::LINE_AA);
  }
}

// Round tick steps (1, 2 or 5 times a power of ten) giving about `count` ticks.
double nice_step(double range, int count) {
  if (!(range > 0)) return 1;
  const double raw = range / count, power = std::pow(10, std::floor(std::log10(raw)));
  const double f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

std::string tick_label(double v, double step) {
  if (std::abs(v) < step * 1e-9) v = 0;
  const double mag = std::max(std::abs(v), step);
  if (mag >= 1e6 || mag < 1e-3) return fmt::format("{:.4g}", v);
  const int decimals = std::max(0, -int(std::floor(std::log10(step))));
  return fmt::format("{:.{}f}", v, decimals);
}

struct Panel {
  cv::Rect area;
  double x0, x1, y0, y1;
  cv::Point at(double x, double y) const {
    const double u = x1 > x0 ? (x - x0) / (x1 - x0) : 0.5, v = y1 > y0 ? (y - y0) / (y1 - y0) : 0.5;
    return {area.x + int(std::lround(u * area.width)), area.y + area.height - int(std::lround(v * area.height))};
  }
};

// Axes, grid and tick labels; y ticks as powers of ten when log_y (values are log10).
void draw_axes(cv::Mat& img, const Panel& p, const std::string& x_label, const std::string& y_label, bool log_y) {
  const double xs = nice_step(p.x1 - p.x0, 8);
  for (double x = std::ceil(p.x0 / xs) * xs; x <= p.x1 + 1e-9; x += xs) {
    const cv::Point a = p.at(x, p.y0);
    cv::line(img, {a.x, p.area.y}, {a.x, p.area.y + p.area.height}, kGrid, 1);
    text_centred(img, tick_label(x, xs), {a.x, p.area.y + p.area.height + 20}, 0.45, kInk);
  }
  const double ys = log_y ? std::max(1.0, nice_step(p.y1 - p.y0, 5)) : nice_step(p.y1 - p.y0, 6);
  for (double y = std::ceil(p.y0 / ys) * ys; y <= p.y1 + 1e-9 * std::abs(ys); y += ys) {
    const cv::Point a = p.at(p.x0, y);
    cv::line(img, {p.area.x, a.y}, {p.area.x + p.area.width, a.y}, kGrid, 1);
    const std::string label = log_y ? fmt::format("1e{:+03d}", int(std::lround(y))) : tick_label(y, ys);
    text(img, label, {p.area.x - 8 - text_width(label, 0.45), a.y + 5}, 0.45, kInk);
  }
  cv::rectangle(img, p.area, kInk, 1);
  text_centred(img, x_label, {p.area.x + p.area.width / 2, p.area.y + p.area.height + 44}, 0.55, kInk);
  text_vertical(img, y_label, {22, p.area.y + p.area.height / 2}, 0.55, kInk);
}

std::string image_name(const Trace& t) { return std::filesystem::path(t.input.path).filename().string(); }

}  // namespace

std::string undrawn_changes(const Trace& t) {
  int changes = 0;
  for (const auto& it : t.iterations) {
    if (it.change && *it.change != 0) return {};
    changes += it.change.has_value();
  }
  if (changes == 0) return "the curve of changes needs two iterations, and this trace holds one";
  return fmt::format("the log-likelihood never changed: its {} changes are all 0, which a log scale cannot draw",
                     changes);
}

cv::Mat plot_log_likelihood(const Trace& t) {
  if (t.iterations.empty())
    throw Error(fmt::format("the trace of '{}' holds no log-likelihood to plot: {}", t.input.path,
                            t.end.message.empty() ? "the run made no iteration (--iterations 0)" : t.end.message));
  cv::Mat img(kPlotHeight, kPlotWidth, CV_8UC3, kWhite);
  text(img, fmt::format("Log-likelihood of {} EM, K = {}, on {}", t.settings.implementation, t.settings.k,
                        image_name(t)),
       {90, 32}, 0.75, kInk, 2);
  text(img, fmt::format("{}; one point per E-step", ending_summary(t)),
       {90, 58}, 0.5, t.end.reason == StopReason::converged || t.end.reason == StopReason::iteration_cap ? kMuted : kWarn);

  // Top panel: the curve itself, rising and levelling off. Plain EM never lowers it; the
  // ridge or rounding can, by amounts too small to see here: the bottom panel shows them.
  const int n = int(t.iterations.size());
  double lo = INFINITY, hi = -INFINITY;
  for (const auto& it : t.iterations) lo = std::min(lo, it.log_likelihood), hi = std::max(hi, it.log_likelihood);
  const double pad = hi > lo ? 0.05 * (hi - lo) : std::max(1.0, std::abs(hi) * 1e-6);
  Panel top{{110, 80, kPlotWidth - 140, 330}, n > 1 ? 1.0 : 0.0, n > 1 ? double(n) : 2.0, lo - pad, hi + pad};
  draw_axes(img, top, "iteration", "log-likelihood", false);
  std::vector<cv::Point> curve;
  for (const auto& it : t.iterations) curve.push_back(top.at(it.iteration, it.log_likelihood));
  cv::polylines(img, curve, false, kCurve, 2, cv::LINE_AA);
  if (n <= 80)
    for (const cv::Point& p : curve) cv::circle(img, p, 3, kCurve, cv::FILLED, cv::LINE_AA);
  const auto& last = t.iterations.back();
  const std::string final_label = fmt::format("last: {:.6e}", last.log_likelihood);
  const cv::Point lp = top.at(last.iteration, last.log_likelihood);
  text(img, final_label, {std::min(lp.x, top.area.x + top.area.width - 8) - text_width(final_label, 0.5), lp.y + 22},
       0.5, kInk);

  // Bottom panel: the size of each iteration's change, on a log scale, against the
  // tolerance: the run stops when it falls below the dashed line. A fall is drawn in red:
  // plain EM never lowers the log-likelihood, so a student sees at once when it happens.
  Panel bottom{{110, 500, kPlotWidth - 140, 150}, top.x0, top.x1, 0, 0};
  const double tol = t.settings.em.tolerance;
  const bool tol_line = tol > 0 && !t.settings.em.relative_tolerance;
  struct Step { int iteration; double log10_size; bool fell; };
  std::vector<Step> steps;
  for (const auto& it : t.iterations)
    if (it.change && *it.change != 0) steps.push_back({it.iteration, std::log10(std::abs(*it.change)), *it.change < 0});
  double ylo = tol_line ? std::log10(tol) : INFINITY, yhi = -INFINITY;
  for (const Step& st : steps) ylo = std::min(ylo, st.log10_size), yhi = std::max(yhi, st.log10_size);
  if (!std::isfinite(ylo)) ylo = -1;
  if (!std::isfinite(yhi)) yhi = ylo + 1;
  bottom.y0 = std::floor(ylo) - 0.5;
  bottom.y1 = std::ceil(yhi) + 0.5;
  text(img, "Size of the change per iteration (log scale); EM stops when it falls below the tolerance",
       {110, 488}, 0.5, kInk);
  draw_axes(img, bottom, "iteration", "|change|", true);
  bool fell = false;
  if (steps.empty()) {
    text_centred(img, "nothing to show: " + undrawn_changes(t),
                 {bottom.area.x + bottom.area.width / 2, bottom.area.y + bottom.area.height / 2}, 0.55, kMuted);
  } else {
    std::vector<cv::Point> pts;
    for (const Step& st : steps) pts.push_back(bottom.at(st.iteration, st.log10_size));
    cv::polylines(img, pts, false, kCurve, 2, cv::LINE_AA);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      fell = fell || steps[i].fell;
      if (steps[i].fell)
        cv::circle(img, pts[i], n <= 80 ? 4 : 2, kWarn, cv::FILLED, cv::LINE_AA);
      else if (n <= 80)
        cv::circle(img, pts[i], 3, kCurve, cv::FILLED, cv::LINE_AA);
    }
  }
  if (tol_line) {
    const cv::Point a = bottom.at(bottom.x0, std::log10(tol)), b = bottom.at(bottom.x1, std::log10(tol));
    dashed_line(img, a, b, kWarn);
    text(img, fmt::format("tolerance {:g}", tol), {a.x + 8, a.y - 6}, 0.45, kWarn);
  }
  const std::string rose = "blue: the log-likelihood rose by this much";
  text(img, rose, {110, kPlotHeight - 8}, 0.45, kCurve);
  if (fell)
    text(img, "red: it fell (plain EM never does; a ridge or rounding can)",
         {110 + text_width(rose, 0.45) + 24, kPlotHeight - 8}, 0.45, kWarn);
  return img;
}

// ---- film -------------------------------------------------------------------------------------

namespace {

constexpr int kMargin = 16, kGap = 12, kTitle = 56, kLabel = 46, kLegend = 40, kMinFilmWidth = 720;

cv::Size frame_size(int height, int width) {
  int fw = 240, fh = int(std::lround(240.0 * height / width));
  if (fh > 480) fh = 480, fw = std::max(1, int(std::lround(480.0 * width / height)));
  return {fw, std::max(fh, 1)};
}

}  // namespace

cv::Size film_size(int height, int width, int frames, arma::uword /*k*/) {
  const cv::Size f = frame_size(height, width);
  const int strip = 2 * kMargin + frames * f.width + (frames - 1) * kGap;
  return {std::max(strip, kMinFilmWidth), kTitle + kLabel + f.height + kLegend + kMargin};
}

std::vector<int> default_film_iterations(const Trace& t) {
  std::set<int> chosen;
  for (int i : {0, 1, 2, 5, 10})
    if (t.mixture_at(i)) chosen.insert(i);
  chosen.insert(t.last_iteration());
  return {chosen.begin(), chosen.end()};
}

std::vector<int> parse_film_iterations(const Trace& t, const std::string& text, const std::string& flag) {
  std::vector<int> out;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    item.erase(0, item.find_first_not_of(' '));
    item.erase(item.find_last_not_of(' ') + 1);
    if (item.empty()) continue;
    const int i = parse_iteration(t, item, flag);
    if (!t.mixture_at(i))
      throw UsageError(fmt::format("{} {}: iteration {} has no mixture (the run stopped in its M-step); the last "
                                   "mixture is iteration {}",
                                   flag, i, i, t.last_iteration()));
    out.push_back(i);
  }
  if (out.empty())
    throw UsageError(fmt::format("{} '{}' names no iteration; give numbers separated by commas, e.g. 0,1,5,last",
                                 flag, text));
  if (out.size() > kMaxFilmFrames)
    throw UsageError(fmt::format("{} names {} iterations; a film shows at most {} side by side, so choose the ones "
                                 "to compare",
                                 flag, out.size(), kMaxFilmFrames));
  return out;
}

cv::Mat draw_film(const Trace& t, const arma::mat& x, const std::vector<int>& iterations) {
  const int h = t.input.height, w = t.input.width;
  if (x.n_rows != arma::uword(h) * arma::uword(w) || x.n_cols != arma::uword(t.input.channels))
    throw Error(fmt::format("the film needs the {} x {} x {} pixels the trace was recorded on, but was given {} x {}",
                            w, h, t.input.channels, x.n_rows, x.n_cols));
  const int frames = int(iterations.size());
  const cv::Size size = film_size(h, w, frames, t.settings.k), f = frame_size(h, w);
  cv::Mat img(size, CV_8UC3, kWhite);
  text(img, fmt::format("Segmentation as EM runs: {} EM, K = {}, on {} ({})", t.settings.implementation, t.settings.k,
                        image_name(t), ending_summary(t)),
       {kMargin, 26}, 0.6, kInk, 2);
  text(img, "each pixel in the colour of its most likely component under that iteration's mixture", {kMargin, 48},
       0.48, kMuted);

  const int strip = frames * f.width + (frames - 1) * kGap;
  const int left = std::max(kMargin, (size.width - strip) / 2);
  for (int n = 0; n < frames; ++n) {
    const int i = iterations[std::size_t(n)];
    const Mixture* m = t.mixture_at(i);
    if (!m) throw Error(fmt::format("the trace has no mixture for iteration {}", i));
    // Block by block, so that the N x K log-densities are never held whole (they were most of
    // the film's memory at 12 MP). ln p(x_n) by log-sum-exp, so that the frame's label says
    // how good this mixture is.
    cv::Mat frame(h, w, CV_8UC3);
    double ll = 0;
    for (arma::uword first = 0; first < x.n_rows; first += kRenderBlock) {
      const arma::uword last = std::min(x.n_rows, first + kRenderBlock) - 1;
      arma::mat logs;
      try {
        logs = weighted_log_densities(x.rows(first, last), *m);
      } catch (const Error& e) {
        throw Error(fmt::format("the trace's mixture of iteration {} cannot be drawn: {}", i, e.what()));
      }
      const arma::vec top = arma::max(logs, 1);
      ll += arma::accu(top + arma::log(arma::sum(arma::exp(logs.each_col() - top), 1)));
      paint_hard(logs, frame, first);
    }
    cv::resize(frame, frame, f, 0, 0, cv::INTER_NEAREST);
    const int x0 = left + n * (f.width + kGap), y0 = kTitle + kLabel;
    frame.copyTo(img(cv::Rect(x0, y0, f.width, f.height)));
    cv::rectangle(img, cv::Rect(x0 - 1, y0 - 1, f.width + 2, f.height + 2), kInk, 1);

    std::string label = i == 0 ? (t.settings.init.empty() ? "initial (k-means)" : "initial (--init)")
                               : fmt::format("iteration {}", i);
    if (i != 0 && i == t.last_iteration()) label += t.end.reason == StopReason::converged ? " (converged)" : " (last)";
    text(img, label, {x0, y0 - 24}, 0.55, kInk, 2);
    text(img, std::isfinite(ll) ? fmt::format("log-lik. {:.5e}", ll) : "log-lik. not finite", {x0, y0 - 7}, 0.45,
         kMuted);
  }

  // Legend: which colour is which component.
  int lx = left;
  const int ly = kTitle + kLabel + f.height + 14;
  text(img, "components:", {lx, ly + 14}, 0.5, kInk);
  lx += text_width("components:", 0.5) + 10;
  for (arma::uword k = 0; k < t.settings.k; ++k) {
    const std::string name = fmt::format("{} {}", k + 1, colour_name(k));
    if (lx + 22 + text_width(name, 0.45) > size.width - kMargin) break;
    cv::rectangle(img, cv::Rect(lx, ly, 16, 16), palette_bgr(k), cv::FILLED);
    cv::rectangle(img, cv::Rect(lx, ly, 16, 16), kInk, 1);
    text(img, name, {lx + 22, ly + 13}, 0.45, kInk);
    lx += 22 + text_width(name, 0.45) + 18;
  }
  return img;
}

}  // namespace gmmlab
