#pragma once
// Loading photos as N x c pixel matrices, the lab's own layout: one row per pixel, channels
// in the order OpenCV loads them (B, G, R; one channel for greyscale).
#include <armadillo>
#include <cstdint>
#include <filesystem>
#include <opencv2/core.hpp>
#include <string>
#include <vector>

namespace gmmlab {

struct Image {
  std::filesystem::path path;
  int height = 0;
  int width = 0;
  int channels = 0;   // 1 (greyscale) or 3 (B, G, R)
  int bit_depth = 8;  // 8 or 16
  arma::mat pixels;   // (height * width) x channels raw values, row-major pixel order
  std::vector<std::string> notes;  // things the user should know, e.g. "alpha dropped"

  arma::uword pixel_count() const { return pixels.n_rows; }
};

// Bytes a segmentation of an image this size with K components keeps alive at its peak.
std::uint64_t working_bytes(std::uint64_t pixels, int channels, int k);

// Loads an image file. Throws gmmlab::Error with one sentence naming the file for a
// missing, unreadable, empty, corrupt or folder path, and for an image whose working set
// for K components (see working_bytes) would not fit in this machine's available memory.
// A photo must be a regular file (not a FIFO or a device) of at most kMaxImageFileBytes; a
// JPEG must be complete, and its Exif orientation is applied, as cv::imread does.
constexpr std::uint64_t kMaxImageFileBytes = 1ULL << 30;
Image load_image(const std::filesystem::path& path, int k);
// load_image's checks of the file before it is read (it is there, readable, not empty, a regular
// file within the limit), for a tool to say first that a photo is missing.
void check_image_file(const std::filesystem::path& path);

// FNV-1a 64-bit hash of a file's bytes, as 16 hex digits: traces name their input by it.
std::string content_hash(const std::filesystem::path& path);

// The bytes of an 8-bit picture in the format its file name's extension says (.png ...).
// Throws gmmlab::Error naming the path when the extension is not an image format.
std::string encode_picture(const cv::Mat& picture, const std::filesystem::path& path);

// Before any work: throws gmmlab::Error, starting with `flag`, unless the extension of `path`
// is an image format OpenCV writes. (The rest of what an output may be: output_path.hpp.)
void check_picture_name(const std::filesystem::path& path, const std::string& flag);

// Writes an 8-bit picture whole or not at all: encoded in memory, written to a temporary
// file beside the target, then renamed. Throws gmmlab::Error naming the path when the
// folder does not exist or cannot be written, or the extension is not an image format.
void write_picture(const cv::Mat& picture, const std::filesystem::path& path);

// Checks, before any work, that write_picture (picture = true) or write_text_file could
// write `path`: its folder exists and takes a new file, and a picture's extension is an
// image format. Throws gmmlab::Error naming the path otherwise. Creates nothing.
void check_writable(const std::filesystem::path& path, bool picture);

// Writes text whole or not at all, the same way.
void write_text_file(const std::string& text, const std::filesystem::path& path);

}  // namespace gmmlab
