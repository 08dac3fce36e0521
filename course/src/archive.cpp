#include "gmmlab/course/archive.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <system_error>

#include "gmmlab/output_path.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {

struct ReadArchive {
  archive* a = archive_read_new();
  ~ReadArchive() { archive_read_free(a); }
};

// Submissions come as .zip or .tar(.gz): nothing else is read, so an odd format cannot reach
// a rarely used decoder.
void open_for_reading(ReadArchive& r, const fs::path& path) {
  archive_read_support_filter_gzip(r.a);
  archive_read_support_format_zip(r.a);
  archive_read_support_format_tar(r.a);
  if (archive_read_open_filename(r.a, path.c_str(), 64 * 1024) != ARCHIVE_OK)
    throw ArchiveRefused(fmt::format("it cannot be read as a .zip or .tar.gz ({})", archive_error_string(r.a)));
}

// The parts of an entry's path, or a refusal. Backslashes count as separators: a zip made on
// Windows may use them, and "..\\" climbs out just as well there.
std::vector<std::string> safe_parts(const std::string& name) {
  if (name.empty()) throw ArchiveRefused("it holds an entry with an empty name");
  if (name.front() == '/' || name.front() == '\\' || (name.size() > 1 && name[1] == ':'))
    throw ArchiveRefused(fmt::format("it holds an absolute path: {}", name));
  std::vector<std::string> parts;
  std::string part;
  auto flush = [&] {
    if (part == "..") throw ArchiveRefused(fmt::format("it holds a path that climbs out of its folder: {}", name));
    if (!part.empty() && part != ".") parts.push_back(part);
    part.clear();
  };
  for (char c : name) {
    if (c == '/' || c == '\\') flush();
    else if (c == '\0') throw ArchiveRefused("it holds a file name with a NUL byte");
    else part += c;
  }
  flush();
  return parts;
}

void extract_entries(ReadArchive& r, const fs::path& archive_path, const fs::path& dest, const UnpackLimits& limits) {
  const std::uint64_t archive_bytes = std::max<std::uint64_t>(1, fs::file_size(archive_path));
  std::uint64_t total = 0;
  std::size_t entries = 0;
  std::vector<char> buffer(64 * 1024);
  archive_entry* entry = nullptr;
  for (;;) {
    const int status = archive_read_next_header(r.a, &entry);
    if (status == ARCHIVE_EOF) break;
    if (status < ARCHIVE_WARN)
      throw ArchiveRefused(fmt::format("it is damaged ({})", archive_error_string(r.a)));
    if (++entries > limits.max_entries)
      throw ArchiveRefused(fmt::format("it holds more than {} entries", limits.max_entries));
    const char* raw_name = archive_entry_pathname(entry);
    const std::string name = raw_name ? raw_name : "";
    const std::vector<std::string> parts = safe_parts(name);
    if (archive_entry_hardlink(entry)) throw ArchiveRefused(fmt::format("it holds a hard link: {}", name));
    const auto type = archive_entry_filetype(entry);
    if (type == AE_IFLNK) throw ArchiveRefused(fmt::format("it holds a symbolic link: {}", name));
    if (type != AE_IFREG && type != AE_IFDIR)
      throw ArchiveRefused(fmt::format("it holds something that is neither a file nor a folder: {}", name));
    if (parts.empty()) continue;  // "./"
    fs::path target = dest;
    for (const std::string& p : parts) target /= p;
    std::error_code ec;
    if (type == AE_IFDIR) {
      fs::create_directories(target, ec);
      if (ec) throw ArchiveRefused(fmt::format("its folder {} clashes with a file of the same name", name));
      continue;
    }
    fs::create_directories(target.parent_path(), ec);
    if (ec) throw ArchiveRefused(fmt::format("its file {} sits under a file of the same name", name));
    if (archive_entry_size_is_set(entry) && static_cast<std::uint64_t>(archive_entry_size(entry)) > limits.max_file_bytes)
      throw ArchiveRefused(fmt::format("its file {} is larger than {} MB", name, limits.max_file_bytes >> 20));
    // O_EXCL: the same name twice is refused rather than overwritten; O_NOFOLLOW: nothing we
    // create is a link, and this keeps it so.
    const int fd = ::open(target.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd < 0) throw ArchiveRefused(fmt::format("it holds the file {} twice", name));
    std::uint64_t file_bytes = 0;
    for (;;) {
      const la_ssize_t n = archive_read_data(r.a, buffer.data(), buffer.size());
      if (n == 0) break;
      if (n < 0) {
        ::close(fd);
        throw ArchiveRefused(fmt::format("its file {} is damaged ({})", name, archive_error_string(r.a)));
      }
      file_bytes += static_cast<std::uint64_t>(n);
      total += static_cast<std::uint64_t>(n);
      const char* why = nullptr;
      if (file_bytes > limits.max_file_bytes) why = "one file";
      else if (total > limits.max_total_bytes) why = "all files";
      else if (total > (1u << 20) && static_cast<double>(total) / static_cast<double>(archive_bytes) > limits.max_ratio)
        why = "the compression ratio";
      if (why) {
        ::close(fd);
        throw ArchiveRefused(fmt::format(
            "it unpacks to more than a submission can hold ({} past the limit of {} MB per file, {} MB in all, "
            "ratio {}): a zip bomb or not a submission",
            why, limits.max_file_bytes >> 20, limits.max_total_bytes >> 20, limits.max_ratio));
      }
      if (::write(fd, buffer.data(), static_cast<std::size_t>(n)) != n) {
        ::close(fd);
        throw Error(fmt::format("cannot write {}; is the disk full?", target.string()));
      }
    }
    ::close(fd);
  }
}

}  // namespace

void unpack_submission(const fs::path& archive_path, const fs::path& dest, const UnpackLimits& limits) {
  if (fs::exists(dest)) throw Error(fmt::format("{} exists already; unpack into a fresh folder", dest.string()));
  fs::create_directories(dest);
  try {
    ReadArchive r;
    open_for_reading(r, archive_path);
    extract_entries(r, archive_path, dest, limits);
  } catch (...) {
    std::error_code ec;
    fs::remove_all(dest, ec);
    throw;
  }
}

namespace {
struct WriteArchive {
  archive* a = archive_write_new();
  ~WriteArchive() { archive_write_free(a); }
};

// libarchive's output, gathered in memory: the archive is then written whole (OutputSet).
la_ssize_t append_to_string(archive*, void* bytes, const void* buffer, size_t size) {
  static_cast<std::string*>(bytes)->append(static_cast<const char*>(buffer), size);
  return static_cast<la_ssize_t>(size);
}
}  // namespace

void write_archive(const fs::path& output, const std::vector<ArchiveMember>& members, ArchiveFormat format) {
  std::string bytes;
  {
    WriteArchive w;
    if (format == ArchiveFormat::zip) {
      archive_write_set_format_zip(w.a);
    } else {
      archive_write_set_format_pax_restricted(w.a);
      archive_write_add_filter_gzip(w.a);
      archive_write_set_filter_option(w.a, "gzip", "timestamp", nullptr);  // no time in the gzip header
    }
    archive_write_set_bytes_in_last_block(w.a, 1);  // no padding after the last entry
    if (archive_write_open(w.a, &bytes, nullptr, append_to_string, nullptr) != ARCHIVE_OK)
      throw Error(fmt::format("cannot write {} ({}); check the folder exists and is writable", output.string(),
                              archive_error_string(w.a)));
    std::vector<char> buffer(256 * 1024);
    for (const ArchiveMember& m : members) {
      std::ifstream in(m.source, std::ios::binary);
      if (!in) throw Error(fmt::format("cannot read {} to put into {}", m.source.string(), output.string()));
      std::unique_ptr<archive_entry, decltype(&archive_entry_free)> e(archive_entry_new(), archive_entry_free);
      archive_entry_set_pathname(e.get(), m.name.c_str());
      archive_entry_set_filetype(e.get(), AE_IFREG);
      archive_entry_set_perm(e.get(), m.executable ? 0755 : 0644);
      archive_entry_set_size(e.get(), static_cast<la_int64_t>(fs::file_size(m.source)));
      archive_entry_set_mtime(e.get(), 1700000000, 0);  // fixed: the same files give the same archive
      if (archive_write_header(w.a, e.get()) != ARCHIVE_OK)
        throw Error(fmt::format("cannot add {} to {} ({})", m.name, output.string(), archive_error_string(w.a)));
      while (in) {
        in.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
        if (in.gcount() > 0 && archive_write_data(w.a, buffer.data(), static_cast<std::size_t>(in.gcount())) < 0)
          throw Error(fmt::format("cannot write {} ({})", output.string(), archive_error_string(w.a)));
      }
    }
    if (archive_write_close(w.a) != ARCHIVE_OK)
      throw Error(fmt::format("cannot finish {} ({}); is the disk full?", output.string(), archive_error_string(w.a)));
  }
  write_file_whole(output, std::move(bytes));
}

std::vector<std::string> list_archive(const fs::path& path) {
  ReadArchive r;
  try {
    open_for_reading(r, path);
  } catch (const ArchiveRefused& e) {
    throw Error(fmt::format("{}: {}", path.string(), e.what()));
  }
  std::vector<std::string> names;
  archive_entry* entry = nullptr;
  int status;
  while ((status = archive_read_next_header(r.a, &entry)) == ARCHIVE_OK || status == ARCHIVE_WARN) {
    const char* name = archive_entry_pathname(entry);
    names.emplace_back(name ? name : "");
    archive_read_data_skip(r.a);
  }
  if (status != ARCHIVE_EOF) throw Error(fmt::format("{} is damaged ({})", path.string(), archive_error_string(r.a)));
  return names;
}

}  // namespace gmmlab::course
