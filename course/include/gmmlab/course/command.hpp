#pragma once
#include <CLI/CLI.hpp>

namespace gmmlab::course {
// Adds `gmmlab course` (grade, package, gradescope, classroom) to the app.
void add_course_command(CLI::App& app, int& exit_code);
}  // namespace gmmlab::course
