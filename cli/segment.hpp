#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::cli {
// Adds `gmmlab segment` to the app; the returned callback runs it and gives the exit code.
void add_segment_command(CLI::App& app, int& exit_code);
}  // namespace gmmlab::cli
