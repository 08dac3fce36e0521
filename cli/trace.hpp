#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::cli {
// Adds `gmmlab trace record|show|diff|compare|plot|film` to the app; each callback sets the
// exit code (cli/exit_code.hpp; diff and compare: 0 agree, 3 differ).
void add_trace_command(CLI::App& app, int& exit_code);
}  // namespace gmmlab::cli
