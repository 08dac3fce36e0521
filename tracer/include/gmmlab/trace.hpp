#pragma once
// The step-by-step tracer: a record of every EM half-step of one run, written as JSON
// (docs/trace-format.md), read back with every field checked, shown as a table, compared
// with another run, and drawn (the log-likelihood curve and a filmstrip of segmentations).
//
// A trace stores mixtures, log-likelihoods and counts only: a Mixture is the whole state of
// EM, so responsibilities, labels and pictures are recomputed from it when needed.
#include <cstdint>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/em.hpp"

namespace gmmlab {

inline constexpr const char* kTraceFormat = "gmmlab-trace";
inline constexpr int kTraceVersion = 1;

struct TraceInput {
  std::string path;          // as the user gave it
  std::string content_hash;  // content_hash() of the file: names the photo, whatever its path
  int height = 0, width = 0, channels = 0;
};

struct TraceSettings {
  arma::uword k = 0;
  std::uint64_t seed = 0;
  std::string init;            // the --init mixture file, empty for k-means
  EmOptions em;
  std::string implementation;  // "reference", "student", ...: whose E- and M-steps ran
  // Whose Z-score made the pixels EM ran on (and the film must redraw): the implementation's
  // own for `trace record`, the reference's for both runs of `trace compare`. record_trace
  // fills in the implementation's name when it is left empty.
  std::string zscore;
};

// One EM iteration i >= 1: its E-step evaluates the mixture of iteration i-1, its M-step
// makes the mixture of iteration i.
struct TraceIteration {
  int iteration = 0;
  double log_likelihood = 0;          // from this iteration's E-step
  std::optional<double> change;       // log_likelihood minus the previous one; none for iteration 1
  arma::vec soft_counts;              // N_k
  arma::uvec hard_counts;             // pixels whose most likely component is k
  std::optional<Mixture> mixture;     // after the M-step; none when the run stopped in that M-step
  std::vector<ComponentEvent> events; // components the driver emptied in this M-step
};

struct TraceEnd {
  StopReason reason = StopReason::iteration_cap;
  int iterations = 0;                   // M-steps completed
  std::optional<int> failed_iteration;  // where a failed run stopped ...
  std::optional<HalfStep> failed_half_step;  // ... and in which half
  std::optional<Exercise> exercise;     // the unwritten student exercise that threw, for not_implemented
  std::string message;                  // the sentence the tools print, empty when it ended well
};

struct Trace {
  TraceInput input;
  TraceSettings settings;
  Mixture initial;
  std::vector<TraceIteration> iterations;
  TraceEnd end;

  // The mixture after iteration i (0: the initial one); nullptr when the trace has none.
  const Mixture* mixture_at(int i) const;
  // The last iteration whose M-step completed (0 when none did).
  int last_iteration() const { return end.iterations; }
};

// An EM observer that writes down everything a trace holds.
class TraceRecorder : public EmObserver {
 public:
  TraceRecorder(TraceInput input, TraceSettings settings);
  void on_start(const Mixture& initial, const EmOptions& options) override;
  void on_e_step(int iteration, const EStepSummary& e) override;
  void on_m_step(int iteration, const Mixture& next, std::span<const ComponentEvent> events) override;
  void on_finish(const EmOutcome& outcome) override;
  const Trace& trace() const { return trace_; }
  Trace take() { return std::move(trace_); }

 private:
  Trace trace_;
};

// Runs EM to its end and returns its trace, every E-step and M-step recorded. It runs whole
// iterations (the path `gmmlab segment` takes, so the two agree bit for bit); an iteration that
// fails is replayed half by half, so that the trace says which half failed. settings.em are the
// options EM runs with; `also` (a progress bar, say) sees the same steps.
Trace record_trace(const Steps& steps, const arma::mat& x, const Mixture& initial, TraceInput input,
                   TraceSettings settings, EmObserver* also = nullptr);

nlohmann::json trace_to_json(const Trace& t);
// Throws gmmlab::Error naming `source` and the first problem: wrong format name or version,
// a missing field, a value of the wrong type or shape, an ending EM cannot reach, numbers that
// make no sense (trace_sense.cpp: priors, covariances, counts against the photo's pixels).
Trace trace_from_json(const nlohmann::json& j, const std::string& source);
// The bytes of the trace file `path` (gzip-compressed when its name ends in .gz). The photo's
// path is stored relative to the trace file's folder (as given when absolute), and read_trace
// resolves it against the folder it reads the trace from: one rule for every reader, so the
// photo a trace names is the same file wherever the trace is read, and is never overwritten.
std::string trace_file_bytes(const Trace& t, const std::filesystem::path& path);
void write_trace(const Trace& t, const std::filesystem::path& path);  // those bytes, whole or not at all
// Reads a trace written by write_trace, gzip-compressed or not (told by its content, whatever
// its name), through read_json_file (json_file.hpp). Throws gmmlab::Error in one sentence for a
// missing, empty, truncated, non-JSON, wrong-version or wrong-shape file.
// The largest trace read_trace accepts, unpacked (a 500-iteration K = 50 run is about 10 MB).
constexpr std::uint64_t kMaxTraceBytes = 1ULL << 30;
Trace read_trace(const std::filesystem::path& path);

// How the run ended, in a few words: "converged after 37 iterations", "reached the cap of 500
// iterations", "stopped with an error at iteration 3, M-step, after 2 complete iterations".
// show, diff, plot, film and record all say it this way (show adds its cause).
std::string ending_summary(const Trace& t);

// ---- show -----------------------------------------------------------------------------------
// Channel names for d dimensions: B, G, R for colour, "grey" for one channel, else 0, 1, ...
std::vector<std::string> channel_names(arma::uword dims);
// Header and one row per iteration; with all_rows false, the middle of a long run is folded.
std::string format_trace_table(const Trace& t, bool all_rows = false);
// Everything about iteration i (0: the initial mixture): its E-step and its mixture.
// Throws gmmlab::Error when the trace has no such iteration.
std::string format_iteration(const Trace& t, int i);
// Parses --iteration's text ("3", "0", "last") against a trace; throws gmmlab::Error.
int parse_iteration(const Trace& t, const std::string& text, const std::string& flag);

// ---- diff -----------------------------------------------------------------------------------
struct DiffTolerance {
  double rtol = 1e-6;
  double atol = 1e-8;
};

// Where two runs first part, and why.
struct TraceDifference {
  enum class Cause {
    value,    // a value differs beyond the tolerance
    stopped,  // a run stopped with an error where the other went on, or both with different errors
  };
  enum class Part { log_likelihood, soft_count, mean, covariance, prior };  // the formula a value comes from
  Cause cause = Cause::value;
  int iteration = 0;                  // 0: the initial mixture
  std::optional<HalfStep> half_step;  // none for the initial mixture
  // Cause::value: the first value that differs, in the order the formulas compute them.
  Part part = Part::log_likelihood;
  std::string quantity;               // e.g. "covariance of component 2, entry (0,1) (B,G)"
  double a = 0, b = 0;
  int differing = 0, values = 0;      // how many of the half-step's values differ, of how many
  std::string largest_quantity;       // the value that differs most, and by how much
  double largest_difference = 0;
  // Cause::stopped: which run stopped there.
  bool a_stopped = false, b_stopped = false;
};

// What was compared before the runs parted (or to the end, when they agree).
struct DiffAgreement {
  int iterations = 0;        // iterations both runs recorded (set when they agree)
  int half_steps = 0;        // half-steps compared, the initial mixture counted as one
  double closest_ratio = 0;  // the largest difference seen, as a share of what the tolerance allows
  std::string closest_where;
};

struct TraceDiff {
  bool comparable = true;   // false: different inputs or options, see refusal
  std::string refusal;
  bool agree = true;        // comparable, and no difference
  std::optional<TraceDifference> first;  // where they first differ (comparable but not agreeing)
  DiffAgreement agreement;
  std::string report;       // diff_report's words, several lines; empty when not comparable
};

// Compares two traces half-step by half-step; names_a/b label them in the report.
TraceDiff diff_traces(const Trace& a, const Trace& b, const DiffTolerance& tol, const std::string& name_a,
                      const std::string& name_b);
// What a user reads about a diff: where and why the runs part, what agreed before, how each
// run ended (or, when they agree, how closely).
std::string diff_report(const TraceDiff& d, const Trace& a, const Trace& b, const DiffTolerance& tol,
                        const std::string& name_a, const std::string& name_b);

// ---- pictures -------------------------------------------------------------------------------
inline constexpr int kPlotWidth = 960, kPlotHeight = 720;
// The log-likelihood per iteration and, below, the size of each change on a log scale against
// the tolerance, rises and falls told apart by colour. Throws gmmlab::Error when the trace has
// no log-likelihood.
cv::Mat plot_log_likelihood(const Trace& t);
// Why the plot's lower panel (the size of each change, on a log scale) is empty, in words, or ""
// when it draws a change: one iteration has no change, and a change of 0 has no logarithm.
std::string undrawn_changes(const Trace& t);

// The iterations a film shows by default: initial, 1, 2, 5, 10 and the last, where they exist.
std::vector<int> default_film_iterations(const Trace& t);
// Parses "0,1,5,last"; throws gmmlab::UsageError naming `flag` for text or iterations out of
// range, or more than kMaxFilmFrames of them (a film of 2000 frames is 500,000 pixels wide).
constexpr std::size_t kMaxFilmFrames = 20;
std::vector<int> parse_film_iterations(const Trace& t, const std::string& text, const std::string& flag);
// The film's size for frames of an image height x width.
cv::Size film_size(int height, int width, int frames, arma::uword k);
// One frame per chosen iteration: each pixel of x (the Z-scored pixels the trace was recorded
// on, N x d) in the colour of its most likely component under that iteration's mixture.
cv::Mat draw_film(const Trace& t, const arma::mat& x, const std::vector<int>& iterations);

}  // namespace gmmlab
