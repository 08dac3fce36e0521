// Loading photos and writing pictures: what each kind of bad file gets.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <opencv2/imgcodecs.hpp>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::TempDir;

namespace {

// Asserts that loading `path` throws gmmlab::Error whose message contains every fragment.
void expect_load_error(const fs::path& path, std::initializer_list<std::string> fragments) {
  try {
    gmmlab::load_image(path, 3);
    ADD_FAILURE() << "loading " << path << " did not fail";
  } catch (const gmmlab::Error& e) {
    const std::string message = e.what();
    EXPECT_EQ(message.find('\n'), std::string::npos) << "one line expected: " << message;
    for (const std::string& f : fragments) EXPECT_NE(message.find(f), std::string::npos) << message;
  }
}

}  // namespace

TEST(LoadImage, ColourPhotoIsBgrRowsOfPixels) {
  const gmmlab::Image image = gmmlab::load_image(gmmlab::testing::sample_photo(), 3);
  const cv::Mat direct = cv::imread(gmmlab::testing::sample_photo().string(), cv::IMREAD_COLOR);
  ASSERT_EQ(image.height, direct.rows);
  ASSERT_EQ(image.width, direct.cols);
  EXPECT_EQ(image.channels, 3);
  EXPECT_EQ(image.bit_depth, 8);
  ASSERT_EQ(image.pixels.n_rows, arma::uword(direct.rows * direct.cols));
  // Pixel n is row n / width, column n % width; channels in OpenCV's B, G, R order.
  for (int n : {0, 1, 451, 12345, direct.rows * direct.cols - 1}) {
    const cv::Vec3b bgr = direct.at<cv::Vec3b>(n / direct.cols, n % direct.cols);
    for (int c = 0; c < 3; ++c) EXPECT_EQ(image.pixels(arma::uword(n), arma::uword(c)), bgr[c]) << n;
  }
  EXPECT_TRUE(image.notes.empty());
}

TEST(LoadImage, GreyscaleGivesOneChannel) {
  TempDir dir;
  cv::Mat grey(7, 5, CV_8UC1);
  cv::randu(grey, 0, 255);
  cv::imwrite((dir / "grey.png").string(), grey);
  const gmmlab::Image image = gmmlab::load_image(dir / "grey.png", 2);
  EXPECT_EQ(image.channels, 1);
  EXPECT_EQ(image.pixels.n_cols, 1u);
  EXPECT_EQ(image.pixels(7, 0), grey.at<unsigned char>(1, 2));
}

TEST(LoadImage, SixteenBitKeepsItsValues) {
  TempDir dir;
  cv::Mat deep(4, 6, CV_16UC3, cv::Scalar(1000, 40000, 65535));
  cv::imwrite((dir / "deep.png").string(), deep);
  const gmmlab::Image image = gmmlab::load_image(dir / "deep.png", 2);
  EXPECT_EQ(image.bit_depth, 16);
  EXPECT_EQ(image.pixels(0, 1), 40000);
  EXPECT_EQ(image.pixels(23, 2), 65535);
}

TEST(LoadImage, AlphaIsDroppedAndSaid) {
  TempDir dir;
  cv::Mat rgba(3, 3, CV_8UC4, cv::Scalar(10, 20, 30, 128));
  cv::imwrite((dir / "alpha.png").string(), rgba);
  const gmmlab::Image image = gmmlab::load_image(dir / "alpha.png", 2);
  EXPECT_EQ(image.channels, 3);
  EXPECT_EQ(image.pixels(4, 2), 30);
  ASSERT_EQ(image.notes.size(), 1u);
  EXPECT_NE(image.notes[0].find("alpha"), std::string::npos);
}

TEST(LoadImage, MissingFileIsNamed) { expect_load_error("/nonexistent/cat.png", {"/nonexistent/cat.png", "does not exist"}); }

TEST(LoadImage, FolderIsRefused) {
  TempDir dir;
  expect_load_error(dir.path(), {dir.path().string(), "is a folder"});
}

TEST(LoadImage, EmptyFileIsRefused) {
  TempDir dir;
  gmmlab::testing::write_file(dir / "empty.png", "");
  expect_load_error(dir / "empty.png", {"empty.png", "is empty"});
}

TEST(LoadImage, CorruptFileIsRefused) {
  TempDir dir;
  gmmlab::testing::write_file(dir / "corrupt.png", "\x89PNG\r\n\x1a\n this is not really a PNG at all");
  expect_load_error(dir / "corrupt.png", {"corrupt.png", "cannot decode"});
  gmmlab::testing::write_file(dir / "notes.txt", "hello, I am text");
  expect_load_error(dir / "notes.txt", {"notes.txt", "cannot decode"});
}

TEST(LoadImage, TruncatedPhotoIsRefused) {
  TempDir dir;
  const std::string bytes = gmmlab::testing::read_file(gmmlab::testing::sample_photo());
  gmmlab::testing::write_file(dir / "half.png", bytes.substr(0, bytes.size() / 2));
  expect_load_error(dir / "half.png", {"half.png", "cannot decode"});
}

TEST(LoadImage, UnreadableFileIsRefused) {
  if (::geteuid() == 0) GTEST_SKIP() << "root reads files whatever their permissions";
  TempDir dir;
  cv::imwrite((dir / "locked.png").string(), cv::Mat(2, 2, CV_8UC3, cv::Scalar::all(9)));
  ::chmod((dir / "locked.png").c_str(), 0);
  expect_load_error(dir / "locked.png", {"locked.png", "cannot be read"});
}

TEST(LoadImage, ImageTooLargeForMemoryIsRefusedWithTheSizeNeeded) {
  // A PNG header claiming 200000 x 200000 pixels: refused from the header, before decoding.
  TempDir dir;
  std::string png("\x89PNG\r\n\x1a\n\0\0\0\x0dIHDR", 16);
  const unsigned char dims[8] = {0x00, 0x03, 0x0d, 0x40, 0x00, 0x03, 0x0d, 0x40};
  png.append(reinterpret_cast<const char*>(dims), 8);
  png.append("\x08\x02\0\0\0\0\0\0\0", 9);
  gmmlab::testing::write_file(dir / "huge.png", png);
  expect_load_error(dir / "huge.png", {"huge.png", "200000 x 200000", "needs about", "TB", "resize"});
}

TEST(WorkingBytes, GrowsWithPixelsChannelsAndComponents) {
  EXPECT_GT(gmmlab::working_bytes(1000, 3, 5), gmmlab::working_bytes(1000, 3, 3));
  EXPECT_GT(gmmlab::working_bytes(1000, 3, 3), gmmlab::working_bytes(1000, 1, 3));
  EXPECT_EQ(gmmlab::working_bytes(2000, 3, 3), 2 * gmmlab::working_bytes(1000, 3, 3));
}

TEST(WritePicture, WritesWholeAndLeavesNoTemporaryFile) {
  TempDir dir;
  const cv::Mat picture(5, 4, CV_8UC3, cv::Scalar(0, 0, 255));
  gmmlab::write_picture(picture, dir / "out.png");
  const cv::Mat back = cv::imread((dir / "out.png").string());
  ASSERT_EQ(back.rows, 5);
  EXPECT_EQ(back.at<cv::Vec3b>(2, 2), cv::Vec3b(0, 0, 255));
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
}

TEST(WritePicture, MissingFolderIsNamed) {
  TempDir dir;
  try {
    gmmlab::write_picture(cv::Mat(2, 2, CV_8UC3), dir / "no-such-folder" / "out.png");
    FAIL() << "no error";
  } catch (const gmmlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("does not exist"), std::string::npos) << e.what();
  }
}

TEST(WritePicture, UnknownExtensionIsRefused) {
  TempDir dir;
  EXPECT_THROW(gmmlab::write_picture(cv::Mat(2, 2, CV_8UC3), dir / "out.xyz"), gmmlab::Error);
  EXPECT_THROW(gmmlab::write_picture(cv::Mat(2, 2, CV_8UC3), dir / "out"), gmmlab::Error);
  EXPECT_FALSE(fs::exists(dir / "out.xyz"));
}

TEST(WritePicture, UnwritableFolderIsRefused) {
  // As root a chmod'ed folder is still writable, so use one no one can write: /proc.
  const fs::path target = ::geteuid() == 0 ? fs::path("/proc/gmmlab-out.png") : fs::path("/out.png");
  try {
    gmmlab::write_picture(cv::Mat(2, 2, CV_8UC3), target);
    FAIL() << "no error";
  } catch (const gmmlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find(target.string()), std::string::npos) << e.what();
  }
}

TEST(ContentHash, DependsOnEveryByte) {
  TempDir dir;
  gmmlab::testing::write_file(dir / "a", "abc");
  gmmlab::testing::write_file(dir / "b", "abd");
  EXPECT_EQ(gmmlab::content_hash(dir / "a").size(), 16u);
  EXPECT_NE(gmmlab::content_hash(dir / "a"), gmmlab::content_hash(dir / "b"));
  EXPECT_EQ(gmmlab::content_hash(dir / "a"), gmmlab::content_hash(dir / "a"));
}
