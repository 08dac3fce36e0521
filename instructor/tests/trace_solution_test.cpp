// `trace compare`'s promise on the instructor's solution: written right, it agrees with the
// reference half-step by half-step, from the Z-score to the last M-step.
#include <gtest/gtest.h>

#include "gmmlab/reference.hpp"
#include "student.hpp"
#include "gmmlab/testing/trace_fixture.hpp"

namespace gmmlab::testing {
namespace {

TEST(TraceCompareSolution, SolutionAgreesWithTheReference) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir), 3, 25);
  const StudentSteps solution;
  const ReferenceSteps reference;
  const Image image = load_image(p.input.path, 3);
  EXPECT_LT(arma::abs(solution.zscore(image.pixels) - reference.zscore(image.pixels)).max(), 1e-12);
  const TraceDiff d = diff_traces(record(solution, p), record(reference, p), {}, "solution", "reference");
  EXPECT_TRUE(d.comparable) << d.refusal;
  EXPECT_TRUE(d.agree) << d.report;
}

}  // namespace
}  // namespace gmmlab::testing
