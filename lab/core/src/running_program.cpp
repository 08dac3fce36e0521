#include "gmmlab/running_program.hpp"

namespace gmmlab {

std::optional<std::filesystem::path> running_program() {
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (ec) return std::nullopt;
  return self;
}

}  // namespace gmmlab
