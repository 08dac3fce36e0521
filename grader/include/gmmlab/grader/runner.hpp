#pragma once
// Runs the checks (GoogleTest tests registered by grader/checks/ and grader/hidden/) on one
// Subject and turns each into a score by the rubric. This process only compares: the
// student's code is behind subject().student, which `gmmlab grade` makes a sandboxed Steps.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/grader/check.hpp"
#include "gmmlab/grader/rubric.hpp"

namespace gmmlab::grader {

struct CheckResult {
  const RubricCheck* check = nullptr;
  double score = 0;
  int cases_passed = 0, cases_failed = 0;
  std::vector<std::string> failures;  // one per failed case: what and where, then the mistake's hint
  std::vector<std::string> details;   // what each passed case compared (shown with --verbose)
  double seconds = 0;
  bool passed() const { return cases_failed == 0 && cases_passed > 0; }
};

struct Selection {
  std::optional<Section> only;  // none: every section
  bool hidden = false;  // also the hidden checks
};

// The rubric's checks this selection runs, in rubric order.
std::vector<const RubricCheck*> selected_checks(const Rubric& rubric, const Selection& selection);

// Throws gmmlab::Error when the rubric and the compiled-in checks disagree (a check without a
// test, a test without a rubric entry) or when hidden checks were asked for but are not built.
// `on_start` is called before each check, `on_result` after it, in rubric order.
std::vector<CheckResult> run_checks(const Rubric& rubric, const Subject& subject, const Selection& selection,
                                    const std::function<void(const RubricCheck&, std::size_t index, std::size_t count)>& on_start,
                                    const std::function<void(const CheckResult&)>& on_result);

// Whether this build holds the hidden checks (the student package leaves grader/hidden/ out).
bool hidden_checks_built();

}  // namespace gmmlab::grader
