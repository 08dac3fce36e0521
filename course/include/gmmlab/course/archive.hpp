#pragma once
// Reading and writing the archives a course handles: students' .zip/.tar.gz submissions
// (untrusted: unpacked with limits, never outside their own folder) and the bundles the course
// kit writes (the student package, Gradescope's autograder.zip).
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/errors.hpp"

namespace gmmlab::course {

// An archive we will not unpack; what() says why in one sentence ("it holds a path that
// climbs out of its folder: ../../etc/passwd").
class ArchiveRefused : public Error {
 public:
  using Error::Error;
};

// Limits for one submission. A submission is three small source files: anything near these
// is not a submission, and a zip bomb hits them long before it fills a disk.
struct UnpackLimits {
  std::size_t max_entries = 500;
  std::uint64_t max_file_bytes = 4ull << 20;    // one file
  std::uint64_t max_total_bytes = 16ull << 20;  // everything unpacked
  double max_ratio = 200;                       // unpacked bytes / archive bytes, once past 1 MB
};

// Unpacks the .zip or .tar.gz `archive` into `dest`, which must not exist yet. Refuses (throws
// ArchiveRefused, leaving nothing of `dest` behind) an absolute path, a path with "..", a link
// (symbolic or hard), a device or fifo, the same file twice, or a limit exceeded. Sizes are
// counted on the bytes actually decompressed, never trusted from headers.
void unpack_submission(const std::filesystem::path& archive, const std::filesystem::path& dest,
                       const UnpackLimits& limits = {});

// A file to put into an archive we write: its path inside the archive and its bytes on disk.
struct ArchiveMember {
  std::string name;               // e.g. "gmm-lab/README.md"
  std::filesystem::path source;   // a regular file
  bool executable = false;        // mode 0755 instead of 0644
};
enum class ArchiveFormat { tar_gz, zip };
// Writes `members` (in the given order) to `output`, whole or not at all (OutputSet).
// Timestamps are fixed and owners zeroed, so the same members give the same bytes.
void write_archive(const std::filesystem::path& output, const std::vector<ArchiveMember>& members,
                   ArchiveFormat format);
// The names of the entries of an archive, in order (for tests and checks).
std::vector<std::string> list_archive(const std::filesystem::path& archive);

}  // namespace gmmlab::course
