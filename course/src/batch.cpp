#include "gmmlab/course/batch.hpp"
#include "gmmlab/sandbox.hpp"

#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <deque>
#include <list>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <thread>

#include "gmmlab/course/archive.hpp"
#include "gmmlab/course/gradebook.hpp"
#include "gmmlab/course/lms.hpp"
#include "gmmlab/course/roster.hpp"
#include "gmmlab/course/submissions.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/input_file.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/temp_folder.hpp"
#include "grader_process.hpp"

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;

namespace gmmlab::course {

BatchOutputs outputs_for(const fs::path& gradebook) {
  const fs::path dir = gradebook.parent_path();
  const std::string stem = gradebook.stem().string();
  return {gradebook, dir / (stem + "-feedback"), dir / (stem + "-summary.txt"), dir / (stem + "-histogram.png"),
          dir / (stem + "-state")};
}

namespace {

volatile std::sig_atomic_t interrupted = 0;
extern "C" void on_interrupt(int) { interrupted = 1; }

std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

std::string contains_lower(const std::string& s) {
  std::string out = s;
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// --- state kept per submission so that a killed batch resumes --------------------------------

nlohmann::json to_json(const GradeRecord& r) {
  nlohmann::json checks = nlohmann::json::array();
  for (const CheckResult& c : r.checks)
    checks.push_back({{"name", c.name}, {"number", c.number}, {"status", c.status}, {"visibility", c.visibility},
                      {"output", c.output}, {"score", c.score}, {"max_score", c.max_score}});
  return {{"key", fmt::format("{:016x}", r.key)}, {"id", r.id}, {"source", r.source}, {"status", r.status},
          {"note", r.note}, {"checks", checks}, {"total", r.total}, {"max_total", r.max_total},
          {"feedback", r.feedback}};
}

std::optional<GradeRecord> load_state(const fs::path& file, std::uint64_t key) {
  try {
    const nlohmann::json j = nlohmann::json::parse(read_text(file));
    if (j.at("key").get<std::string>() != fmt::format("{:016x}", key)) return std::nullopt;
    GradeRecord r;
    r.key = key;
    r.id = j.at("id");
    r.source = j.at("source");
    r.status = j.at("status");
    r.note = j.at("note");
    r.total = j.at("total");
    r.max_total = j.at("max_total");
    r.feedback = j.at("feedback");
    for (const auto& c : j.at("checks"))
      r.checks.push_back({c.at("name"), c.at("number"), c.at("status"), c.at("visibility"), c.at("output"),
                          c.at("score"), c.at("max_score")});
    return r;
  } catch (const std::exception&) {
    return std::nullopt;  // missing, half-written or from another version: grade again
  }
}

// --- reading what the grader wrote -----------------------------------------------------------

std::string first_line(const std::string& text) {
  std::istringstream in(text);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;  // the grader's error is its last line
  constexpr std::string_view prefix = "gmmlab: ";
  if (last.rfind(prefix, 0) == 0) last.erase(0, prefix.size());
  return last;
}

// Gradescope's results.json, as `gmmlab grade --json` writes it.
void read_results(const fs::path& file, GradeRecord& r) {
  const nlohmann::json j = nlohmann::json::parse(read_text(file));
  r.checks.clear();
  double sum = 0, max_sum = 0;
  for (const auto& t : j.value("tests", nlohmann::json::array())) {
    CheckResult c;
    c.name = t.value("name", "");
    if (t.contains("number")) c.number = t["number"].is_string() ? t["number"].get<std::string>() : t["number"].dump();
    c.score = t.value("score", 0.0);
    c.max_score = t.value("max_score", 0.0);
    c.status = t.value("status", c.score >= c.max_score ? "passed" : "failed");
    c.visibility = t.value("visibility", "visible");
    c.output = t.value("output", "");
    sum += c.score;
    max_sum += c.max_score;
    r.checks.push_back(std::move(c));
  }
  r.total = j.contains("score") ? j["score"].get<double>() : sum;
  r.max_total = max_sum;
  const std::string all = contains_lower(j.value("output", ""));
  bool compile_failed = all.find("did not compile") != std::string::npos ||
                        all.find("does not compile") != std::string::npos;
  for (const CheckResult& c : r.checks) {
    const std::string o = contains_lower(c.output);
    compile_failed = compile_failed || o.find("did not compile") != std::string::npos ||
                     o.find("does not compile") != std::string::npos;
  }
  r.status = compile_failed ? status::did_not_compile : status::graded;
}

// --- one submission ----------------------------------------------------------------------------

struct Job {
  std::size_t index;      // into the records
  fs::path work;          // its own temp folder
  GraderProcess grader;
  Clock::time_point started = Clock::now();
};

void add_note(GradeRecord& r, const std::string& note) {
  if (note.empty()) return;
  r.note += r.note.empty() ? note : "; " + note;
}

std::string notes_header(const GradeRecord& r) {
  return r.note.empty() ? std::string() : fmt::format("Note: {}.\n\n", r.note);
}

// Waits for `grader` to end by itself within `seconds` (its wait status in `wait_status`);
// past them it is stopped, everything it started with it, and the answer is false.
bool ended_within(GraderProcess& grader, double seconds, int& wait_status) {
  const auto started = Clock::now();
  while (!grader.ended(wait_status)) {
    if (std::chrono::duration<double>(Clock::now() - started).count() > seconds) {
      grader.stop();
      return false;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return true;
}

GraderProcess start_grader(const BatchOptions& o, const fs::path& work, bool hidden = true) {
  std::vector<std::string> args{o.grader.string(), "grade", (work / "submission").string(),
                                "--json", (work / "results.json").string(),
                                "--timeout", fmt::format("{}", o.check_timeout),
                                "--memory", fmt::format("{}", o.memory_mb)};
  if (hidden) args.push_back("--hidden");
  if (!o.rubric.empty()) args.insert(args.end(), {"--rubric", fs::absolute(o.rubric).string()});
  return GraderProcess(args, work, work / "stdout.txt", work / "stderr.txt");
}

// An instructor's rubric, checked by the grader that will use it (`gmmlab rubric FILE`) before
// anything is graded: a rubric it refuses would fail every submission. Returns what the grader
// says of it (its totals and changes) for the summary; throws its one sentence otherwise.
std::string check_rubric(const BatchOptions& o) {
  const TempFolder work("rubric");
  const fs::path out = work.path() / "stdout.txt", err = work.path() / "stderr.txt";
  GraderProcess grader({o.grader.string(), "rubric", fs::absolute(o.rubric).string()}, work.path(), out, err);
  int ws = 0;
  if (!ended_within(grader, 60, ws))
    throw Error(fmt::format("the grader {} did not check the rubric {} within 60 s", o.grader.string(),
                            o.rubric.string()));
  auto text = [](const fs::path& f) { return read_regular_file(f, "the grader's output", std::uint64_t(1) << 20); };
  if (!WIFEXITED(ws) || WEXITSTATUS(ws) != 0) {
    std::string why = text(err);
    if (why.rfind("gmmlab: ", 0) == 0) why.erase(0, 8);
    while (!why.empty() && why.back() == '\n') why.pop_back();
    throw Error(why.empty() ? fmt::format("the grader {} refused the rubric {}", o.grader.string(), o.rubric.string())
                            : why);
  }
  return text(out);
}

// The grader names the folder it graded (a temporary copy); the instructor and the student
// know the submission by its own name.
std::string shown_as(std::string text, const fs::path& work, const std::string& display) {
  const std::string staged = (work / "submission").string();
  for (auto at = text.find(staged); at != std::string::npos; at = text.find(staged, at + display.size()))
    text.replace(at, staged.size(), display);
  return text;
}

void finish(GradeRecord& r, const fs::path& work, int wait_status, bool timed_out, const BatchOptions& o,
            const std::string& display) {
  const std::string out = shown_as(read_text(work / "stdout.txt"), work, display);
  const std::string err = shown_as(read_text(work / "stderr.txt"), work, display);
  const bool has_json = fs::exists(work / "results.json");
  if (has_json) {
    // Plain path characters need no JSON escaping: the replacement keeps the file valid.
    const std::string text = shown_as(read_text(work / "results.json"), work, display);
    std::ofstream(work / "results.json", std::ios::binary | std::ios::trunc) << text;
    try {
      read_results(work / "results.json", r);
    } catch (const std::exception& e) {
      r.checks.clear(), r.total = 0;
      r.status = status::not_graded;
      add_note(r, fmt::format("the grader's results.json could not be read ({})", e.what()));
    }
  }
  // Graded, but some marks are time-outs: the instructor sees it in the gradebook's note, not
  // only by reading the feedback (the sandbox words each "the student <part> took longer than").
  std::vector<std::string> slow;
  for (const CheckResult& c : r.checks)
    if (c.score < c.max_score && c.output.find("the student ") != std::string::npos &&
        c.output.find(" took longer than ") != std::string::npos)
      slow.push_back(c.name);
  if (!slow.empty()) {
    const std::size_t named = std::min<std::size_t>(slow.size(), 3);  // the gradebook's cell stays readable
    const std::string more = slow.size() > named ? fmt::format(" and {} more", slow.size() - named) : "";
    add_note(r, fmt::format("student code timed out in {} check{} ({}{})", slow.size(), slow.size() == 1 ? "" : "s",
                            fmt::join(slow.begin(), slow.begin() + static_cast<long>(named), "; "), more));
  }
  const int code = WIFEXITED(wait_status) ? WEXITSTATUS(wait_status) : -1;
  if (timed_out) {
    r.status = status::timed_out;
    add_note(r, fmt::format("grading took longer than {} s and was stopped; points are those of the checks graded "
                            "before",
                            o.submission_timeout));
  } else if (code != 0) {
    // The grader could not grade: say why, in its own words.
    const std::string why = first_line(err);
    const std::string low = contains_lower(why);
    if (low.find("compil") != std::string::npos) r.status = status::did_not_compile;
    else if (low.find("no student source") != std::string::npos || low.find("has no ") != std::string::npos)
      r.status = status::incomplete;
    else r.status = status::not_graded;
    if (!has_json) r.checks.clear(), r.total = 0;
    add_note(r, why.empty() ? (WIFSIGNALED(wait_status) ? fmt::format("the grader was killed by signal {}",
                                                                       WTERMSIG(wait_status))
                                                         : fmt::format("the grader exited with {}", code))
                            : why);
  }
  r.feedback = notes_header(r) + out;
  if (code != 0 && !err.empty()) r.feedback += "\n" + err;
}

struct Progress {
  std::FILE* out;
  bool terminal;
  std::size_t total, done = 0;
  Clock::time_point start = Clock::now();

  static std::string duration(double s) {
    if (s < 60) return fmt::format("{:.0f} s", s);
    return fmt::format("{:.0f} min {:02.0f} s", std::floor(s / 60), std::fmod(s, 60.0));
  }
  void step(const GradeRecord& r, std::size_t running, std::size_t to_grade_done, std::size_t to_grade) {
    ++done;
    if (!out) return;
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    std::string left = "";
    if (to_grade_done > 0 && to_grade > to_grade_done)
      left = fmt::format(", about {} left", duration(elapsed / to_grade_done * (to_grade - to_grade_done)));
    const std::string what =
        r.max_total > 0 ? fmt::format("{} {:g}/{:g}", r.status, r.total, r.max_total) : r.status;
    if (terminal) {
      constexpr int width = 30;
      const int filled = static_cast<int>(width * done / std::max<std::size_t>(1, total));
      fmt::print(out, "\r\033[K[{}{}] {}/{} {}: {}, {} grading{}", std::string(filled, '#'),
                 std::string(width - filled, '.'), done, total, r.id, what, running, left);
      if (done == total) fmt::print(out, "\n");
    } else {
      fmt::print(out, "[{}/{}] {}: {}{}\n", done, total, r.id, what, left);
    }
    std::fflush(out);
  }
};

std::uint64_t options_key(const BatchOptions& o) {
  std::uint64_t h = hash_file(14695981039346656037ull, o.grader);
  // A changed rubric regrades everyone; the same rubric again reuses every grade.
  if (!o.rubric.empty()) h = hash_file(hash_bytes(h, "rubric", 6), o.rubric);
  // Not the submission timeout: it changes nothing about a grade that finished within it.
  const std::string opts = fmt::format("{}|{}", o.check_timeout, o.memory_mb);
  return hash_bytes(h, opts.data(), opts.size());
}

fs::path make_work_root(const fs::path& state_dir) {
  // Folders of an earlier run that was killed (its graders died with it: see grader_process.hpp);
  // each run grades in a fresh folder of its own all the same.
  for (const fs::directory_entry& e : fs::directory_iterator(state_dir))
    if (e.is_directory() && e.path().filename().string().rfind("gmmlab-work-", 0) == 0) {
      std::error_code ec;
      fs::remove_all(e.path(), ec);
    }
  return make_temp_folder("work", state_dir);
}

}  // namespace

GradeRecord grade_submission(const fs::path& submission, const fs::path& work, const BatchOptions& o, bool hidden) {
  GradeRecord r;
  r.id = submission.filename().string();
  r.source = r.id;
  fs::create_directories(work);
  std::vector<std::string> notes;
  try {
    if (!fs::is_directory(submission))
      throw IncompleteSubmission(fmt::format("{} is not a folder", submission.string()));
    stage_submission(submission, work / "submission", notes);
  } catch (const ArchiveRefused& e) {
    r.status = status::refused;
    r.note = fmt::format("refused: {}", e.what());
  } catch (const IncompleteSubmission& e) {
    r.status = status::incomplete;
    r.note = e.what();
  }
  if (!r.status.empty()) {
    r.feedback = notes_header(r);
    return r;
  }
  r.note = fmt::format("{}", fmt::join(notes, "; "));
  GraderProcess grader = start_grader(o, fs::absolute(work), hidden);
  int ws = 0;
  const bool timed_out = !ended_within(grader, o.submission_timeout, ws);
  finish(r, fs::absolute(work), ws, timed_out, o, submission.string());
  return r;
}

// The feedback and state folders beside the gradebook are outputs too: a real folder or a new
// name. Never a link (feedback written through it would land wherever it points) nor a file.
void check_output_folder(const fs::path& folder, const char* what) {
  std::error_code ec;
  const fs::file_status status = fs::symlink_status(folder, ec);
  if (fs::is_symlink(status))
    throw Error(fmt::format("the {} folder '{}' is a symbolic link; outputs are never written through a link, so "
                            "remove it or give another -o",
                            what, folder.string()));
  if (fs::exists(status) && !fs::is_directory(status))
    throw Error(fmt::format("the {} folder '{}' is not a folder; remove it or give another -o", what,
                            folder.string()));
}

std::string check_isolation(const BatchOptions& o) {
  const Isolation& i = isolation();
  if (i.level == IsolationLevel::weak && !o.allow_weak_isolation)
    throw Error("student code would run as your own user here (you are not root and this host has no user "
                "namespaces), so a hostile submission could forge its marks; grade as root or in a container "
                "(docs/instructor-guide.md, \"Grading a hostile class\"), or pass --allow-weak-isolation to grade anyway");
  return i.line();
}

BatchResult grade_batch(const BatchOptions& o) {
  BatchResult result;
  const std::string isolation_line = check_isolation(o);
  const BatchOutputs out = outputs_for(o.gradebook);
  ClassSubmissions found = read_class_submissions(o.submissions);
  std::vector<Submission>& subs = found.submissions;
  result.skipped = found.skipped;
  result.layout = found.layout_line;
  // The roster before anything is graded: a bad one stops the batch with nothing written.
  std::optional<Roster> roster;
  if (!o.roster.empty()) {
    std::vector<std::string> ids;
    for (const Submission& s : subs) ids.push_back(s.id);
    roster = read_roster(o.roster, ids);
  }
  if (!fs::is_regular_file(o.grader))
    throw Error(fmt::format("the grader {} does not exist; build gmmlab or give --grader", o.grader.string()));
  const std::string rubric_line = o.rubric.empty() ? std::string() : check_rubric(o);
  std::error_code ec;
  const fs::path out_dir = out.gradebook.parent_path().empty() ? fs::path(".") : out.gradebook.parent_path();
  if (!fs::is_directory(out_dir, ec))
    throw Error(fmt::format("the folder of {} does not exist; create it or give another -o", out.gradebook.string()));
  // The gradebook, its summary and its histogram are outputs like any other
  // (gmmlab/output_path.hpp), checked before anything is graded: a regular file or a new name,
  // never a link, FIFO, device or folder, never a submission.
  std::vector<fs::path> inputs{o.submissions};
  for (const Submission& s : subs) inputs.push_back(s.path);
  if (!o.roster.empty()) inputs.push_back(o.roster);
  if (!o.rubric.empty()) inputs.push_back(o.rubric);
  check_outputs({{out.gradebook, "-o"}, {out.summary, "the summary"}, {out.histogram, "the histogram"}}, inputs);
  if (fs::exists(out.gradebook) && !o.force && !o.update)
    throw Error(fmt::format("{} exists already; pass --update to grade only new or changed submissions into it, "
                            "--force to grade everything again, or -o another file",
                            out.gradebook.string()));
  check_output_folder(out.feedback_dir, "feedback");
  check_output_folder(out.state_dir, "state");
  fs::create_directories(out.state_dir, ec);
  fs::create_directories(out.feedback_dir, ec);
  if (ec || access(out.state_dir.c_str(), W_OK) != 0)
    throw Error(fmt::format("cannot write in {}; give -o in a folder you can write", out_dir.string()));
  // Absolute: each grader runs in its own folder, where a relative path would mean another file.
  const fs::path work_root = fs::absolute(make_work_root(out.state_dir));

  // Ids twice (alice/ and alice.zip): neither is graded, the instructor decides.
  std::map<std::string, std::vector<std::string>> by_id;
  for (const Submission& s : subs) by_id[s.id].push_back(s.shown.filename().string());

  const std::uint64_t grader_key = options_key(o);
  result.records.resize(subs.size());
  std::deque<std::size_t> queue;
  for (std::size_t i = 0; i < subs.size(); ++i) {
    GradeRecord& r = result.records[i];
    r.id = subs[i].id;
    r.source = subs[i].shown.filename().string();
    if (by_id[r.id].size() > 1) {
      r.status = status::refused;
      r.note = fmt::format("the id {} is used by {} submissions ({}): keep one and grade again", r.id,
                           by_id[r.id].size(), fmt::join(by_id[r.id], ", "));
      r.feedback = notes_header(r);
      continue;
    }
    r.key = hash_bytes(content_hash(subs[i]), &grader_key, sizeof grader_key);
    if (!o.force) {
      if (auto saved = load_state(out.state_dir / (r.id + ".json"), r.key)) {
        r = *saved;
        ++result.reused;
        continue;
      }
    }
    queue.push_back(i);
  }

  Progress progress{o.progress, o.progress && isatty(fileno(o.progress)) != 0, subs.size()};
  progress.done = subs.size() - queue.size();
  const std::size_t to_grade = queue.size();
  if (o.progress && result.reused > 0)
    fmt::print(o.progress, "{} of {} submissions unchanged since the last run: not graded again\n", result.reused,
               subs.size());

  struct sigaction sa {}, old_int {}, old_term {};
  sa.sa_handler = on_interrupt;
  sigaction(SIGINT, &sa, &old_int);
  sigaction(SIGTERM, &sa, &old_term);
  interrupted = 0;

  const unsigned jobs = o.jobs > 0 ? o.jobs : std::max(1u, std::thread::hardware_concurrency());
  std::list<Job> running;
  auto save = [&](const GradeRecord& r) {
    if (r.key != 0) write_file_whole(out.state_dir / (r.id + ".json"), to_json(r).dump(1));
  };
  std::size_t graded_done = 0;
  try {
    while ((!queue.empty() || !running.empty()) && !interrupted) {
      // Start what the cores allow. Unpacking happens here, one submission at a time, so the
      // first grades start at once however large the class.
      while (!queue.empty() && running.size() < jobs && !interrupted) {
        const std::size_t i = queue.front();
        queue.pop_front();
        GradeRecord& r = result.records[i];
        const fs::path work = work_root / r.id;
        fs::create_directories(work);
        std::vector<std::string> notes;
        if (!subs[i].note.empty()) notes.push_back(subs[i].note);  // what grouping the download decided
        try {
          stage_submission(handed_in_folder(subs[i], work), work / "submission", notes);
        } catch (const ArchiveRefused& e) {
          r.status = status::refused;
          r.note = subs[i].note;
          add_note(r, fmt::format("refused: {}", e.what()));
        } catch (const IncompleteSubmission& e) {
          r.status = status::incomplete;
          r.note = subs[i].note;
          add_note(r, e.what());
        }
        if (!r.status.empty()) {
          r.feedback = notes_header(r);
          save(r);
          ++graded_done;
          progress.step(r, running.size(), graded_done, to_grade);
          fs::remove_all(work, ec);
          continue;
        }
        r.note = fmt::format("{}", fmt::join(notes, "; "));
        running.push_back({i, work, start_grader(o, work)});
      }
      // Collect what finished; stop what ran too long.
      bool any = false;
      for (auto it = running.begin(); it != running.end();) {
        int ws = 0;
        const double seconds = std::chrono::duration<double>(Clock::now() - it->started).count();
        bool timed_out = false;
        bool done = it->grader.ended(ws);
        if (!done && seconds > o.submission_timeout) {
          it->grader.stop();
          timed_out = true;
          done = true;
        }
        if (!done) {
          ++it;
          continue;
        }
        GradeRecord& r = result.records[it->index];
        finish(r, it->work, ws, timed_out, o, subs[it->index].shown.string());
        save(r);
        ++result.graded_now;
        ++graded_done;
        fs::remove_all(it->work, ec);
        it = running.erase(it);
        progress.step(r, running.size(), graded_done, to_grade);
        any = true;
      }
      if (!any) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  } catch (...) {
    running.clear();  // each grader is stopped with everything it started
    throw;
  }
  sigaction(SIGINT, &old_int, nullptr);
  sigaction(SIGTERM, &old_term, nullptr);
  if (interrupted) {
    running.clear();
    fs::remove_all(work_root, ec);
    throw Error(fmt::format("interrupted after {} of {} submissions; run the same command again to grade the rest "
                            "(what is graded is kept)",
                            progress.done, subs.size()));
  }
  fs::remove_all(work_root, ec);

  // Names are joined afresh each run (a saved record has none): the LMS's, then the roster's.
  for (std::size_t i = 0; i < subs.size(); ++i) result.records[i].name = subs[i].name;
  ClassFindings findings{result.layout, "", rubric_line, {}};
  if (roster) {
    RosterJoin join = join_roster(*roster, result.records);
    findings.roster = join.line;
    findings.not_on_roster = std::move(join.not_on_roster);
  }

  // One set, all or nothing: the gradebook never disagrees with its summary or the feedback.
  OutputSet written;
  for (const GradeRecord& r : result.records)
    if (r.status != status::no_submission) written.add(out.feedback_dir / (r.id + ".txt"), r.feedback);
  written.add(out.gradebook, gradebook_csv(result.records));
  result.summary = isolation_line + "\n" + summarize(result.records, result.skipped, out, findings);
  written.add(out.summary, result.summary);
  written.add(out.histogram, histogram_png(result.records));
  written.commit();
  return result;
}

}  // namespace gmmlab::course
