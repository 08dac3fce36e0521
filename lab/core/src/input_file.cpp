#include "gmmlab/input_file.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iterator>
#include <algorithm>

#include "gmmlab/errors.hpp"

namespace gmmlab {

namespace {

// Throws unless `st` (of the file itself, links followed) is a regular file within the limit.
void check_status(const struct stat& st, const std::string& source, std::uint64_t max_bytes) {
  if (S_ISDIR(st.st_mode)) throw Error(fmt::format("{} is a folder; give a file", source));
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    throw Error(fmt::format("{} is a device, not a file; give a regular file", source));
  if (S_ISFIFO(st.st_mode))
    throw Error(fmt::format("{} is a FIFO (named pipe), which may never end; save the data to a file and give that",
                            source));
  if (!S_ISREG(st.st_mode)) throw Error(fmt::format("{} is not a regular file; give a file", source));
  if (std::uint64_t(st.st_size) > max_bytes)
    throw Error(fmt::format("{} is {}, more than the {} this reader accepts; give the right file", source,
                            size_in_words(std::uint64_t(st.st_size)), size_in_words(max_bytes)));
}

}  // namespace

std::string size_in_words(std::uint64_t bytes) {
  const auto unit = [bytes](int shift, const char* name) {
    const double value = double(bytes) / double(1ULL << shift);
    return fmt::format("{} bytes ({} {})", bytes,
                       bytes % (1ULL << shift) == 0 ? fmt::format("{}", bytes >> shift) : fmt::format("{:.3g}", value),
                       name);
  };
  return bytes >= (1ULL << 30) ? unit(30, "GiB") : bytes >= (1ULL << 20) ? unit(20, "MiB") : fmt::format("{} bytes", bytes);
}

std::string unreachable_because(const std::filesystem::path& path, int err) {
  namespace fs = std::filesystem;
  switch (err) {
    case ENOENT: return {};
    case ENOTDIR: {
      // The first part of the path that is there but is not a folder.
      fs::path prefix;
      for (auto part = path.begin(); part != path.end(); ++part) {
        prefix /= *part;
        struct stat st {};
        if (std::next(part) != path.end() && ::stat(prefix.c_str(), &st) == 0 && !S_ISDIR(st.st_mode))
          return fmt::format("'{}' is a file, not a folder", prefix.string());
      }
      return "a part of it is a file, not a folder";
    }
    case ENAMETOOLONG: {
      std::size_t longest = 0;
      for (const fs::path& part : path) longest = std::max(longest, part.native().size());
      const long name_max = ::pathconf("/", _PC_NAME_MAX);
      return longest > std::size_t(name_max > 0 ? name_max : 255)
                 ? fmt::format("a name in it is {} bytes, more than the {} a file name may have", longest,
                               name_max > 0 ? name_max : 255)
                 : fmt::format("it is {} bytes, longer than a path may be", path.native().size());
    }
    case ELOOP: return "it leads round a loop of symbolic links";
    default: return std::strerror(err);
  }
}

void check_regular_file(const std::filesystem::path& path, const std::string& what, std::uint64_t max_bytes) {
  const std::string source = fmt::format("{} '{}'", what, path.string());
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    const int err = errno;
    if (err == ENOENT || err == ENOTDIR || err == ENAMETOOLONG || err == ELOOP) {
      const std::string why = unreachable_because(path, err);
      throw Error(fmt::format("{} does not exist{}; check the path", source, why.empty() ? "" : " (" + why + ")"));
    }
    throw Error(fmt::format("{} cannot be read ({}); check the path", source, std::strerror(err)));
  }
  check_status(st, source, max_bytes);
}

std::string read_regular_file(const std::filesystem::path& path, const std::string& what, std::uint64_t max_bytes) {
  check_regular_file(path, what, max_bytes);
  const std::string source = fmt::format("{} '{}'", what, path.string());
  // O_NONBLOCK: should a FIFO take the file's place after the check, open() still returns.
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0)
    throw Error(fmt::format("{} cannot be read ({}); check its permissions", source, std::strerror(errno)));
  struct stat st {};
  if (::fstat(fd, &st) != 0) st.st_mode = 0;
  try {
    check_status(st, source, max_bytes);
  } catch (...) {
    ::close(fd);
    throw;
  }
  std::string bytes;
  char buffer[1 << 16];
  for (;;) {
    const ssize_t n = ::read(fd, buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int err = errno;
      ::close(fd);
      throw Error(fmt::format("{} cannot be read ({}); check the file", source, std::strerror(err)));
    }
    if (n == 0) break;
    if (bytes.size() + std::size_t(n) > max_bytes) {
      ::close(fd);
      throw Error(fmt::format("{} grew past the {} this reader accepts while it was read; give a finished file",
                              source, size_in_words(max_bytes)));
    }
    bytes.append(buffer, std::size_t(n));
  }
  ::close(fd);
  return bytes;
}

}  // namespace gmmlab
