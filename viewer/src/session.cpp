#include "session.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/pipeline.hpp"
#include "gmmlab/trace_run.hpp"

namespace fs = std::filesystem;

namespace gmmlab::viewer {

const char* mode_name(Mode m) {
  switch (m) {
    case Mode::reference: return "reference";
    case Mode::student: return "student";
    case Mode::both: return "both";
  }
  return "?";
}

Mode parse_mode(const std::string& name) {
  if (auto mode = from_name(name, kModes, mode_name)) return *mode;
  throw UsageError(fmt::format("'{}' is not an implementation; choose {}", name, name_choices(kModes, mode_name)));
}

void validate(const Settings& s) {
  if (s.k < 1 || s.k > 16) throw UsageError(fmt::format("K is {}; choose 1 to 16 components", s.k));
  validate(s.em);
}

std::string with_live_endings(std::string report, const std::vector<std::pair<std::string, const LaneView*>>& runs) {
  std::size_t cut = report.size();  // the newline before the last two lines
  for (int i = 0; i < 3 && cut != std::string::npos && cut > 0; ++i) cut = report.rfind('\n', cut - 1);
  report = cut == std::string::npos ? "" : report.substr(0, cut + 1);
  for (const auto& [name, v] : runs) {
    if (v->history.empty() && v->finished) {
      report += fmt::format("{}: stopped before its start: {}\n", name, v->message);
      continue;
    }
    const std::string where = v->history.empty() ? "no half-step" : describe(v->history.back());
    report += fmt::format("{}: {}\n", name, v->finished ? v->message : "paused after the " + where + ", not finished");
  }
  return report;
}

std::string diff_headline(const TraceDiff& d, bool zscore_differs) {
  if (!d.comparable) return d.refusal;
  if (d.agree)
    return zscore_differs ? "Your E- and M-steps agree with the reference's on every half-step so far (the tracer's diff)."
                          : "Yours and the reference agree on every half-step so far (the tracer's diff).";
  const TraceDifference& f = *d.first;
  const char* where = f.half_step ? half_step_name(*f.half_step) : "the start";
  if (f.cause == TraceDifference::Cause::stopped) {
    if (f.iteration == 0 && !f.half_step) return "Yours stopped before its first E-step, where the reference went on:";
    return fmt::format("Yours stopped at iteration {}, {}, where the reference went on:", f.iteration, where);
  }
  return fmt::format("Yours and the reference part at iteration {}, {}: {}", f.iteration, where, f.quantity);
}

void check_trace_mixtures(const Trace& t, const std::string& source) {
  auto check = [&](const Mixture& m, const std::string& which) {
    for (arma::uword c = 0; c < m.components(); ++c) {
      const arma::mat& s = m.covs.slice(c);
      auto fail = [&](const std::string& what) {
        throw Error(fmt::format("{}: the covariance of component {} {} {}; a covariance must be positive definite "
                                "(EM never writes such a one), so the trace was edited or damaged: record it again",
                                source, c + 1, which, what));
      };
      if (!s.is_finite()) fail("holds a value that is not a finite number");
      for (arma::uword d = 0; d < s.n_rows; ++d)
        if (!(s(d, d) > 0)) fail(fmt::format("has the variance {:g} at [{},{}], not above 0", s(d, d), d, d));
      arma::mat l;
      if (!arma::chol(l, s, "lower")) fail("is not positive definite");
    }
  };
  check(t.initial, "at the start");
  for (const TraceIteration& it : t.iterations)
    if (it.mixture) check(*it.mixture, fmt::format("after iteration {}", it.iteration));
}

std::vector<fs::path> sample_images() {
  std::vector<fs::path> out;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(sample_image().parent_path(), ec))
    if (entry.path().extension() == ".png") out.push_back(entry.path());
  std::sort(out.begin(), out.end());
  return out;
}

Session::Session(Settings settings, std::function<Implementation()> make_reference,
                 std::function<Implementation()> make_student)
    : settings_(std::move(settings)), make_reference_(std::move(make_reference)), make_student_(std::move(make_student)) {
  if (settings_.image.empty()) settings_.image = sample_image();
  running_ = settings_;
}

std::string Session::pending() const {
  std::vector<std::string> changes;
  auto add = [&](const char* name, const auto& chosen, const auto& now) {
    if (chosen != now) changes.push_back(fmt::format("{} {} (now {})", name, chosen, now));
  };
  add("K", settings_.k, running_.k);
  add("seed", settings_.seed, running_.seed);
  add("ridge", settings_.em.reg_covar, running_.em.reg_covar);
  if (settings_.mode != running_.mode && !replaying_)
    changes.push_back(fmt::format("{} (now {})", mode_name(settings_.mode), mode_name(running_.mode)));
  return fmt::format("{}", fmt::join(changes, ", "));
}

void Session::load(std::function<Loaded()> job) {
  loader_.post([this, job = std::move(job)] {
    Loaded loaded;
    try {
      loaded = job();
    } catch (const std::exception& e) {
      loaded.error = e.what();
    }
    std::lock_guard lock(m_);
    loaded_ = std::move(loaded);
  });
}

void Session::reset() {
  error_.clear();
  try {
    validate(settings_);
  } catch (const Error& e) {
    error_ = e.what();
    return;
  }
  const Settings s = settings_;
  load([s] { return Loaded{s, make_problem(s.image, s.k, s.seed), std::nullopt, {}}; });
}

void Session::open_image(const fs::path& path) {
  settings_.image = path;
  reset();
}

void Session::open_trace(const fs::path& path) {
  error_.clear();
  load([path, s = settings_] {
    Trace t = read_trace(path);
    check_trace_mixtures(t, fmt::format("'{}'", path.string()));
    auto p = make_problem(t);
    p->source = fmt::format("{} ({})", path.filename().string(), p->source);
    return Loaded{s, std::move(p), std::move(t), {}};
  });
}

void Session::poll() {
  std::optional<Loaded> loaded;
  {
    std::lock_guard lock(m_);
    loaded.swap(loaded_);
  }
  if (!loaded) return;
  if (!loaded->error.empty()) {
    error_ = loaded->error;  // the app goes on with what it had
    return;
  }
  start_lanes(*loaded);
}

void Session::start_lanes(const Loaded& loaded) {
  problem_ = loaded.problem;
  lanes_.clear();
  student_error_.clear();
  diff_.reset();
  diff_changes_ = ~0ull;
  replaying_ = loaded.trace.has_value();
  if (replaying_) {
    const Trace& t = *loaded.trace;
    // A trace's mixtures live in the reference's Z-scored space; the reference recomputes
    // the responsibilities the panels show.
    Implementation impl = make_reference_();
    impl.name = fmt::format("trace of {}", t.settings.implementation);
    settings_.k = t.settings.k;
    settings_.seed = t.settings.seed;
    settings_.em = t.settings.em;
    running_ = settings_;
    lanes_.push_back(std::make_unique<Lane>(std::move(impl)));
    lanes_.back()->replay(problem_, t);
    return;
  }
  running_ = loaded.settings;
  const TraceInput input = trace_input(problem_->spec, *problem_);
  const TraceSettings settings = trace_settings(problem_->spec, *problem_, running_.em);
  if (running_.mode != Mode::student) lanes_.push_back(std::make_unique<Lane>(make_reference_()));
  if (running_.mode != Mode::reference) {
    try {
      lanes_.push_back(std::make_unique<Lane>(make_student_()));
    } catch (const Error& e) {
      student_error_ = e.what();
    }
  }
  for (auto& lane : lanes_) lane->start(problem_, running_.em, input, settings);
}

bool Session::busy() const {
  {
    std::lock_guard lock(m_);
    if (loaded_) return true;
  }
  if (loader_.busy()) return true;
  return std::any_of(lanes_.begin(), lanes_.end(), [](const auto& l) { return l->busy(); });
}

std::vector<Lane*> Session::lanes() {
  std::vector<Lane*> out;
  for (auto& l : lanes_) out.push_back(l.get());
  return out;
}

std::optional<TraceDiff> Session::diff() {
  if (lanes_.size() != 2 || lanes_[0]->busy() || lanes_[1]->busy()) return diff_;
  const std::uint64_t changes = lanes_[0]->changes() * 1000003u + lanes_[1]->changes();
  if (changes != diff_changes_) {
    diff_changes_ = changes;
    const LaneView reference = lanes_[0]->view(), student = lanes_[1]->view();
    if (student.history.empty() && student.finished) {
      // Yours never started (its Z-score threw): it has no trace to compare, only its sentence.
      TraceDiff d;
      d.agree = false;
      d.first = TraceDifference{};
      d.first->cause = TraceDifference::Cause::stopped;
      d.first->a_stopped = true;
      d.report = with_live_endings("", {{"yours", &student}, {"reference", &reference}});
      diff_ = std::move(d);
      return diff_;
    }
    diff_ = diff_traces(student.trace, reference.trace, {}, "yours", "reference");
    if (!(reference.finished && student.finished))
      diff_->report = with_live_endings(diff_->report, {{"yours", &student}, {"reference", &reference}});
  }
  return diff_;
}

}  // namespace gmmlab::viewer
