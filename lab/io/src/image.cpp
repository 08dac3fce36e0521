#include "gmmlab/image.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <fmt/format.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>
#include <opencv2/core/utils/logger.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <optional>

#include "gmmlab/errors.hpp"
#include "gmmlab/input_file.hpp"
#include "gmmlab/output_path.hpp"

namespace fs = std::filesystem;

namespace gmmlab {

namespace {

// fmt rather than operator+: GCC 12 gives a false -Wrestrict on "'" + std::string + "'".
std::string quoted(const fs::path& p) { return fmt::format("'{}'", p.string()); }

std::string human_bytes(double bytes) {
  const char* units[] = {"B", "KB", "MB", "GB", "TB", "PB"};
  int u = 0;
  while (bytes >= 1024 && u < 5) bytes /= 1024, ++u;
  return fmt::format("{:.1f} {}", bytes, units[u]);
}

std::uint64_t available_memory() {
  std::ifstream meminfo("/proc/meminfo");
  std::string key;
  std::uint64_t kb = 0;
  std::string unit;
  while (meminfo >> key >> kb >> unit)
    if (key == "MemAvailable:") return kb * 1024;
  const long pages = sysconf(_SC_AVPHYS_PAGES), page = sysconf(_SC_PAGESIZE);
  return pages > 0 && page > 0 ? std::uint64_t(pages) * std::uint64_t(page) : UINT64_MAX;
}

struct Size { std::uint64_t width, height; };

std::uint32_t big_endian(const unsigned char* p, int bytes) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | p[i];
  return v;
}

std::uint32_t read_u(const unsigned char* p, int bytes, bool little) {
  std::uint32_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= std::uint32_t(p[little ? i : bytes - 1 - i]) << (8 * i);
  return v;
}

// The orientation tag (1 to 8) of an Exif segment's TIFF block, 1 when absent or damaged.
int exif_orientation(const unsigned char* tiff, std::size_t size) {
  if (size < 8) return 1;
  const bool little = tiff[0] == 'I' && tiff[1] == 'I';
  if (!little && !(tiff[0] == 'M' && tiff[1] == 'M')) return 1;
  const std::size_t ifd = read_u(tiff + 4, 4, little);
  if (ifd + 2 > size) return 1;
  const std::size_t entries = read_u(tiff + ifd, 2, little);
  for (std::size_t e = 0; e < entries && ifd + 2 + 12 * (e + 1) <= size; ++e) {
    const unsigned char* entry = tiff + ifd + 2 + 12 * e;
    if (read_u(entry, 2, little) == 0x0112 && read_u(entry + 2, 2, little) == 3) {
      const int value = int(read_u(entry + 8, 2, little));
      return value >= 1 && value <= 8 ? value : 1;
    }
  }
  return 1;
}

// What the markers of a JPEG say before it is decoded: its size (so that a huge image is
// refused before OpenCV allocates it, however much metadata comes first), its Exif
// orientation, and whether it ends (an end-of-image marker after the last scan). libjpeg
// decodes a truncated file without complaint, filling the missing part with grey.
struct JpegFacts {
  std::optional<Size> size;
  int orientation = 1;
  bool complete = false;
};

JpegFacts read_jpeg_markers(const std::string& file) {
  const auto* b = reinterpret_cast<const unsigned char*>(file.data());
  const std::size_t n = file.size();
  JpegFacts facts;
  std::size_t i = 2;
  while (i + 1 < n) {
    if (b[i] != 0xFF) {  // stray bytes between segments: libjpeg skips them too
      ++i;
      continue;
    }
    const unsigned char marker = b[i + 1];
    if (marker == 0xFF) {  // fill byte
      ++i;
      continue;
    }
    if (marker == 0xD9) {
      facts.complete = true;
      return facts;
    }
    if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0x00) {
      i += 2;
      continue;
    }
    if (i + 4 > n) return facts;
    const std::size_t length = big_endian(&b[i + 2], 2);
    if (length < 2 || i + 2 + length > n) return facts;
    const unsigned char* body = &b[i + 4];
    const bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
    if (start_of_frame && length >= 7 && !facts.size)
      facts.size = Size{big_endian(body + 3, 2), big_endian(body + 1, 2)};
    if (marker == 0xE1 && length >= 8 && std::memcmp(body, "Exif\0\0", 6) == 0)
      facts.orientation = exif_orientation(body + 6, length - 8);
    i += 2 + length;
    if (marker == 0xDA) {  // entropy-coded data runs to the next marker that is not a stuffed 0 or a restart
      while (i + 1 < n && !(b[i] == 0xFF && b[i + 1] != 0x00 && !(b[i + 1] >= 0xD0 && b[i + 1] <= 0xD7))) ++i;
    }
  }
  return facts;
}

bool is_png(const std::string& file) {
  static constexpr char png[8] = {'\x89', 'P', 'N', 'G', '\r', '\n', '\x1a', '\n'};
  return file.size() >= 24 && std::memcmp(file.data(), png, 8) == 0 && std::memcmp(&file[12], "IHDR", 4) == 0;
}

bool is_jpeg(const std::string& file) {
  return file.size() >= 4 && static_cast<unsigned char>(file[0]) == 0xFF && static_cast<unsigned char>(file[1]) == 0xD8;
}

void check_fits_in_memory(const fs::path& path, Size size, int channels, int k) {
  const std::uint64_t pixels = size.width * size.height;
  const std::uint64_t need = working_bytes(pixels, channels, k);
  const std::uint64_t have = available_memory();
  if (need <= have) return;
  // When the N x K responsibilities are most of it, a smaller K is the fix, not a smaller photo.
  const std::uint64_t without_k = working_bytes(pixels, channels, 0);
  const std::uint64_t per_component = working_bytes(pixels, channels, 1) - without_k;
  std::string fix = "resize the image first";
  if (need - without_k > without_k && have > without_k && per_component > 0) {
    const std::uint64_t largest_k = (have - without_k) / per_component;
    if (largest_k >= 1) fix = fmt::format("choose a smaller K (at most {} fits) or resize the image", largest_k);
  }
  throw Error(fmt::format("image {} is {} x {} pixels: segmenting it with K={} needs about {} of memory but this "
                          "machine has {} available; {}",
                          quoted(path), size.width, size.height, k, human_bytes(double(need)),
                          human_bytes(double(have)), fix));
}

// OpenCV and the codec libraries it calls (libpng's default warning handler, for one) print
// their own complaints to stderr, e.g. "iCCP: known incorrect sRGB profile" for a valid photo.
// The caller says what matters in one sentence, so their output is discarded while decoding.
cv::Mat decode_quietly(const std::string& file) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int null = ::open("/dev/null", O_WRONLY);
  if (saved >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
  cv::Mat decoded;
  try {
    // UNCHANGED keeps 16 bits and alpha, and skips the Exif orientation: applied below.
    const cv::Mat bytes(1, int(file.size()), CV_8U, const_cast<char*>(file.data()));
    decoded = cv::imdecode(bytes, cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    decoded.release();
  }
  std::fflush(stderr);
  if (saved >= 0 && null >= 0) ::dup2(saved, STDERR_FILENO);
  if (null >= 0) ::close(null);
  if (saved >= 0) ::close(saved);
  return decoded;
}

// Turns the picture upright as cv::imread (and the original lab's cv2.imread) does, for Exif
// orientations 2 to 8.
cv::Mat apply_orientation(const cv::Mat& m, int orientation) {
  cv::Mat out;
  switch (orientation) {
    case 2: cv::flip(m, out, 1); break;
    case 3: cv::flip(m, out, -1); break;
    case 4: cv::flip(m, out, 0); break;
    case 5: cv::transpose(m, out); break;
    case 6: cv::transpose(m, out), cv::flip(out, out, 1); break;
    case 7: cv::transpose(m, out), cv::flip(out, out, -1); break;
    case 8: cv::transpose(m, out), cv::flip(out, out, 0); break;
    default: return m;
  }
  return out;
}

}  // namespace

std::uint64_t working_bytes(std::uint64_t pixels, int channels, int k) {
  // Decoded image (up to 2 bytes a channel), raw and Z-scored pixels (8 bytes a channel each),
  // two 3-byte pictures and the labels, and the N x K responsibilities an E-step returns: the
  // reference's fused iteration and the block-by-block pictures never hold them, but a student's
  // or the textbook implementation's E-step does, and the check must hold for every --impl.
  return pixels * (2 * std::uint64_t(channels) + 16 * std::uint64_t(channels) + 8 * std::uint64_t(k) + 6 + 8);
}

void check_image_file(const fs::path& path) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status)) {
    // What check_regular_file says of a path that leads nowhere (a name too long, a file used as
    // a folder, a loop of links).
    check_regular_file(path, "image file", kMaxImageFileBytes);
    throw Error(fmt::format("image file {} does not exist; check the path", quoted(path)));
  }
  if (fs::is_directory(status))
    throw Error(fmt::format("{} is a folder, not an image file; give the path of a PNG or JPEG file", quoted(path)));
  if (::access(path.c_str(), R_OK) != 0)
    throw Error(fmt::format("image file {} cannot be read ({}); check its permissions", quoted(path),
                            std::strerror(errno)));
  if (fs::is_regular_file(status) && fs::file_size(path, ec) == 0)
    throw Error(fmt::format("image file {} is empty (0 bytes); give a real image", quoted(path)));
  check_regular_file(path, "image file", kMaxImageFileBytes);
}

Image load_image(const fs::path& path, int k) {
  check_image_file(path);
  // One read of a regular file (never a FIFO or a device): the bytes checked are the bytes decoded.
  const std::string file = read_regular_file(path, "image file", kMaxImageFileBytes);
  int orientation = 1;
  if (is_png(file)) {
    check_fits_in_memory(path, {big_endian(reinterpret_cast<const unsigned char*>(&file[16]), 4),
                                big_endian(reinterpret_cast<const unsigned char*>(&file[20]), 4)},
                         3, k);
  } else if (is_jpeg(file)) {
    const JpegFacts jpeg = read_jpeg_markers(file);
    if (jpeg.size) check_fits_in_memory(path, *jpeg.size, 3, k);
    if (!jpeg.complete)
      throw Error(fmt::format("image {} is a JPEG cut short (it stops before its end marker), so part of the picture "
                              "is missing; give the complete file",
                              quoted(path)));
    orientation = jpeg.orientation;
  }

  cv::Mat decoded = decode_quietly(file);
  if (decoded.empty() || decoded.dims != 2)
    throw Error(fmt::format("cannot decode {} as an image: the file is corrupt or not in a format OpenCV reads "
                            "(PNG, JPEG, TIFF, BMP ...); convert it to PNG",
                            quoted(path)));
  check_fits_in_memory(path, {std::uint64_t(decoded.cols), std::uint64_t(decoded.rows)}, decoded.channels(), k);
  decoded = apply_orientation(decoded, orientation);

  Image image;
  image.path = path;
  image.height = decoded.rows;
  image.width = decoded.cols;
  image.bit_depth = decoded.depth() == CV_8U ? 8 : decoded.depth() == CV_16U ? 16 : int(decoded.elemSize1() * 8);
  cv::Mat colour;
  switch (decoded.channels()) {
    case 1: colour = decoded; break;
    case 2:
      cv::extractChannel(decoded, colour, 0);
      image.notes.push_back("the image's alpha channel was dropped: the lab segments by grey level only");
      break;
    case 3: colour = decoded; break;
    case 4:
      cv::cvtColor(decoded, colour, cv::COLOR_BGRA2BGR);
      image.notes.push_back("the image's alpha channel was dropped: the lab segments by colour only");
      break;
    default:
      throw Error(fmt::format("image {} has {} channels; the lab reads greyscale or colour images", quoted(path),
                              decoded.channels()));
  }
  image.channels = colour.channels();
  // Row by row into the N x c column-major matrix: converting the whole image to doubles first
  // would hold a second N x c copy (288 MB at 12 MP) beside the result.
  const arma::uword n = arma::uword(image.height) * arma::uword(image.width);
  image.pixels.set_size(n, arma::uword(image.channels));
  cv::Mat row;
  for (int r = 0; r < image.height; ++r) {
    colour.row(r).convertTo(row, CV_64F);
    const double* v = row.ptr<double>();
    const arma::uword first = arma::uword(r) * arma::uword(image.width);
    for (int c = 0; c < image.channels; ++c) {
      double* out = image.pixels.colptr(arma::uword(c)) + first;
      for (int x = 0; x < image.width; ++x) out[x] = v[x * image.channels + c];
    }
  }
  if (image.channels == 3 && arma::approx_equal(image.pixels.col(0), image.pixels.col(1), "absdiff", 0) &&
      arma::approx_equal(image.pixels.col(1), image.pixels.col(2), "absdiff", 0))
    image.notes.push_back("the photo's three colour channels are equal (a grey photo stored as colour); it is "
                          "segmented by grey level, and its covariances rest on the --reg-covar ridge");
  if (!image.pixels.is_finite())
    throw Error(fmt::format("image {} holds pixel values that are not finite numbers; convert it to an 8- or "
                            "16-bit PNG",
                            quoted(path)));
  return image;
}

std::string content_hash(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::uint64_t h = 0xcbf29ce484222325ULL;
  std::array<char, 1 << 16> buffer;
  while (in.read(buffer.data(), buffer.size()) || in.gcount() > 0) {
    for (std::streamsize i = 0; i < in.gcount(); ++i) {
      h ^= static_cast<unsigned char>(buffer[std::size_t(i)]);
      h *= 0x100000001b3ULL;
    }
  }
  return fmt::format("{:016x}", h);
}

std::string encode_picture(const cv::Mat& picture, const fs::path& path) {
  const std::string extension = path.extension().string();
  std::vector<unsigned char> bytes;
  bool encoded = false;
  try {
    encoded = !extension.empty() && cv::imencode(extension, picture, bytes);
  } catch (const cv::Exception&) {
    encoded = false;
  }
  if (!encoded)
    throw Error(fmt::format("cannot write {}: '{}' is not an image format OpenCV writes; end the name in .png",
                            quoted(path), extension));
  return std::string(bytes.begin(), bytes.end());
}

void check_picture_name(const fs::path& path, const std::string& flag) {
  const std::string extension = path.extension().string();
  bool known = false;
  try {
    known = !extension.empty() && cv::haveImageWriter("x" + extension);
  } catch (const cv::Exception&) {
    known = false;
  }
  if (!known)
    throw Error(fmt::format("{} {}: '{}' is not an image format OpenCV writes; end the name in .png", flag,
                            quoted(path), extension));
}

void check_writable(const fs::path& path, bool picture) {
  if (picture) check_picture_name(path, "output");
  check_outputs({{path, "output"}}, {});
}

void write_picture(const cv::Mat& picture, const fs::path& path) { write_file_whole(path, encode_picture(picture, path)); }

void write_text_file(const std::string& text, const fs::path& path) { write_file_whole(path, text); }

}  // namespace gmmlab
