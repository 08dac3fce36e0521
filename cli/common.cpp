#include "common.hpp"

#include <fmt/format.h>

#include <charconv>
#include <algorithm>
#include <cstdlib>
#include <set>
#include <thread>

#include "gmmlab/errors.hpp"
#include "gmmlab/mixture_json.hpp"
#include "gmmlab/reference.hpp"

namespace fs = std::filesystem;

namespace gmmlab::cli {

void add_run_options(CLI::App& command, RunOptions& o) {
  command.add_option("IMAGE", o.image, "Photo to segment (default: the bundled sample, lab/data/chelsea.png)");
  command.add_option("-k,--components", o.k, "Number of Gaussian components K (default 3)")
      ->each([&o](const std::string&) { o.k_given = true; });
  command.add_option("--iterations", o.em.max_iterations, "Iteration cap (default 500)");
  command.add_option("--tol", o.em.tolerance, "Stop when the log-likelihood changes by less than this (default 1e-10)");
  command.add_flag("--relative-tol", o.em.relative_tolerance, "Make --tol relative to |log-likelihood|");
  command.add_option("--reg-covar", o.em.reg_covar, "Ridge added to each covariance's diagonal (default 1e-6; 0 allowed)");
  command.add_option("--seed", o.seed, "Seed of the k-means initialisation, 0 to 2^64-1 (default 0)");
  command.add_option("--init", o.init, "Initial mixture JSON (skips k-means)");
  command.add_option("--impl", o.impl, "Implementation to run: reference or student (default reference)");
  command.add_option("--threads", o.threads,
                     fmt::format("Threads for the reference and k-means, at most {} (default: OMP_NUM_THREADS, else "
                                 "every core)",
                                 kMaxThreads));
}

namespace {

std::uint64_t parse_seed(const std::string& text) {
  std::uint64_t seed = 0;
  const char* end = text.data() + text.size();
  const auto [at, error] = std::from_chars(text.data(), end, seed);
  if (text.empty() || error != std::errc() || at != end)
    throw UsageError(fmt::format("--seed '{}' is not a whole number from 0 to {}; give one such as 0 or 42", text,
                                 UINT64_MAX));
  return seed;
}

// --threads, or OMP_NUM_THREADS bounded: the worker pool (gmmlab/worker_pool.hpp) starts every
// thread it is told to, and thousands of threads only compete for a few cores.
int bounded_threads(int requested) {
  if (requested > 0) return requested;
  const char* env = std::getenv("OMP_NUM_THREADS");
  if (env == nullptr) return 0;
  const long first = std::strtol(env, nullptr, 10);  // "8", or "8,4" for nested levels
  if (first <= kMaxThreads) return 0;
  fmt::print(stderr, "note: OMP_NUM_THREADS={} is more than {} threads; using {}\n", env, kMaxThreads, kMaxThreads);
  return kMaxThreads;
}

}  // namespace

ProblemSpec problem_spec(const RunOptions& o) {
  if (o.k_given && o.k < 1) throw UsageError(fmt::format("-k is {}; give at least 1 component", o.k));
  if (o.k_given && o.k > kMaxComponents)
    throw UsageError(fmt::format("-k is {}; give at most {} components (a few are usual: 2 to 10)", o.k,
                                 kMaxComponents));
  if (o.threads < 0 || o.threads > kMaxThreads)
    throw UsageError(fmt::format("--threads is {}; give 1 to {} (0 for the default; this machine has {} cores)",
                                 o.threads, kMaxThreads, std::thread::hardware_concurrency()));
  validate(o.em);
  ProblemSpec spec;
  spec.image = o.image.empty() ? sample_image() : fs::path(o.image);
  spec.k = arma::uword(o.k);
  spec.seed = parse_seed(o.seed);
  spec.reg_covar = o.em.reg_covar;
  if (!o.init.empty()) {
    // K comes from the file, before the output names and the memory check use it.
    spec.init = fs::path(o.init);
    const arma::uword k = mixture_file_components(*spec.init);
    if (o.k_given && arma::uword(o.k) != k)
      throw UsageError(fmt::format("-k {} disagrees with the {} components of --init '{}'; leave -k out or give a "
                                   "matching mixture",
                                   o.k, k, o.init));
    spec.k = k;
  }
  return spec;
}

Problem prepare_problem(const RunOptions& o, const Steps& steps, bool keep_raw_pixels) {
  ProblemSpec spec = problem_spec(o);
  spec.keep_raw_pixels = keep_raw_pixels;
  set_reference_threads(bounded_threads(o.threads));
  Problem p = prepare(spec, steps);
  for (const std::string& note : p.image.notes) fmt::print(stderr, "note: {}\n", note);
  return p;
}

void refuse_empty_output_names(CLI::App& app) {
  static const std::set<std::string> kOutputs{"output", "soft", "json", "junit", "save-student", "save-reference",
                                              "gradescope", "classroom"};
  for (CLI::Option* option : app.get_options()) {
    const auto& names = option->get_lnames();
    if (std::none_of(names.begin(), names.end(), [](const std::string& n) { return kOutputs.contains(n); })) continue;
    const std::string flag = option->get_snames().empty() ? "--" + names.front() : "-" + option->get_snames().front();
    option->check(CLI::Validator(
        [flag](std::string& value) {
          if (value.empty())
            throw UsageError(fmt::format("{} '' is an empty output name; give a file name", flag));
          return std::string();
        },
        ""));
  }
  for (CLI::App* sub : app.get_subcommands({})) refuse_empty_output_names(*sub);
}

}  // namespace gmmlab::cli
