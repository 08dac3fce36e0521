// A lane's own Z-score against the reference's, which every lane steps on (model.hpp).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "model.hpp"

namespace gmmlab::viewer {

std::optional<ZscoreMismatch> compare_zscores(const arma::mat& got, const arma::mat& expected) {
  ZscoreMismatch m;
  if (got.n_rows != expected.n_rows || got.n_cols != expected.n_cols) {
    m.shape = fmt::format("{} x {} for {} x {} pixels", got.n_rows, got.n_cols, expected.n_rows, expected.n_cols);
    return m;
  }
  m.values = expected.n_elem;
  m.channels = expected.n_cols;
  bool found = false;
  // Pixel by pixel (the rows), channels within: the first a reader finds on the photo.
  for (arma::uword n = 0; n < expected.n_rows; ++n)
    for (arma::uword c = 0; c < expected.n_cols; ++c) {
      const double e = expected(n, c), g = got(n, c);
      const double limit = kZscoreTolerance.atol + kZscoreTolerance.rtol * std::max(std::abs(e), std::abs(g));
      if (std::abs(e - g) <= limit) continue;  // false for NaN: a NaN differs
      ++m.differing;
      if (!found) {
        found = true;
        m.pixel = n;
        m.channel = c;
        m.expected = e;
        m.got = g;
      }
    }
  if (!found) return std::nullopt;
  return m;
}

std::string zscore_sentence(const ZscoreMismatch& m, int image_width, bool side_by_side) {
  const std::string equal_input =
      side_by_side ? "both lanes use the reference's Z-scores, so the E- and M-steps are compared on equal input"
                   : "this lane runs on the reference's Z-scores, so its E- and M-steps are yours on the reference's input";
  if (!m.shape.empty())
    return fmt::format("Your Z-score returned {} (it must keep the pixels' shape); {}.", m.shape, equal_input);
  const arma::uword w = arma::uword(std::max(image_width, 1));
  const std::string channel = channel_names(m.channels).at(m.channel);
  return fmt::format("Your Z-score differs from the reference's: at pixel ({}, {}), channel {}, expected {:.12g}, got "
                     "{:.12g} ({} of {} values differ by more than {:g} x (1 + |value|)); {}.",
                     m.pixel % w, m.pixel / w, channel, m.expected, m.got, m.differing, m.values,
                     kZscoreTolerance.atol, equal_input);
}

}  // namespace gmmlab::viewer
