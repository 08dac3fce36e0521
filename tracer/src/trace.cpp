// The tracer's record: the observer, the JSON format (docs/trace-format.md) and `show`.
#include "gmmlab/trace.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <stdexcept>

#include <zlib.h>

#include "gmmlab/errors.hpp"
#include "gmmlab/image.hpp"
#include "gmmlab/json_file.hpp"
#include "gmmlab/palette.hpp"
#include "gmmlab/mixture_json.hpp"
#include "trace_sense.hpp"

namespace gmmlab {

using nlohmann::json;

const Mixture* Trace::mixture_at(int i) const {
  if (i == 0) return &initial;
  if (i < 0 || i > int(iterations.size())) return nullptr;
  const auto& m = iterations[std::size_t(i - 1)].mixture;
  return m ? &*m : nullptr;
}

// ---- recording ------------------------------------------------------------------------------

TraceRecorder::TraceRecorder(TraceInput input, TraceSettings settings) {
  trace_.input = std::move(input);
  trace_.settings = std::move(settings);
}

void TraceRecorder::on_start(const Mixture& initial, const EmOptions& options) {
  trace_.initial = initial;
  trace_.settings.em = options;
  trace_.settings.k = initial.components();
}

void TraceRecorder::on_e_step(int iteration, const EStepSummary& e) {
  TraceIteration it;
  it.iteration = iteration;
  it.log_likelihood = e.log_likelihood;
  if (!trace_.iterations.empty()) it.change = e.log_likelihood - trace_.iterations.back().log_likelihood;
  it.soft_counts = e.soft_counts;
  it.hard_counts = e.hard_counts;
  trace_.iterations.push_back(std::move(it));
}

void TraceRecorder::on_m_step(int iteration, const Mixture& next, std::span<const ComponentEvent> events) {
  if (trace_.iterations.empty() || trace_.iterations.back().iteration != iteration) return;
  trace_.iterations.back().mixture = next;
  trace_.iterations.back().events.assign(events.begin(), events.end());
}

void TraceRecorder::on_finish(const EmOutcome& outcome) {
  TraceEnd& end = trace_.end;
  end.reason = outcome.reason;
  end.iterations = outcome.iterations;
  end.message = outcome.message;
  end.exercise = outcome.failed_exercise;
  end.failed_half_step = outcome.failed_half_step;
  // A failed half-step belongs to the iteration after the last completed one.
  if (outcome.failed_half_step) end.failed_iteration = outcome.iterations + 1;
}

Trace record_trace(const Steps& steps, const arma::mat& x, const Mixture& initial, TraceInput input,
                   TraceSettings settings, EmObserver* also) {
  settings.implementation = std::string(steps.name());
  if (settings.zscore.empty()) settings.zscore = settings.implementation;
  const EmOptions em = settings.em;
  TraceRecorder recorder(std::move(input), std::move(settings));
  ObserverList observers;
  observers.add(&recorder);
  observers.add(also);
  EmRun run(steps, x, initial, em, &observers);
  // Whole iterations: the reference's fused iterate() gives the E-step summary the trace keeps
  // without holding the N x K responsibilities; an implementation without one runs its two
  // halves, and one that fails is replayed half by half, so the trace still ends at the
  // half-step that failed.
  while (!run.finished()) run.full_iteration();
  return recorder.take();
}

// ---- JSON -----------------------------------------------------------------------------------

namespace {

json events_to_json(const std::vector<ComponentEvent>& events) {
  json out = json::array();
  for (const ComponentEvent& e : events)
    out.push_back({{"kind", event_kind_name(e.kind)},
                   {"component", e.component + 1},
                   {"soft_count", e.soft_count}});
  return out;
}

// Reading: the messages of a damaged trace (json_file.hpp names the field and what it should be).
JsonFields trace_fields(const std::string& source) {
  return JsonFields(source, "is damaged", "record it again with 'gmmlab trace record'");
}

// A whole number stored in an int.
int whole(const JsonFields& f, const json& j, const char* key, const std::string& where, int min = 0) {
  return int(f.integer(j, key, where, min, std::numeric_limits<int>::max()));
}

// A mixture of k components in d dimensions (its numbers finite: numbers() checks them).
Mixture trace_mixture(const JsonFields& f, const json& j, const std::string& where, arma::uword k, arma::uword d) {
  const Mixture m = mixture_from_json(j, f, where);
  if (m.components() != k || m.dims() != d)
    f.fail(fmt::format("{} has {} components in {} dimensions, expected {} in {}", where, m.components(), m.dims(), k,
                       d));
  return m;
}

StopReason parse_reason(const JsonFields& r, const std::string& s) {
  if (auto reason = from_name(s, kStopReasons, to_string)) return *reason;
  r.fail(fmt::format("\"end\".\"reason\" is '{}', not one of {}", s, name_choices(kStopReasons, to_string)));
}

// The ending must be one EM can reach from the iterations recorded: a hand-edited or spliced
// trace would otherwise be shown, diffed and graded as if it were a real run.
void check_ending(const JsonFields& r, const Trace& t) {
  const TraceEnd& e = t.end;
  const int recorded = int(t.iterations.size());
  const bool stopped = e.reason != StopReason::converged && e.reason != StopReason::iteration_cap;
  const std::string reason = to_string(e.reason);
  int complete = 0;
  for (const TraceIteration& it : t.iterations) complete += it.mixture ? 1 : 0;
  if (e.iterations != complete)
    r.fail(fmt::format("\"end\" counts {} iterations but {} are recorded with their mixture", e.iterations, complete));
  if (stopped != e.failed_iteration.has_value())
    r.fail(stopped ? fmt::format("it ends '{}' but does not say where (\"failed_at\" is null)", reason)
                   : fmt::format("it ends '{}' yet names a failed half-step", reason));
  if ((e.reason == StopReason::not_implemented) != e.exercise.has_value())
    r.fail(fmt::format("it ends '{}' but {} an unwritten exercise", reason, e.exercise ? "names" : "does not name"));
  if (e.reason == StopReason::iteration_cap && e.iterations != t.settings.em.max_iterations)
    r.fail(fmt::format("it ends at the iteration cap after {} iterations, but the cap is {}", e.iterations,
                       t.settings.em.max_iterations));
  if (e.reason == StopReason::converged && (e.iterations < 2 || e.iterations > t.settings.em.max_iterations))
    r.fail(fmt::format("it says EM converged after {} iterations, which no run with a cap of {} can", e.iterations,
                       t.settings.em.max_iterations));
  if (e.reason == StopReason::converged && !t.iterations.empty() && t.iterations.back().change) {
    const TraceIteration& last = t.iterations.back();
    const double limit = t.settings.em.relative_tolerance ? t.settings.em.tolerance * std::abs(last.log_likelihood)
                                                          : t.settings.em.tolerance;
    if (!(std::abs(*last.change) < limit))
      r.fail(fmt::format("it says EM converged, but its last change of the log-likelihood, {:g}, is not below the "
                         "tolerance {:g}",
                         *last.change, limit));
  }
  if (stopped) {
    if (*e.failed_iteration != e.iterations + 1)
      r.fail(fmt::format("it stops in iteration {} after {} complete iterations", *e.failed_iteration, e.iterations));
    const int expected = e.iterations + (e.failed_half_step == HalfStep::m_step ? 1 : 0);
    if (recorded != expected)
      r.fail(fmt::format("it stops in the {} of iteration {} but records {} iterations", 
                         half_step_name(*e.failed_half_step), *e.failed_iteration, recorded));
  } else if (recorded != e.iterations) {
    r.fail(fmt::format("it ends '{}' after {} iterations but records {}", reason, e.iterations, recorded));
  }
}

}  // namespace

json trace_to_json(const Trace& t) {
  json iterations = json::array();
  for (const TraceIteration& it : t.iterations) {
    iterations.push_back({{"iteration", it.iteration},
                          {"log_likelihood", it.log_likelihood},
                          {"change", it.change ? json(*it.change) : json(nullptr)},
                          {"soft_counts", arma::conv_to<std::vector<double>>::from(it.soft_counts)},
                          {"hard_counts", arma::conv_to<std::vector<arma::uword>>::from(it.hard_counts)},
                          {"mixture", it.mixture ? to_json(*it.mixture) : json(nullptr)},
                          {"events", events_to_json(it.events)}});
  }
  const TraceEnd& e = t.end;
  json failed_at = nullptr;
  if (e.failed_iteration && e.failed_half_step)
    failed_at = {{"iteration", *e.failed_iteration}, {"half_step", half_step_name(*e.failed_half_step)}};
  const TraceSettings& s = t.settings;
  return {
      {"format", kTraceFormat},
      {"version", kTraceVersion},
      {"input",
       {{"path", t.input.path},
        {"content_hash", t.input.content_hash},
        {"height", t.input.height},
        {"width", t.input.width},
        {"channels", t.input.channels}}},
      {"options",
       {{"k", s.k},
        {"seed", s.seed},
        {"init", s.init.empty() ? json(nullptr) : json(s.init)},
        {"max_iterations", s.em.max_iterations},
        {"tolerance", s.em.tolerance},
        {"relative_tolerance", s.em.relative_tolerance},
        {"reg_covar", s.em.reg_covar},
        {"implementation", s.implementation},
        {"zscore", s.zscore}}},
      {"initial", to_json(t.initial)},
      {"iterations", iterations},
      {"end",
       {{"reason", to_string(e.reason)},
        {"iterations", e.iterations},
        {"failed_at", failed_at},
        {"exercise", e.exercise ? json(exercise_title(*e.exercise)) : json(nullptr)},
        {"message", e.message}}},
  };
}

namespace {

// The format name and version, checked first: a file of another kind or version gets its own
// sentence rather than a complaint about its first unexpected field.
void check_format(const JsonFields& f, const json& j, const std::string& source) {
  if (!j.is_object() || !j.contains("format") || !j["format"].is_string() ||
      j["format"].get<std::string>() != kTraceFormat)
    throw Error(fmt::format("{} is not a GMM Lab trace (it has no \"format\": \"{}\"); give a file written by "
                            "'gmmlab trace record'",
                            source, kTraceFormat));
  if (!j.contains("version") || !j["version"].is_number_integer()) f.fail("it has no whole-number \"version\"");
  if (const long long v = j["version"].get<long long>(); v != kTraceVersion)
    throw Error(fmt::format("{} is trace format version {}, but this gmmlab reads version {}; record it again with "
                            "this gmmlab",
                            source, v, kTraceVersion));
}

TraceInput input_from_json(const JsonFields& f, const json& in) {
  const std::string where = "\"input\"";
  TraceInput out;
  out.path = f.text(in, "path", where);
  out.content_hash = f.text(in, "content_hash", where);
  out.height = whole(f, in, "height", where, 1);
  out.width = whole(f, in, "width", where, 1);
  out.channels = whole(f, in, "channels", where, 1);
  return out;
}

TraceSettings settings_from_json(const JsonFields& f, const json& o) {
  const std::string where = "\"options\"";
  TraceSettings s;
  s.k = arma::uword(whole(f, o, "k", where, 1));
  s.seed = f.unsigned_integer(o, "seed", where);
  if (const json& init = f.field(o, "init", where); init.is_string())
    s.init = f.text(o, "init", where);
  else if (!init.is_null())
    f.fail("\"init\" of \"options\" is neither a file name nor null");
  s.em.max_iterations = whole(f, o, "max_iterations", where);
  s.em.tolerance = f.number(o, "tolerance", where);
  s.em.relative_tolerance = f.boolean(o, "relative_tolerance", where);
  s.em.reg_covar = f.number(o, "reg_covar", where);
  s.implementation = f.text(o, "implementation", where);
  // Traces written before "zscore" was recorded ran on their implementation's own Z-score.
  s.zscore = o.contains("zscore") ? f.text(o, "zscore", where) : s.implementation;
  return s;
}

std::vector<ComponentEvent> events_from_json(const JsonFields& f, const json& list, int iteration, arma::uword k) {
  const std::string where = fmt::format("an event of iteration {}", iteration);
  if (!list.is_array()) f.fail(fmt::format("\"events\" of iteration {} is not a list", iteration));
  std::vector<ComponentEvent> out;
  for (const json& ev : list) {
    ComponentEvent event{};
    const std::string kind = f.text(ev, "kind", where);
    const auto known = from_name(kind, kComponentEventKinds, event_kind_name);
    if (!known)
      f.fail(fmt::format("{} is '{}', not {}", where, kind, name_choices(kComponentEventKinds, event_kind_name)));
    event.kind = *known;
    event.iteration = iteration;
    const int c = whole(f, ev, "component", where, 1);
    if (arma::uword(c) > k) f.fail(fmt::format("{} names component {} of {}", where, c, k));
    event.component = arma::uword(c - 1);
    event.soft_count = f.number(ev, "soft_count", where);
    out.push_back(event);
  }
  return out;
}

// Entry i (0-based) of "iterations"; only the last may lack its mixture (the run stopped in
// that M-step).
TraceIteration iteration_from_json(const JsonFields& f, const json& e, std::size_t i, bool last, arma::uword k,
                                   arma::uword d) {
  const std::string where = fmt::format("iteration {}", i + 1);
  TraceIteration it;
  it.iteration = whole(f, e, "iteration", where, 1);
  if (it.iteration != int(i + 1))
    f.fail(fmt::format("entry {} of \"iterations\" says it is iteration {}", i + 1, it.iteration));
  it.log_likelihood = f.number(e, "log_likelihood", where);
  if (const json& c = f.field(e, "change", where); c.is_number())
    it.change = c.get<double>();
  else if (!c.is_null() || i > 0)
    f.fail(fmt::format("\"change\" of {} is not a number", where));
  it.soft_counts = arma::vec(f.numbers(e, "soft_counts", where, k, "one per component"));
  const std::vector<double> hard = f.numbers(e, "hard_counts", where, k, "one per component");
  it.hard_counts.set_size(k);
  for (arma::uword c = 0; c < k; ++c) {
    if (hard[c] < 0 || hard[c] != std::floor(hard[c]))
      f.fail(fmt::format("\"hard_counts\" of {} holds something that is not a pixel count", where));
    it.hard_counts[c] = arma::uword(hard[c]);
  }
  if (const json& m = f.field(e, "mixture", where); !m.is_null())
    it.mixture = trace_mixture(f, m, fmt::format("the mixture of {}", where), k, d);
  else if (!last)
    f.fail(fmt::format("{} has no mixture but later iterations follow it", where));
  it.events = events_from_json(f, f.field(e, "events", where), it.iteration, k);
  return it;
}

TraceEnd end_from_json(const JsonFields& f, const json& e) {
  const std::string where = "\"end\"";
  TraceEnd end;
  end.reason = parse_reason(f, f.text(e, "reason", where));
  end.iterations = whole(f, e, "iterations", where);
  if (const json& at = f.field(e, "failed_at", where); !at.is_null()) {
    end.failed_iteration = whole(f, at, "iteration", "\"failed_at\"", 1);
    end.failed_half_step = from_name(f.text(at, "half_step", "\"failed_at\""), kHalfSteps, half_step_name);
    if (!end.failed_half_step)
      f.fail(fmt::format("\"half_step\" of \"failed_at\" is not {}", name_choices(kHalfSteps, half_step_name)));
  }
  if (const json& ex = f.field(e, "exercise", where); ex.is_string()) {
    const std::string name = ex.get<std::string>();
    end.exercise = from_name(name, kExercises, exercise_title);
    if (!end.exercise)
      f.fail(fmt::format("\"exercise\" of \"end\" is '{}', not {}", name, name_choices(kExercises, exercise_title)));
  } else if (!ex.is_null()) {
    f.fail("\"exercise\" of \"end\" is neither a name nor null");
  }
  end.message = f.text(e, "message", where);
  return end;
}

}  // namespace

Trace trace_from_json(const json& j, const std::string& source) {
  const JsonFields f = trace_fields(source);
  check_format(f, j, source);
  Trace t;
  t.input = input_from_json(f, f.field(j, "input", "the trace"));
  t.settings = settings_from_json(f, f.field(j, "options", "the trace"));
  const arma::uword k = t.settings.k, d = arma::uword(t.input.channels);
  t.initial = trace_mixture(f, f.field(j, "initial", "the trace"), "the initial mixture", k, d);
  const json& its = f.field(j, "iterations", "the trace");
  if (!its.is_array()) f.fail("\"iterations\" is not a list");
  for (std::size_t i = 0; i < its.size(); ++i)
    t.iterations.push_back(iteration_from_json(f, its[i], i, i + 1 == its.size(), k, d));
  t.end = end_from_json(f, f.field(j, "end", "the trace"));
  check_ending(f, t);
  check_sense(f, t);
  return t;
}

namespace {

bool wants_gzip(const std::filesystem::path& path) { return path.extension() == ".gz"; }
bool is_gzip(const std::string& bytes) {
  return bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0x1f && static_cast<unsigned char>(bytes[1]) == 0x8b;
}

// The whole text deflated with a gzip header (what `gzip` writes), in memory, so that the file
// is still written whole or not at all.
std::string gzip(const std::string& text) {
  z_stream z{};
  if (deflateInit2(&z, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY) != Z_OK)
    throw std::runtime_error("zlib could not start compressing");
  std::string out(deflateBound(&z, uLong(text.size())), '\0');
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(text.data()));
  z.avail_in = uInt(text.size());
  z.next_out = reinterpret_cast<Bytef*>(out.data());
  z.avail_out = uInt(out.size());
  const int rc = deflate(&z, Z_FINISH);
  out.resize(z.total_out);
  deflateEnd(&z);
  if (rc != Z_STREAM_END) throw std::runtime_error("zlib could not compress the trace");
  return out;
}

// Inflates a gzip file's bytes; throws gmmlab::Error naming `source` when they are damaged.
std::string gunzip(const std::string& bytes, const std::string& source) {
  z_stream z{};
  if (inflateInit2(&z, 15 + 16) != Z_OK) throw std::runtime_error("zlib could not start decompressing");
  z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  z.avail_in = uInt(bytes.size());
  std::string out;
  char buffer[1 << 16];
  int rc = Z_OK;
  while (rc == Z_OK) {
    z.next_out = reinterpret_cast<Bytef*>(buffer);
    z.avail_out = sizeof buffer;
    rc = inflate(&z, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - z.avail_out);
    if (out.size() > kMaxTraceBytes) {  // the same bound as an uncompressed trace (a gzip bomb)
      inflateEnd(&z);
      throw Error(fmt::format("{} unpacks to more than {} GiB, more than any trace gmmlab records; give a trace "
                              "written by 'gmmlab trace record'",
                              source, kMaxTraceBytes >> 30));
    }
    if (rc == Z_BUF_ERROR && z.avail_in == 0) break;  // the input ended before the stream did
  }
  inflateEnd(&z);
  if (rc != Z_STREAM_END)
    throw Error(fmt::format("{} is damaged: its gzip data {}; record it again with 'gmmlab trace record'", source,
                            rc == Z_BUF_ERROR ? "stops in the middle (the file is truncated)" : "is corrupt"));
  return out;
}

}  // namespace

namespace {

namespace fs = std::filesystem;

// The one rule for the photo's path in a trace file: relative to the trace's own folder (or
// absolute), so that every reader finds the same photo wherever it runs, and the "never
// overwrite an input" rule sees it. In memory it is a path from the working folder.
std::string photo_path_to_store(const std::string& photo, const fs::path& trace_file) {
  const fs::path p(photo);
  if (p.is_absolute()) return photo;
  const fs::path absolute = fs::absolute(p).lexically_normal();
  const fs::path relative = absolute.lexically_relative(fs::absolute(trace_file).parent_path().lexically_normal());
  return (relative.empty() ? absolute : relative).string();
}

std::string photo_path_read(const std::string& stored, const fs::path& trace_file) {
  const fs::path p(stored);
  if (p.is_absolute() || !trace_file.has_parent_path()) return stored;
  return (trace_file.parent_path() / p).lexically_normal().string();
}

}  // namespace

std::string trace_file_bytes(const Trace& t, const std::filesystem::path& path) {
  json j = trace_to_json(t);
  j["input"]["path"] = photo_path_to_store(t.input.path, path);
  // Compact: a 500-iteration trace of the sample is a third smaller than indented, and `trace
  // show` is the way to read it.
  const std::string text = j.dump() + "\n";
  return wants_gzip(path) ? gzip(text) : text;
}

void write_trace(const Trace& t, const std::filesystem::path& path) {
  write_text_file(trace_file_bytes(t, path), path);
}

Trace read_trace(const std::filesystem::path& path) {
  // gzip by its content, whatever the name.
  const JsonFileKind kind{"trace", kMaxTraceBytes, "a file written by 'gmmlab trace record'",
                          "record it again with 'gmmlab trace record'",
                          [](const std::string& bytes, const std::string& source) {
                            return is_gzip(bytes) ? gunzip(bytes, source) : bytes;
                          }};
  Trace t = trace_from_json(read_json_file(path, kind), kind.source(path));
  t.input.path = photo_path_read(t.input.path, path);
  return t;
}

// ---- show -----------------------------------------------------------------------------------

std::vector<std::string> channel_names(arma::uword dims) {
  if (dims == 3) return {"B", "G", "R"};
  if (dims == 1) return {"grey"};
  std::vector<std::string> out;
  for (arma::uword i = 0; i < dims; ++i) out.push_back(std::to_string(i));
  return out;
}

std::string ending_summary(const Trace& t) {
  const TraceEnd& e = t.end;
  switch (e.reason) {
    case StopReason::converged: return fmt::format("converged after {} iterations", e.iterations);
    case StopReason::iteration_cap: return fmt::format("reached the cap of {} iterations", e.iterations);
    case StopReason::collapsed:
    case StopReason::not_finite:
    case StopReason::wrong_shape:
    case StopReason::not_implemented:
    case StopReason::failed:
      return fmt::format("stopped with an error{} after {} complete iterations",
                         e.failed_iteration && e.failed_half_step
                             ? fmt::format(" at iteration {}, {},", *e.failed_iteration, half_step_name(*e.failed_half_step))
                             : "",
                         e.iterations);
  }
  return {};
}

namespace {

// `trace show`'s "Ended:" line: ending_summary and its cause, the tolerance that was met or the
// error's own words.
std::string ending_with_its_cause(const Trace& t) {
  switch (t.end.reason) {
    case StopReason::converged:
      return fmt::format("{} (the log-likelihood changed by less than {:g}{})", ending_summary(t),
                         t.settings.em.tolerance, t.settings.em.relative_tolerance ? " x |log-likelihood|" : "");
    case StopReason::iteration_cap: return fmt::format("{} before converging", ending_summary(t));
    case StopReason::collapsed:
    case StopReason::not_finite:
    case StopReason::wrong_shape:
    case StopReason::not_implemented:
    case StopReason::failed: return fmt::format("{}: {}", ending_summary(t), t.end.message);
  }
  return {};
}

std::string priors_cells(const arma::vec& p) {
  std::string out;
  for (arma::uword k = 0; k < p.n_elem; ++k) out += fmt::format(" {:>7.4f}", p[k]);
  return out;
}

std::string table_row(const TraceIteration& it) {
  const std::string change = it.change ? fmt::format("{:+13.6e}", *it.change) : fmt::format("{:>13}", "");
  const std::string priors = it.mixture ? priors_cells(it.mixture->priors) : "  (no M-step)";
  std::string notes;
  for (const ComponentEvent& e : it.events)
    notes += fmt::format("  component {} emptied", e.component + 1);
  return fmt::format("{:>5}  {:>17.9e}  {}  {}{}\n", it.iteration, it.log_likelihood, change, priors, notes);
}

std::string matrix_lines(const arma::mat& s, const std::vector<std::string>& names, const std::string& indent) {
  std::string out = indent + fmt::format("{:>5}", "");
  for (const auto& n : names) out += fmt::format(" {:>13}", n);
  out += "\n";
  for (arma::uword r = 0; r < s.n_rows; ++r) {
    out += indent + fmt::format("{:>5}", names[r]);
    for (arma::uword c = 0; c < s.n_cols; ++c) out += fmt::format(" {:>13.6e}", s(r, c));
    out += "\n";
  }
  return out;
}

}  // namespace

std::string format_trace_table(const Trace& t, bool all_rows) {
  const TraceSettings& s = t.settings;
  const TraceInput& in = t.input;
  const auto names = channel_names(arma::uword(in.channels));
  std::string out;
  out += fmt::format("Trace of {} EM on '{}': {} x {} pixels, {} channel{} ({}), K = {}\n", s.implementation,
                     in.path, in.width, in.height, in.channels, in.channels == 1 ? "" : "s", fmt::join(names, ", "),
                     s.k);
  out += fmt::format("Started from {}; tolerance {:g}{}, covariance ridge {:g}, cap {} iterations\n",
                     s.init.empty() ? fmt::format("k-means (seed {})", s.seed) : fmt::format("'{}'", s.init),
                     s.em.tolerance, s.em.relative_tolerance ? " (relative)" : " (absolute)", s.em.reg_covar,
                     s.em.max_iterations);
  out += "Ended: " + ending_with_its_cause(t) + "\n\n";

  // The column under "prior" is pi_k after the M-step; the log-likelihood is the E-step's,
  // that is, of the mixture on the row above.
  std::string prior_heads;
  for (arma::uword k = 0; k < s.k; ++k) prior_heads += fmt::format(" {:>7}", fmt::format("pi_{}", k + 1));
  out += fmt::format("{:>5}  {:>17}  {:>13}  {}\n", "iter", "log-likelihood", "change", prior_heads);
  out += fmt::format("{:>5}  {:>17}  {:>13}  {}\n", "", "(E-step)", "", " priors after the M-step");
  out += fmt::format("{:>5}  {:>17}  {:>13}  {}\n", 0, "", "", priors_cells(t.initial.priors) + "  initial mixture");

  const std::size_t n = t.iterations.size();
  const std::size_t head = 10, tail = 5;
  if (all_rows || n <= head + tail + 2) {
    for (const TraceIteration& it : t.iterations) out += table_row(it);
  } else {
    for (std::size_t i = 0; i < head; ++i) out += table_row(t.iterations[i]);
    const double rise = t.iterations[n - tail - 1].log_likelihood - t.iterations[head - 1].log_likelihood;
    out += fmt::format("{:>5}  ... {} iterations folded: the log-likelihood rose by {:.6e} over them (--all shows "
                       "them)\n",
                       "", n - head - tail, rise);
    for (std::size_t i = n - tail; i < n; ++i) out += table_row(t.iterations[i]);
  }
  if (t.end.failed_iteration && t.end.failed_half_step)
    out += fmt::format("{:>5}  stopped in the {}: {}\n", *t.end.failed_iteration,
                       half_step_name(*t.end.failed_half_step), t.end.message);
  out += fmt::format("\n'gmmlab trace show FILE --iteration I' shows every mean, covariance and prior of iteration I "
                     "(0: the initial mixture).\n");
  return out;
}

int parse_iteration(const Trace& t, const std::string& text, const std::string& flag) {
  const int last = int(t.iterations.size());
  if (text == "last") return t.last_iteration();
  std::size_t used = 0;
  long long i = -1;
  try {
    i = std::stoll(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used != text.size() || text.empty())
    throw UsageError(fmt::format("{} '{}' is not an iteration number; give 0 (the initial mixture) to {}, or 'last'", flag,
                            text, last));
  if (i < 0 || i > last)
    throw UsageError(fmt::format("{} {} is outside the trace, which holds iterations 0 (the initial mixture) to {}",
                                 flag, i, last));
  return int(i);
}

std::string format_iteration(const Trace& t, int i) {
  if (i < 0 || i > int(t.iterations.size()))
    throw Error(fmt::format("iteration {} is outside the trace, which holds iterations 0 to {}", i,
                            t.iterations.size()));
  const auto names = channel_names(arma::uword(t.input.channels));
  std::string out;
  const Mixture* m = t.mixture_at(i);
  if (i == 0) {
    out += fmt::format("Iteration 0: the initial mixture ({})\n",
                       t.settings.init.empty() ? fmt::format("k-means, seed {}", t.settings.seed)
                                               : "from '" + t.settings.init + "'");
    out += "  (no E-step yet: iteration 1's E-step evaluates this mixture)\n";
  } else {
    const TraceIteration& it = t.iterations[std::size_t(i - 1)];
    out += fmt::format("Iteration {}\n", i);
    out += fmt::format("  E-step on the mixture of iteration {}: log-likelihood {:.9e}", i - 1, it.log_likelihood);
    out += it.change ? fmt::format(" (change {:+.6e})\n", *it.change) : std::string("\n");
    out += fmt::format("    {:<22} {:>16} {:>16}\n", "component", "N_k (soft)", "pixels (hard)");
    for (arma::uword k = 0; k < it.soft_counts.n_elem; ++k)
      out += fmt::format("    {:<22} {:>16.4f} {:>16}\n", fmt::format("{} ({})", k + 1, colour_name(k)),
                         it.soft_counts[k], it.hard_counts[k]);
    if (!m) {
      out += fmt::format("  M-step: none; the run stopped here: {}\n", t.end.message);
      return out;
    }
    out += fmt::format("  M-step: the mixture of iteration {}\n", i);
    for (const ComponentEvent& e : it.events) out += "    note: " + e.describe() + "\n";
  }
  for (arma::uword k = 0; k < m->components(); ++k) {
    out += fmt::format("    component {} ({}): prior pi = {:.6f}\n", k + 1, colour_name(k), m->priors[k]);
    std::string mean;
    for (arma::uword c = 0; c < m->dims(); ++c) mean += fmt::format(" {:>13.6e}", m->means(k, c));
    std::string heads;
    for (const auto& n : names) heads += fmt::format(" {:>13}", n);
    out += fmt::format("      mean mu  {}\n", heads);
    out += fmt::format("               {}\n", mean);
    out += "      covariance Sigma\n";
    out += matrix_lines(m->covs.slice(k), names, "       ");
  }
  out += "  (values are in the Z-scored space: each channel has mean 0 and standard deviation 1)\n";
  return out;
}

}  // namespace gmmlab
