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
  std::uint64_t seed = 0;
  std::string init;   // mixture JSON, empty for k-means
  EmOptions em;
  std::string impl = "reference";
  int threads = 0;
};

// Registers IMAGE, -k, --iterations, --tol, --relative-tol, --reg-covar, --seed, --init,
// --impl and --threads on a subcommand.
void add_run_options(CLI::App& command, RunOptions& options);

// Validates the options (one clear sentence each) and turns them into a ProblemSpec.
ProblemSpec problem_spec(const RunOptions& options);

// Loads, Z-scores and initialises; also applies --threads. Prints notes about the image.
Problem prepare_problem(const RunOptions& options, const Steps& steps, bool keep_raw_pixels = false);

// Refuses to write `output` over any of `inputs` (the input is never overwritten).
void refuse_overwrite(const std::filesystem::path& output, const std::vector<std::filesystem::path>& inputs,
                      const std::string& flag);

}  // namespace gmmlab::cli
