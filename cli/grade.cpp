// gmmlab grade: the autograder's command, a front end over grader::grade_submission: it turns
// the command line into options, prints each check as it ends and writes the reports. Student
// code never runs in this process.
#include "grade.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/grader/grade.hpp"
#include "gmmlab/output_path.hpp"

namespace fs = std::filesystem;

namespace gmmlab::cli {

namespace {

struct GradeOptions {
  std::string submission;  // empty: this checkout's student folder
  std::string only, json, junit, rubric;
  bool verbose = false, hidden = false;
  double timeout = 10, compile_timeout = kCompileLimits.seconds;
  long long memory = 2048, compile_memory = static_cast<long long>(kCompileLimits.memory_mb);
  long long processes = 64;
  std::optional<std::uint64_t> seed;
};

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path p = fs::weakly_canonical(fs::absolute(path)), f = fs::weakly_canonical(fs::absolute(folder));
  auto [a, b] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  return a == f.end();
}

// The reports are outputs like any other (gmmlab/output_path.hpp): a regular file or a new name,
// never a link, FIFO, device or folder, never one another, never a file of the submission, and
// never inside the submission folder (the grader writes nothing there). All checked before
// anything is compiled.
std::vector<OutputFile> check_reports(const GradeOptions& o, const fs::path& submission) {
  std::vector<OutputFile> reports;
  if (!o.json.empty()) reports.push_back({o.json, "--json"});
  if (!o.junit.empty()) reports.push_back({o.junit, "--junit"});
  std::vector<fs::path> inputs;
  for (const auto& e : fs::directory_iterator(submission)) inputs.push_back(e.path());
  check_outputs(reports, inputs);
  for (const OutputFile& r : reports)
    if (inside(r.path, submission))
      throw UsageError(fmt::format("{} '{}' is inside the submission folder '{}'; write the report elsewhere (the "
                                   "grader never writes into a submission)",
                                   r.flag, r.path.string(), submission.string()));
  return reports;
}

// The terminal's view of a grading: the header, a progress line while a check runs (on a
// terminal), each check's line and details as it ends; and the reports, all rewritten each
// time a check ends, so a grader killed halfway leaves the checks done so far.
class TerminalAndReports final : public grader::GradeObserver {
 public:
  TerminalAndReports(const GradeOptions& o, std::vector<OutputFile> reports, const grader::Rubric& rubric)
      : o_(o), reports_(std::move(reports)), rubric_(rubric), progress_(::isatty(STDERR_FILENO)) {}

  void building(const grader::ReportHeader& h) override {
    fmt::print("Grading {}\n{}\n", h.submission, h.isolation);
    // Not its path: this is the feedback `course grade` hands a student, and the instructor's
    // folders are none of theirs. Not in the reports either: their totals say it.
    if (!o_.rubric.empty())
      fmt::print("Rubric: your instructor's ({} checks, {} points in all{})\n", rubric_.checks.size(),
                 grader::format_points(rubric_.total()), rubric_.total() == 100 ? "" : "; the built-in rubric has 100");
    std::fflush(stdout);
  }
  void built(const grader::ReportHeader& h) override {
    for (const auto& n : h.notes) fmt::print("{}\n", n);
    // Not a note: notes reach every report, and a student must not see the seed before the due date.
    if (h.hidden_seed) fmt::print("Hidden checks drawn from seed {} (replay with --seed {}).\n", *h.hidden_seed, *h.hidden_seed);
  }
  void checking(const grader::RubricCheck& c, std::size_t i, std::size_t n) override {
    if (progress_) fmt::print(stderr, "\r\033[K[{}/{}] checking: {}", i + 1, n, c.title);
  }
  void checked(const grader::CheckResult& r, const grader::GradeResult& so_far) override {
    if (progress_) fmt::print(stderr, "\r\033[K");
    fmt::print("{}\n{}", grader::check_line(r), grader::check_details(r, so_far.header, o_.verbose));
    std::fflush(stdout);
    write_reports(so_far);
  }

  void write_reports(const grader::GradeResult& result) {
    grader::ReportHeader header = result.header;
    header.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    // Both reports or neither, each time a check finishes: a reader never sees one report
    // ahead of the other.
    OutputSet set;
    for (const OutputFile& r : reports_)
      set.add(r.path, r.flag == "--json" ? grader::gradescope_json(result.checks, header)
                                         : grader::junit_xml(result.checks, header));
    set.commit();
  }

 private:
  const GradeOptions& o_;
  const std::vector<OutputFile> reports_;
  const grader::Rubric& rubric_;
  const bool progress_;
  const std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
};

int run_grade(const GradeOptions& o) {
  // Everything the command line says is checked before anything runs or is written.
  grader::GradeOptions g;
  g.selection.only = grader::section_named(o.only);
  g.selection.hidden = o.hidden;
  if (!o.only.empty() && !g.selection.only)
    throw UsageError(fmt::format("--only is '{}'; give one of {}", o.only,
                                 name_choices(grader::kSections, grader::section_name)));
  // Limits that would fail every check as if the student were at fault are refused.
  auto megabytes = [](long long mb) { return mb < 0 ? std::size_t(0) : static_cast<std::size_t>(mb); };
  g.limits = {o.timeout, megabytes(o.memory), megabytes(o.processes)};
  g.compile_limits = {o.compile_timeout, megabytes(o.compile_memory), megabytes(o.processes)};
  check_limits(g.limits, "--timeout", "--memory", "--processes");
  check_limits(g.compile_limits, "--compile-timeout", "--compile-memory", "--processes");

  g.submission = o.submission.empty() ? fs::path(GMMLAB_DEFAULT_SUBMISSION) : fs::path(o.submission);
  g.shown = o.submission.empty() ? std::string("student/") : o.submission;
  g.submission_argument = o.submission;
  g.seed = o.seed;
  grader::check_submission_folder(g.submission);
  std::vector<OutputFile> reports = check_reports(o, g.submission);
  const grader::Rubric rubric = o.rubric.empty() ? grader::built_in_rubric() : grader::instructor_rubric(o.rubric);
  g.rubric = &rubric;

  TerminalAndReports terminal(o, std::move(reports), rubric);
  const grader::GradeResult result = grader::grade_submission(g, terminal);
  const double max = result.header.max_score;
  if (o.hidden || g.selection.only)
    fmt::print("Total: {}/{}\n", grader::format_points(result.total()), grader::format_points(max));
  else
    fmt::print("Total: {}/{} (the public checks; hidden checks worth {} more run when your instructor grades)\n",
               grader::format_points(result.total()), grader::format_points(max),
               grader::format_points(rubric.total() - max));
  terminal.write_reports(result);
  return 0;
}

// What an instructor's rubric changes from the built-in one, one clause per change.
std::vector<std::string> rubric_changes(const grader::Rubric& given) {
  const grader::Rubric& built = grader::built_in_rubric();
  std::vector<std::string> out;
  for (std::size_t i = 0; i < given.checks.size(); ++i) {
    const grader::RubricCheck& now = given.checks[i];
    const grader::RubricCheck& was = *built.find(now.id);
    std::vector<std::string> what;
    if (now.points != was.points)
      what.push_back(fmt::format("points {} -> {}", grader::format_points(was.points), grader::format_points(now.points)));
    if (now.hidden != was.hidden) what.push_back(now.hidden ? "public -> hidden" : "hidden -> public");
    if (now.partial != was.partial) what.push_back(now.partial ? "partial credit on" : "partial credit off");
    if (now.tolerance != was.tolerance) what.push_back(fmt::format("tolerance {:g} -> {:g}", was.tolerance, now.tolerance));
    if (now.title != was.title) what.push_back("title");
    if (now.why != was.why) what.push_back("why");
    if (&was - built.checks.data() != static_cast<std::ptrdiff_t>(i)) what.push_back("moved");
    if (!what.empty()) out.push_back(fmt::format("{}: {}", now.id, fmt::join(what, ", ")));
  }
  return out;
}

}  // namespace

// gmmlab rubric FILE: an edited rubric checked as `grade --rubric` checks it, and what it changes.
void add_rubric_command(CLI::App& app, int& exit_code) {
  auto file = std::make_shared<std::string>();
  CLI::App* c = app.add_subcommand(
      "rubric", "Check an edited copy of grader/rubric.toml as `grade --rubric` would and say what it changes "
                "(exit 0 usable, 1 not)");
  c->add_option("FILE", *file, "The edited rubric.toml")->required();
  c->callback([file, &exit_code] {
    const grader::Rubric r = grader::instructor_rubric(*file);
    double hidden = 0;
    for (const auto& check : r.checks) hidden += check.hidden ? check.points : 0;
    fmt::print("Rubric {}: {} checks, {} points in all{}: {} public, {} hidden.\n", *file, r.checks.size(),
               grader::format_points(r.total()), r.total() == 100 ? "" : " (the built-in rubric has 100)",
               grader::format_points(r.total() - hidden), grader::format_points(hidden));
    const auto changes = rubric_changes(r);
    if (changes.empty()) fmt::print("It is the built-in rubric, unchanged.\n");
    for (const auto& line : changes) fmt::print("  {}\n", line);
    exit_code = 0;
  });
}

void add_grade_command(CLI::App& app, int& exit_code) {
  auto o = std::make_shared<GradeOptions>();
  CLI::App* c = app.add_subcommand(
      "grade", "Grade a submission folder (default: this checkout's student/) check by check, out of 100 "
               "(exit 0 graded, 1 could not grade, 2 bad command line)");
  c->add_option("SUBMISSION", o->submission, "Folder holding zscore.cpp, e_step.cpp, m_step.cpp (default: student/)");
  c->add_option("--only", o->only, "Only one exercise: " + name_choices(grader::kSections, grader::section_name));
  c->add_option("--rubric", o->rubric,
                "An edited copy of grader/rubric.toml: its points, visibility, partial credit and tolerances "
                "(default: the rubric this gmmlab was built with)");
  c->add_flag("--verbose", o->verbose, "Show every case each check compared, and its tolerance");
  c->add_option("--json", o->json, "Also write Gradescope's results.json here");
  c->add_option("--junit", o->junit, "Also write JUnit XML here");
  c->add_flag("--hidden", o->hidden, "Also run the hidden checks (instructors)");
  c->add_option("--timeout", o->timeout, "Seconds each call into the student code may take (default 10)");
  c->add_option("--memory", o->memory, "Megabytes each call into the student code may use (default 2048)");
  c->add_option("--processes", o->processes,
                "Processes and threads a call or a compile of the student code may have at once (default 64)");
  c->add_option("--compile-timeout", o->compile_timeout,
                fmt::format("Seconds (wall clock and CPU) each compile of a student file may take (default {:g})",
                            kCompileLimits.seconds));
  c->add_option("--compile-memory", o->compile_memory,
                fmt::format("Megabytes each compile of a student file may use (default {})", kCompileLimits.memory_mb));
  c->add_option("--seed", o->seed, "Seed of the hidden checks (default: from the submission's content; printed)");
  // A malformed value throws UsageError (exit 2), a submission that cannot be graded Error (1).
  c->callback([o, &exit_code] { exit_code = run_grade(*o); });
}

}  // namespace gmmlab::cli
