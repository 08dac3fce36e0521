#pragma once
// What a check (a GoogleTest test in grader/checks/ or grader/hidden/) uses: the Steps under
// test, the reference, its rubric entry, and the words it records. A check reads like a test
// of any Steps: it calls student().e_step(...) and compares; whether the student's code runs
// in this process (unit tests) or in a sandboxed worker (gmmlab grade) is not its business.
//
// A check is made of cases (a photo, synthetic pixels, far pixels...). Each case ends in
// pass_case() or fail_case(); a check whose rubric entry says `partial = true` earns its
// points in proportion to the cases passed, otherwise all or nothing.
#include <fmt/format.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/grader/rubric.hpp"
#include "gmmlab/mistakes.hpp"
#include "gmmlab/steps.hpp"

namespace gmmlab::grader {

struct Subject {
  const Steps* student = nullptr;
  const Steps* reference = nullptr;
  std::uint64_t seed = 0;  // hidden checks draw their pixels and mixtures from it
};
void set_subject(const Subject& s);
const Subject& subject();
inline const Steps& student() { return *subject().student; }
inline const Steps& reference() { return *subject().reference; }

// The running check's rubric entry (its tolerance in particular).
const RubricCheck& this_check();
inline double tolerance() { return this_check().tolerance; }

// One case passed; `detail` is shown with --verbose.
void pass_case(const std::string& detail);
// One case failed: `what` names the case and the first wrong element; a recognised mistake
// adds its plain-words name and hint.
void fail_case(const std::string& what, const std::optional<mistakes::Mistake>& mistake = std::nullopt);

// Runs a call into student code. An error (NotImplemented, a crash or time-out reported by the
// sandbox, an exception) fails the case with its one sentence and returns nothing.
template <class F>
auto call_student(const std::string& case_name, F&& f) -> std::optional<decltype(f())>;

// The first entry where `got` and `expected` differ by more than `tol` (absolute), or where
// `got` is not finite, as "name(i, j): expected E, got G (tolerance T)"; nothing when they
// agree. A shape mismatch is reported as such.
std::optional<std::string> first_difference(const std::string& name, const arma::mat& got, const arma::mat& expected,
                                            double tol);
std::optional<std::string> first_difference(const std::string& name, const arma::cube& got,
                                            const arma::cube& expected, double tol);
std::optional<std::string> first_not_finite(const std::string& name, const arma::mat& got);

// Turns an error thrown by student code into the sentence the case fails with.
std::string describe_student_error(const std::exception& e);
void fail_case_on_error(const std::string& case_name, const std::exception& e);

// Passes the case when `got` equals `expected` within `tol`, else fails it with the first wrong
// element and whatever known mistake `recognise()` finds.
template <class A, class R>
void expect_equal(const std::string& case_name, const std::string& name, const A& got, const A& expected, double tol,
                  R&& recognise) {
  if (auto d = first_difference(name, got, expected, tol))
    fail_case(case_name + ": " + *d, recognise());
  else
    pass_case(case_name + ": " + name + " equals the reference within " + fmt::format("{:g}", tol));
}

template <class F>
auto call_student(const std::string& case_name, F&& f) -> std::optional<decltype(f())> {
  try {
    return f();
  } catch (const std::exception& e) {
    fail_case_on_error(case_name, e);
    return std::nullopt;
  }
}

}  // namespace gmmlab::grader
