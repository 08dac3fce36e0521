#include "segment.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <optional>

#include "common.hpp"
#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/mixture_json.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/progress.hpp"
#include "gmmlab/render.hpp"
#include "implementations.hpp"

namespace fs = std::filesystem;

namespace gmmlab::cli {

namespace {

struct SegmentOptions {
  RunOptions run;
  std::string output, soft, json, palette = palette_name(Palette::lab);
  bool quiet = false;
};

// --palette's value, checked before any work like every other flag.
Palette parse_palette(const std::string& name) {
  if (auto p = from_name(name, kPalettes, palette_name)) return *p;
  throw UsageError(fmt::format("--palette {} is not a palette; choose {} (okabe-ito is colour-blind safe)", name,
                               name_choices(kPalettes, palette_name)));
}

double since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::string default_output(const fs::path& image, arma::uword k) {
  return fmt::format("{}-k{}.png", image.stem().string(), k);
}

// EM never lowers the log-likelihood with the exact formulas; the ridge lowers it by about
// 5e-11 of its size an iteration on the sample (docs/architecture.md), rounding by far less. A
// fall beyond 1e-6 relative (1e-9 without a ridge) is a wrong step, whatever "converged" says.
std::optional<std::string> log_likelihood_fall(const EmOutcome& outcome, const EmOptions& em) {
  const double allowed = em.reg_covar > 0 ? 1e-6 : 1e-9;
  const auto& ll = outcome.log_likelihood;
  for (std::size_t i = 1; i < ll.size(); ++i)
    if (ll[i] < ll[i - 1] - allowed * std::abs(ll[i - 1]))
      return fmt::format("your EM's log-likelihood fell from {:.6e} to {:.6e} at iteration {} (its E-step, on the "
                         "mixture iteration {}'s M-step made), more than the covariance ridge or rounding can explain "
                         "(EM never lowers it with the right formulas); run 'gmmlab grade' to see which step is wrong",
                         ll[i - 1], ll[i], i + 1, i);
  return std::nullopt;
}

int run_segment(const SegmentOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  const Palette palette = parse_palette(o.palette);
  const std::unique_ptr<Steps> steps = make_implementation(o.run.impl);
  const ProblemSpec spec = problem_spec(o.run);

  // Check every output before the work, so a bad path costs nothing.
  std::vector<fs::path> inputs{spec.image};
  if (spec.init) inputs.push_back(spec.init->path);
  const fs::path output = o.output.empty() ? fs::path(default_output(spec.image, spec.k)) : fs::path(o.output);
  std::vector<OutputFile> outputs{{output, "-o"}};
  if (!o.soft.empty()) outputs.push_back({o.soft, "--soft"});
  if (!o.json.empty()) outputs.push_back({o.json, "--json"});
  check_outputs(outputs, inputs);
  check_picture_name(output, "-o");
  if (!o.soft.empty()) check_picture_name(o.soft, "--soft");

  const Problem p = prepare_problem(spec, o.run, *steps);
  ProgressBar progress(stderr);
  auto t = std::chrono::steady_clock::now();
  const EmOutcome outcome = run_em(*steps, p.x, p.initial, o.run.em, o.quiet ? nullptr : &progress);
  const double seconds_em = since(t);
  for (const ComponentEvent& e : outcome.events)
    if (e.kind == ComponentEvent::Kind::emptied) fmt::print(stderr, "note: {}\n", e.describe());
  if (!outcome.usable()) throw Error(outcome.message);
  if (o.run.impl == "student")
    if (const auto fall = log_likelihood_fall(outcome, o.run.em)) fmt::print(stderr, "warning: {}\n", *fall);

  t = std::chrono::steady_clock::now();
  // Block by block (the N x K responsibilities are never held whole); throws when the E-step gives NaN.
  const Segmentation pictures =
      render_segmentation(*steps, p.x, outcome.mixture, p.image.height, p.image.width, !o.soft.empty(), palette);
  // All the outputs or none: a full disk on the last one leaves none of them half-done.
  OutputSet written;
  written.add(output, encode_picture(pictures.hard, output));
  if (!o.soft.empty()) written.add(o.soft, encode_picture(pictures.soft, o.soft));
  const double seconds_output = since(t);

  const double total = since(started);
  if (!o.json.empty()) {
    nlohmann::json summary = {
        {"image",
         {{"path", spec.image.string()},
          {"height", p.image.height},
          {"width", p.image.width},
          {"channels", p.image.channels}}},
        {"k", p.initial.components()},
        {"implementation", steps->name()},
        {"iterations", outcome.iterations},
        {"converged", outcome.converged()},
        {"stop_reason", to_string(outcome.reason)},
        {"seconds", total},
        {"seconds_by_phase",
         {{"load", p.seconds_load},
          {"zscore", p.seconds_zscore},
          {"init", p.seconds_init},
          {"em", seconds_em},
          {"output", seconds_output}}},
        {"log_likelihood", outcome.log_likelihood},
        {"initial", to_json(p.initial)},
        {"final", to_json(outcome.mixture)},
    };
    written.add(o.json, summary.dump(2) + "\n");
  }
  written.commit();

  const auto share = [&](double s) { return fmt::format("{:.2f} s ({:.0f}%)", s, 100 * s / total); };
  fmt::print("{} EM {} after {} iterations; {}\n", steps->name(),
             outcome.converged() ? "converged" : "reached the iteration cap", outcome.iterations,
             last_log_likelihood(outcome.log_likelihood));
  fmt::print("time: load {}, z-score {}, k-means {}, EM {}, pictures {}; total {:.2f} s\n", share(p.seconds_load),
             share(p.seconds_zscore), share(p.seconds_init), share(seconds_em), share(seconds_output), total);
  fmt::print("segmentation written to {}\n", output.string());
  if (!o.soft.empty()) fmt::print("soft segmentation written to {}\n", o.soft);
  if (!o.json.empty()) fmt::print("summary written to {}\n", o.json);
  return 0;
}

}  // namespace

void add_segment_command(CLI::App& app, int& exit_code) {
  auto options = std::make_shared<SegmentOptions>();
  CLI::App* command = app.add_subcommand("segment", "Segment a photo with a Gaussian mixture fitted by EM");
  add_run_options(*command, options->run);
  command->add_option("-o,--output", options->output, "Segmentation PNG (default IMAGE-STEM-kK.png here)");
  command->add_option("--soft", options->soft, "Also write a soft segmentation (colours blended by responsibility)");
  command->add_option("--json", options->json, "Also write a JSON summary of the run");
  command->add_option("--palette", options->palette,
                      fmt::format("Colours of the pictures: {} (default lab; okabe-ito is colour-blind safe)",
                                  name_choices(kPalettes, palette_name)));
  command->add_flag("-q,--quiet", options->quiet, "No progress bar");
  command->callback([options, &exit_code] { exit_code = run_segment(*options); });
}

}  // namespace gmmlab::cli
