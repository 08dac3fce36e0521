#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::cli {
// Adds `gmmlab trace record|show|diff|compare|plot|film` to the app; each callback sets the
// exit code (diff and compare: 0 agree, 1 differ, 2 bad input).
void add_trace_command(CLI::App& app, int& exit_code);
}  // namespace gmmlab::cli
