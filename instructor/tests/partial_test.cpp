// A partly finished student gets every part that works: with only the Z-score written, the
// Z-score runs (and can be graded), and EM stops at the first unwritten part with its line.
// Links gmmlab_partial_student: the solution's zscore.cpp, the skeleton's other files.
#include <gtest/gtest.h>

#include "gmmlab/em.hpp"
#include "gmmlab/pipeline.hpp"
#include "gmmlab/testing/support.hpp"
#include "student.hpp"

namespace gmmlab {
namespace {

TEST(SkeletonPartial, ZscoreRunsWhileTheEStepIsUnwritten) {
  const StudentSteps steps;
  ProblemSpec spec;
  spec.image = gmmlab::testing::sample_photo();
  const Problem p = prepare(spec, steps);
  ASSERT_EQ(p.x.n_rows, p.image.pixels.n_rows);
  ASSERT_TRUE(p.x.is_finite());
  EXPECT_LT(arma::abs(arma::mean(p.x, 0)).max(), 1e-12);

  const EmOutcome outcome = run_em(steps, p.x, p.initial, EmOptions{});
  EXPECT_EQ(outcome.reason, StopReason::not_implemented);
  EXPECT_EQ(outcome.failed_exercise, Exercise::e_step);
  EXPECT_EQ(outcome.message,
            "student E-step is not written yet: student/e_step.cpp, compute gamma in responsibilities() (see "
            "handout §E-step)");
}

TEST(SkeletonPartial, MStepPartsStillThrowTheirOwnLines) {
  const StudentSteps steps;
  const arma::mat x(10, 3, arma::fill::randn), gamma(10, 2, arma::fill::value(0.5));
  EXPECT_THROW((void)steps.priors(gamma), NotImplemented);
  EXPECT_THROW((void)steps.m_step(x, gamma), NotImplemented);
}

}  // namespace
}  // namespace gmmlab
