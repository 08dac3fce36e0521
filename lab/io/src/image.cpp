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

// Width and height from a PNG or JPEG header, so that a huge image is refused before
// OpenCV allocates it. Other formats are checked after decoding.
std::optional<Size> header_size(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<unsigned char> head(65536);
  in.read(reinterpret_cast<char*>(head.data()), std::streamsize(head.size()));
  head.resize(std::size_t(in.gcount()));
  static constexpr unsigned char png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  if (head.size() >= 24 && std::memcmp(head.data(), png, 8) == 0 && std::memcmp(&head[12], "IHDR", 4) == 0)
    return Size{big_endian(&head[16], 4), big_endian(&head[20], 4)};
  if (head.size() >= 4 && head[0] == 0xFF && head[1] == 0xD8) {
    std::size_t i = 2;
    while (i + 9 < head.size() && head[i] == 0xFF) {
      const unsigned char marker = head[i + 1];
      const std::size_t length = big_endian(&head[i + 2], 2);
      const bool start_of_frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
      if (start_of_frame) return Size{big_endian(&head[i + 7], 2), big_endian(&head[i + 5], 2)};
      i += 2 + length;
    }
  }
  return std::nullopt;
}

void check_fits_in_memory(const fs::path& path, Size size, int channels, int k) {
  const std::uint64_t pixels = size.width * size.height;
  const std::uint64_t need = working_bytes(pixels, channels, k);
  const std::uint64_t have = available_memory();
  if (need > have)
    throw Error(fmt::format(
        "image {} is {} x {} pixels: segmenting it with K={} needs about {} of memory but this machine has {} "
        "available; resize the image first",
        quoted(path), size.width, size.height, k, human_bytes(double(need)), human_bytes(double(have))));
}

// OpenCV and the codec libraries it calls (libpng's default warning handler, for one) print
// their own complaints to stderr, e.g. "iCCP: known incorrect sRGB profile" for a valid photo.
// The caller says what matters in one sentence, so their output is discarded while decoding.
cv::Mat decode_quietly(const fs::path& path) {
  cv::utils::logging::setLogLevel(cv::utils::logging::LOG_LEVEL_SILENT);
  std::fflush(stderr);
  const int saved = ::dup(STDERR_FILENO);
  const int null = ::open("/dev/null", O_WRONLY);
  if (saved >= 0 && null >= 0) ::dup2(null, STDERR_FILENO);
  cv::Mat decoded;
  try {
    decoded = cv::imread(path.string(), cv::IMREAD_UNCHANGED);
  } catch (const cv::Exception&) {
    decoded.release();
  }
  std::fflush(stderr);
  if (saved >= 0 && null >= 0) ::dup2(saved, STDERR_FILENO);
  if (null >= 0) ::close(null);
  if (saved >= 0) ::close(saved);
  return decoded;
}

}  // namespace

std::uint64_t working_bytes(std::uint64_t pixels, int channels, int k) {
  // Decoded image (up to 2 bytes a channel), raw and Z-scored pixels (8 bytes a channel each),
  // the N x K responsibilities used for the pictures, two 3-byte pictures and the labels.
  return pixels * (2 * std::uint64_t(channels) + 16 * std::uint64_t(channels) + 8 * std::uint64_t(k) + 6 + 8);
}

Image load_image(const fs::path& path, int k) {
  std::error_code ec;
  const fs::file_status status = fs::status(path, ec);
  if (!fs::exists(status))
    throw Error(fmt::format("image file {} does not exist; check the path", quoted(path)));
  if (fs::is_directory(status))
    throw Error(fmt::format("{} is a folder, not an image file; give the path of a PNG or JPEG file", quoted(path)));
  if (::access(path.c_str(), R_OK) != 0)
    throw Error(fmt::format("image file {} cannot be read ({}); check its permissions", quoted(path),
                            std::strerror(errno)));
  if (fs::is_regular_file(status) && fs::file_size(path, ec) == 0)
    throw Error(fmt::format("image file {} is empty (0 bytes); give a real image", quoted(path)));
  if (auto size = header_size(path)) check_fits_in_memory(path, *size, 3, k);

  cv::Mat decoded = decode_quietly(path);
  if (decoded.empty() || decoded.dims != 2)
    throw Error(fmt::format("cannot decode {} as an image: the file is corrupt or not in a format OpenCV reads "
                            "(PNG, JPEG, TIFF, BMP ...); convert it to PNG",
                            quoted(path)));
  check_fits_in_memory(path, {std::uint64_t(decoded.cols), std::uint64_t(decoded.rows)}, decoded.channels(), k);

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
  cv::Mat as_double;
  colour.convertTo(as_double, CV_64F);
  as_double = as_double.reshape(1, image.height * image.width);  // one row per pixel
  // cv::Mat is row-major, arma::mat column-major: the transpose of the wrapped buffer is N x c.
  const arma::mat wrapped(as_double.ptr<double>(), image.channels, arma::uword(as_double.rows), false, true);
  image.pixels = wrapped.t();
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

namespace {

void write_whole(const std::vector<unsigned char>& bytes, const fs::path& path, bool dry_run = false) {
  const fs::path folder = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw Error(fmt::format("cannot write {}: it is a folder; give a file name", quoted(path)));
  if (!fs::is_directory(folder, ec))
    throw Error(fmt::format("cannot write {}: the folder {} does not exist; create it first", quoted(path),
                            quoted(folder)));
  std::string temp = (folder / fmt::format(".{}.XXXXXX", path.filename().string())).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0)
    throw Error(fmt::format("cannot write {}: {}; choose a folder you can write to", quoted(path),
                            std::strerror(errno)));
  if (dry_run) {
    ::close(fd);
    ::unlink(temp.c_str());
    return;
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n <= 0) {
      const int err = errno;
      ::close(fd);
      ::unlink(temp.c_str());
      throw Error(fmt::format("cannot write {}: {}; free some space or choose another folder", quoted(path),
                              std::strerror(err)));
    }
    done += std::size_t(n);
  }
  ::fchmod(fd, 0644);
  if (::close(fd) != 0 || ::rename(temp.c_str(), path.c_str()) != 0) {
    const int err = errno;
    ::unlink(temp.c_str());
    throw Error(fmt::format("cannot write {}: {}; choose a folder you can write to", quoted(path), std::strerror(err)));
  }
}

std::vector<unsigned char> encode(const cv::Mat& picture, const fs::path& path) {
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
  return bytes;
}

}  // namespace

void check_writable(const fs::path& path, bool picture) {
  if (picture) (void)encode(cv::Mat(1, 1, CV_8UC3, cv::Scalar::all(0)), path);
  // The same steps as a real write, with nothing left behind: a folder that exists, and a
  // temporary file that can be made in it (root ignores permission bits, so try it).
  write_whole({}, path, /*dry_run=*/true);
}

void write_picture(const cv::Mat& picture, const fs::path& path) { write_whole(encode(picture, path), path); }

void write_text_file(const std::string& text, const fs::path& path) {
  write_whole(std::vector<unsigned char>(text.begin(), text.end()), path);
}

}  // namespace gmmlab
