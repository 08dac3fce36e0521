#pragma once
// The exit-code policy of every gmmlab command, in one place (README "Exit codes"). Every
// error ends as one line `gmmlab: <sentence>` on stderr, printed here and nowhere else.
#include <exception>

#include <CLI/CLI.hpp>

namespace gmmlab::cli {

enum class ExitCode : int {
  success = 0,      // for trace diff/compare: the runs agree
  failed = 1,       // an input or the run failed: missing or damaged file, EM failed, cannot write
  usage = 2,        // the command line is malformed or a value is out of range
  runs_differ = 3,  // trace diff/compare only
  internal = 4,     // a bug in gmmlab: the message asks to report it
};

inline int to_int(ExitCode c) { return static_cast<int>(c); }

// Prints the one line for the exception `error` and returns its exit code: UsageError (and
// CLI11's parse errors) 2, gmmlab::Error and running out of memory 1, anything else 4.
int report(std::exception_ptr error);

// Parses the command line, which runs the chosen subcommand's callback; returns the code the
// callback left in `exit_code`, or report()'s code when something threw.
int run(CLI::App& app, int argc, char** argv, const int& exit_code);

}  // namespace gmmlab::cli
