#include "model.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <opencv2/imgproc.hpp>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/pipeline.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/render.hpp"
#include "gmmlab/trace_run.hpp"

namespace fs = std::filesystem;

namespace gmmlab::viewer {

// ---- Worker -----------------------------------------------------------------------------------

Worker::Worker() : thread_([this] { loop(); }) {}

Worker::~Worker() {
  {
    std::lock_guard lock(m_);
    stop_ = true;
  }
  cv_.notify_one();
  thread_.join();
}

void Worker::post(std::function<void()> job) {
  ++pending_;
  {
    std::lock_guard lock(m_);
    jobs_.push_back(std::move(job));
  }
  cv_.notify_one();
}

void Worker::loop() {
  for (;;) {
    std::function<void()> job;
    {
      std::unique_lock lock(m_);
      cv_.wait(lock, [&] { return stop_ || !jobs_.empty(); });
      if (stop_) return;
      job = std::move(jobs_.front());
      jobs_.pop_front();
    }
    job();
    --pending_;
  }
}

// ---- Problem ----------------------------------------------------------------------------------

namespace {

// What the panels need of a photo: a display-size copy, a feature-space sample, the principal axes.
void prepare_panels(Problem& p) {
  const Image& im = p.image;
  const double scale = std::min(1.0, double(kMaxDisplay) / std::max(im.height, im.width));
  p.display_width = std::max(1, int(std::lround(im.width * scale)));
  p.display_height = std::max(1, int(std::lround(im.height * scale)));
  p.display_index.set_size(arma::uword(p.display_width) * arma::uword(p.display_height));
  for (int y = 0; y < p.display_height; ++y) {
    const arma::uword sy = std::min<arma::uword>(im.height - 1, arma::uword((y + 0.5) * im.height / p.display_height));
    for (int x = 0; x < p.display_width; ++x) {
      const arma::uword sx = std::min<arma::uword>(im.width - 1, arma::uword((x + 0.5) * im.width / p.display_width));
      p.display_index[arma::uword(y) * p.display_width + x] = sy * im.width + sx;
    }
  }
  // Raw values to 0..1 RGB, whatever the bit depth and channel count.
  const double full = im.bit_depth == 16 ? 65535.0 : 255.0;
  auto rgb = [&](arma::uword n) {
    if (im.channels == 1) {
      const double g = im.pixels(n, 0) / full;
      return std::array<double, 3>{g, g, g};
    }
    return std::array<double, 3>{im.pixels(n, 2) / full, im.pixels(n, 1) / full, im.pixels(n, 0) / full};
  };
  p.photo.create(p.display_height, p.display_width, CV_8UC3);
  auto* px = p.photo.ptr<cv::Vec3b>();
  for (arma::uword j = 0; j < p.display_index.n_elem; ++j) {
    const auto c = rgb(p.display_index[j]);
    px[j] = {cv::saturate_cast<uchar>(c[0] * 255), cv::saturate_cast<uchar>(c[1] * 255),
             cv::saturate_cast<uchar>(c[2] * 255)};
  }
  const arma::uword n = p.x.n_rows, m = std::min(n, kFeatureSample);
  p.sample.set_size(m);
  p.sample_colours.set_size(m, 3);
  for (arma::uword i = 0; i < m; ++i) {
    // Evenly spaced, offset by half a gap so that a small image is not sampled at its edges only.
    p.sample[i] = std::min(n - 1, arma::uword((i + 0.5) * double(n) / double(m)));
    const auto c = rgb(p.sample[i]);
    p.sample_colours.row(i) = arma::rowvec{c[0], c[1], c[2]};
  }
  p.principal_axes.zeros(p.x.n_cols, 2);
  if (p.x.n_cols >= 2) {
    arma::vec values;
    arma::mat vectors;
    if (arma::eig_sym(values, vectors, arma::cov(p.x)))  // ascending: the last two are the largest
      p.principal_axes = arma::fliplr(vectors.tail_cols(2));
  }
  // The raw pixels as 16-bit integers, which they are (8- or 16-bit photos): 72 MB at 12 MP
  // instead of 288 MB of doubles held beside the Z-scored ones for the viewer's whole life.
  const arma::mat& raw = p.image.pixels;  // checked in place: arma::floor would be another 288 MB
  if (!raw.empty() && std::all_of(raw.begin(), raw.end(), [](double v) { return v >= 0 && v <= 65535 && v == std::floor(v); })) {
    p.raw = arma::conv_to<arma::Mat<std::uint16_t>>::from(p.image.pixels);
    p.image.pixels.reset();
  }
}

}  // namespace

std::shared_ptr<Problem> make_problem(const fs::path& image, arma::uword k, std::uint64_t seed) {
  auto p = std::make_shared<Problem>();
  p->spec = {.image = image, .k = k, .seed = seed, .init = std::nullopt};
  static_cast<gmmlab::Problem&>(*p) = prepare(p->spec, ReferenceSteps());
  p->source = image.filename().string();
  prepare_panels(*p);
  return p;
}

std::shared_ptr<Problem> make_problem(const Trace& trace) {
  const fs::path path = trace.input.path;
  auto p = std::make_shared<Problem>();
  p->spec = {.image = path, .k = trace.settings.k, .seed = trace.settings.seed, .init = std::nullopt};
  p->image = load_traced_photo(trace, path, "open the trace from the folder it was recorded in");
  p->x = ReferenceSteps().zscore(p->image.pixels);
  p->initial = trace.initial;
  validate_mixture(p->initial, p->x.n_cols, "the trace's initial mixture");
  p->source = path.filename().string();
  prepare_panels(*p);
  return p;
}

arma::mat Problem::raw_pixels() const {
  return image.pixels.empty() ? arma::conv_to<arma::mat>::from(raw) : image.pixels;
}

double Problem::raw_value(arma::uword n, arma::uword c) const {
  return image.pixels.empty() ? double(raw(n, c)) : image.pixels(n, c);
}

// ---- Records ----------------------------------------------------------------------------------

std::string describe(const Record& r) {
  switch (r.kind) {
    case Record::Kind::start: return "k-means start";
    case Record::Kind::e_step: return fmt::format("E-step {}", r.iteration);
    case Record::Kind::m_step: return fmt::format("M-step {}", r.iteration);
  }
  return {};
}

// Writes every half-step the driver reports into the lane's history.
class Lane::Recorder : public EmObserver {
 public:
  explicit Recorder(Lane& lane) : lane_(lane) {}
  void on_start(const Mixture& initial, const EmOptions&) override {
    add({Record::Kind::start, 0, initial, std::nullopt, {}, {}, {}, {}});
  }
  void on_e_step(int iteration, const EStepSummary& e) override {
    std::lock_guard lock(lane_.m_);
    Record& before = lane_.view_.history.back();
    // This E-step measures the mixture the M-step before it made.
    if (before.kind == Record::Kind::m_step) before.new_log_likelihood = e.log_likelihood;
    push({Record::Kind::e_step, iteration, before.mixture, e.log_likelihood, e.soft_counts, {}, {}, {}});
  }
  void on_m_step(int iteration, const Mixture& next, std::span<const ComponentEvent> events) override {
    std::lock_guard lock(lane_.m_);
    const Record& e = lane_.view_.history.back();
    push({Record::Kind::m_step, iteration, next, e.log_likelihood, e.soft_counts, {events.begin(), events.end()}, {}, {}});
  }

 private:
  void add(Record r) {
    std::lock_guard lock(lane_.m_);
    push(std::move(r));
  }
  void push(Record r) {
    lane_.view_.history.push_back(std::move(r));
    ++lane_.changes_;
  }
  Lane& lane_;
};

// ---- Lane -------------------------------------------------------------------------------------

Lane::Lane(Implementation impl) : impl_(std::move(impl)) { view_.name = impl_.name; }

Lane::~Lane() { cancel(); }

void Lane::cancel() {
  cancel_ = true;
  if (impl_.cancel_call) impl_.cancel_call();
}

LaneView Lane::view() const {
  std::lock_guard lock(m_);
  LaneView v = view_;
  v.busy = worker_.busy();
  return v;
}

void Lane::set_progress(std::string text) {
  std::lock_guard lock(m_);
  view_.progress = std::move(text);
  ++changes_;
}

void Lane::stopped_if_finished() {
  if (!run_ || !run_->finished()) return;
  const EmOutcome& o = run_->outcome();
  std::lock_guard lock(m_);
  view_.finished = true;
  view_.trace = tracer_->trace();
  if (!o.usable()) {
    view_.message = o.message;
    view_.note = o.reason == StopReason::not_implemented ? LaneView::Note::todo : LaneView::Note::failed;
  } else {
    view_.message = fmt::format("EM {} after {} iterations", o.converged() ? "converged" : "reached the cap",
                                o.iterations);
    view_.note = LaneView::Note::ended;
  }
  ++changes_;
}

void Lane::start(std::shared_ptr<const Problem> problem, EmOptions options, TraceInput input, TraceSettings settings) {
  cancel_ = true;  // a running job stops at its next half-step
  worker_.post([this, problem, options, input, settings]() mutable {
    cancel_ = false;
    run_.reset();
    shown_cache_.clear();
    labels_.reset();
    labels_of_.reset();
    {
      std::lock_guard lock(m_);
      view_ = LaneView{};
      view_.name = impl_.name;
      ++changes_;
    }
    problem_ = std::move(problem);
    settings.implementation = impl_.name;
    tracer_ = std::make_unique<TraceRecorder>(std::move(input), std::move(settings));
    recorder_ = std::make_unique<Recorder>(*this);
    observers_ = std::make_unique<ObserverList>();
    observers_->add(recorder_.get());
    observers_->add(tracer_.get());
    std::optional<ZscoreMismatch> zscore;
    try {
      // `gmmlab segment --impl` Z-scores with the implementation first, so an unwritten
      // Z-score is named before the E-step. The lanes all step on the reference's Z-scores
      // (they start alike and E/M are compared on equal input), so the lane's own Z-score of
      // the whole photo is compared with them once, here: a wrong one is said, never hidden.
      // The reference's is the one problem_->x was made with.
      if (!dynamic_cast<const ReferenceSteps*>(impl_.steps.get()))
        zscore = compare_zscores(impl_.steps->zscore(problem_->raw_pixels()), problem_->x);
      run_ = std::make_unique<EmRun>(*impl_.steps, problem_->x, problem_->initial, options, observers_.get());
    } catch (const Error& e) {
      std::lock_guard lock(m_);
      view_.message = e.what();
      view_.note = dynamic_cast<const NotImplemented*>(&e) ? LaneView::Note::todo : LaneView::Note::failed;
      view_.finished = true;
      ++changes_;
      return;
    }
    {
      std::lock_guard lock(m_);
      view_.trace = tracer_->trace();
      view_.zscore = std::move(zscore);
    }
    show_now(0, nullptr);
  });
}

void Lane::replay(std::shared_ptr<const Problem> problem, const Trace& trace) {
  cancel_ = true;
  worker_.post([this, problem, trace] {
    cancel_ = false;
    run_.reset();
    shown_cache_.clear();
    labels_.reset();
    labels_of_.reset();
    problem_ = problem;
    std::vector<Record> history{{Record::Kind::start, 0, trace.initial, std::nullopt, {}, {}, {}, {}}};
    for (const TraceIteration& it : trace.iterations) {
      if (history.back().kind == Record::Kind::m_step) history.back().new_log_likelihood = it.log_likelihood;
      history.push_back({Record::Kind::e_step, it.iteration, history.back().mixture, it.log_likelihood,
                         it.soft_counts, {}, {}, {}});
      if (!it.mixture) break;
      history.push_back({Record::Kind::m_step, it.iteration, *it.mixture, it.log_likelihood, it.soft_counts,
                         it.events, {}, {}});
    }
    {
      std::lock_guard lock(m_);
      view_ = LaneView{};
      view_.name = impl_.name;
      view_.history = std::move(history);
      view_.finished = true;
      view_.trace = trace;
      view_.note = LaneView::Note::replayed;
      view_.message = fmt::format("saved trace: {}", ending_summary(trace));
      if (!trace.end.message.empty()) view_.message += ": " + trace.end.message;
      ++changes_;
    }
    show_now(0, nullptr);
  });
}

std::size_t Lane::history_size() const {
  std::lock_guard lock(m_);
  return view_.history.size();
}

const char* note_name(LaneView::Note n) {
  switch (n) {
    case LaneView::Note::none: return "none";
    case LaneView::Note::ended: return "ended";
    case LaneView::Note::replayed: return "replayed";
    case LaneView::Note::todo: return "todo";
    case LaneView::Note::failed: return "failed";
  }
  return "?";
}

bool next_is_e_step(const LaneView& v) {
  return v.cursor >= v.history.size() || v.history[v.cursor].kind != Record::Kind::e_step;
}

void Lane::advance(int half_steps, bool full_iterations) {
  cancel_ = false;
  worker_.post([this, half_steps, full_iterations] { advance_now(half_steps, full_iterations); });
}

void Lane::step(int iterations) {
  cancel_ = false;
  worker_.post([this, iterations] {
    bool at_e_step;
    {
      std::lock_guard lock(m_);
      if (view_.history.empty()) return;  // the run could not start: its message says why
      at_e_step = view_.history[cursor_].kind == Record::Kind::e_step;
    }
    advance_now(2 * iterations - (at_e_step ? 1 : 0), true);
  });
}

void Lane::advance_now(int half_steps, bool full_iterations) {
  if (history_size() == 0) return;  // the run could not start: its message says why
  {
    const auto started = std::chrono::steady_clock::now();
    int computed = 0;
    std::size_t target = cursor_;
    const arma::mat* posterior = nullptr;
    for (int done = 0; done < half_steps && !cancel_;) {
      if (target + 1 < history_size()) {  // already computed: replay it
        ++target;
        ++done;
        continue;
      }
      if (!run_ || run_->finished()) break;
      const bool whole = full_iterations && run_->next_half_step() == HalfStep::e_step && half_steps - done >= 2;
      set_progress(fmt::format("{} {} …", whole ? "iteration" : half_step_name(run_->next_half_step()),
                               run_->outcome().iterations + 1));
      if (whole) {
        run_->full_iteration();
        done += 2;
        computed += 2;
      } else {
        run_->half_step();
        ++done;
        ++computed;
      }
      target = history_size() - 1;
    }
    if (run_ && run_->posterior() && target + 1 == history_size()) posterior = &run_->posterior()->gamma;
    stopped_if_finished();
    const auto computed_at = std::chrono::steady_clock::now();
    show_now(target, posterior);
    if (computed > 0) measure_last_m_step();
    if (computed > 0) {
      const std::chrono::duration<double> em = computed_at - started, all = std::chrono::steady_clock::now() - started;
      std::lock_guard lock(m_);
      view_.timing = fmt::format("EM {:.2f} s, pictures {:.2f} s ({} half-step{})", em.count(),
                                 all.count() - em.count(), computed, computed == 1 ? "" : "s");
      ++changes_;
    }
  }
}

void Lane::back(int half_steps) {
  worker_.post([this, half_steps] {
    if (history_size() == 0) return;
    show_now(cursor_ >= std::size_t(half_steps) ? cursor_ - half_steps : 0, nullptr);
  });
}

void Lane::go_to(std::size_t record) {
  requested_ = record;
  worker_.post([this] {
    if (history_size() == 0) return;
    const std::size_t last = history_size() - 1;
    show_now(std::min<std::size_t>(requested_.load(), last), nullptr);
  });
}

void Lane::set_palette(Palette p) {
  worker_.post([this, p] {
    if (p == palette_) return;
    palette_ = p;
    if (problem_ && history_size() > 0) show_now(cursor_, nullptr);
  });
}

void Lane::run_to_convergence() {
  cancel_ = false;
  worker_.post([this] {
    using clock = std::chrono::steady_clock;
    auto last_shown = clock::now();
    while (run_ && !run_->finished() && !cancel_) {
      run_->full_iteration();
      if (clock::now() - last_shown > std::chrono::milliseconds(250)) {
        last_shown = clock::now();
        const auto& ll = run_->outcome().log_likelihood;
        set_progress(fmt::format("iteration {}, log-likelihood {:.6e}", run_->outcome().iterations,
                                 ll.empty() ? 0.0 : ll.back()));
      }
    }
    stopped_if_finished();
    if (history_size() > 0) show_now(history_size() - 1, nullptr);
    measure_last_m_step();
  });
}

void Lane::measure_last_m_step() {
  if (!problem_ || worker_.pending() > 1) return;
  Mixture m;
  {
    std::lock_guard lock(m_);
    if (view_.history.empty()) return;
    const Record& last = view_.history.back();
    if (last.kind != Record::Kind::m_step || last.new_log_likelihood) return;
    m = last.mixture;
  }
  set_progress("log-likelihood of the new mixture …");
  double sum = 0;
  try {
    // Block by block, so that no N x K matrix is held; blocks of the panels' size, since a
    // sandboxed student's every call starts a process (12 MP: 12 calls, not 183 taking 15 s).
    // Only the log-likelihood part is asked for: a sandboxed student answers it with its own
    // log_likelihood() and sends back one number, not the block's responsibilities.
    const arma::mat& x = problem_->x;
    for (arma::uword first = 0; first < x.n_rows && !cancel_; first += kPanelBlock)
      sum += impl_.steps->log_likelihood_of(x.rows(first, std::min(x.n_rows, first + kPanelBlock) - 1), m);
  } catch (const std::exception&) {
    sum = NAN;  // a student log-likelihood that fails: the curve goes without this point
  }
  std::lock_guard lock(m_);
  if (!cancel_ && std::isfinite(sum)) view_.history.back().new_log_likelihood = sum;
  view_.progress.clear();
  ++changes_;
}

namespace {
// A loop, not accu(a != b): that makes an N-element 64-bit mask (96 MB at 12 MP).
arma::uword changed_labels(const Labels& a, const Labels& b) {
  arma::uword changed = 0;
  for (arma::uword n = 0; n < a.n_elem; ++n) changed += a[n] != b[n];
  return changed;
}
}  // namespace

void Lane::count_changed_labels(std::size_t key, Shown& shown) {
  const std::shared_ptr<const Labels>& now = shown.labels;
  std::lock_guard lock(m_);
  Record& r = view_.history[key];
  // The E-step before this one is record key - 2 (an M-step between), the start's is record 0.
  const std::size_t before = key >= 2 ? key - 2 : 0;
  if (r.kind == Record::Kind::e_step && labels_of_ == before && labels_ && labels_->n_elem == now->n_elem) {
    if (!r.labels_changed) r.labels_changed = changed_labels(*now, *labels_);
    // The map at display size (each display pixel is its photo pixel's change), kept while
    // the labels before are at hand: it costs D bytes, not another N.
    const arma::uvec& shown_pixels = problem_->display_index;
    shown.changed.set_size(shown_pixels.n_elem);
    for (arma::uword j = 0; j < shown_pixels.n_elem; ++j)
      shown.changed[j] = (*now)[shown_pixels[j]] != (*labels_)[shown_pixels[j]];
  }
  labels_ = now;
  labels_of_ = key;
}

namespace {

// Gathers what the panels show of N x K responsibilities handed over block by block, in pixel
// order: the display pixels' rows, the feature sample's and every pixel's label. display_index
// and sample are increasing (prepare_panels makes them so), so one pass finds them.
class Gather {
 public:
  Gather(const Problem& p, arma::uword k)
      : p_(p), gamma_(p.display_index.n_elem, k), sample_(p.sample.n_elem, k), labels_(p.x.n_rows) {}
  void add(const arma::mat& g, arma::uword first) {
    const arma::uword end = first + g.n_rows;
    for (; d_ < p_.display_index.n_elem && p_.display_index[d_] < end; ++d_) gamma_.row(d_) = g.row(p_.display_index[d_] - first);
    for (; s_ < p_.sample.n_elem && p_.sample[s_] < end; ++s_) sample_.row(s_) = g.row(p_.sample[s_] - first);
    const arma::uvec best = most_likely(g);  // the lab's one argmax, as the pictures take it
    for (arma::uword n = 0; n < best.n_elem; ++n) labels_[first + n] = static_cast<unsigned char>(best[n]);
  }
  void add_rows(const arma::mat& whole) {  // a held N x K matrix, read block by block
    for (arma::uword first = 0; first < whole.n_rows; first += kRenderBlock)
      add(whole.rows(first, std::min(whole.n_rows, first + kRenderBlock) - 1), first);
  }
  arma::mat& gamma() { return gamma_; }
  arma::mat& sample() { return sample_; }
  Labels& labels() { return labels_; }

 private:
  const Problem& p_;
  arma::mat gamma_, sample_;
  Labels labels_;
  arma::uword d_ = 0, s_ = 0;
};

}  // namespace

std::shared_ptr<Lane::Shown> Lane::compute_shown(std::size_t record, const arma::mat* posterior) {
  Record::Kind kind;
  Mixture source;
  std::size_t key;
  {
    std::lock_guard lock(m_);
    kind = view_.history[record].kind;
    // An M-step shows the responsibilities it was made from: those of the E-step before it.
    key = kind == Record::Kind::m_step ? record - 1 : record;
    source = view_.history[key].mixture;
  }
  for (const auto& c : shown_cache_)
    if (c->key == key) {
      if (labels_of_ != key) count_changed_labels(key, *c);
      return c;
    }
  const arma::mat& x = problem_->x;
  const arma::uword k = source.components();
  Gather gather(*problem_, k);
  if (posterior && posterior->n_rows == x.n_rows && posterior->n_cols == k) {
    gather.add_rows(*posterior);  // the run's own, read in place: no copy
  } else if (kind == Record::Kind::start) {
    // The start: each pixel belongs wholly to its nearest mean (the k-means clusters).
    for (arma::uword first = 0; first < x.n_rows; first += kRenderBlock) {
      const arma::mat block = x.rows(first, std::min(x.n_rows, first + kRenderBlock) - 1);
      arma::mat d(block.n_rows, k);
      for (arma::uword c = 0; c < k; ++c) d.col(c) = arma::sum(arma::square(block.each_row() - source.means.row(c)), 1);
      const arma::uvec nearest = arma::index_min(d, 1);
      arma::mat g(block.n_rows, k, arma::fill::zeros);
      for (arma::uword n = 0; n < block.n_rows; ++n) g(n, nearest[n]) = 1;
      gather.add(g, first);
    }
  } else {
    set_progress("responsibilities for the panels …");
    for (arma::uword first = 0; first < x.n_rows; first += kPanelBlock) {
      const arma::uword last = std::min(x.n_rows, first + kPanelBlock) - 1;
      const Posterior p = impl_.steps->e_step(x.rows(first, last), source);
      if (p.gamma.n_rows != last - first + 1 || p.gamma.n_cols != k)
        throw Error(fmt::format("the {} E-step returned gamma of {}x{} for {}x{} pixels", impl_.steps->e_step_name(),
                                p.gamma.n_rows, p.gamma.n_cols, last - first + 1, x.n_cols));
      gather.add(p.gamma, first);
    }
  }
  auto shown = std::make_shared<Shown>();
  shown->key = key;
  shown->gamma = std::make_shared<const arma::mat>(std::move(gather.gamma()));
  shown->sample_gamma = std::move(gather.sample());
  shown->labels = std::make_shared<const Labels>(std::move(gather.labels()));
  if (labels_of_ != key) count_changed_labels(key, *shown);
  if (shown_cache_.size() >= 3) shown_cache_.erase(shown_cache_.begin());
  shown_cache_.push_back(shown);
  return shown;
}

void Lane::show_now(std::size_t record, const arma::mat* posterior) {
  cursor_ = record;
  std::shared_ptr<const Shown> shown;
  std::string failure;
  bool e_step;
  {
    std::lock_guard lock(m_);
    e_step = view_.history[record].kind == Record::Kind::e_step;
  }
  try {
    shown = compute_shown(record, posterior);
  } catch (const std::exception& e) {
    failure = e.what();  // a student E-step that fails here failed in the run too; keep its message
  }
  Display d;
  d.record = record;
  if (shown) {
    d.gamma = shown->gamma;
    d.labels = shown->labels;
    const arma::mat& g = *shown->gamma;
    cv::cvtColor(render_hard(g, problem_->display_height, problem_->display_width, palette_), d.hard,
                 cv::COLOR_BGR2RGB);
    cv::cvtColor(render_soft(g, problem_->display_height, problem_->display_width, palette_), d.soft,
                 cv::COLOR_BGR2RGB);
    // Only an E-step's: an M-step changes no label (it shows the E-step's responsibilities).
    if (e_step && shown->changed.n_elem == problem_->display_index.n_elem) {
      d.changed.create(problem_->display_height, problem_->display_width, CV_8UC3);
      auto* px = d.changed.ptr<cv::Vec3b>();
      for (arma::uword j = 0; j < shown->changed.n_elem; ++j)
        px[j] = shown->changed[j] ? palette_rgb((*shown->labels)[problem_->display_index[j]], palette_)
                                  : cv::Vec3b{40, 40, 40};  // unchanged: dark, so the changed ones stand out
    }
    d.sample_gamma = shown->sample_gamma;
    d.sample_labels = most_likely(d.sample_gamma);
  }
  std::lock_guard lock(m_);
  d.version = view_.display.version + 1;
  view_.display = std::move(d);
  view_.cursor = record;
  view_.progress.clear();
  if (!failure.empty() && view_.message.empty()) view_.message = failure;
  if (tracer_) view_.trace = tracer_->trace();
  ++changes_;
}

std::shared_ptr<const Labels> Lane::displayed_labels() const {
  std::lock_guard lock(m_);
  return view_.display.labels;
}

cv::Mat full_segmentation(const Problem& p, const Labels& labels, Palette palette) {
  cv::Mat out(p.image.height, p.image.width, CV_8UC3);
  auto* px = out.ptr<cv::Vec3b>();
  for (arma::uword n = 0; n < labels.n_elem; ++n) {
    const cv::Vec3b rgb = palette_rgb(labels[n], palette);
    px[n] = {rgb[2], rgb[1], rgb[0]};  // BGR, as paint_hard writes it
  }
  return out;
}

}  // namespace gmmlab::viewer
