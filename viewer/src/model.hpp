#pragma once
// The viewer's model, without any window: the photo and its Z-scored pixels (a Problem), and
// one EM run per implementation shown (a Lane), each keeping every half-step it has made.
// A Mixture is the whole state of EM, so a half-step's record is a mixture plus what its
// E-step measured; the responsibilities the panels show are recomputed from a record when
// it is looked at. All computing happens on worker threads; the UI thread only reads
// snapshots, so student code can never freeze the window.
#include <array>
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <opencv2/core.hpp>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "gmmlab/em.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/kmeans.hpp"
#include "gmmlab/palette.hpp"
#include "gmmlab/pipeline.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab::viewer {

// Runs jobs one after another on its own thread. busy() is true from post() until the job
// has returned, so a caller that waits for !busy() sees the job's results.
class Worker {
 public:
  Worker();
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;
  void post(std::function<void()> job);
  bool busy() const { return pending_.load() > 0; }
  // Jobs posted and not yet begun or finished, the running one included.
  int pending() const { return pending_.load(); }

 private:
  void loop();
  std::mutex m_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> jobs_;
  std::atomic<int> pending_{0};
  bool stop_ = false;
  std::thread thread_;
};

// The lab's prepared problem (the photo, its pixels Z-scored by the reference, the start
// mixture) and what the panels need of it, shared read-only by the lanes once made.
struct Problem : gmmlab::Problem {
  ProblemSpec spec;            // what was opened (a trace: its photo, K and seed)
  // The panels show a photo of at most kMaxDisplay pixels on its long side: display pixel j
  // is photo pixel display_index[j] (nearest neighbour). EM always runs on every pixel.
  int display_height = 0, display_width = 0;
  arma::uvec display_index;
  cv::Mat photo;               // display size, RGB 8-bit
  arma::uvec sample;           // the pixels drawn in the feature space
  arma::mat sample_colours;    // their photo colours, RGB in [0, 1], one row each
  arma::mat principal_axes;    // d x 2, the data's two first principal directions
  std::string source;          // "chelsea.png" or "run.trace.json (chelsea.png)"
  // The raw pixels once the panels are made: image.pixels as 16-bit integers (and then
  // image.pixels is empty: image keeps its size), or image.pixels itself when a value is not one.
  arma::Mat<std::uint16_t> raw;
  arma::mat raw_pixels() const;  // N x c doubles, made afresh from raw (a student's Z-score needs them)
  double raw_value(arma::uword n, arma::uword c) const;
};

inline constexpr int kMaxDisplay = 720;
inline constexpr arma::uword kFeatureSample = 4000;

// Loads the photo, Z-scores it with the reference, and makes the k-means start. Throws
// gmmlab::Error with the loader's one sentence.
std::shared_ptr<Problem> make_problem(const std::filesystem::path& image, arma::uword k, std::uint64_t seed);
// The photo a trace was recorded on (refused when its content differs), with the trace's start.
std::shared_ptr<Problem> make_problem(const Trace& trace);

// One half-step of a run (or the start).
struct Record {
  enum class Kind { start, e_step, m_step };
  Kind kind = Kind::start;
  int iteration = 0;                    // 0 for the start; E-step i and M-step i make iteration i
  Mixture mixture;                      // after this half-step: what the ellipses show
  std::optional<double> log_likelihood; // measured by this iteration's E-step
  arma::vec soft_counts;                // N_k of this iteration's E-step (empty at the start)
  std::vector<ComponentEvent> events;   // components the driver emptied in this M-step
  // An M-step: the log-likelihood of the mixture it made, so that the M-step moves the curve
  // (the next E-step's, or measured when the M-step is the last one made; empty until then).
  std::optional<double> new_log_likelihood;
  // An E-step: how many pixels its responsibilities gave another most likely component than
  // the E-step before (the start: k-means' nearest mean); empty when that one was not looked at.
  std::optional<arma::uword> labels_changed;
};
std::string describe(const Record& r);  // "k-means start", "E-step 3", "M-step 3"

// Every pixel's most likely component, one byte each (K is at most 16).
using Labels = arma::Col<unsigned char>;

// What the panels show for one record, made on the lane's worker. The responsibilities they
// show: an E-step's own; an M-step shows those it was computed from; the start shows the
// k-means clusters as 0/1. No N x K matrix is kept for them (458 MB at 12 MP, K = 5): only
// the rows the panels draw and every pixel's label.
struct Display {
  std::size_t record = 0;
  // The display pixels' responsibilities: row j is photo pixel display_index[j] (D x K).
  std::shared_ptr<const arma::mat> gamma;
  std::shared_ptr<const Labels> labels;  // every pixel's, full size (`save labels`, labels changed)
  cv::Mat hard, soft;        // display size, RGB
  // An E-step: the "changed pixels" map (display size, RGB): the pixels whose label this E-step
  // changed in their new label's colour, the others dark; empty when the labels before are not
  // known (as labels_changed is then).
  cv::Mat changed;
  arma::uvec sample_labels;  // most likely component of each feature-space sample pixel
  arma::mat sample_gamma;    // and its responsibilities (M x K), for points coloured by their mix
  std::uint64_t version = 0; // changes whenever the pictures change
};

// How a step's computation is stopped: the reference checks `requested` between half-steps;
// a student implementation in a worker process is also told to kill the running call.
struct Implementation {
  std::string name;                   // "reference", "student"
  std::shared_ptr<const Steps> steps;
  std::function<void()> cancel_call;  // may be empty
  std::string note;                   // shown beside the lane, e.g. what did not compile
  std::string walls;                  // the sandbox's isolation line, for a lane that runs student code
};

// Every lane steps on the reference's Z-scores (Problem::x), so that E- and M-steps are
// compared on equal input, as the grader compares them; a lane's own Z-score of the photo is
// computed once at its start and compared with them. Where it first differs (pixels in order,
// then channels), beyond the grader's 1e-9 (rubric ZScore.MatchesReference) scaled as the
// tracer's diff scales its tolerance: atol + rtol x max(|expected|, |got|).
struct ZscoreMismatch {
  arma::uword pixel = 0, channel = 0, channels = 3;
  double expected = 0, got = 0;
  arma::uword differing = 0, values = 0;  // how many values differ, of how many
  std::string shape;                      // a wrong shape ("16 x 3 for 135300 x 3 pixels"); the rest unset
};
inline constexpr DiffTolerance kZscoreTolerance{.rtol = 1e-9, .atol = 1e-9};
std::optional<ZscoreMismatch> compare_zscores(const arma::mat& got, const arma::mat& expected);
// One sentence: that your Z-score differs, where, expected and got, and that the E- and
// M-steps shown run on the reference's Z-scores (side_by_side: both lanes, compared on equal input).
std::string zscore_sentence(const ZscoreMismatch& m, int image_width, bool side_by_side);

// Everything the UI reads of a lane, copied under the lane's lock.
struct LaneView {
  std::string name;
  std::vector<Record> history;
  std::size_t cursor = 0;      // the record the panels show
  Display display;
  bool busy = false;
  bool finished = false;       // EM has stopped (converged, cap, failure): stepping only replays
  std::string progress;        // while busy: what is being computed
  std::string timing;          // how long the last computed step and its pictures took
  std::string message;         // why the run stopped or what was opened, "" while it goes on
  // What kind of sentence the message is, so the window colours it without reading it.
  enum class Note { none, ended, replayed, todo, failed };
  Note note = Note::none;
  Trace trace;                 // the tracer's record of the live run, for the diff
  std::optional<ZscoreMismatch> zscore;  // the lane's own Z-score against the reference's it steps on
};
const char* note_name(LaneView::Note n);  // "none", "ended", "replayed", "todo", "failed"
// Whether a half-step comes after the one shown: in the history, or to be computed.
inline bool has_next(const LaneView& v) { return v.cursor + 1 < v.history.size() || !v.finished; }
// Whether the next half-step after the one shown is an E-step (the start and M-steps).
bool next_is_e_step(const LaneView& v);

class Lane {
 public:
  explicit Lane(Implementation impl);
  ~Lane();

  // Starts afresh from problem->initial with these options (records the start).
  void start(std::shared_ptr<const Problem> problem, EmOptions options, TraceInput input, TraceSettings settings);
  // Replays a saved trace: its records, no live run.
  void replay(std::shared_ptr<const Problem> problem, const Trace& trace);

  // Moves the cursor forward by half-steps: within the history where it is there, otherwise
  // by computing. full_iterations: whole iterations (E then M) go through Steps::iterate, as
  // `gmmlab segment` runs them.
  void advance(int half_steps, bool full_iterations);
  // The Step button: to the end of the next `iterations` iterations, so from an E-step the
  // first of them is its M-step only and every Step lands on an M-step.
  void step(int iterations);
  void back(int half_steps);
  void go_to(std::size_t record);  // clamped to the history
  // Full iterations until EM stops or cancel().
  void run_to_convergence();
  void cancel();
  // The palette the pictures are painted in; repaints the half-step shown.
  void set_palette(Palette p);

  bool busy() const { return worker_.busy(); }
  LaneView view() const;
  std::uint64_t changes() const { return changes_.load(); }
  const Implementation& implementation() const { return impl_; }
  // Every pixel's label as the panels show it now, at full size (for `save labels`).
  std::shared_ptr<const Labels> displayed_labels() const;

 private:
  class Recorder;
  // Worker-thread only: moves the cursor to `record` and makes its display. posterior: the
  // responsibilities the run has just computed for it, if any (saves an E-step).
  void show_now(std::size_t record, const arma::mat* posterior);
  void advance_now(int half_steps, bool full_iterations);
  // What the panels show of a record's responsibilities: gathered block by block from the run's
  // posterior, the k-means start or E-steps on blocks of pixels, never held whole.
  struct Shown {
    std::size_t key = 0;  // the record whose responsibilities these are (an M-step's: its E-step's)
    std::shared_ptr<const arma::mat> gamma;  // display pixels x K
    arma::mat sample_gamma;                  // feature-space sample x K
    std::shared_ptr<const Labels> labels;    // every pixel
    Labels changed;  // display pixels: 1 where this E-step changed the label (empty: not known)
  };
  std::shared_ptr<Shown> compute_shown(std::size_t record, const arma::mat* posterior);
  void set_progress(std::string text);
  // After an M-step that is the last made: the log-likelihood of its mixture (an E-step's
  // worth of work, skipped when another job waits: the next E-step measures it anyway).
  void measure_last_m_step();
  // Counts the pixels whose most likely component changed at E-step record `key`.
  // Also marks shown.changed when it counts.
  void count_changed_labels(std::size_t key, Shown& shown);
  void stopped_if_finished();
  std::size_t history_size() const;

  Implementation impl_;
  std::atomic<bool> cancel_{false};
  std::atomic<std::uint64_t> changes_{0};
  std::atomic<std::size_t> requested_{0};  // go_to's latest target: a dragged scrubber posts many
  std::size_t cursor_ = 0;                  // worker-thread only
  mutable std::mutex m_;
  LaneView view_;                                // guarded by m_
  // Worker-thread only:
  std::shared_ptr<const Problem> problem_;
  std::unique_ptr<EmRun> run_;
  std::unique_ptr<Recorder> recorder_;
  std::unique_ptr<TraceRecorder> tracer_;
  std::unique_ptr<ObserverList> observers_;
  // The last three records looked at (Back and forth costs no E-step); about 30 MB each at 12 MP.
  std::vector<std::shared_ptr<Shown>> shown_cache_;
  // The labels of record labels_of_ (an E-step or the start): what the next E-step's labels
  // are compared with (shared with the cache, not a copy).
  std::shared_ptr<const Labels> labels_;
  std::optional<std::size_t> labels_of_;
  Palette palette_ = Palette::lab;
  Worker worker_;  // last: joined first, before what its jobs use is destroyed
};

// Where the feature-space panel projects the d-dimensional points.
enum class Axes { bg, br, gr, pca };
inline constexpr std::array kAllAxes{Axes::bg, Axes::br, Axes::gr, Axes::pca};
const char* axes_name(Axes a);  // "B-G", "B-R", "G-R", "PCA"
// Throws gmmlab::Error for a name that is none of those.
Axes parse_axes(const std::string& name);
// How the feature plot's points are coloured: the photo's colour, the most likely
// component's, or the palette mixed by the point's γ (as the soft picture is).
enum class PointColour { pixel, label, mix };
inline constexpr std::array kPointColours{PointColour::pixel, PointColour::label, PointColour::mix};
const char* point_colour_name(PointColour c);  // "pixel", "label", "mix"
// 2 x d projection onto the chosen axes.
arma::mat projection(const Problem& p, Axes a);
// The points of the k-sigma ellipse of a Gaussian projected by P (2 x d), `count` of them.
std::vector<std::array<double, 2>> ellipse(const arma::mat& P, const arma::rowvec& mean, const arma::mat& cov,
                                           double sigmas, int count = 64);

// Hard segmentation at full size, as `gmmlab segment --palette` writes it (paint_hard's colours).
cv::Mat full_segmentation(const Problem& p, const Labels& labels, Palette palette = Palette::lab);

// Rows of N x K responsibilities per block when the panels' are made by E-steps on blocks of
// pixels: 40 MB of γ at K = 5, and few calls (a sandboxed student's each start a process).
inline constexpr arma::uword kPanelBlock = arma::uword(1) << 20;

}  // namespace gmmlab::viewer
