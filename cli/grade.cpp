// gmmlab grade: the autograder's command. The checks and the reports are the grader
// library's; this file turns a folder into an IsolatedSteps, runs the checks on it and writes
// each report as the checks finish. Student code never runs in this process.
#include "grade.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <set>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/grader/report.hpp"
#include "gmmlab/grader/runner.hpp"
#include "gmmlab/output_path.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/sandbox.hpp"
#include "gmmlab/submission_build.hpp"
#include "gmmlab/temp_folder.hpp"

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

const std::vector<std::string> kSourceNames{"zscore.cpp", "e_step.cpp", "m_step.cpp"};

// The seed of the hidden checks: FNV-1a over the submission's source files (names and bytes,
// in name order), so it changes with the code and cannot be known before it is written.
std::uint64_t content_seed(const fs::path& folder) {
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(folder)) {
    const std::string ext = e.path().extension().string();
    // Not only regular files: a FIFO or a folder under a source's name is refused by
    // read_submission_file here, before anything is compiled, rather than skipped.
    if (ext == ".cpp" || ext == ".hpp" || ext == ".h") files.push_back(e.path());
  }
  std::ranges::sort(files);
  std::uint64_t h = 0xcbf29ce484222325ULL;
  auto mix = [&](const std::string& bytes) {
    for (unsigned char c : bytes) h = (h ^ c) * 0x100000001b3ULL;
  };
  for (const auto& f : files) {
    mix(f.filename().string());
    mix(read_submission_file(f));
  }
  return h % 1000000007ULL;  // short enough to type
}

bool inside(const fs::path& path, const fs::path& folder) {
  const fs::path p = fs::weakly_canonical(fs::absolute(path)), f = fs::weakly_canonical(fs::absolute(folder));
  auto [a, b] = std::mismatch(f.begin(), f.end(), p.begin(), p.end());
  return a == f.end();
}

void check_submission(const fs::path& folder) {
  if (!fs::exists(folder)) throw Error(fmt::format("submission folder '{}' does not exist; give the folder holding "
                                                   "zscore.cpp, e_step.cpp and m_step.cpp", folder.string()));
  if (!fs::is_directory(folder))
    throw Error(fmt::format("'{}' is not a folder; give the folder holding zscore.cpp, e_step.cpp and m_step.cpp",
                            folder.string()));
  if (fs::is_empty(folder))
    throw Error(fmt::format("submission folder '{}' is empty; give the folder holding zscore.cpp, e_step.cpp and "
                            "m_step.cpp", folder.string()));
  if (std::ranges::none_of(kSourceNames, [&](const std::string& n) { return fs::exists(folder / n); }))
    throw Error(fmt::format("submission folder '{}' has none of zscore.cpp, e_step.cpp, m_step.cpp; give the folder "
                            "holding the student's files", folder.string()));
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

int run_grade(const GradeOptions& o) {
  const auto started = std::chrono::steady_clock::now();
  // Everything the command line says is checked before anything runs or is written.
  const std::optional<grader::Section> only = grader::section_named(o.only);
  if (!o.only.empty() && !only)
    throw UsageError(fmt::format("--only is '{}'; give one of {}", o.only,
                                 name_choices(grader::kSections, grader::section_name)));
  // Limits that would fail every check as if the student were at fault are refused.
  auto megabytes = [](long long mb) { return mb < 0 ? std::size_t(0) : static_cast<std::size_t>(mb); };
  const SandboxLimits limits{o.timeout, megabytes(o.memory), megabytes(o.processes)};
  const SandboxLimits compile_limits{o.compile_timeout, megabytes(o.compile_memory), megabytes(o.processes)};
  check_limits(limits, "--timeout", "--memory", "--processes");
  check_limits(compile_limits, "--compile-timeout", "--compile-memory", "--processes");

  const fs::path submission = o.submission.empty() ? fs::path(GMMLAB_DEFAULT_SUBMISSION) : fs::path(o.submission);
  const std::string shown = o.submission.empty() ? std::string("student/") : o.submission;
  check_submission(submission);
  const std::vector<OutputFile> reports = check_reports(o, submission);
  const grader::Rubric rubric = o.rubric.empty() ? grader::built_in_rubric() : grader::instructor_rubric(o.rubric);
  if (o.hidden && !grader::hidden_checks_built())
    throw Error("this copy of gmmlab was built without the hidden checks (grader/hidden/); run without --hidden");

  // Reads every source file, so a FIFO or a folder under a source's name is refused here.
  const std::uint64_t content = content_seed(submission);
  const std::uint64_t seed = o.seed.value_or(content);

  // The walls student code runs inside, named before anything of it runs (and in every report).
  const std::string isolation_line = isolation().line();
  fmt::print("Grading {}\n{}\n", shown, isolation_line);
  // The terminal only: the file is the instructor's, its folder none of a student's business.
  if (!o.rubric.empty())
    fmt::print("Rubric: {} ({} checks, {} points in all{})\n", o.rubric, rubric.checks.size(),
               grader::format_points(rubric.total()), rubric.total() == 100 ? "" : "; the built-in rubric has 100");
  std::fflush(stdout);
  const TempFolder work("grade");
  const SubmissionBuild build = build_submission(submission, work.path(), compile_limits);

  grader::ReportHeader header;
  header.submission = shown;
  header.isolation = isolation_line;
  std::set<Exercise> broken;
  for (const FileBuild& f : build.files)
    if (!f.compiled) {
      broken.insert(f.exercise);
      header.notes.push_back(fmt::format("{} does not compile: its checks score 0 and the other exercises are graded "
                                         "with the skeleton's {} in its place. The compiler says:\n{}",
                                         exercise_file(f.exercise), exercise_file(f.exercise), f.errors));
    }
  for (const auto& w : build.warnings) header.notes.push_back("Warning: " + w);
  header.submission_argument = o.submission;
  if (o.hidden) header.hidden_seed = seed;
  for (const auto& n : header.notes) fmt::print("{}\n", n);
  // Not a note: notes reach every report, and a student must not see the seed before the due date.
  if (o.hidden) fmt::print("Hidden checks drawn from seed {} (replay with --seed {}).\n", seed, seed);

  const grader::Selection selection{only, o.hidden};
  for (const auto* c : grader::selected_checks(rubric, selection)) header.max_score += c->points;

  const IsolatedSteps student(build.worker, limits, "student");
  const ReferenceSteps reference;
  const bool progress = ::isatty(STDERR_FILENO);
  std::vector<grader::CheckResult> done;
  grader::RepeatedHints hints;
  auto write_reports = [&] {
    header.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    // Both reports or neither, each time a check finishes: a reader never sees one report
    // ahead of the other.
    OutputSet set;
    for (const OutputFile& r : reports)
      set.add(r.path, r.flag == "--json" ? grader::gradescope_json(done, header) : grader::junit_xml(done, header));
    set.commit();
  };
  const auto results = grader::run_checks(
      rubric, {&student, &reference, seed}, selection,
      [&](const grader::RubricCheck& c, std::size_t i, std::size_t n) {
        if (progress) fmt::print(stderr, "\r\033[K[{}/{}] checking: {}", i + 1, n, c.title);
      },
      [&](const grader::CheckResult& r) {
        grader::CheckResult shown_result = hints.shorten(r);
        const auto e = grader::exercise_of(r.check->section);
        if (!r.passed() && e && broken.contains(*e))
          shown_result.failures.insert(shown_result.failures.begin(),
                                       fmt::format("{} does not compile (see above): graded as the skeleton", exercise_file(*e)));
        if (progress) fmt::print(stderr, "\r\033[K");
        fmt::print("{}\n{}", grader::check_line(shown_result), grader::check_details(shown_result, header, o.verbose));
        std::fflush(stdout);
        done.push_back(shown_result);
        write_reports();
      });
  (void)results;
  const double total = grader::total_score(done);
  if (o.hidden || only)
    fmt::print("Total: {}/{}\n", grader::format_points(total), grader::format_points(header.max_score));
  else
    fmt::print("Total: {}/{} (the public checks; hidden checks worth {} more run when your instructor grades)\n",
               grader::format_points(total), grader::format_points(header.max_score),
               grader::format_points(rubric.total() - header.max_score));
  write_reports();
  return 0;
}

}  // namespace

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
