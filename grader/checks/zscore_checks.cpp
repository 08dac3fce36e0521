// Exercise 1, Z-score: student/zscore.cpp, zscore(). Every expected value comes from the
// reference on the same pixels.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "gmmlab/grader/check.hpp"
#include "gmmlab/grader/data.hpp"

namespace gmmlab::grader {
namespace {

struct Pixels {
  std::string name;
  arma::mat raw;
};

std::vector<Pixels> colour_cases() {
  return {{"chelsea photo (every 4th pixel)", data::photo_problem().raw},
          {"500 synthetic pixels in [0, 255)", data::uniform_pixels(500, 3, 0, 255, 11)}};
}

TEST(ZScore, Shape) {
  const arma::mat photo = data::photo_problem().raw;
  for (const Pixels& p : {Pixels{"chelsea photo", photo}, Pixels{"one-channel (grey) pixels", photo.col(1)}}) {
    const auto z = call_student(p.name, [&] { return student().zscore(p.raw); });
    if (!z) continue;
    if (arma::size(*z) == arma::size(p.raw))
      pass_case(fmt::format("{}: {} x {} as given", p.name, z->n_rows, z->n_cols));
    else
      fail_case(fmt::format("{}: zscore() returned {} x {} for {} x {} pixels; return one row per pixel and one "
                            "column per channel, the shape it was given",
                            p.name, z->n_rows, z->n_cols, p.raw.n_rows, p.raw.n_cols));
  }
}

TEST(ZScore, MeanZeroPopulationStdOne) {
  for (const Pixels& p : {Pixels{"chelsea photo", data::photo_problem().raw},
                          Pixels{"coffee photo (every 8th pixel)", data::photo_pixels("coffee.png", 8)}}) {
    const auto z = call_student(p.name, [&] { return student().zscore(p.raw); });
    if (!z) continue;
    if (arma::size(*z) != arma::size(p.raw)) {
      fail_case(p.name + ": the result does not have the pixels' shape (see the Z-score shape check)");
      continue;
    }
    std::optional<std::string> wrong;
    for (arma::uword j = 0; j < z->n_cols && !wrong; ++j) {
      const double mean = arma::mean(z->col(j)), sd = arma::stddev(z->col(j), 1);
      if (!(std::abs(mean) <= tolerance()))
        wrong = fmt::format("channel {}: mean expected 0, got {:.17g} (tolerance {:g})", j, mean, tolerance());
      else if (!(std::abs(sd - 1) <= tolerance()))
        wrong = fmt::format("channel {}: population standard deviation expected 1, got {:.17g} (tolerance {:g})", j,
                            sd, tolerance());
    }
    if (wrong)
      fail_case(p.name + ": " + *wrong, mistakes::recognise_zscore(p.raw, *z));
    else
      pass_case(p.name + ": every channel has mean 0 and population std 1");
  }
}

TEST(ZScore, MatchesReference) {
  for (const Pixels& p : colour_cases()) {
    const auto z = call_student(p.name, [&] { return student().zscore(p.raw); });
    if (!z) continue;
    expect_equal(p.name, "z", *z, reference().zscore(p.raw), tolerance(),
                 [&] { return mistakes::recognise_zscore(p.raw, *z); });
  }
}

TEST(ZScore, ConstantChannel) {
  arma::mat raw = data::uniform_pixels(300, 3, 0, 255, 12);
  raw.col(0).fill(0.1);  // not an integer: its computed mean can be an ulp off, leaving a tiny std
  raw.col(2).fill(200);
  const std::string name = "300 pixels whose channels 0 and 2 are constant";
  const auto z = call_student(name, [&] { return student().zscore(raw); });
  if (!z) return;
  // Only the constant channels: channel 1 is an ordinary one, whose formula the other Z-score
  // checks grade, so a mistake there (N - 1, say) is not charged here a second time.
  const arma::mat expected = reference().zscore(raw);
  arma::mat got = *z;
  if (arma::size(got) == arma::size(expected)) got.col(1) = expected.col(1);
  expect_equal(name, "z", got, expected, tolerance(), [&] { return mistakes::recognise_zscore(raw, *z); });
}

TEST(ZScore, GreyImage) {
  const arma::mat grey = data::photo_problem().raw.col(1);
  const std::string name = "one-channel (grey) photo";
  const auto z = call_student(name, [&] { return student().zscore(grey); });
  if (!z) return;
  expect_equal(name, "z", *z, reference().zscore(grey), tolerance(), [&] { return mistakes::recognise_zscore(grey, *z); });
}

}  // namespace
}  // namespace gmmlab::grader
