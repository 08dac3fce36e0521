// The detector: each wrong variant is recognised as itself, a correct answer written another
// way is never taken for a mistake, and the variants are far apart on the grader's inputs.
#include <gtest/gtest.h>

#include <algorithm>

#include "gmmlab/explain.hpp"
#include "gmmlab/gaussian.hpp"
#include "gmmlab/mistakes.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"
#include "planted_steps.hpp"

namespace gmmlab {
namespace {

struct Inputs {
  arma::mat raw, x, gamma, a;
  Mixture m, old;
};

Inputs inputs() {
  Inputs in;
  in.m = testing::random_mixture(3, 3, 7);
  in.x = testing::sample_from(in.m, 300, 8);
  in.raw = in.x * 40 + 100;
  in.a = weighted_log_densities(in.x, in.m);
  in.a.row(0) -= 2000;  // one pixel far from every component, where the missing shift shows
  in.old = testing::random_mixture(3, 3, 9);
  in.gamma = ReferenceSteps().e_step(in.x, in.old).gamma;
  return in;
}

TEST(Mistakes, EveryVariantIsRecognisedAsItself) {
  const Inputs in = inputs();
  const arma::mat new_means = ReferenceSteps().m_step(in.x, in.gamma).means;
  for (const auto& m : mistakes::catalogue()) {
    SCOPED_TRACE(std::string(m.id));
    std::optional<mistakes::Mistake> found;
    switch (m.part()) {
      case mistakes::Part::zscore: found = mistakes::recognise_zscore(in.raw, mistakes::wrong_zscore(m.id, in.raw)); break;
      case mistakes::Part::gamma: found = mistakes::recognise_gamma(in.a, mistakes::wrong_gamma(m.id, in.a)); break;
      case mistakes::Part::log_likelihood:
        found = mistakes::recognise_log_likelihood(in.a, mistakes::wrong_log_likelihood(m.id, in.a));
        break;
      case mistakes::Part::means:
        found = mistakes::recognise_means(in.x, in.gamma, mistakes::wrong_means(m.id, in.x, in.gamma));
        break;
      case mistakes::Part::covariances:
        found = mistakes::recognise_covariances(
            in.x, in.gamma, new_means, in.old.means,
            mistakes::wrong_covariances(m.id, in.x, in.gamma, new_means, in.old.means));
        break;
      case mistakes::Part::priors:
        found = mistakes::recognise_priors(in.gamma, mistakes::wrong_priors(m.id, in.gamma));
        break;
    }
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, m.id);
  }
}

// No two mistakes share words: a student told one name must be able to tell which it is.
TEST(Mistakes, EveryMistakeHasItsOwnNameAndHint) {
  const auto& all = mistakes::catalogue();
  for (std::size_t i = 0; i < all.size(); ++i)
    for (std::size_t j = i + 1; j < all.size(); ++j) {
      EXPECT_NE(all[i].id, all[j].id);
      EXPECT_NE(all[i].name, all[j].name) << all[i].id << " and " << all[j].id;
      EXPECT_NE(all[i].hint, all[j].hint) << all[i].id << " and " << all[j].id;
    }
}

// Each mistake written as a student would write it (planted_steps.cpp, not the detector's own
// formula) is recognised as itself: the catalogue cannot grow an entry nobody planted.
TEST(Mistakes, EveryPlantableMistakeWrittenInLoopsIsNamedAsItself) {
  const Inputs in = inputs();
  const arma::mat new_means = ReferenceSteps().m_step(in.x, in.gamma).means;
  arma::mat far_x = in.x;
  far_x.row(0) += 200;  // a pixel far from every component, where a missing shift shows
  const arma::mat far_a = weighted_log_densities(far_x, in.m);
  const auto plantable = grader_tests::plantable_mistakes();
  for (const auto& m : mistakes::catalogue()) {
    SCOPED_TRACE(std::string(m.id));
    if (std::find(plantable.begin(), plantable.end(), m.id) == plantable.end()) {
      EXPECT_EQ(m.id, "cov-old-mean");  // the one a lab submission cannot make (see planted_steps.hpp)
      continue;
    }
    const auto planted = grader_tests::loop_steps(std::string(m.id));
    std::optional<mistakes::Mistake> found;
    switch (m.part()) {
      case mistakes::Part::zscore: found = mistakes::recognise_zscore(in.raw, planted->zscore(in.raw)); break;
      case mistakes::Part::gamma: found = mistakes::recognise_gamma(far_a, planted->gamma_of(far_x, in.m)); break;
      case mistakes::Part::log_likelihood:
        found = mistakes::recognise_log_likelihood(far_a, planted->log_likelihood_of(far_x, in.m));
        break;
      case mistakes::Part::means: found = mistakes::recognise_means(in.x, in.gamma, planted->means_of(in.x, in.gamma)); break;
      case mistakes::Part::covariances:
        found = mistakes::recognise_covariances(in.x, in.gamma, new_means, in.old.means,
                                                planted->covariances_of(in.x, in.gamma, new_means));
        break;
      case mistakes::Part::priors: found = mistakes::recognise_priors(in.gamma, planted->priors_of(in.x, in.gamma)); break;
    }
    ASSERT_TRUE(found.has_value());
    EXPECT_EQ(found->id, m.id);
  }
}

TEST(Mistakes, CorrectAnswersWrittenDifferentlyAreNotMistakes) {
  const Inputs in = inputs();
  for (const auto& steps : {grader_tests::loop_steps(), grader_tests::alternative_steps()}) {
    SCOPED_TRACE(std::string(steps->name()));
    EXPECT_FALSE(mistakes::recognise_zscore(in.raw, steps->zscore(in.raw)));
    const Posterior p = steps->e_step(in.x, in.m);
    EXPECT_FALSE(mistakes::recognise_gamma(in.a, p.gamma));
    EXPECT_FALSE(mistakes::recognise_log_likelihood(in.a, p.log_likelihood));
    const Mixture next = steps->m_step(in.x, in.gamma);
    EXPECT_FALSE(mistakes::recognise_means(in.x, in.gamma, next.means));
    EXPECT_FALSE(mistakes::recognise_covariances(in.x, in.gamma, next.means, in.old.means, next.covs));
    EXPECT_FALSE(mistakes::recognise_priors(in.gamma, next.priors));
  }
}

TEST(Mistakes, NoMaxShiftIsRecognisedOnlyByItsNaNs) {
  Inputs in = inputs();
  in.a.row(0) -= 2000;  // a pixel far from every component
  const arma::mat naive = mistakes::wrong_gamma("gamma-no-max-shift", in.a);
  EXPECT_TRUE(naive.row(0).has_nan());
  EXPECT_EQ(mistakes::recognise_gamma(in.a, naive)->id, "gamma-no-max-shift");
  EXPECT_EQ(mistakes::recognise_log_likelihood(in.a, -arma::datum::inf)->id, "ll-no-max-shift");
}

// What `trace compare` prints: the far-away start blames gamma for exp without the shift (and
// passes a right E-step written another way); the first steps name a planted mistake.
TEST(Mistakes, FarStartBlamesGammaForExpWithoutTheShift) {
  const Mixture m = testing::random_mixture(3, 3, 7);
  const arma::mat x = testing::sample_from(m, 300, 8);
  const auto bad = mistakes::far_start_check(*grader_tests::loop_steps("gamma-no-max-shift"), x, m, 1e-6, 1e-8);
  EXPECT_FALSE(bad.agrees);
  EXPECT_NE(bad.report.find("your E-step's gamma is NaN"), std::string::npos) << bad.report;
  EXPECT_NE(bad.report.find("without subtracting the row maximum"), std::string::npos) << bad.report;
  const auto ll = mistakes::far_start_check(*grader_tests::loop_steps("ll-no-max-shift"), x, m, 1e-6, 1e-8);
  EXPECT_FALSE(ll.agrees);
  EXPECT_NE(ll.report.find("your log-likelihood is -inf"), std::string::npos) << ll.report;
  for (const auto& good : {grader_tests::loop_steps(), grader_tests::alternative_steps()})
    EXPECT_TRUE(mistakes::far_start_check(*good, x, m, 1e-6, 1e-8).agrees) << good->name();
}

TEST(Mistakes, KnownMistakesReportNamesThePlantedOne) {
  const Mixture m = testing::random_mixture(3, 3, 7);
  const arma::mat x = testing::sample_from(m, 300, 8);
  EXPECT_EQ(mistakes::known_mistakes_report(*grader_tests::loop_steps(), x, m), "");
  const std::string r = mistakes::known_mistakes_report(*grader_tests::loop_steps("cov-divided-by-nk-minus-1"), x, m);
  EXPECT_NE(r.find("M-step, Sigma: This looks like a known mistake: the answer divides by N_k - 1"), std::string::npos) << r;
}

TEST(Mistakes, UnknownIdIsRefused) { EXPECT_THROW(mistakes::by_id("nonsense"), std::out_of_range); }

TEST(Mistakes, DescribeGivesNameAndHint) {
  const std::string s = mistakes::describe(mistakes::by_id("zscore-n-minus-1"));
  EXPECT_NE(s.find("N - 1"), std::string::npos);
  EXPECT_NE(s.find("Hint:"), std::string::npos);
}

}  // namespace
}  // namespace gmmlab
