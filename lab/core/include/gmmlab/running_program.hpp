#pragma once
// Where the running program is, for what is installed or built beside it (the student worker,
// the sample photos of an install).
#include <filesystem>
#include <optional>

namespace gmmlab {

// The running executable's path (/proc/self/exe), or none when the system does not say.
std::optional<std::filesystem::path> running_program();

}  // namespace gmmlab
