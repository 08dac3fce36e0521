#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::cli {
// Adds `gmmlab figures -o DIR`: the handout's teaching pictures, regenerated deterministically.
void add_figures_command(CLI::App& app, int& exit_code);
}  // namespace gmmlab::cli
