#include "gmmlab/grader/grade.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "gmmlab/errors.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/temp_folder.hpp"

namespace fs = std::filesystem;

namespace gmmlab::grader {

namespace {

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

}  // namespace

void check_submission_folder(const fs::path& folder) {
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

GradeResult grade_submission(const GradeOptions& o, GradeObserver& observer) {
  const Rubric& rubric = o.rubric ? *o.rubric : built_in_rubric();
  check_submission_folder(o.submission);
  if (o.selection.hidden && !hidden_checks_built())
    throw Error("this copy of gmmlab was built without the hidden checks (grader/hidden/); run without --hidden");
  GradeResult result;
  // Reads every source file, so a FIFO or a folder under a source's name is refused here.
  result.seed = o.seed.value_or(content_seed(o.submission));

  ReportHeader& header = result.header;
  header.submission = o.shown;
  header.submission_argument = o.submission_argument;
  // The walls student code runs inside, named before anything of it runs (and in every report).
  header.isolation = isolation().line();
  observer.building(header);
  const TempFolder work("grade");
  const SubmissionBuild build = build_submission(o.submission, work.path(), o.compile_limits);

  std::set<Exercise> broken;
  for (const FileBuild& f : build.files)
    if (!f.compiled) {
      broken.insert(f.exercise);
      header.notes.push_back(fmt::format("{} does not compile: its checks score 0 and the other exercises are graded "
                                         "with the skeleton's {} in its place. The compiler says:\n{}",
                                         exercise_file(f.exercise), exercise_file(f.exercise), f.errors));
    }
  for (const auto& w : build.warnings) header.notes.push_back("Warning: " + w);
  if (o.selection.hidden) header.hidden_seed = result.seed;
  for (const auto* c : selected_checks(rubric, o.selection)) header.max_score += c->points;
  observer.built(header);

  const IsolatedSteps student(build.worker, o.limits, "student");
  const ReferenceSteps reference;
  RepeatedHints hints;
  run_checks(
      rubric, {&student, &reference, result.seed}, o.selection,
      [&](const RubricCheck& c, std::size_t i, std::size_t n) { observer.checking(c, i, n); },
      [&](const CheckResult& r) {
        CheckResult shown = hints.shorten(r);
        const auto e = exercise_of(r.check->section);
        if (!r.passed() && e && broken.contains(*e))
          shown.failures.insert(shown.failures.begin(),
                                fmt::format("{} does not compile (see above): graded as the skeleton", exercise_file(*e)));
        result.checks.push_back(shown);
        observer.checked(result.checks.back(), result);
      });
  // The checks run in the order they were linked; an instructor's rubric may order them otherwise.
  std::ranges::stable_sort(result.checks, {}, [&](const CheckResult& r) { return r.check - rubric.checks.data(); });
  return result;
}

}  // namespace gmmlab::grader
