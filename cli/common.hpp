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

// Validates the options once (one clear sentence each, in the flags' words; gmmlab::UsageError,
// exit 2, for a value out of range), checks that the photo is a file that can be read, and
// turns them into a ProblemSpec. With --init, the mixture file is read here, once, and K is
// its own; an explicit -k that disagrees is refused.
ProblemSpec problem_spec(const RunOptions& options);

// "log-likelihood -1.950133e+05", the last E-step's, or that no E-step ran (--iterations 0):
// a 0 would read as a value.
std::string last_log_likelihood(const std::vector<double>& log_likelihoods);

// Makes every option of `app` and its subcommands that names an output (-o/--output, --soft,
// --json, --junit, --save-student, --save-reference, --gradescope, --classroom) refuse an empty
// name with a UsageError: CLI11 leaves `-o ''` an empty string, which would otherwise read as
// "not given" and write the default name.
void refuse_empty_output_names(CLI::App& app);

// Loads, Z-scores and initialises the problem problem_spec made; also applies --threads (and
// says when OMP_NUM_THREADS was lowered). Prints notes about the image.
Problem prepare_problem(const ProblemSpec& spec, const RunOptions& options, const Steps& steps,
                        bool keep_raw_pixels = false);


}  // namespace gmmlab::cli
