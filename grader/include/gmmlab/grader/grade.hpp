#pragma once
// Grading one submission folder, whole: its files checked, compiled into a sandboxed worker,
// the rubric's checks run on it, the compile notes and repeated hints put in the results.
// `gmmlab grade` is a front end over it that chooses options and formats (terminal, Gradescope
// JSON, JUnit); `gmmlab course grade` and `autograde` run that command in a process of its own
// per submission, so a submission that takes its grader down takes only that process.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/grader/report.hpp"
#include "gmmlab/grader/rubric.hpp"
#include "gmmlab/grader/runner.hpp"
#include "gmmlab/sandbox.hpp"
#include "gmmlab/submission_build.hpp"

namespace gmmlab::grader {

struct GradeOptions {
  std::filesystem::path submission;  // the folder holding zscore.cpp, e_step.cpp, m_step.cpp
  std::string shown;                 // how the reports name it ("student/", or as given)
  std::string submission_argument;   // the folder in replay commands ("" when it is student/)
  Selection selection;
  std::optional<std::uint64_t> seed;  // the hidden checks' seed; none: from the files' content
  SandboxLimits limits{10, 2048, 64};           // each call into student code
  SandboxLimits compile_limits = kCompileLimits;  // each compile of a student file
  const Rubric* rubric = nullptr;    // none: built_in_rubric()
};

struct GradeResult {
  ReportHeader header;                // isolation, notes, max_score of the selected checks
  std::vector<CheckResult> checks;    // in rubric order, as shown: repeated hints shortened
  std::uint64_t seed = 0;             // what the hidden checks drew from (used when they ran)
  double total() const { return total_score(checks); }
};

// What a front end hears while a submission is graded, in this order; each may print or write.
class GradeObserver {
 public:
  virtual ~GradeObserver() = default;
  virtual void building(const ReportHeader&) {}  // before the compile: submission and isolation known
  virtual void built(const ReportHeader&) {}     // the compile notes and warnings are in the header
  virtual void checking(const RubricCheck&, std::size_t /*index*/, std::size_t /*count*/) {}
  virtual void checked(const CheckResult& /*shown*/, const GradeResult& /*so_far*/) {}
};

// Throws gmmlab::Error (one sentence) when the folder cannot be graded at all: missing, not a
// folder, empty, none of the three files, a source that is not a regular file, nothing
// compiles; or when the hidden checks were asked of a build without them. Anything wrong with
// the student's code costs its checks instead.
GradeResult grade_submission(const GradeOptions& options, GradeObserver& observer);

// The first of those refusals, alone: what a front end checks before it writes anything.
void check_submission_folder(const std::filesystem::path& folder);

}  // namespace gmmlab::grader
