// gmmlab: the lab's command-line tool. Every error ends in exit_code.cpp as one line on
// stderr and the exit code of the policy there.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "common.hpp"
#include "exit_code.hpp"
#include "gmmlab/course/command.hpp"
#include "grade.hpp"
#include "segment.hpp"
#include "trace.hpp"
#include "figures.hpp"

int main(int argc, char** argv) {
  CLI::App app{"GMM Lab: colour image segmentation with Gaussian mixtures fitted by EM", "gmmlab"};
  app.require_subcommand(1);
  int exit_code = 0;
  gmmlab::cli::add_segment_command(app, exit_code);
  gmmlab::cli::add_figures_command(app, exit_code);
  gmmlab::cli::add_trace_command(app, exit_code);
  gmmlab::cli::add_grade_command(app, exit_code);
  gmmlab::cli::add_rubric_command(app, exit_code);
  gmmlab::course::add_course_command(app, exit_code);
  gmmlab::cli::refuse_empty_output_names(app);
  return gmmlab::cli::run(app, argc, argv, exit_code);
}
