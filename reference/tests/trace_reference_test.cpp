// The tracer's diff between the textbook formulas and the reference: the same run, half-step
// by half-step, agrees within the default tolerances.
#include <gtest/gtest.h>

#include "gmmlab/reference.hpp"
#include "gmmlab/testing/trace_fixture.hpp"

namespace gmmlab::testing {
namespace {

TEST(TraceCompare, TextbookFormulasAgreeWithTheReference) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const TraceDiff d = diff_traces(record(TextbookSteps(), p), record(ReferenceSteps(), p), {}, "yours", "reference");
  EXPECT_TRUE(d.agree) << d.report;
}

}  // namespace
}  // namespace gmmlab::testing
