#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::cli {
// Adds `gmmlab segment` to the app; when it runs, its exit code is stored in `exit_code`.
void add_segment_command(CLI::App& app, int& exit_code);
}  // namespace gmmlab::cli
