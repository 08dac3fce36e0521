#include "gmmlab/grader/check.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "gmmlab/errors.hpp"
#include "recorder.hpp"

namespace gmmlab::grader {

namespace {
Subject g_subject;
}

void set_subject(const Subject& s) { g_subject = s; }
const Subject& subject() { return g_subject; }

const RubricCheck& this_check() { return *recorder().check; }

void pass_case(const std::string& detail) {
  ++recorder().result.cases_passed;
  recorder().result.details.push_back(detail);
}

void fail_case(const std::string& what, const std::optional<mistakes::Mistake>& mistake) {
  Recorder& r = recorder();
  ++r.result.cases_failed;
  std::string text = what;
  if (mistake) {
    // Appended in two steps: "\n" + std::string trips GCC 12's false -Wrestrict warning.
    text += '\n';
    text += mistakes::describe(*mistake);
  }
  // The same words for several cases (a TODO not written yet, say) are shown once.
  if (std::ranges::find(r.result.failures, text) == r.result.failures.end()) r.result.failures.push_back(text);
  ++r.own_failures;  // the listener knows this failure is already recorded
  ADD_FAILURE() << text;
}

void fail_case_on_error(const std::string& case_name, const std::exception& e) {
  // A TODO not written yet says so whatever the case: no case name in front, so it is shown once.
  if (dynamic_cast<const NotImplemented*>(&e))
    fail_case(e.what());
  else
    fail_case(case_name + ": " + describe_student_error(e));
}

std::string describe_student_error(const std::exception& e) {
  // NotImplemented and the sandbox's StudentCodeFailed already read as one sentence.
  if (dynamic_cast<const Error*>(&e)) return e.what();
  if (dynamic_cast<const std::bad_alloc*>(&e)) return "the student code ran out of memory";
  return fmt::format("the student code threw an exception: {}", e.what());
}

namespace {
// NaN has a sign bit that printf shows ("-nan"); students read "NaN" either way.
std::string show(double v) { return std::isnan(v) ? "NaN" : fmt::format("{:.17g}", v); }

std::optional<std::string> first_difference_impl(const std::string& name, const double* got, const double* expected,
                                                 arma::uword rows, arma::uword cols, arma::uword slices, double tol) {
  for (arma::uword s = 0; s < slices; ++s)
    for (arma::uword i = 0; i < rows; ++i)
      for (arma::uword j = 0; j < cols; ++j) {
        const arma::uword at = s * rows * cols + j * rows + i;
        const double g = got[at], e = expected[at];
        if (std::isfinite(g) && std::abs(g - e) <= tol) continue;
        if (!std::isfinite(g) && g == e) continue;  // the same infinity
        const std::string index = slices > 1 || name.find("Sigma") != std::string::npos
                                      ? fmt::format("{}_{}({}, {})", name, s + 1, i, j)
                                      : fmt::format("{}({}, {})", name, i, j);
        return fmt::format("first wrong element {}: expected {}, got {} (tolerance {:g})", index, show(e), show(g), tol);
      }
  return std::nullopt;
}
}  // namespace

std::optional<std::string> first_difference(const std::string& name, const arma::mat& got, const arma::mat& expected,
                                            double tol) {
  if (arma::size(got) != arma::size(expected))
    return fmt::format("{} is {} x {}, expected {} x {}", name, got.n_rows, got.n_cols, expected.n_rows,
                       expected.n_cols);
  return first_difference_impl(name, got.memptr(), expected.memptr(), got.n_rows, got.n_cols, 1, tol);
}

std::optional<std::string> first_difference(const std::string& name, const arma::cube& got,
                                            const arma::cube& expected, double tol) {
  if (arma::size(got) != arma::size(expected))
    return fmt::format("{} is {} x {} x {}, expected {} x {} x {}", name, got.n_rows, got.n_cols, got.n_slices,
                       expected.n_rows, expected.n_cols, expected.n_slices);
  return first_difference_impl(name, got.memptr(), expected.memptr(), got.n_rows, got.n_cols, got.n_slices, tol);
}

std::optional<std::string> first_not_finite(const std::string& name, const arma::mat& got) {
  for (arma::uword i = 0; i < got.n_rows; ++i)
    for (arma::uword j = 0; j < got.n_cols; ++j)
      if (!std::isfinite(got(i, j))) return fmt::format("{}({}, {}) is {}", name, i, j, show(got(i, j)));
  return std::nullopt;
}

}  // namespace gmmlab::grader
