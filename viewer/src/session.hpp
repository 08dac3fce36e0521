#pragma once
// What the user has open and chosen, and the lanes that run it: the reference, the student's
// code, or both side by side from the same start, or a saved trace replayed. Every action
// applies to every lane shown. No window here: the script tests drive it too.
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "model.hpp"

namespace gmmlab::viewer {

enum class Mode { reference, student, both };
inline constexpr std::array kModes{Mode::reference, Mode::student, Mode::both};
const char* mode_name(Mode m);            // "reference", "student", "both"
Mode parse_mode(const std::string& name);  // throws gmmlab::Error

struct Settings {
  std::filesystem::path image;  // the photo to open (the bundled sample when empty)
  arma::uword k = 3;
  std::uint64_t seed = 0;
  EmOptions em;                 // reg_covar is the ridge
  Mode mode = Mode::reference;
};

// Throws gmmlab::UsageError naming the setting that is out of range (a value typed in the
// window, set by a script or given on the command line: the same sentence).
void validate(const Settings& s);

// diff_report ends with one line per run saying how it ended; a live run paused between
// half-steps has not ended (its trace would say "reached the cap of 0 iterations"), so those
// lines are replaced by where each run is, or by its own message when it has stopped.
std::string with_live_endings(std::string report, const std::vector<std::pair<std::string, const LaneView*>>& runs);

// The diff panel's first line: that the runs agree, or where they part (the tracer's report
// follows it). zscore_differs: yours has a Z-score mismatch (said above it), so agreeing runs
// agree on their E- and M-steps only, never "on everything".
std::string diff_headline(const TraceDiff& d, bool zscore_differs);

// Throws gmmlab::Error naming `source`, the component and the iteration when a mixture of the
// trace has a covariance that is not positive definite (a negative variance, say): the
// viewer would draw it as a line or not at all. EM never records one (a run whose covariance
// collapses stops before its mixture is kept), so such a trace was edited or damaged.
void check_trace_mixtures(const Trace& t, const std::string& source);

// The bundled sample photos (lab/data/*.png), found where sample_image() is.
std::vector<std::filesystem::path> sample_images();

class Session {
 public:
  // make_student may throw gmmlab::Error (e.g. no student worker built): the student lane then
  // shows that sentence instead of running.
  Session(Settings settings, std::function<Implementation()> make_reference,
          std::function<Implementation()> make_student);

  // What the user has chosen: the next reset() runs it. The window's fields and a script's
  // `set` edit these, and nothing else holds them.
  Settings& settings() { return settings_; }
  const Settings& settings() const { return settings_; }
  // What the lanes shown were started with (or the trace replayed was recorded with).
  const Settings& running() const { return running_; }
  // The chosen values that differ from the running ones, e.g. "K 6 (now 5), seed 2 (now 0)";
  // "" when none: they apply at the next reset().
  std::string pending() const;

  // Loads settings().image and starts the lanes from its k-means start (in the background).
  void reset();
  void open_image(const std::filesystem::path& path);  // sets settings().image, then reset()
  void open_trace(const std::filesystem::path& path);  // replays a trace (in the background)

  // Call once a frame on the UI thread: starts the lanes once a load has finished.
  void poll();
  bool busy() const;  // loading, or a lane computing

  // The lanes shown, in order (the reference first in side-by-side).
  std::vector<Lane*> lanes();
  std::shared_ptr<const Problem> problem() const { return problem_; }
  bool replaying() const { return replaying_; }
  // An open or load that failed, in one sentence ("" when none); cleared by the next open.
  const std::string& error() const { return error_; }
  std::string student_error() const { return student_error_; }

  // The student's run against the reference's, through the tracer's diff; nullopt unless both
  // lanes run and are idle.
  std::optional<TraceDiff> diff();

 private:
  struct Loaded {
    Settings settings;  // as they were when the load was asked for
    std::shared_ptr<Problem> problem;
    std::optional<Trace> trace;
    std::string error;
  };
  void load(std::function<Loaded()> job);
  void start_lanes(const Loaded& loaded);

  Settings settings_, running_;
  std::function<Implementation()> make_reference_, make_student_;
  std::shared_ptr<const Problem> problem_;
  std::vector<std::unique_ptr<Lane>> lanes_;
  bool replaying_ = false;
  std::string error_, student_error_;
  mutable std::mutex m_;
  std::optional<Loaded> loaded_;  // guarded by m_: handed from the loader to poll()
  std::uint64_t diff_changes_ = ~0ull;
  std::optional<TraceDiff> diff_;
  Worker loader_;  // last: joined first
};

}  // namespace gmmlab::viewer
