// `gmmlab figures`: every teaching picture drawn, the same bytes on every run, bad output refused.
#include <gtest/gtest.h>

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>

#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::TempDir;

namespace {
const std::vector<std::string> kPictures{"kmeans-vs-gmm.png", "gaussian-1d.png", "gaussian-shapes.png",
                                         "em-one-step.png"};
}

TEST(Figures, DrawsEveryPictureTheSameBytesEveryRun) {
  TempDir a, b;
  const auto ra = gmmlab::testing::run_command({GMMLAB_CLI, "figures", "-o", a.path().string()});
  const auto rb = gmmlab::testing::run_command({GMMLAB_CLI, "figures", "-o", b.path().string()});
  ASSERT_EQ(ra.exit_code, 0) << ra.err;
  ASSERT_EQ(rb.exit_code, 0) << rb.err;
  for (const std::string& name : kPictures) {
    const cv::Mat picture = cv::imread((a / name).string());
    ASSERT_FALSE(picture.empty()) << name;
    // Not blank: a white page with a few lines would have almost no distinct colours.
    EXPECT_GT(cv::countNonZero(picture.reshape(1) < 250), picture.total() / 50) << name << " is nearly blank";
    EXPECT_EQ(gmmlab::testing::read_file(a / name), gmmlab::testing::read_file(b / name)) << name << " differs";
    EXPECT_NE(ra.out.find(name), std::string::npos) << ra.out;
  }
}

TEST(Figures, TheCheckedInPicturesAreWhatTheCommandDraws) {
  TempDir dir;
  ASSERT_EQ(gmmlab::testing::run_command({GMMLAB_CLI, "figures", "-o", dir.path().string()}).exit_code, 0);
  // Pixels, not bytes: another CPU may round the EM fit differently and move a line by a pixel.
  for (const std::string& name : kPictures) {
    const cv::Mat drawn = cv::imread((dir / name).string());
    const cv::Mat checked_in = cv::imread((fs::path(GMMLAB_SOURCE_DIR) / "docs/images" / name).string());
    ASSERT_EQ(drawn.size(), checked_in.size()) << "docs/images/" << name << " is stale: run bash scripts/figures.sh";
    cv::Mat diff;
    cv::absdiff(drawn, checked_in, diff);
    const int changed = cv::countNonZero(diff.reshape(1) > 40);
    EXPECT_LT(changed, int(drawn.total() / 200)) << "docs/images/" << name << " is stale: run bash scripts/figures.sh";
  }
}

TEST(Figures, AMissingOutputFolderGetsOneSentenceAndNothingWritten) {
  TempDir dir;
  const auto r = gmmlab::testing::run_command({GMMLAB_CLI, "figures", "-o", (dir / "nope").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_NE(r.err.find("is not a folder; create it first"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(dir / "nope"));
  const auto missing = gmmlab::testing::run_command({GMMLAB_CLI, "figures"});
  EXPECT_EQ(missing.exit_code, 2) << missing.err;
}
