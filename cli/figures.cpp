// `gmmlab figures -o DIR`: the teaching pictures of docs/handout.md, drawn from small 2-D
// examples with fixed seeds and fitted by the reference's k-means and EM, so that one command
// remakes them all, byte for byte. (The photo's segmentation, curve and filmstrip come from
// `segment` and `trace`; scripts/figures.sh runs all of it.)
#include "figures.hpp"

#include <fmt/format.h>

#include <cmath>
#include <filesystem>
#include <functional>
#include <opencv2/imgproc.hpp>
#include <random>

#include "gmmlab/drawing.hpp"
#include "gmmlab/em.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/render.hpp"

namespace fs = std::filesystem;

namespace gmmlab::cli {

namespace {

using drawing::text;
using drawing::text_centred;
using drawing::text_vertical;
using drawing::text_width;

// ---- drawing ----------------------------------------------------------------------------------

const cv::Scalar kInk(40, 40, 40), kGrid(228, 228, 228), kMuted(120, 120, 120), kWhite(255, 255, 255);

// The palette colour darkened a little: pure yellow on white is hard to read.
cv::Scalar ink_of(arma::uword k) { return palette_bgr(k) * 0.8; }

// A rectangle of the picture showing data coordinates [x0, x1] x [y0, y1].
struct Panel {
  cv::Rect area;
  double x0, x1, y0, y1;
  cv::Point2d at(double x, double y) const {
    return {area.x + (x - x0) / (x1 - x0) * area.width, area.y + area.height - (y - y0) / (y1 - y0) * area.height};
  }
  cv::Point pixel(double x, double y) const {
    const cv::Point2d p = at(x, y);
    return {int(std::lround(p.x)), int(std::lround(p.y))};
  }
};

// Axes with a light grid at every whole unit, tick labels and axis names.
void draw_axes(cv::Mat& img, const Panel& p, const std::string& x_label, const std::string& y_label, double step = 1) {
  for (double x = std::ceil(p.x0 / step) * step; x <= p.x1 + 1e-9; x += step) {
    const cv::Point a = p.pixel(x, p.y0);
    cv::line(img, {a.x, p.area.y}, {a.x, p.area.y + p.area.height}, kGrid, 1);
    text_centred(img, fmt::format("{:g}", x + 0.0), {a.x, p.area.y + p.area.height + 18}, 0.42, kInk);
  }
  for (double y = std::ceil(p.y0 / step) * step; y <= p.y1 + 1e-9; y += step) {
    const cv::Point a = p.pixel(p.x0, y);
    cv::line(img, {p.area.x, a.y}, {p.area.x + p.area.width, a.y}, kGrid, 1);
    const std::string label = fmt::format("{:g}", y + 0.0);
    text(img, label, {p.area.x - 6 - text_width(label, 0.42), a.y + 5}, 0.42, kInk);
  }
  cv::rectangle(img, p.area, kInk, 1);
  text_centred(img, x_label, {p.area.x + p.area.width / 2, p.area.y + p.area.height + 42}, 0.5, kInk);
  text_vertical(img, y_label, {p.area.x - 42, p.area.y + p.area.height / 2}, 0.5, kInk);
}

void draw_title(cv::Mat& img, const Panel& p, const std::string& title, const std::string& subtitle = {}) {
  text(img, title, {p.area.x, p.area.y - (subtitle.empty() ? 12 : 32)}, 0.58, kInk, 2);
  if (!subtitle.empty()) text(img, subtitle, {p.area.x, p.area.y - 10}, 0.45, kMuted);
}

// The curve mean + r * (the covariance's square root) * (cos t, sin t): the points at
// Mahalanobis distance r, an ellipse whose axes are Sigma's eigenvectors, half-lengths
// r * sqrt(eigenvalue).
std::vector<cv::Point> ellipse_points(const Panel& p, const arma::rowvec& mean, const arma::mat& cov, double r) {
  arma::vec values;
  arma::mat vectors;
  arma::eig_sym(values, vectors, cov);
  std::vector<cv::Point> pts;
  constexpr int kSegments = 120;
  for (int i = 0; i < kSegments; ++i) {
    const double t = 2 * M_PI * i / kSegments;
    const arma::vec u = vectors * arma::vec{r * std::sqrt(std::max(values(0), 0.0)) * std::cos(t),
                                            r * std::sqrt(std::max(values(1), 0.0)) * std::sin(t)};
    pts.push_back(p.pixel(mean(0) + u(0), mean(1) + u(1)));
  }
  return pts;
}

void draw_dashed_polygon(cv::Mat& img, const std::vector<cv::Point>& pts, cv::Scalar colour, int thickness) {
  for (std::size_t i = 0; i < pts.size(); i += 2)
    cv::line(img, pts[i], pts[(i + 1) % pts.size()], colour, thickness, cv::LINE_AA);
}

// Component k's 1-sigma and 2-sigma ellipses and its mean (a cross); dashed for an old mixture.
void draw_component(cv::Mat& img, const Panel& p, const Mixture& m, arma::uword k, cv::Scalar colour,
                    bool dashed = false) {
  const arma::rowvec mean = m.means.row(k);
  for (double r : {1.0, 2.0}) {
    const auto pts = ellipse_points(p, mean, m.covs.slice(k), r);
    if (dashed)
      draw_dashed_polygon(img, pts, colour, 2);
    else
      cv::polylines(img, pts, true, colour, r == 1.0 ? 2 : 1, cv::LINE_AA);
  }
  const cv::Point c = p.pixel(mean(0), mean(1));
  cv::drawMarker(img, c, dashed ? colour : kInk, cv::MARKER_CROSS, dashed ? 12 : 16, dashed ? 1 : 2, cv::LINE_AA);
}

void draw_points(cv::Mat& img, const Panel& p, const arma::mat& x, const std::function<cv::Scalar(arma::uword)>& colour,
                 int radius = 3) {
  for (arma::uword n = 0; n < x.n_rows; ++n) {
    if (x(n, 0) < p.x0 || x(n, 0) > p.x1 || x(n, 1) < p.y0 || x(n, 1) > p.y1) continue;  // outside the axes
    const cv::Point c = p.pixel(x(n, 0), x(n, 1));
    cv::circle(img, c, radius, colour(n), cv::FILLED, cv::LINE_AA);
    cv::circle(img, c, radius, kInk * 0.6 + kWhite * 0.4, 1, cv::LINE_AA);
  }
}

// A point's colour when its responsibilities are gamma's row n: the palette mixed by gamma,
// as `gmmlab segment --soft` paints pixels.
cv::Scalar blended(const arma::mat& gamma, arma::uword n) {
  cv::Scalar c(0, 0, 0);
  for (arma::uword k = 0; k < gamma.n_cols; ++k) c += palette_bgr(k) * gamma(n, k);
  return c;
}

// Legend rows: a coloured swatch (dot, line or dashed line) and its words.
struct LegendRow {
  enum class Mark { dot, line, dashed, cross } mark;
  cv::Scalar colour;
  std::string words;
};
// Returns the legend's width.
int draw_legend(cv::Mat& img, cv::Point at, const std::vector<LegendRow>& rows) {
  int width = 0;
  for (const auto& r : rows) width = std::max(width, text_width(r.words, 0.45));
  const cv::Rect box(at.x, at.y, width + 50, int(rows.size()) * 22 + 8);
  cv::rectangle(img, box, kWhite, cv::FILLED);
  cv::rectangle(img, box, kMuted, 1);
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const int y = at.y + 18 + int(i) * 22;
    const cv::Point a(at.x + 8, y - 5), b(at.x + 34, y - 5);
    switch (rows[i].mark) {
      case LegendRow::Mark::dot:
        cv::circle(img, (a + b) / 2, 5, rows[i].colour, cv::FILLED, cv::LINE_AA);
        break;
      case LegendRow::Mark::line:
        cv::line(img, a, b, rows[i].colour, 2, cv::LINE_AA);
        break;
      case LegendRow::Mark::dashed:
        cv::line(img, a, {a.x + 9, a.y}, rows[i].colour, 2, cv::LINE_AA);
        cv::line(img, {a.x + 17, a.y}, b, rows[i].colour, 2, cv::LINE_AA);
        break;
      case LegendRow::Mark::cross:
        cv::drawMarker(img, (a + b) / 2, rows[i].colour, cv::MARKER_CROSS, 14, 2, cv::LINE_AA);
        break;
    }
    text(img, rows[i].words, {at.x + 42, y}, 0.45, kInk);
  }
  return box.width;
}

// ---- data ---------------------------------------------------------------------------------------

// n points from N(mean, cov), seeded by `rng` (std::mt19937_64 and a Box-Muller of our own,
// so that the points are the same with every standard library).
arma::mat gaussian_points(std::mt19937_64& rng, arma::uword n, const arma::rowvec& mean, const arma::mat& cov) {
  const arma::mat l = arma::chol(cov, "lower");
  arma::mat z(n, mean.n_elem);
  for (arma::uword i = 0; i < z.n_elem; i += 2) {
    const double u1 = (double(rng() >> 11) + 0.5) * 0x1p-53, u2 = double(rng() >> 11) * 0x1p-53;
    const double r = std::sqrt(-2 * std::log(u1));
    z(i) = r * std::cos(2 * M_PI * u2);
    if (i + 1 < z.n_elem) z(i + 1) = r * std::sin(2 * M_PI * u2);
  }
  return (z * l.t()).eval().each_row() + mean;
}

// A covariance with standard deviations s1 along the direction at `degrees` and s2 across it.
arma::mat oriented_cov(double s1, double s2, double degrees) {
  const double t = degrees * M_PI / 180;
  const arma::mat r{{std::cos(t), -std::sin(t)}, {std::sin(t), std::cos(t)}};
  return r * arma::diagmat(arma::vec{s1 * s1, s2 * s2}) * r.t();
}

// Where k-means fails: two long, thin, parallel clusters close together and a small round
// one beside them, 2-D, seeded.
arma::mat kmeans_failure_data() {
  std::mt19937_64 rng(20221121);
  return arma::join_cols(gaussian_points(rng, 260, {-0.6, 1.3}, oriented_cov(2.6, 0.32, 25)),
                         gaussian_points(rng, 260, {0.6, -1.3}, oriented_cov(2.6, 0.32, 25)),
                         gaussian_points(rng, 80, {3.9, -2.6}, oriented_cov(0.35, 0.35, 0)));
}

std::string fmt_matrix(const arma::mat& s) {
  return fmt::format("[{:g} {:g}; {:g} {:g}]", s(0, 0), s(0, 1), s(1, 0), s(1, 1));
}

// ---- the pictures -------------------------------------------------------------------------------

cv::Mat kmeans_vs_gmm() {
  const arma::mat x = kmeans_failure_data();
  const arma::uword k = 3;
  const ReferenceSteps reference;
  const KMeansResult clusters = kmeans(x, k, KMeansOptions{});
  const Mixture start = mixture_from_clusters(x, clusters);
  const EmOutcome em = run_em(reference, x, start, EmOptions{});
  const Posterior post = reference.e_step(x, em.mixture);
  const arma::uvec gmm_labels = most_likely(post.gamma);

  cv::Mat img(640, 1344, CV_8UC3, kWhite);
  const Panel left{{80, 80, 572, 480}, -6, 6, -5, 5}, right{{742, 80, 572, 480}, -6, 6, -5, 5};
  // k-means: each point to its nearest centre, so the borders are straight lines half-way
  // between centres and every cluster is "round".
  draw_axes(img, left, "x1", "x2");
  draw_points(img, left, x, [&](arma::uword n) { return palette_bgr(clusters.labels(n)); });
  for (arma::uword c = 0; c < k; ++c)
    cv::drawMarker(img, left.pixel(clusters.centres(c, 0), clusters.centres(c, 1)), kInk, cv::MARKER_CROSS, 18, 3,
                   cv::LINE_AA);
  draw_title(img, left, "k-means, K = 3", "nearest centre wins: straight borders, cuts the long clusters");
  draw_legend(img, {left.area.x + 8, left.area.y + 8},
              {{LegendRow::Mark::cross, kInk, "cluster centre"}, {LegendRow::Mark::dot, palette_bgr(0), "point, coloured by cluster"}});

  draw_axes(img, right, "x1", "x2");
  draw_points(img, right, x, [&](arma::uword n) { return palette_bgr(gmm_labels(n)); });
  for (arma::uword c = 0; c < k; ++c) draw_component(img, right, em.mixture, c, kInk);
  draw_title(img, right, fmt::format("GMM fitted by EM, K = 3 ({} iterations)", em.iterations),
             "each cluster its own shape, size and weight");
  draw_legend(img, {right.area.x + 8, right.area.y + 8},
              {{LegendRow::Mark::cross, kInk, "mean mu_k"},
               {LegendRow::Mark::line, kInk, "1 and 2 sigma ellipses of Sigma_k"},
               {LegendRow::Mark::dot, palette_bgr(0), "point, coloured by most likely k"}});
  text(img, "The same 600 points (two long parallel clusters, one small round one; seed 20221121). EM starts from the "
            "k-means result on the left.",
       {80, 625}, 0.45, kMuted);
  return img;
}

cv::Mat gaussian_shapes() {
  struct Shape {
    arma::rowvec mean;
    arma::mat cov;
    std::string words;
  };
  const std::vector<Shape> shapes{
      {{0, 0}, {{1, 0}, {0, 1}}, "identity: round"},
      {{0, 0}, {{4, 0}, {0, 0.5}}, "different variances: stretched along an axis"},
      {{0, 0}, {{2, 1.6}, {1.6, 2}}, "positive covariance: tilted up"},
      {{1.5, -1}, {{1, -0.7}, {-0.7, 0.8}}, "negative covariance, mean moved"},
  };
  constexpr int kSide = 300, kGap = 110, kLeft = 70, kTop = 130;
  cv::Mat img(kTop + kSide + 100, kLeft + 4 * kSide + 3 * kGap + 30, CV_8UC3, kWhite);
  for (std::size_t i = 0; i < shapes.size(); ++i) {
    const Shape& s = shapes[i];
    const Panel p{{kLeft + int(i) * (kSide + kGap), kTop, kSide, kSide}, -4, 4, -4, 4};
    // The density as shading: darker where N(x | mu, Sigma) is larger.
    const arma::mat inv = arma::inv_sympd(s.cov);
    const double norm = 1 / (2 * M_PI * std::sqrt(arma::det(s.cov)));
    const double peak = norm;
    for (int r = 0; r < p.area.height; ++r)
      for (int c = 0; c < p.area.width; ++c) {
        const double x = p.x0 + (c + 0.5) / p.area.width * (p.x1 - p.x0);
        const double y = p.y1 - (r + 0.5) / p.area.height * (p.y1 - p.y0);
        const arma::vec d{x - s.mean(0), y - s.mean(1)};
        const double density = norm * std::exp(-0.5 * arma::as_scalar(d.t() * inv * d));
        const double t = std::min(1.0, density / peak);
        img.at<cv::Vec3b>(p.area.y + r, p.area.x + c) =
            cv::Vec3b(cv::saturate_cast<uchar>(255 - 90 * t), cv::saturate_cast<uchar>(255 - 150 * t),
                      cv::saturate_cast<uchar>(255 - 200 * t));
      }
    draw_axes(img, p, "x1", "x2", 2);
    Mixture m{arma::mat(s.mean), arma::cube(2, 2, 1), arma::vec{1.0}};
    m.covs.slice(0) = s.cov;
    draw_component(img, p, m, 0, cv::Scalar(120, 40, 20));
    text(img, fmt::format("mu = ({:g}, {:g})", s.mean(0), s.mean(1)), {p.area.x, p.area.y - 34}, 0.5, kInk, 1);
    text(img, "Sigma = " + fmt_matrix(s.cov), {p.area.x, p.area.y - 12}, 0.5, kInk, 1);
    text_centred(img, s.words, {p.area.x + kSide / 2, p.area.y + kSide + 70}, 0.45, kInk);
  }
  text(img, "Shading: the density N(x | mu, Sigma), darker where larger. Lines: the points at 1 and 2 standard "
            "deviations (Mahalanobis distance 1 and 2). Cross: mu.",
       {kLeft, 30}, 0.5, kInk);
  text(img, "The ellipses' axes are Sigma's eigenvectors; their half-lengths are the square roots of its eigenvalues "
            "(times 1 or 2).",
       {kLeft, 54}, 0.5, kMuted);
  return img;
}

cv::Mat gaussian_1d() {
  struct Curve {
    double mu, sigma;
  };
  const std::vector<Curve> curves{{0, 1}, {0, 2}, {2, 0.5}, {-2.5, 0.8}};
  cv::Mat img(480, 860, CV_8UC3, kWhite);
  const Panel p{{90, 60, 680, 330}, -6, 6, 0, 0.85};
  // Axes by hand: y ticks every 0.2.
  for (double x = -6; x <= 6; x += 1) {
    const cv::Point a = p.pixel(x, 0);
    cv::line(img, {a.x, p.area.y}, {a.x, p.area.y + p.area.height}, kGrid, 1);
    text_centred(img, fmt::format("{:g}", x), {a.x, p.area.y + p.area.height + 18}, 0.42, kInk);
  }
  for (double y = 0; y <= 0.81; y += 0.2) {
    const cv::Point a = p.pixel(p.x0, y);
    cv::line(img, {p.area.x, a.y}, {p.area.x + p.area.width, a.y}, kGrid, 1);
    const std::string label = fmt::format("{:.1f}", y);
    text(img, label, {p.area.x - 6 - text_width(label, 0.42), a.y + 5}, 0.42, kInk);
  }
  cv::rectangle(img, p.area, kInk, 1);
  text_centred(img, "x", {p.area.x + p.area.width / 2, p.area.y + p.area.height + 42}, 0.5, kInk);
  text_vertical(img, "density N(x | mu, sigma^2)", {p.area.x - 48, p.area.y + p.area.height / 2}, 0.5, kInk);
  std::vector<LegendRow> legend;
  for (std::size_t i = 0; i < curves.size(); ++i) {
    std::vector<cv::Point> pts;
    for (int c = 0; c <= p.area.width; ++c) {
      const double x = p.x0 + double(c) / p.area.width * (p.x1 - p.x0);
      const double z = (x - curves[i].mu) / curves[i].sigma;
      pts.push_back(p.pixel(x, std::exp(-0.5 * z * z) / (curves[i].sigma * std::sqrt(2 * M_PI))));
    }
    cv::polylines(img, pts, false, ink_of(i), 2, cv::LINE_AA);
    legend.push_back({LegendRow::Mark::line, ink_of(i),
                      fmt::format("mu = {:g}, sigma = {:g} (variance {:g})", curves[i].mu, curves[i].sigma,
                                  curves[i].sigma * curves[i].sigma)});
  }
  draw_legend(img, {p.area.x + 8, p.area.y + 8}, legend);
  text(img, "One dimension: mu moves the bell, sigma widens it (and lowers it: the area is 1)", {90, 35}, 0.55,
       kInk, 1);
  text(img, "Each curve is 1 / (sigma sqrt(2 pi)) exp(-(x - mu)^2 / (2 sigma^2)).", {90, 460}, 0.45, kMuted);
  return img;
}

// One E-step and one M-step of the reference on a small 2-D example, from a start chosen by
// hand (not k-means) so that one step visibly moves every component.
cv::Mat em_one_step() {
  std::mt19937_64 rng(7);
  const arma::mat x = arma::join_cols(gaussian_points(rng, 120, {-2.2, -1.0}, oriented_cov(1.0, 0.45, 35)),
                                      gaussian_points(rng, 90, {2.0, 1.8}, oriented_cov(0.8, 0.5, -20)),
                                      gaussian_points(rng, 90, {2.2, -2.0}, oriented_cov(0.6, 0.6, 0)));
  Mixture start{arma::mat{{-0.6, 0.2}, {0.6, 3.0}, {0.4, -3.0}}, arma::cube(2, 2, 3), arma::vec{0.5, 0.25, 0.25}};
  start.covs.slice(0) = oriented_cov(1.0, 1.0, 0);
  start.covs.slice(1) = oriented_cov(0.8, 0.8, 0);
  start.covs.slice(2) = oriented_cov(0.8, 0.8, 0);
  const ReferenceSteps reference;
  const Posterior post = reference.e_step(x, start);
  const Mixture next = reference.m_step(x, post.gamma);
  const Posterior after = reference.e_step(x, next);

  constexpr int kSide = 380, kGap = 100, kLeft = 80, kTop = 100;
  cv::Mat img(kTop + kSide + 190, kLeft + 3 * kSide + 2 * kGap + 30, CV_8UC3, kWhite);
  std::vector<Panel> panels;
  for (int i = 0; i < 3; ++i) panels.push_back({{kLeft + i * (kSide + kGap), kTop, kSide, kSide}, -5, 5, -5, 5});

  const auto grey = [](arma::uword) { return cv::Scalar(185, 185, 185); };
  const auto by_gamma = [&](arma::uword n) { return blended(post.gamma, n); };

  draw_axes(img, panels[0], "x1", "x2");
  draw_points(img, panels[0], x, grey);
  for (arma::uword k = 0; k < 3; ++k) draw_component(img, panels[0], start, k, ink_of(k));
  draw_title(img, panels[0], "1. Start: the old mixture",
             fmt::format("pi = ({:.2f}, {:.2f}, {:.2f}); log-lik. {:.1f}", start.priors(0), start.priors(1),
                         start.priors(2), post.log_likelihood));

  draw_axes(img, panels[1], "x1", "x2");
  draw_points(img, panels[1], x, by_gamma);
  for (arma::uword k = 0; k < 3; ++k) draw_component(img, panels[1], start, k, ink_of(k));
  draw_title(img, panels[1], "2. E-step: colour each point by gamma",
             "parameters unchanged; points get soft labels");

  draw_axes(img, panels[2], "x1", "x2");
  draw_points(img, panels[2], x, by_gamma);
  for (arma::uword k = 0; k < 3; ++k) draw_component(img, panels[2], start, k, ink_of(k) * 0.5 + kWhite * 0.5, true);
  for (arma::uword k = 0; k < 3; ++k) draw_component(img, panels[2], next, k, ink_of(k));
  draw_title(img, panels[2], "3. M-step: refit each Gaussian",
             fmt::format("pi = ({:.2f}, {:.2f}, {:.2f}); log-lik. {:.1f}", next.priors(0), next.priors(1),
                         next.priors(2), after.log_likelihood));

  const int ly = kTop + kSide + 60;
  const int first = draw_legend(img, {kLeft, ly},
              {{LegendRow::Mark::dot, cv::Scalar(185, 185, 185), "a point before the E-step (no labels yet)"},
               {LegendRow::Mark::dot, blended(arma::mat{{0.5, 0, 0.5}}, 0),
                "after: red, green, blue mixed by gamma_n1, gamma_n2, gamma_n3"}});
  draw_legend(img, {kLeft + first + 30, ly},
              {{LegendRow::Mark::line, ink_of(0), "component k (red k=1, green k=2, blue k=3): 1, 2 sigma ellipses"},
               {LegendRow::Mark::dashed, ink_of(0) * 0.5 + kWhite * 0.5, "the same component before this M-step"},
               {LegendRow::Mark::cross, kInk, "mean mu_k"}});
  text(img, fmt::format("300 points, seed 7, K = 3; the reference's E-step and M-step, no ridge. The log-likelihood "
                        "rose from {:.1f} to {:.1f} in one iteration.",
                        post.log_likelihood, after.log_likelihood),
       {kLeft, ly + 100}, 0.45, kMuted);
  return img;
}

struct Figure {
  const char* file;
  cv::Mat (*draw)();
};
const Figure kFigures[] = {
    {"kmeans-vs-gmm.png", kmeans_vs_gmm},
    {"gaussian-1d.png", gaussian_1d},
    {"gaussian-shapes.png", gaussian_shapes},
    {"em-one-step.png", em_one_step},
};

int run_figures(const std::string& output) {
  std::error_code ec;
  if (!fs::is_directory(output, ec))
    throw Error(fmt::format("-o '{}' is not a folder; create it first (e.g. mkdir -p {})", output, output));
  // The pictures are outputs like any other (gmmlab/output_path.hpp): checked before they are
  // drawn, written together.
  std::vector<OutputFile> outputs;
  for (const Figure& f : kFigures) outputs.push_back({fs::path(output) / f.file, "-o"});
  check_outputs(outputs, {});
  // Single-threaded reference: the pictures must not depend on the machine.
  set_reference_threads(1);
  OutputSet pictures;
  for (std::size_t i = 0; i < outputs.size(); ++i)
    pictures.add(outputs[i].path, encode_picture(kFigures[i].draw(), outputs[i].path));
  pictures.commit();
  for (const OutputFile& out : outputs) fmt::print("{}\n", out.path.string());
  return 0;
}

}  // namespace

void add_figures_command(CLI::App& app, int& exit_code) {
  auto output = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand("figures", "Draw the handout's teaching pictures (2-D examples, fixed seeds) into a folder");
  c->add_option("-o,--output", *output, "Folder to write the PNGs into (e.g. docs/images)")->required();
  c->callback([output, &exit_code] { exit_code = run_figures(*output); });
}

}  // namespace gmmlab::cli
