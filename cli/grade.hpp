#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::cli {

// `gmmlab grade [SUBMISSION]`: compiles a submission folder, runs the grader's checks on it in
// sandboxed workers and prints (and writes) the marks. See grader/README.md.
void add_grade_command(CLI::App& app, int& exit_code);
// `gmmlab rubric FILE`: an instructor's edited rubric checked, and what it changes.
void add_rubric_command(CLI::App& app, int& exit_code);

}  // namespace gmmlab::cli
