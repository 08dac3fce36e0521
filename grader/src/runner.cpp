#include "gmmlab/grader/runner.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>

#include "gmmlab/errors.hpp"
#include "recorder.hpp"

namespace gmmlab::grader {

Recorder& recorder() {
  static Recorder r;
  return r;
}

namespace {

std::string full_name(const ::testing::TestInfo& t) { return fmt::format("{}.{}", t.test_suite_name(), t.name()); }

std::map<std::string, bool> registered_tests() {  // name -> true
  std::map<std::string, bool> names;
  const auto* unit = ::testing::UnitTest::GetInstance();
  for (int i = 0; i < unit->total_test_suite_count(); ++i) {
    const auto* suite = unit->GetTestSuite(i);
    for (int j = 0; j < suite->total_test_count(); ++j) names[full_name(*suite->GetTestInfo(j))] = true;
  }
  return names;
}

// Scores each test as it ends. GoogleTest runs the tests in the order they were registered;
// the results are put back in rubric order at the end.
class Collector : public ::testing::EmptyTestEventListener {
 public:
  Collector(const Rubric& rubric, std::vector<CheckResult>& results, std::size_t count,
            const std::function<void(const RubricCheck&, std::size_t, std::size_t)>& on_start,
            const std::function<void(const CheckResult&)>& on_result)
      : rubric_(rubric), results_(results), count_(count), on_start_(on_start), on_result_(on_result) {}

  void OnTestStart(const ::testing::TestInfo& t) override {
    Recorder& r = recorder();
    r = Recorder{};
    r.check = rubric_.find(full_name(t));
    r.result.check = r.check;
    started_ = std::chrono::steady_clock::now();
    if (on_start_) on_start_(*r.check, index_++, count_);
  }

  void OnTestPartResult(const ::testing::TestPartResult& part) override {
    Recorder& r = recorder();
    if (!part.failed()) return;
    if (r.own_failures > 0) {
      --r.own_failures;
      return;
    }
    // A failure the check did not record itself: an exception escaping the check's body or
    // a plain EXPECT. It costs a case like any other.
    ++r.result.cases_failed;
    r.result.failures.push_back(part.summary());
  }

  void OnTestEnd(const ::testing::TestInfo&) override {
    Recorder& r = recorder();
    CheckResult res = r.result;
    res.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count();
    const RubricCheck& c = *r.check;
    const int cases = res.cases_passed + res.cases_failed;
    if (cases == 0) {
      res.cases_failed = 1;
      res.failures.push_back("the check compared nothing (a bug in the grader; please report it)");
    }
    if (res.passed())
      res.score = c.points;
    else if (c.partial && cases > 0)
      res.score = std::round(100 * c.points * res.cases_passed / cases) / 100;  // to the hundredth, as printed
    else
      res.score = 0;
    results_.push_back(res);
    if (on_result_) on_result_(res);
  }

 private:
  const Rubric& rubric_;
  std::vector<CheckResult>& results_;
  std::size_t count_, index_ = 0;
  const std::function<void(const RubricCheck&, std::size_t, std::size_t)>& on_start_;
  const std::function<void(const CheckResult&)>& on_result_;
  std::chrono::steady_clock::time_point started_;
};

void initialise_googletest_once() {
  static bool done = false;
  if (done) return;
  done = true;
  int argc = 1;
  char name[] = "gmmlab-grade";
  char* argv[] = {name, nullptr};
  ::testing::InitGoogleTest(&argc, argv);
  // The grader's own settings, whatever GTEST_* variables the environment holds: no report
  // files of GoogleTest's own, every test once, in order, exceptions caught.
  GTEST_FLAG_SET(output, "");
  GTEST_FLAG_SET(repeat, 1);
  GTEST_FLAG_SET(shuffle, false);
  GTEST_FLAG_SET(break_on_failure, false);
  GTEST_FLAG_SET(catch_exceptions, true);
  GTEST_FLAG_SET(fail_fast, false);
  GTEST_FLAG_SET(also_run_disabled_tests, false);
  GTEST_FLAG_SET(list_tests, false);
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  delete listeners.Release(listeners.default_result_printer());
  delete listeners.Release(listeners.default_xml_generator());
}

}  // namespace

bool hidden_checks_built() {
  for (const auto& [name, _] : registered_tests())
    if (name.rfind("Hidden", 0) == 0) return true;
  return false;
}

std::vector<const RubricCheck*> selected_checks(const Rubric& rubric, const Selection& selection) {
  std::vector<const RubricCheck*> out;
  for (const auto& c : rubric.checks) {
    if (c.hidden && !selection.hidden) continue;
    if (selection.only && c.section != *selection.only) continue;
    out.push_back(&c);
  }
  return out;
}

std::vector<CheckResult> run_checks(const Rubric& rubric, const Subject& subject, const Selection& selection,
                                    const std::function<void(const RubricCheck&, std::size_t, std::size_t)>& on_start,
                                    const std::function<void(const CheckResult&)>& on_result) {
  initialise_googletest_once();
  const auto tests = registered_tests();
  if (selection.hidden && !hidden_checks_built())
    throw Error("this grader was built without the hidden checks (grader/hidden/ is not in this copy); run without --hidden");
  for (const auto& c : rubric.checks)
    if (!tests.contains(c.id) && (!c.hidden || selection.hidden))
      throw Error(fmt::format("the rubric's check '{}' has no test in grader/checks/ or grader/hidden/", c.id));
  for (const auto& [name, _] : tests)
    if (!rubric.find(name)) throw Error(fmt::format("the test '{}' has no entry in the rubric", name));

  const auto checks = selected_checks(rubric, selection);
  std::string filter;
  for (const auto* c : checks) filter += (filter.empty() ? "" : ":") + c->id;
  if (filter.empty()) filter = "-*";
  GTEST_FLAG_SET(filter, filter);

  set_subject(subject);
  std::vector<CheckResult> results;
  auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
  auto* collector = new Collector(rubric, results, checks.size(), on_start, on_result);
  listeners.Append(collector);  // GoogleTest owns it until Release
  // The outcome is in `results`; GoogleTest's own pass/fail count says nothing more.
  [[maybe_unused]] const int failed = RUN_ALL_TESTS();
  delete listeners.Release(collector);
  set_subject({});

  std::ranges::sort(results, {}, [&](const CheckResult& r) { return r.check - rubric.checks.data(); });
  return results;
}

}  // namespace gmmlab::grader
