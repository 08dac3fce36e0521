// `gmmlab segment` as a user runs it: pictures, the JSON summary, and one clear line for
// every kind of bad input.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <set>

#include "gmmlab/mixture_json.hpp"
#include "gmmlab/render.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::CommandResult;
using gmmlab::testing::TempDir;

namespace {

CommandResult gmmlab_cli(std::vector<std::string> args, const fs::path& cwd = {}) {
  args.insert(args.begin(), GMMLAB_CLI);
  return gmmlab::testing::run_command(args, cwd);
}

std::set<std::tuple<int, int, int>> colours_of(const cv::Mat& picture) {
  std::set<std::tuple<int, int, int>> colours;
  for (int r = 0; r < picture.rows; ++r)
    for (int c = 0; c < picture.cols; ++c) {
      const cv::Vec3b p = picture.at<cv::Vec3b>(r, c);
      colours.insert({p[0], p[1], p[2]});
    }
  return colours;
}

// The sample photo shrunk, as a PNG in `dir`.
fs::path small_photo(const TempDir& dir, int width, int height) {
  cv::Mat photo = cv::imread(gmmlab::testing::sample_photo().string()), small;
  cv::resize(photo, small, cv::Size(width, height), 0, 0, cv::INTER_AREA);
  const fs::path path = dir / "small.png";
  cv::imwrite(path.string(), small);
  return path;
}

}  // namespace

TEST(SegmentCli, SegmentsTheSamplePhotoEndToEnd) {
  TempDir dir;
  const CommandResult r = gmmlab_cli({"segment", "-k", "3", "-o", (dir / "seg.png").string(), "--soft",
                                      (dir / "soft.png").string(), "--json", (dir / "summary.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("segmentation written to " + (dir / "seg.png").string()), std::string::npos) << r.out;
  const cv::Mat photo = cv::imread(gmmlab::testing::sample_photo().string());
  const cv::Mat seg = cv::imread((dir / "seg.png").string());
  ASSERT_EQ(seg.size(), photo.size());
  const auto colours = colours_of(seg);
  EXPECT_LE(colours.size(), 3u);
  EXPECT_GE(colours.size(), 2u);
  for (const auto& [b, g, r_] : colours) {
    bool in_palette = false;
    for (arma::uword k = 0; k < 3; ++k) {
      const cv::Vec3b rgb = gmmlab::palette_rgb(k);
      in_palette |= rgb[0] == r_ && rgb[1] == g && rgb[2] == b;
    }
    EXPECT_TRUE(in_palette);
  }
  EXPECT_EQ(cv::imread((dir / "soft.png").string()).size(), photo.size());

  const nlohmann::json s = nlohmann::json::parse(gmmlab::testing::read_file(dir / "summary.json"));
  EXPECT_EQ(s["image"]["height"], photo.rows);
  EXPECT_EQ(s["image"]["width"], photo.cols);
  EXPECT_EQ(s["image"]["channels"], 3);
  EXPECT_EQ(s["k"], 3);
  const int iterations = s["iterations"];
  EXPECT_GT(iterations, 10);
  EXPECT_TRUE(s["converged"].is_boolean());
  EXPECT_GT(s["seconds"].get<double>(), 0);
  const std::vector<double> ll = s["log_likelihood"];
  EXPECT_EQ(ll.size(), std::size_t(iterations));
  for (std::size_t i = 1; i < ll.size(); ++i) EXPECT_GE(ll[i], ll[i - 1] - 1e-9 * std::abs(ll[i - 1]));
  for (const char* which : {"initial", "final"}) {
    const gmmlab::Mixture m = gmmlab::mixture_from_json(s[which], which);
    EXPECT_NO_THROW(gmmlab::validate_mixture(m, 3, which));
    EXPECT_EQ(m.components(), 3u);
  }
}

TEST(SegmentCli, DefaultsToTheSampleAndANamedOutputHere) {
  TempDir dir;
  const CommandResult r = gmmlab_cli({"segment", "--iterations", "5", "-q"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(fs::exists(dir / "chelsea-k3.png")) << r.out;
  EXPECT_NE(r.out.find("chelsea-k3.png"), std::string::npos);
  EXPECT_NE(r.out.find("k-means"), std::string::npos) << "phase shares are reported: " << r.out;
}

TEST(SegmentCli, RunFromInitFollowsTheNaiveFormulasWithoutRidge) {
  TempDir dir;
  const fs::path photo = small_photo(dir, 36, 24);
  // The naive side does its own loading and Z-score from the PNG's bytes.
  const cv::Mat bgr = cv::imread(photo.string());
  arma::mat raw(arma::uword(bgr.rows * bgr.cols), 3);
  for (int n = 0; n < bgr.rows * bgr.cols; ++n)
    for (int c = 0; c < 3; ++c) raw(arma::uword(n), arma::uword(c)) = bgr.at<cv::Vec3b>(n / bgr.cols, n % bgr.cols)[c];
  const arma::mat x = gmmlab::testing::naive_zscore(raw);
  gmmlab::Mixture init;
  init.means = arma::mat{{-1, -1, -1}, {0, 0, 0}, {1, 1, 1}};
  init.covs = arma::cube(3, 3, 3);
  for (arma::uword k = 0; k < 3; ++k) init.covs.slice(k) = 0.5 * arma::eye(3, 3) + 0.1;
  init.priors = arma::vec{0.3, 0.3, 0.4};
  gmmlab::testing::write_file(dir / "init.json", gmmlab::to_json(init).dump());

  const int iterations = 20;
  const CommandResult r = gmmlab_cli({"segment", photo.string(), "--init", (dir / "init.json").string(), "--reg-covar",
                                      "0", "--tol", "0", "--iterations", std::to_string(iterations), "-q", "-o",
                                      (dir / "seg.png").string(), "--json", (dir / "run.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const nlohmann::json s = nlohmann::json::parse(gmmlab::testing::read_file(dir / "run.json"));
  const std::vector<double> ll = s["log_likelihood"];
  ASSERT_EQ(ll.size(), std::size_t(iterations));
  gmmlab::Mixture naive = init;
  for (int i = 0; i < iterations; ++i) {
    const auto p = gmmlab::testing::naive_e_step(x, naive);
    EXPECT_NEAR(ll[std::size_t(i)], double(p.log_likelihood), 1e-9 * std::abs(double(p.log_likelihood)))
        << "iteration " << i + 1;
    naive = gmmlab::testing::naive_m_step(x, p.gamma);
  }
  const gmmlab::Mixture final_mixture = gmmlab::mixture_from_json(s["final"], "final");
  EXPECT_LT(arma::abs(final_mixture.means - naive.means).max(), 1e-7);
}

TEST(SegmentCli, AstronautWithDefaultRidgeSegmentsCleanly) {
  TempDir dir;
  const CommandResult r =
      gmmlab_cli({"segment", gmmlab::testing::astronaut_photo().string(), "-k", "5", "-q", "-o", (dir / "a.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const cv::Mat seg = cv::imread((dir / "a.png").string());
  ASSERT_EQ(seg.rows, 512);
  EXPECT_LE(colours_of(seg).size(), 5u);
  EXPECT_GE(colours_of(seg).size(), 4u);
}

TEST(SegmentCli, AstronautWithoutRidgeStopsWithAClearMessageAndNoPicture) {
  TempDir dir;
  const CommandResult r = gmmlab_cli({"segment", gmmlab::testing::astronaut_photo().string(), "-k", "5", "--reg-covar",
                                      "0", "-q", "-o", (dir / "a.png").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("EM stopped at iteration"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("covariance of component"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "a.png"));
}

// Every bad input: exit code, one line on stderr that names the problem, and nothing written.
struct BadInput {
  std::string name;
  std::vector<std::string> args;  // "{dir}" is replaced by a temp folder, "{photo}" by a small photo
  std::string expected;           // a fragment of the one-line message
  int exit_code = 1;
};

void PrintTo(const BadInput& b, std::ostream* os) { *os << b.name; }

class SegmentBadInput : public ::testing::TestWithParam<BadInput> {};

TEST_P(SegmentBadInput, GetsOneClearLineAndANonZeroExit) {
  TempDir dir;
  const fs::path photo = small_photo(dir, 12, 8);
  gmmlab::testing::write_file(dir / "empty.png", "");
  gmmlab::testing::write_file(dir / "corrupt.png", "\x89PNG\r\n\x1a\n garbage");
  gmmlab::testing::write_file(dir / "notjson.json", "{\"means\": [[0,0,0]");
  gmmlab::testing::write_file(dir / "shape.json", R"({"means": [[0,0]], "covariances": [[[1,0],[0,1]]], "priors": [1]})");
  gmmlab::testing::write_file(dir / "notpd.json",
                              R"({"means": [[0,0,0]], "covariances": [[[1,0,0],[0,-1,0],[0,0,1]]], "priors": [1]})");
  gmmlab::testing::write_file(dir / "priors.json", R"({"means": [[0,0,0],[1,1,1]],
      "covariances": [[[1,0,0],[0,1,0],[0,0,1]], [[1,0,0],[0,1,0],[0,0,1]]], "priors": [0.7, 0.7]})");
  gmmlab::testing::write_file(dir / "two.json", R"({"means": [[0,0,0],[1,1,1]],
      "covariances": [[[1,0,0],[0,1,0],[0,0,1]], [[1,0,0],[0,1,0],[0,0,1]]], "priors": [0.3, 0.7]})");
  std::vector<std::string> args{"segment"};
  for (std::string a : GetParam().args) {
    for (const auto& [key, value] : {std::pair{"{dir}", dir.path().string()}, std::pair{"{photo}", photo.string()}})
      if (auto at = a.find(key); at != std::string::npos) a.replace(at, std::string(key).size(), value);
    args.push_back(a);
  }
  const std::string before = gmmlab::testing::read_file(photo);
  const auto files_before = std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator());
  const CommandResult r = gmmlab_cli(args, dir.path());
  EXPECT_EQ(r.exit_code, GetParam().exit_code) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << "one line expected:\n" << r.err;
  EXPECT_EQ(r.err.rfind("gmmlab: ", 0), 0u) << r.err;
  EXPECT_NE(r.err.find(GetParam().expected), std::string::npos) << r.err;
  EXPECT_EQ(gmmlab::testing::read_file(photo), before) << "the input must never be overwritten";
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), files_before)
      << "nothing may be written";
}

INSTANTIATE_TEST_SUITE_P(
    EachKind, SegmentBadInput,
    ::testing::Values(
        BadInput{"MissingImage", {"{dir}/nope.png"}, "does not exist"},
        BadInput{"FolderAsImage", {"{dir}"}, "is a folder"},
        BadInput{"EmptyImage", {"{dir}/empty.png"}, "is empty"},
        BadInput{"CorruptImage", {"{dir}/corrupt.png"}, "cannot decode"},
        BadInput{"ZeroComponents", {"{photo}", "-k", "0"}, "give at least 1 component", 2},
        BadInput{"NegativeComponents", {"{photo}", "-k", "-2"}, "give at least 1 component", 2},
        BadInput{"ComponentsNotANumber", {"{photo}", "-k", "three"}, "three", 2},
        BadInput{"MoreComponentsThanPixels", {"{photo}", "-k", "97"}, "more than the 96 pixels", 2},
        BadInput{"NegativeIterations", {"{photo}", "--iterations", "-1"}, "--iterations is -1", 2},
        BadInput{"NegativeTolerance", {"{photo}", "--tol", "-1e-3"}, "--tol", 2},
        BadInput{"NegativeRidge", {"{photo}", "--reg-covar", "-1"}, "--reg-covar", 2},
        BadInput{"InitNotJson", {"{photo}", "--init", "{dir}/notjson.json"}, "not valid JSON"},
        BadInput{"InitMissing", {"{photo}", "--init", "{dir}/missing.json"}, "does not exist"},
        BadInput{"InitWrongShape", {"{photo}", "--init", "{dir}/shape.json"}, "3 channels"},
        BadInput{"InitNotPositiveDefinite", {"{photo}", "--init", "{dir}/notpd.json"}, "not positive definite"},
        BadInput{"InitPriorsDoNotSumToOne", {"{photo}", "--init", "{dir}/priors.json"}, "sum to 1.4"},
        BadInput{"InitDisagreesWithK", {"{photo}", "--init", "{dir}/two.json", "-k", "4"},
                 "-k 4 disagrees with the 2 components of --init", 2},
        BadInput{"OutputFolderMissing", {"{photo}", "-o", "{dir}/no/such/seg.png"}, "does not exist"},
        BadInput{"OutputFolderReadOnly", {"{photo}", "-o", "/proc/seg.png"}, "/proc/seg.png"},
        BadInput{"OutputIsTheInput", {"{photo}", "-o", "{photo}"}, "never overwritten", 2},
        BadInput{"SoftIsTheInput", {"{photo}", "--soft", "{dir}/small.png"}, "never overwritten", 2},
        BadInput{"OutputNotAnImageFormat", {"{photo}", "-o", "{dir}/seg.txt"}, "not an image format"},
        BadInput{"UnknownImplementation", {"{photo}", "--impl", "magic"}, "not an implementation", 2},
        BadInput{"NegativeThreads", {"{photo}", "--threads", "-1"}, "--threads", 2}),
    [](const auto& info) { return info.param.name; });

TEST(SegmentCli, ImageTooLargeForMemoryIsRefusedWithTheSizeItNeeds) {
  TempDir dir;
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  const unsigned char dims[8] = {0x00, 0x01, 0x86, 0xa0, 0x00, 0x01, 0x86, 0xa0};  // 100000 x 100000
  png.append(reinterpret_cast<const char*>(dims), 8);
  png.append("\x08\x02\0\0\0\0\0\0\0", 9);
  gmmlab::testing::write_file(dir / "huge.png", png);
  const CommandResult r = gmmlab_cli({"segment", (dir / "huge.png").string(), "-o", (dir / "out.png").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("100000 x 100000 pixels"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("needs about"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "out.png"));
}

TEST(SegmentCli, PaletteOkabeItoPaintsTheColourBlindSafeColours) {
  TempDir dir;
  const fs::path photo = small_photo(dir, 60, 40);
  const CommandResult r = gmmlab_cli({"segment", photo.string(), "-q", "-k", "3", "--iterations", "5", "--palette",
                                      "okabe-ito", "-o", (dir / "seg.png").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto colours = colours_of(cv::imread((dir / "seg.png").string()));
  EXPECT_GE(colours.size(), 2u);
  for (const auto& [b, g, r_] : colours) {
    bool okabe_ito = false;
    for (arma::uword k = 0; k < 3; ++k) {
      const cv::Vec3b rgb = gmmlab::palette_rgb(k, gmmlab::Palette::okabe_ito);
      okabe_ito |= rgb[0] == r_ && rgb[1] == g && rgb[2] == b;
    }
    EXPECT_TRUE(okabe_ito) << r_ << " " << g << " " << b;
  }
}
