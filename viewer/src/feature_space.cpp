// The feature-space panel's geometry: the axes it projects on and the Gaussians' ellipses.
#include <fmt/format.h>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "model.hpp"

namespace gmmlab::viewer {

const char* axes_name(Axes a) {
  switch (a) {
    case Axes::bg: return "B-G";
    case Axes::br: return "B-R";
    case Axes::gr: return "G-R";
    case Axes::pca: return "PCA";
  }
  return "?";
}

const char* point_colour_name(PointColour c) {
  switch (c) {
    case PointColour::pixel: return "pixel";
    case PointColour::label: return "label";
    case PointColour::mix: return "mix";
  }
  return "?";
}

Axes parse_axes(const std::string& name) {
  if (auto axes = from_name(name, kAllAxes, axes_name)) return *axes;
  throw UsageError(fmt::format("'{}' is not a pair of axes; choose {}", name, name_choices(kAllAxes, axes_name)));
}

arma::mat projection(const Problem& p, Axes a) {
  const arma::uword d = p.x.n_cols;
  arma::mat P(2, d, arma::fill::zeros);
  auto pick = [&](arma::uword i, arma::uword j) {
    if (i < d) P(0, i) = 1;
    if (j < d) P(1, j) = 1;
  };
  switch (a) {
    case Axes::bg: pick(0, 1); break;
    case Axes::br: pick(0, 2); break;
    case Axes::gr: pick(1, 2); break;
    case Axes::pca: P = p.principal_axes.t(); break;
  }
  return P;
}

std::vector<std::array<double, 2>> ellipse(const arma::mat& P, const arma::rowvec& mean, const arma::mat& cov,
                                           double sigmas, int count) {
  // The projection of a Gaussian is a Gaussian with mean P mu and covariance P Sigma P^T.
  const arma::vec c = P * mean.t();
  const arma::mat s = P * cov * P.t();
  arma::vec values;
  arma::mat vectors;
  std::vector<std::array<double, 2>> points;
  if (!arma::eig_sym(values, vectors, 0.5 * (s + s.t()))) return points;
  const double a = sigmas * std::sqrt(std::max(values[0], 0.0)), b = sigmas * std::sqrt(std::max(values[1], 0.0));
  for (int i = 0; i < count; ++i) {
    const double t = 2 * arma::datum::pi * i / count;
    const arma::vec q = c + a * std::cos(t) * vectors.col(0) + b * std::sin(t) * vectors.col(1);
    points.push_back({q[0], q[1]});
  }
  return points;
}

}  // namespace gmmlab::viewer
