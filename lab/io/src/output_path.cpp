#include "gmmlab/output_path.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <fmt/ranges.h>
#include <sys/stat.h>
#include <unistd.h>

#include <array>
#include <csignal>
#include <cstdio>
#include <cstring>

#include "gmmlab/errors.hpp"
#include "gmmlab/input_file.hpp"

namespace fs = std::filesystem;

namespace gmmlab {

namespace {

fs::path folder_of(const fs::path& path) { return path.has_parent_path() ? path.parent_path() : fs::path("."); }

// Why a path that exists cannot be an output, or "" when it can (a regular file).
std::string refusal(const fs::path& path) {
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) return {};  // a new name
  if (S_ISREG(st.st_mode)) return {};
  if (S_ISLNK(st.st_mode)) {
    std::error_code ec;
    const fs::path target = fs::read_symlink(path, ec);
    return fmt::format("is a symbolic link (to '{}'); outputs are never written through or over a link, so give "
                       "the file it points to or another name",
                       target.string());
  }
  if (S_ISDIR(st.st_mode)) return "is a folder; give a file name";
  if (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))
    return "is a device, not a file; it is never replaced, so give a file name";
  if (S_ISFIFO(st.st_mode)) return "is a FIFO (named pipe), not a file; it is never replaced, so give a file name";
  return "is not a regular file (a socket?); give a file name";
}

// The longest file name the folder's file system takes (255 on Linux's).
std::size_t name_max(const fs::path& folder) {
  const long n = ::pathconf(folder.c_str(), _PC_NAME_MAX);
  return n > 0 ? std::size_t(n) : 255;
}

// A temporary file beside `path`, hidden, removed by the caller. Its name is the target's,
// cut so that the dot and the 7 characters mkstemp adds still fit a file name: a target of
// 250 bytes is a name the folder takes, and must not fail for its temporary's sake.
int make_temporary(const fs::path& path, std::string& temp) {
  const std::string name = path.filename().string();
  const std::size_t room = name_max(folder_of(path)) - 8;
  temp = (folder_of(path) / fmt::format(".{}.XXXXXX", name.substr(0, room))).string();
  return ::mkstemp(temp.data());
}

// Why `folder` cannot take an output, or "" when it can hold one (it is a folder). The sentence
// goes after "<flag> '<path>': " or "cannot write '<path>': ".
std::string folder_refusal(const fs::path& folder) {
  struct stat st {};
  if (::stat(folder.c_str(), &st) == 0)
    return S_ISDIR(st.st_mode) ? std::string()
                               : fmt::format("'{}' is a file, not a folder; give a name in a folder", folder.string());
  const int err = errno;
  if (err == ENOENT) return fmt::format("the folder '{}' does not exist; create it first", folder.string());
  return fmt::format("the folder '{}' cannot be reached: {}; give a folder that is there", folder.string(),
                     unreachable_because(folder, err));
}

void check_one(const OutputFile& out) {
  const std::string quoted = fmt::format("{} '{}'", out.flag, out.path.string());
  if (out.path.empty() || !out.path.has_filename())
    throw Error(fmt::format("{} names no file; give a file name", quoted));
  if (const std::string why = refusal(out.path); !why.empty()) throw Error(fmt::format("{} {}", quoted, why));
  const fs::path folder = folder_of(out.path);
  if (const std::string why = folder_refusal(folder); !why.empty()) throw Error(fmt::format("{}: {}", quoted, why));
  if (const std::size_t bytes = out.path.filename().native().size(), most = name_max(folder); bytes > most)
    throw Error(fmt::format("{}: its file name is {} bytes, more than the {} a file name may have; give a shorter "
                            "name",
                            quoted, bytes, most));
  // The same step as the real write, with nothing left behind (root ignores permission bits,
  // so asking access() would not do).
  std::string temp;
  const int fd = make_temporary(out.path, temp);
  if (fd < 0)
    throw Error(fmt::format("{} cannot be written: {}; choose a folder you can write to", quoted,
                            std::strerror(errno)));
  ::close(fd);
  ::unlink(temp.c_str());
}

// SIGINT, SIGTERM and SIGHUP only set a flag while files are written (in any thread: the
// worker pool's threads would take a blocked signal), and are raised again once every temporary
// file is renamed or removed.
volatile std::sig_atomic_t g_deferred_signal = 0;
extern "C" void defer_signal(int sig) { g_deferred_signal = sig; }

class SignalsDeferred {
 public:
  SignalsDeferred() {
    g_deferred_signal = 0;
    struct sigaction defer {};
    defer.sa_handler = defer_signal;
    defer.sa_flags = SA_RESTART;
    sigemptyset(&defer.sa_mask);
    for (std::size_t i = 0; i < kDeferred.size(); ++i) ::sigaction(kDeferred[i], &defer, &saved_[i]);
    // Past a file size limit (ulimit -f) write() then fails with EFBIG, which is reported.
    struct sigaction ignore {};
    ignore.sa_handler = SIG_IGN;
    sigemptyset(&ignore.sa_mask);
    ::sigaction(SIGXFSZ, &ignore, &saved_xfsz_);
  }
  ~SignalsDeferred() {
    ::sigaction(SIGXFSZ, &saved_xfsz_, nullptr);
    for (std::size_t i = 0; i < kDeferred.size(); ++i) ::sigaction(kDeferred[i], &saved_[i], nullptr);
    if (const int sig = g_deferred_signal) ::raise(sig);
  }
  SignalsDeferred(const SignalsDeferred&) = delete;
  SignalsDeferred& operator=(const SignalsDeferred&) = delete;

 private:
  static constexpr std::array<int, 3> kDeferred{SIGINT, SIGTERM, SIGHUP};
  std::array<struct sigaction, 3> saved_{};
  struct sigaction saved_xfsz_ {};
};

// Writes `bytes` to a new temporary beside `path`; returns 0 or the errno.
int write_temporary(const fs::path& path, const std::string& bytes, std::string& temp) {
  const int fd = make_temporary(path, temp);
  if (fd < 0) {
    temp.clear();
    return errno;
  }
  std::size_t done = 0;
  while (done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      const int err = n < 0 ? errno : ENOSPC;
      ::close(fd);
      return err;
    }
    done += std::size_t(n);
  }
  const mode_t mask = ::umask(0);
  ::umask(mask);
  ::fchmod(fd, 0666 & ~mask);
  return ::close(fd) == 0 ? 0 : errno;
}

// Puts the written temporary `temp` at `path`; returns 0 or an errno, or sets `refused` to why
// not. The target was checked just before, but a FIFO, a device or a link may still take its
// place in between, and rename() would replace it. Linux's renameat2 closes that window:
// - a new name is taken with RENAME_NOREPLACE, which fails rather than replace anything that
//   appeared there meanwhile (then the name is looked at again);
// - an existing file is swapped with RENAME_EXCHANGE, and what was swapped out is looked at:
//   a regular file is removed; anything else is swapped back, untouched, and refused. So a
//   non-regular file is at worst moved away and back (the same inode) for microseconds, never
//   replaced or lost.
// What remains: where renameat2 is not supported (kernels before 3.15, file systems such as
// some network ones: EINVAL, ENOSYS), plain rename() is used and the window between the check
// and the rename (microseconds) is open; and the folders of the path are trusted, so a folder
// swapped for a link during the write is followed.
int put_in_place(const std::string& temp, const fs::path& path, std::string& refused) {
  for (int attempt = 0; attempt < 3; ++attempt) {
    struct stat st {};
    const bool exists = ::lstat(path.c_str(), &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
      refused = refusal(path);
      return 0;
    }
    const unsigned flags = exists ? RENAME_EXCHANGE : RENAME_NOREPLACE;
    if (::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), flags) != 0) {
      if (errno == EEXIST || errno == ENOENT) continue;  // the name changed since lstat: look again
      if (errno == EINVAL || errno == ENOSYS || errno == ENOTSUP) break;
      return errno;
    }
    if (!exists) return 0;
    // `temp` now names what was at `path`.
    struct stat old {};
    if (::lstat(temp.c_str(), &old) == 0 && !S_ISREG(old.st_mode)) {
      refused = refusal(temp);
      ::renameat2(AT_FDCWD, temp.c_str(), AT_FDCWD, path.c_str(), RENAME_EXCHANGE);
      return 0;
    }
    ::unlink(temp.c_str());
    return 0;
  }
  return ::rename(temp.c_str(), path.c_str()) == 0 ? 0 : errno;
}

std::string advice(int err) {
  return err == ENOSPC || err == EFBIG || err == EDQUOT ? "free some space or choose another folder"
                                                        : "choose a folder you can write to";
}

}  // namespace

bool same_file(const fs::path& a, const fs::path& b) {
  std::error_code ec;
  if (fs::exists(a, ec) && fs::exists(b, ec)) return fs::equivalent(a, b, ec);
  const fs::path ca = fs::weakly_canonical(fs::absolute(a, ec), ec);
  if (ec) return false;
  const fs::path cb = fs::weakly_canonical(fs::absolute(b, ec), ec);
  return !ec && ca == cb;
}

void check_outputs(const std::vector<OutputFile>& outputs, const std::vector<fs::path>& inputs) {
  for (std::size_t i = 0; i < outputs.size(); ++i) {
    const OutputFile& out = outputs[i];
    for (const fs::path& input : inputs)
      if (!input.empty() && same_file(out.path, input))
        throw UsageError(fmt::format("{} '{}' is the input file '{}'; an input is never overwritten, so choose another "
                                "name",
                                out.flag, out.path.string(), input.string()));
    for (std::size_t j = 0; j < i; ++j)
      if (same_file(out.path, outputs[j].path))
        throw UsageError(fmt::format("{} and {} both name '{}'; one would replace the other, so give each its own name",
                                outputs[j].flag, out.flag, out.path.string()));
    check_one(out);
  }
}

void OutputSet::add(fs::path path, std::string bytes) { files_.push_back({std::move(path), std::move(bytes)}); }

void OutputSet::commit() {
  const SignalsDeferred deferred;
  std::vector<std::string> temps;
  const auto remove_temps = [&] {
    for (const std::string& t : temps)
      if (!t.empty()) ::unlink(t.c_str());
  };
  const std::string nothing = files_.size() > 1 ? "; none of the outputs was written" : "";
  for (const Pending& f : files_) {
    // The check before the work may be minutes old: never replace what is not a regular file.
    if (const std::string why = refusal(f.path); !why.empty()) {
      remove_temps();
      throw Error(fmt::format("cannot write '{}': it {}{}", f.path.string(), why, nothing));
    }
    if (const std::string why = folder_refusal(folder_of(f.path)); !why.empty()) {
      remove_temps();
      throw Error(fmt::format("cannot write '{}': {}{}", f.path.string(), why, nothing));
    }
    std::string temp;
    const int err = write_temporary(f.path, f.bytes, temp);
    temps.push_back(temp);
    if (err != 0) {
      remove_temps();
      throw Error(fmt::format("cannot write '{}': {}; {}{}", f.path.string(), std::strerror(err), advice(err), nothing));
    }
  }
  std::vector<std::string> written;
  for (std::size_t i = 0; i < files_.size(); ++i) {
    std::string refused;
    const int err = put_in_place(temps[i], files_[i].path, refused);
    if (err != 0 || !refused.empty()) {
      for (std::size_t j = i; j < temps.size(); ++j) ::unlink(temps[j].c_str());
      const std::string why = err != 0 ? fmt::format("{}; {}", std::strerror(err), advice(err)) : "it " + refused;
      throw Error(fmt::format("cannot write '{}': {}{}", files_[i].path.string(), why,
                              written.empty() ? nothing
                                              : fmt::format(" (already written: '{}')", fmt::join(written, "', '"))));
    }
    written.push_back(files_[i].path.string());
  }
  files_.clear();
}

void write_file_whole(const fs::path& path, std::string bytes) {
  OutputSet set;
  set.add(path, std::move(bytes));
  set.commit();
}

}  // namespace gmmlab
