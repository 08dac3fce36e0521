#include "gmmlab/temp_folder.hpp"

#include <fmt/format.h>
#include <stdlib.h>

#include <cerrno>
#include <cstring>

#include "gmmlab/errors.hpp"

namespace gmmlab {

namespace fs = std::filesystem;

fs::path make_temp_folder(std::string_view purpose, const fs::path& parent) {
  const char* tmpdir = std::getenv("TMPDIR");
  const fs::path base = !parent.empty() ? parent : fs::path(tmpdir && *tmpdir ? tmpdir : "/tmp");
  std::string pattern = (base / fmt::format("gmmlab-{}-XXXXXX", purpose)).string();
  if (::mkdtemp(pattern.data()) == nullptr)
    throw Error(fmt::format("cannot create a temporary folder in {}: {}; {}", base.string(), std::strerror(errno),
                            parent.empty() ? "set TMPDIR to a folder you can write to"
                                           : "check that the folder exists and that you can write to it"));
  return pattern;
}

TempFolder::TempFolder(std::string_view purpose, const fs::path& parent) : path_(make_temp_folder(purpose, parent)) {}

TempFolder::~TempFolder() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

}  // namespace gmmlab
