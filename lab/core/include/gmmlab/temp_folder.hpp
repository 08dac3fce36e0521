#pragma once
// Temporary folders, the one way the project makes them: mkdtemp under a parent ($TMPDIR, else
// /tmp, unless one is given), so the name cannot be guessed and the folder is its maker's alone
// (mode 0700) from the moment it exists: no other user can plant a file or a link in it first.
#include <filesystem>
#include <string_view>

namespace gmmlab {

// Creates PARENT/gmmlab-PURPOSE-XXXXXX and returns it; the caller removes it. Throws
// gmmlab::Error naming the parent and what to do when it cannot.
std::filesystem::path make_temp_folder(std::string_view purpose, const std::filesystem::path& parent = {});

// The same, removed with all it holds when this goes out of scope.
class TempFolder {
 public:
  explicit TempFolder(std::string_view purpose, const std::filesystem::path& parent = {});
  ~TempFolder();
  TempFolder(const TempFolder&) = delete;
  TempFolder& operator=(const TempFolder&) = delete;
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace gmmlab
