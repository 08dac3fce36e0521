// gmmlab: the lab's command-line tool. Every error a user can cause ends here as one line
// on stderr and a non-zero exit.
#include <fmt/format.h>

#include <CLI/CLI.hpp>

#include "gmmlab/course/command.hpp"
#include "gmmlab/errors.hpp"
#include "grade.hpp"
#include "segment.hpp"
#include "trace.hpp"

int main(int argc, char** argv) {
  CLI::App app{"GMM Lab: colour image segmentation with Gaussian mixtures fitted by EM", "gmmlab"};
  app.require_subcommand(1);
  int exit_code = 0;
  gmmlab::cli::add_segment_command(app, exit_code);
  gmmlab::cli::add_trace_command(app, exit_code);
  gmmlab::cli::add_grade_command(app, exit_code);
  gmmlab::course::add_course_command(app, exit_code);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr, "gmmlab: {}; run 'gmmlab --help' for usage\n", e.what());
    return 2;
  } catch (const gmmlab::Error& e) {
    fmt::print(stderr, "gmmlab: {}\n", e.what());
    return 1;
  } catch (const std::bad_alloc&) {
    fmt::print(stderr, "gmmlab: out of memory; try a smaller image or a smaller K\n");
    return 1;
  } catch (const std::exception& e) {
    // Not an error a user can cause: still one line, never a core dump.
    fmt::print(stderr, "gmmlab: internal error: {}; please report it with the command you ran\n", e.what());
    return 3;
  }
  return exit_code;
}
