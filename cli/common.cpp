#include "common.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <map>
#include <set>
#include <thread>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/mixture_json.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/worker_pool.hpp"

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

// The flags of the fields the core and the pipeline name in their sentences (FieldError): the
// user typed the flag, so the sentence says the flag.
const std::map<std::string, std::string>& flag_of_field() {
  static const std::map<std::string, std::string> flags{
      {"k", "-k"}, {"max_iterations", "--iterations"}, {"tolerance", "--tol"}, {"ridge", "--reg-covar"}};
  return flags;
}

// Runs `f`, saying a FieldError it throws with the field's flag.
template <class F>
auto in_flags(F&& f) {
  try {
    return f();
  } catch (const FieldError& e) {
    const auto flag = flag_of_field().find(e.field());
    if (flag == flag_of_field().end()) throw;
    throw e.said_as(flag->second);
  }
}

}  // namespace

ProblemSpec problem_spec(const RunOptions& o) {
  ProblemSpec spec;
  if (o.k_given) spec.k = in_flags([&] { return checked_components(o.k); });
  if (o.threads < 0 || o.threads > kMaxThreads)
    throw UsageError(fmt::format("--threads is {}; give 1 to {} (0 for the default; this machine has {} cores)",
                                 o.threads, kMaxThreads, std::thread::hardware_concurrency()));
  in_flags([&] { validate(o.em); });
  spec.image = o.image.empty() ? sample_image() : fs::path(o.image);
  // Before any output is checked: a photo that is not there is the first thing to say.
  check_image_file(spec.image);
  spec.seed = parse_seed(o.seed);
  spec.reg_covar = o.em.reg_covar;
  if (!o.init.empty()) {
    // K comes from the file, before the output names and the memory check use it.
    spec.init = InitFile{fs::path(o.init), read_mixture_file_shapes(o.init)};
    const arma::uword k = spec.init->mixture.components();
    if (o.k_given && spec.k != k)
      throw UsageError(fmt::format("-k {} disagrees with the {} components of --init '{}'; leave -k out or give a "
                                   "matching mixture",
                                   o.k, k, o.init));
    spec.k = k;
  }
  return spec;
}

Problem prepare_problem(const ProblemSpec& spec_in, const RunOptions& o, const Steps& steps, bool keep_raw_pixels) {
  ProblemSpec spec = spec_in;
  spec.keep_raw_pixels = keep_raw_pixels;
  if (const auto env = omp_num_threads(); env && o.threads == 0 && env->given > env->used)
    fmt::print(stderr, "note: OMP_NUM_THREADS={} is more than {} threads; using {}\n", std::getenv("OMP_NUM_THREADS"),
               kMaxThreads, env->used);
  set_reference_threads(o.threads);
  Problem p = in_flags([&] { return prepare(spec, steps); });
  for (const std::string& note : p.image.notes) fmt::print(stderr, "note: {}\n", note);
  return p;
}

std::string last_log_likelihood(const std::vector<double>& ll) {
  return ll.empty() ? "no E-step ran, so there is no log-likelihood (the initial mixture is the result)"
                    : fmt::format("log-likelihood {:.6e}", ll.back());
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
