#include "trace.hpp"

#include <fmt/format.h>

#include <cmath>
#include <memory>
#include <optional>

#include "common.hpp"
#include "exit_code.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/input_file.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/explain.hpp"
#include "gmmlab/progress.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/trace.hpp"
#include "gmmlab/trace_run.hpp"
#include "implementations.hpp"

namespace fs = std::filesystem;

namespace gmmlab::cli {

namespace {

struct RecordOptions {
  RunOptions run;
  std::string output;
  bool quiet = false;
};
struct ShowOptions {
  std::string trace, iteration;
  bool all = false;
};
struct DiffOptions {
  std::string a, b;
  DiffTolerance tol;
};
struct CompareOptions {
  RunOptions run;
  DiffTolerance tol;
  std::string save_student, save_reference;
  bool far_start = true;  // also one E-step from a far-away start (see check_far_start)
};
struct PictureOptions {
  std::string trace, output, frames, image;
};

void check_tolerance(const DiffTolerance& tol) {
  if (!(tol.rtol >= 0) || !std::isfinite(tol.rtol))
    throw UsageError(fmt::format("--rtol is {}; give a relative tolerance of 0 or more (default 1e-6)", tol.rtol));
  if (!(tol.atol >= 0) || !std::isfinite(tol.atol))
    throw UsageError(fmt::format("--atol is {}; give an absolute tolerance of 0 or more (default 1e-8)", tol.atol));
}

int run_record(const RecordOptions& o) {
  const std::unique_ptr<Steps> steps = make_implementation(o.run.impl);
  const ProblemSpec spec = problem_spec(o.run);
  std::vector<fs::path> inputs{spec.image};
  if (spec.init) inputs.push_back(spec.init->path);
  check_outputs({{o.output, "-o"}}, inputs);

  const Problem p = prepare_problem(spec, o.run, *steps);
  ProgressBar progress(stderr);
  const Trace t = record_problem(*steps, spec, p, o.run.em, o.quiet ? nullptr : &progress);
  write_trace(t, o.output);
  for (const TraceIteration& it : t.iterations)
    for (const ComponentEvent& e : it.events) fmt::print(stderr, "note: {}\n", e.describe());
  if (t.end.failed_iteration && t.end.failed_half_step) {
    // The trace up to the failure is what the student needs, so it is written (said as a note:
    // the one error line is the driver's, which names the iteration and the half-step itself,
    // as `segment` prints it); the exit code still says the run did not finish.
    fmt::print(stderr, "note: the trace up to where EM stopped ({} complete iterations) was written to {}\n",
               t.end.iterations, o.output);
    throw Error(t.end.message);
  }
  std::vector<double> ll;
  for (const TraceIteration& it : t.iterations) ll.push_back(it.log_likelihood);
  fmt::print("{} EM {}; final {}\n", t.settings.implementation, ending_summary(t), last_log_likelihood(ll));
  fmt::print("trace written to {} (see it with 'gmmlab trace show {}')\n", o.output, o.output);
  return to_int(ExitCode::success);
}

int run_show(const ShowOptions& o) {
  const Trace t = read_trace(o.trace);
  if (o.iteration.empty()) {
    fmt::print("{}", format_trace_table(t, o.all));
  } else {
    fmt::print("{}", format_iteration(t, parse_iteration(t, o.iteration, "--iteration")));
  }
  return to_int(ExitCode::success);
}

int run_diff(const DiffOptions& o) {
  check_tolerance(o.tol);
  const Trace a = read_trace(o.a), b = read_trace(o.b);
  const TraceDiff d = diff_traces(a, b, o.tol, fs::path(o.a).filename().string(), fs::path(o.b).filename().string());
  if (!d.comparable) throw Error("cannot compare these traces: " + d.refusal);
  fmt::print("{}", d.report);
  return to_int(d.agree ? ExitCode::success : ExitCode::runs_differ);
}

// Z-score, the first exercise, is compared before EM: both EM runs then start from the
// reference's Z-scored pixels and k-means mixture, so an E- or M-step can be checked even
// while the Z-score is wrong or unwritten.
bool compare_zscore(const Steps& other, const Problem& p, const DiffTolerance& tol) {
  arma::mat z;
  try {
    z = other.zscore(p.image.pixels);
  } catch (const NotImplemented& e) {
    fmt::print("Z-score: {}\n  (EM below runs on the reference's Z-scored pixels)\n\n", e.what());
    return false;
  }
  if (z.n_rows != p.x.n_rows || z.n_cols != p.x.n_cols) {
    fmt::print("Z-score: the {} Z-score returned {}x{} for {}x{} pixels; it must keep the shape (handout "
               "§Z-score)\n\n",
               other.name(), z.n_rows, z.n_cols, p.x.n_rows, p.x.n_cols);
    return false;
  }
  const auto names = channel_names(p.x.n_cols);
  for (arma::uword n = 0; n < z.n_rows; ++n)
    for (arma::uword c = 0; c < z.n_cols; ++c) {
      const double a = z(n, c), b = p.x(n, c);
      if (!(std::abs(a - b) <= tol.atol + tol.rtol * std::max(std::abs(a), std::abs(b)))) {
        fmt::print("Z-score differs first at pixel {} (row {}, column {}), channel {}: {} {:.12e}, reference "
                   "{:.12e} (raw value {:g}); see handout §Z-score\n  (EM below runs on the reference's Z-scored "
                   "pixels)\n\n",
                   n, n / arma::uword(p.image.width), n % arma::uword(p.image.width), names[c], other.name(), a, b,
                   p.image.pixels(n, c));
        return false;
      }
    }
  fmt::print("Z-score: the {} and the reference agree on all {} values\n\n", other.name(), z.n_elem);
  return true;
}

int run_compare(const CompareOptions& o) {
  check_tolerance(o.tol);
  const std::unique_ptr<Steps> other = make_implementation(o.run.impl);
  const ReferenceSteps reference;
  const ProblemSpec spec = problem_spec(o.run);
  std::vector<fs::path> inputs{spec.image};
  if (spec.init) inputs.push_back(spec.init->path);
  std::vector<OutputFile> outputs;
  if (!o.save_student.empty()) outputs.push_back({o.save_student, "--save-student"});
  if (!o.save_reference.empty()) outputs.push_back({o.save_reference, "--save-reference"});
  check_outputs(outputs, inputs);

  const Problem p = prepare_problem(spec, o.run, reference, /*keep_raw_pixels=*/true);  // the student's Z-score needs them
  const bool zscore_agrees = compare_zscore(*other, p, o.tol);
  const Trace mine = record_problem(*other, spec, p, o.run.em);
  const Trace theirs = record_problem(reference, spec, p, o.run.em);
  OutputSet saved;
  if (!o.save_student.empty()) saved.add(o.save_student, trace_file_bytes(mine, o.save_student));
  if (!o.save_reference.empty()) saved.add(o.save_reference, trace_file_bytes(theirs, o.save_reference));
  saved.commit();
  const TraceDiff d = diff_traces(mine, theirs, o.tol, "yours", "reference");
  // The finding that matters comes first: a far-away start that breaks the E-step is printed
  // before runs that agree from the k-means start, never after them.
  std::optional<mistakes::FarStartResult> far;
  if (o.far_start) far = mistakes::far_start_check(*other, p.x, p.initial, o.tol.rtol, o.tol.atol);
  if (far && !far->agrees) fmt::print("{}\n", far->report);
  fmt::print("EM from the same initial mixture (K = {}, {}):\n{}", spec.k,
             spec.init ? "--init " + o.run.init : fmt::format("k-means seed {}", spec.seed), d.report);
  // The grader's detector, so compare and the grader name a known mistake in the same words.
  if (!d.agree) fmt::print("{}", mistakes::known_mistakes_report(*other, p.x, p.initial));
  if (far && far->agrees) fmt::print("{}", far->report);
  const bool far_agrees = !far || far->agrees;
  return to_int(zscore_agrees && d.agree && far_agrees ? ExitCode::success : ExitCode::runs_differ);
}

// The photo a trace was recorded on, Z-scored as it was then (by the implementation the trace
// names in "zscore", which for `compare` is the reference's whatever ran EM); refuses another
// photo.
arma::mat traced_pixels(const Trace& t, const std::string& override_path) {
  const fs::path path = override_path.empty() ? fs::path(t.input.path) : fs::path(override_path);
  const Image image = load_traced_photo(t, path, "give it with --image");
  std::unique_ptr<Steps> steps;
  try {
    steps = make_implementation(t.settings.zscore);
  } catch (const Error&) {
    // A trace from a library test names an implementation the tool does not have; its
    // mixtures live in the same Z-scored space as the reference's.
    steps = std::make_unique<ReferenceSteps>();
  }
  return steps->zscore(image.pixels);
}

// A picture of a trace may replace neither the trace nor the photo it names (nor --image).
void check_picture_output(const PictureOptions& o, const Trace& t) {
  std::vector<fs::path> inputs{o.trace, t.input.path};
  if (!o.image.empty()) inputs.push_back(o.image);
  check_outputs({{o.output, "-o"}}, inputs);
  check_picture_name(o.output, "-o");
}

int run_plot(const PictureOptions& o) {
  const Trace t = read_trace(o.trace);
  check_picture_output(o, t);
  write_picture(plot_log_likelihood(t), o.output);
  if (const std::string why = undrawn_changes(t); !why.empty())
    fmt::print(stderr, "note: the lower panel is empty: {}\n", why);
  fmt::print("log-likelihood curve written to {}\n", o.output);
  return to_int(ExitCode::success);
}

int run_film(const PictureOptions& o) {
  const Trace t = read_trace(o.trace);
  check_picture_output(o, t);
  const std::vector<int> frames =
      o.frames.empty() ? default_film_iterations(t) : parse_film_iterations(t, o.frames, "--frames");
  write_picture(draw_film(t, traced_pixels(t, o.image), frames), o.output);
  fmt::print("filmstrip of iterations {} written to {}\n", fmt::join(frames, ", "), o.output);
  return to_int(ExitCode::success);
}

void add_tolerance_options(CLI::App& c, DiffTolerance& tol) {
  c.add_option("--rtol", tol.rtol, "Relative tolerance (default 1e-6)");
  c.add_option("--atol", tol.atol, "Absolute tolerance (default 1e-8); values agree when |a-b| <= atol + rtol*max(|a|,|b|)");
}

}  // namespace

void add_trace_command(CLI::App& app, int& exit_code) {
  CLI::App* trace = app.add_subcommand("trace", "Record EM half-step by half-step, show it, compare runs, draw it");
  trace->require_subcommand(1);

  auto record = std::make_shared<RecordOptions>();
  CLI::App* c = trace->add_subcommand("record", "Run EM and write every half-step to a trace file");
  add_run_options(*c, record->run);
  c->add_option("-o,--output", record->output, "Trace file to write (e.g. run.trace.json)")->required();
  c->add_flag("-q,--quiet", record->quiet, "No progress bar");
  c->callback([record, &exit_code] { exit_code = run_record(*record); });

  auto show = std::make_shared<ShowOptions>();
  c = trace->add_subcommand("show", "Print a trace as a table, or every parameter of one iteration");
  c->add_option("TRACE", show->trace, "Trace file")->required();
  c->add_option("--iteration", show->iteration, "Show iteration I in full (0: the initial mixture, or 'last')");
  c->add_flag("--all", show->all, "Print every iteration (a long run is folded in the middle otherwise)");
  c->callback([show, &exit_code] { exit_code = run_show(*show); });

  auto diff = std::make_shared<DiffOptions>();
  c = trace->add_subcommand("diff", "Find the first half-step where two traces disagree (exit 0 agree, 3 differ)");
  c->add_option("TRACE_A", diff->a, "First trace")->required();
  c->add_option("TRACE_B", diff->b, "Second trace")->required();
  add_tolerance_options(*c, diff->tol);
  c->callback([diff, &exit_code] { exit_code = run_diff(*diff); });

  auto compare = std::make_shared<CompareOptions>();
  compare->run.impl = "student";
  c = trace->add_subcommand("compare",
                            "Run your implementation (--impl, default student) and the reference from the same initial "
                            "mixture and show where they first differ, then one E-step from a far-away start (every "
                            "mean 60 standard deviations away) unless --no-far-start (exit 0 agree, 3 differ)");
  add_run_options(*c, compare->run);
  add_tolerance_options(*c, compare->tol);
  c->add_option("--save-student", compare->save_student, "Also write the trace of your implementation here");
  c->add_option("--save-reference", compare->save_reference, "Also write the trace of the reference here");
  c->add_flag("!--no-far-start", compare->far_start,
              "Skip the E-step from a far-away start (by default it runs, and catches exp without log-sum-exp)");
  c->callback([compare, &exit_code] { exit_code = run_compare(*compare); });

  auto plot = std::make_shared<PictureOptions>();
  c = trace->add_subcommand("plot", "Draw the log-likelihood curve of a trace as a PNG");
  c->add_option("TRACE", plot->trace, "Trace file")->required();
  c->add_option("-o,--output", plot->output, "PNG to write")->required();
  c->callback([plot, &exit_code] { exit_code = run_plot(*plot); });

  auto film = std::make_shared<PictureOptions>();
  c = trace->add_subcommand("film", "Draw the segmentation at chosen iterations side by side as a PNG");
  c->add_option("TRACE", film->trace, "Trace file")->required();
  c->add_option("-o,--output", film->output, "PNG to write")->required();
  c->add_option("--frames", film->frames, "Iterations to show, e.g. 0,1,5,last (default: 0,1,2,5,10,last)");
  c->add_option("--image", film->image, "The photo the trace was recorded on, if it has moved");
  c->callback([film, &exit_code] { exit_code = run_film(*film); });
}

}  // namespace gmmlab::cli
