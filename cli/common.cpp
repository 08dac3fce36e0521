#include "common.hpp"

#include <fmt/format.h>

#include "gmmlab/errors.hpp"
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
  command.add_option("--seed", o.seed, "Seed of the k-means initialisation (default 0)");
  command.add_option("--init", o.init, "Initial mixture JSON (skips k-means)");
  command.add_option("--impl", o.impl, "Implementation to run: reference or student (default reference)");
  command.add_option("--threads", o.threads, "Threads for the reference (default: OMP_NUM_THREADS, else every core)");
}

ProblemSpec problem_spec(const RunOptions& o) {
  if (o.k_given && o.k < 1) throw UsageError(fmt::format("-k is {}; give at least 1 component", o.k));
  if (o.threads < 0) throw UsageError(fmt::format("--threads is {}; give 1 or more (0 for the default)", o.threads));
  validate(o.em);
  ProblemSpec spec;
  spec.image = o.image.empty() ? sample_image() : fs::path(o.image);
  spec.k = arma::uword(o.k);
  spec.seed = o.seed;
  if (!o.init.empty()) spec.init = fs::path(o.init);
  return spec;
}

Problem prepare_problem(const RunOptions& o, const Steps& steps) {
  const ProblemSpec spec = problem_spec(o);
  set_reference_threads(o.threads);
  Problem p = prepare(spec, steps);
  if (spec.init && o.k_given && p.initial.components() != arma::uword(o.k))
    throw UsageError(fmt::format("-k {} disagrees with the {} components of --init '{}'; leave -k out or give a "
                                 "matching mixture",
                                 o.k, p.initial.components(), o.init));
  for (const std::string& note : p.image.notes) fmt::print(stderr, "note: {}\n", note);
  return p;
}

void refuse_overwrite(const fs::path& output, const std::vector<fs::path>& inputs, const std::string& flag) {
  std::error_code ec;
  for (const fs::path& input : inputs) {
    const bool same = fs::exists(output, ec) ? fs::equivalent(output, input, ec)
                                             : fs::weakly_canonical(output, ec) == fs::weakly_canonical(input, ec);
    if (same)
      throw Error(fmt::format("{} '{}' is the input file; the input is never overwritten, choose another name", flag,
                              output.string()));
  }
}

}  // namespace gmmlab::cli
