#pragma once
// Options and checks shared by the subcommands that run EM on a photo.
#include <CLI/CLI.hpp>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/em.hpp"
#include "gmmlab/pipeline.hpp"

namespace gmmlab::cli {

struct RunOptions {
  std::string image;  // empty: the bundled sample
  long long k = 3;  // signed, so that "-k -1" gets our message rather than a conversion error
  bool k_given = false;
  std::string seed = "0";  // text, so that "-1" and "99999999999999999999" get our message, not a wrap
  std::string init;   // mixture JSON, empty for k-means
  EmOptions em;
  std::string impl = "reference";
  int threads = 0;
};

// Registers IMAGE, -k, --iterations, --tol, --relative-tol, --reg-covar, --seed, --init,
// --impl and --threads on a subcommand.
void add_run_options(CLI::App& command, RunOptions& options);

// The most components and threads a run accepts: more is a typo, not a request (a K this
// large needs gigabytes for the smallest photo; the worker pool would start every thread asked for).
constexpr long long kMaxComponents = 100000;
constexpr int kMaxThreads = 256;

// Validates the options (one clear sentence each; gmmlab::UsageError, exit 2, for a value out
// of range) and turns them into a ProblemSpec. With --init, K is the mixture file's, and an
// explicit -k that disagrees is refused.
ProblemSpec problem_spec(const RunOptions& options);

// Makes every option of `app` and its subcommands that names an output (-o/--output, --soft,
// --json, --junit, --save-student, --save-reference, --gradescope, --classroom) refuse an empty
// name with a UsageError: CLI11 leaves `-o ''` an empty string, which would otherwise read as
// "not given" and write the default name.
void refuse_empty_output_names(CLI::App& app);

// Loads, Z-scores and initialises; also applies --threads. Prints notes about the image.
Problem prepare_problem(const RunOptions& options, const Steps& steps, bool keep_raw_pixels = false);


}  // namespace gmmlab::cli
