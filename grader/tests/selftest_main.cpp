// Grades an in-process implementation with the grader's checks and compares the outcome with
// what it deserves. Not a GoogleTest test itself (the checks ARE GoogleTest tests, and
// GoogleTest runs once per process): CTest runs it once per implementation.
//
//   grader_selftest --impl reference|solution|skeleton|loops|alternative|planted:<mistake-id>
//
// Expectations: a correct implementation 100/100 with no failure; the skeleton 0/100 with the
// friendly "not written yet" line in every check; a planted mistake loses points only in its
// own exercise's checks (and the whole-EM checks that run that exercise), and the detector
// names it in at least one failure, never another mistake.
#include <fmt/format.h>

#include <map>
#include <set>
#include <string>

#include "gmmlab/grader/runner.hpp"
#include "gmmlab/reference.hpp"
#include "planted_steps.hpp"

#if GMMLAB_SELFTEST_HAS_STUDENT
#include "student.hpp"
#endif

using namespace gmmlab;

namespace {

int failures = 0;
void expect(bool ok, const std::string& what) {
  if (!ok) {
    ++failures;
    fmt::print("SELFTEST FAILED: {}\n", what);
  }
}

// The sections a mistake may cost points in: its exercise's, and EM's for the half-steps.
std::set<grader::Section> sections_hit_by(const std::string& id) {
  switch (mistakes::by_id(id).part()) {
    case mistakes::Part::zscore: return {grader::Section::zscore};
    case mistakes::Part::gamma:
    case mistakes::Part::log_likelihood: return {grader::Section::estep, grader::Section::em};
    case mistakes::Part::means:
    case mistakes::Part::covariances:
    case mistakes::Part::priors: return {grader::Section::mstep, grader::Section::em};
  }
  return {};
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3 || std::string(argv[1]) != "--impl") {
    fmt::print(stderr, "usage: grader_selftest --impl NAME\n");
    return 2;
  }
  const std::string impl = argv[2];
  ReferenceSteps reference;
  std::unique_ptr<Steps> owned;
  const Steps* steps = nullptr;
  std::string planted;
  if (impl == "reference") steps = &reference;
#if GMMLAB_SELFTEST_HAS_STUDENT
  StudentSteps student_steps;
  if (impl == "solution" || impl == "skeleton") steps = &student_steps;
#endif
  if (impl == "loops") steps = (owned = grader_tests::loop_steps()).get();
  if (impl == "alternative") steps = (owned = grader_tests::alternative_steps()).get();
  if (impl.rfind("planted:", 0) == 0) {
    planted = impl.substr(8);
    steps = (owned = grader_tests::loop_steps(planted)).get();
  }
  if (!steps) {
    fmt::print(stderr, "unknown --impl {}\n", impl);
    return 2;
  }

  const auto& rubric = grader::built_in_rubric();
  expect(rubric.total() == 100, fmt::format("the rubric totals {}, not 100", rubric.total()));
  const auto results = grader::run_checks(rubric, {steps, &reference, 12345}, {std::nullopt, true}, nullptr, nullptr);
  expect(results.size() == rubric.checks.size(), "every rubric check ran");

  double total = 0;
  std::set<std::string> recognised;
  for (const auto& r : results) {
    total += r.score;
    fmt::print("{:<60} {:>4g}/{:g}\n", r.check->title, r.score, r.check->points);
    for (const auto& f : r.failures) fmt::print("    {}\n", f);
    for (const auto& m : mistakes::catalogue())
      for (const auto& f : r.failures)
        if (f.find(m.name) != std::string::npos) recognised.insert(std::string(m.id));
  }
  fmt::print("total {}/100\n", total);

  if (planted.empty() && impl != "skeleton") {
    expect(total == 100, fmt::format("{} is correct and should get 100/100, got {}", impl, total));
  } else if (impl == "skeleton") {
    expect(total == 0, fmt::format("the skeleton should get 0/100, got {}", total));
    for (const auto& r : results)
      for (const auto& f : r.failures)
        expect(f.find("is not written yet") != std::string::npos,
               fmt::format("{}: the skeleton's failure should be the friendly TODO line, got: {}", r.check->id, f));
  } else {
    expect(total < 100, fmt::format("planted mistake {} should lose points", planted));
    const auto allowed = sections_hit_by(planted);
    for (const auto& r : results)
      expect(r.score == r.check->points || allowed.contains(r.check->section),
             fmt::format("planted mistake {} lost points in {} (section {})", planted, r.check->id,
                         grader::section_name(r.check->section)));
    expect(recognised.contains(planted), fmt::format("the detector did not name planted mistake {}", planted));
    for (const auto& id : recognised)
      expect(id == planted,
             fmt::format("planted mistake {} was also taken for {}", planted, id));
  }
  return failures == 0 ? 0 : 1;
}
