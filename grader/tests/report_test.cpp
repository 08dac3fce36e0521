// What a report repeats: a known mistake's sentence and hint once, later checks pointing back
// to the check that carried it, never a public check to a hidden one.
#include <gtest/gtest.h>

#include "gmmlab/grader/report.hpp"

namespace gmmlab::grader {
namespace {

const std::string kSentence =
    "This looks like a known mistake: the answer divides by N - 1 instead of N. Hint: divide by N (handout).";

RubricCheck check(const std::string& title, bool hidden = false) {
  RubricCheck c;
  c.title = title;
  c.hidden = hidden;
  return c;
}

CheckResult failed(const RubricCheck& c, std::vector<std::string> failures) {
  CheckResult r;
  r.check = &c;
  r.cases_failed = static_cast<int>(failures.size());
  r.failures = std::move(failures);
  return r;
}

TEST(RepeatedHints, TheFirstCheckCarriesTheHintAndLaterOnesPointBackToIt) {
  const RubricCheck mean = check("Z-score: mean 0"), equal = check("Z-score: equal to the reference");
  RepeatedHints hints;
  const CheckResult a = hints.shorten(failed(mean, {"photo: std 0.99998\n" + kSentence, "coffee: std 0.99997\n" + kSentence}));
  ASSERT_EQ(a.failures.size(), 2u);
  EXPECT_EQ(a.failures[0], "photo: std 0.99998\n" + kSentence);
  EXPECT_EQ(a.failures[1], "coffee: std 0.99997") << "the same check does not say it twice";
  const CheckResult b = hints.shorten(failed(equal, {"z(0, 0): expected 0.46\n" + kSentence}));
  EXPECT_EQ(b.failures[0], "z(0, 0): expected 0.46\nAgain the known mistake: the answer divides by N - 1 instead of "
                           "N. Hint: as under \"Z-score: mean 0\" above.");
  // What course grade's summary reads out of it: the same mistake, worded as the detector does.
  EXPECT_NE(b.failures[0].find("known mistake: the answer divides by N - 1 instead of N. Hint:"), std::string::npos);
}

TEST(RepeatedHints, APublicCheckNeverPointsAtAHiddenOneAndOtherLinesStay) {
  const RubricCheck hidden = check("E-step (hidden): drawn pixels", true), shown = check("E-step: equal");
  RepeatedHints hints;
  (void)hints.shorten(failed(hidden, {"gamma(3, 0) is NaN\n" + kSentence}));
  const CheckResult r = hints.shorten(failed(shown, {"gamma(1, 0) is NaN\n" + kSentence}));
  EXPECT_EQ(r.failures[0], "gamma(1, 0) is NaN\n" + kSentence);
  const CheckResult plain = hints.shorten(failed(shown, {"no mistake named here"}));
  EXPECT_EQ(plain.failures, std::vector<std::string>{"no mistake named here"});
}

TEST(RepeatedHints, APrefixedSentenceKeepsItsPrefix) {
  const RubricCheck one = check("M-step: covariances"), two = check("EM: your M-step");
  RepeatedHints hints;
  (void)hints.shorten(failed(one, {"Sigma_1 wrong\nM-step, Sigma: " + kSentence}));
  const CheckResult r = hints.shorten(failed(two, {"EM stopped\nM-step, Sigma: " + kSentence}));
  EXPECT_EQ(r.failures[0], "EM stopped\nM-step, Sigma: Again the known mistake: the answer divides by N - 1 instead of "
                           "N. Hint: as under \"M-step: covariances\" above.");
}

}  // namespace
}  // namespace gmmlab::grader
