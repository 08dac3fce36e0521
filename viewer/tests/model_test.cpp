// The viewer's model without a window: the script language, a lane's history of half-steps,
// stepping against the EM driver, a student TODO, Cancel, the ellipses and the diff.
#include <gtest/gtest.h>

#include <fmt/format.h>

#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <thread>

#include "gmmlab/errors.hpp"
#include "gmmlab/reference.hpp"
#include "gmmlab/testing/support.hpp"
#include "model.hpp"
#include "script.hpp"
#include "layout.hpp"
#include "session.hpp"

namespace gmmlab::viewer {
namespace {

void wait_idle(const Lane& lane) {
  while (lane.busy()) std::this_thread::sleep_for(std::chrono::milliseconds(2));
}

void wait_idle(Session& s) {
  do {
    s.poll();
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  } while (s.busy());
}

std::string script_error(const std::string& script) {
  try {
    parse_script(script);
  } catch (const Error& e) {
    return e.what();
  }
  return "";
}

TEST(ScriptLanguage, ReadsTheIssuesExampleInOrder) {
  const auto a = parse_script("reset; estep; mstep; step 5; screenshot a.png;\nset axes PCA; screenshot b.png");
  ASSERT_EQ(a.size(), 7u);
  EXPECT_EQ(a[3].verb, "step");
  EXPECT_EQ(count_of(a[3]), 5);
  EXPECT_EQ(a[5].words, (std::vector<std::string>{"axes", "PCA"}));
  EXPECT_EQ(a[6].number, 7);
}

TEST(ScriptLanguage, EachBadActionGetsOneSentenceNamingIt) {
  // Each bad script: the sentence names the action by number and as written.
  const std::vector<std::pair<std::string, std::string>> cases{
      {"reset; stpe", "action 2 ('stpe'): 'stpe' is not an action"},
      {"step x", "action 1 ('step x'): 'x' is not a whole number"},
      {"step 0", "action 1 ('step 0')"},
      {"estep 2", "action 1 ('estep 2'): 'estep' takes 0 words"},
      {"set k 0", "action 1 ('set k 0')"},
      {"set axes X-Y", "action 1 ('set axes X-Y'): 'X-Y' is not a pair of axes"},
      {"set impl bogus", "action 1 ('set impl bogus'): 'bogus' is not an implementation"},
      {"set ridge -1", "action 1 ('set ridge -1'): the ridge '-1' must be a number of 0 or more"},
      {"set colour blue", "colour is pixel, label or mix"},
      {"set palette rainbow", "the palette is lab or okabe-ito, not 'rainbow'"},
      {"set curve steep", "the curve is loglik or gain"},
      {"set changed maybe", "the changed-pixels map is on or off, not 'maybe'"},
      {"set speed 3", "there is no setting 'speed'"},
      {"screenshot a.jpg", "'a.jpg' must end in .png"},
      {"save labels a.json", "'a.json' must end in .png"},
      {"save everything a.png", "save labels F.png or save mixture F.json"},
  };
  for (const auto& [script, expected] : cases) {
    const std::string e = script_error(script);
    EXPECT_NE(e.find(expected), std::string::npos) << script << " -> " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
  }
  EXPECT_NE(script_error(" ; ;").find("the script has no actions"), std::string::npos);
}

class LaneTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { problem_ = make_problem(testing::sample_photo(), 3, 0); }
  static std::shared_ptr<Problem> problem_;
  static Implementation reference() { return {"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; }
  static void start(Lane& lane, EmOptions options = {}) {
    lane.start(problem_, options, TraceInput{"chelsea.png", "0", 1, 1, 3}, TraceSettings{3, 0, {}, options, {}, {}});
  }
};
std::shared_ptr<Problem> LaneTest::problem_;

TEST_F(LaneTest, HalfStepsAlternateAndBackReplaysWithoutComputing) {
  Lane lane(reference());
  start(lane);
  lane.advance(1, false);
  wait_idle(lane);
  LaneView v = lane.view();
  ASSERT_EQ(v.history.size(), 2u);
  EXPECT_EQ(describe(v.history[1]), "E-step 1");
  EXPECT_EQ(v.cursor, 1u);
  ASSERT_TRUE(v.display.gamma);
  EXPECT_EQ(v.display.gamma->n_rows, problem_->display_index.n_elem);
  ASSERT_TRUE(v.display.labels);
  EXPECT_EQ(v.display.labels->n_elem, problem_->x.n_rows);
  EXPECT_FALSE(v.display.hard.empty());
  // An E-step moves no Gaussian.
  EXPECT_TRUE(arma::approx_equal(v.history[1].mixture.means, v.history[0].mixture.means, "absdiff", 0));

  lane.advance(1, false);
  wait_idle(lane);
  v = lane.view();
  ASSERT_EQ(v.history.size(), 3u);
  EXPECT_EQ(describe(v.history[2]), "M-step 1");
  EXPECT_FALSE(arma::approx_equal(v.history[2].mixture.means, v.history[1].mixture.means, "absdiff", 1e-6));
  // An M-step shows the responsibilities it was computed from: the E-step's.
  const auto e_labels = lane.displayed_labels();
  const auto e_gamma = lane.view().display.gamma;

  lane.back(2);
  wait_idle(lane);
  EXPECT_EQ(lane.view().cursor, 0u);
  lane.advance(2, false);  // replayed from the history
  wait_idle(lane);
  v = lane.view();
  EXPECT_EQ(v.history.size(), 3u);
  EXPECT_EQ(v.cursor, 2u);
  EXPECT_TRUE(arma::all(*lane.displayed_labels() == *e_labels));
  EXPECT_TRUE(arma::approx_equal(*lane.view().display.gamma, *e_gamma, "absdiff", 0));
  lane.go_to(99);  // clamped
  wait_idle(lane);
  EXPECT_EQ(lane.view().cursor, 2u);
}

TEST_F(LaneTest, StepsLandOnTheMixtureTheDriverMakes) {
  EmOptions options;
  options.max_iterations = 5;
  Lane lane(reference());
  start(lane, options);
  lane.advance(1, false);  // one half-step, then whole iterations finish the cap
  lane.advance(20, true);
  wait_idle(lane);
  const LaneView v = lane.view();
  ASSERT_EQ(v.history.size(), 11u);
  EXPECT_TRUE(v.finished);
  const EmOutcome expected = run_em(ReferenceSteps(), problem_->x, problem_->initial, options);
  EXPECT_TRUE(arma::approx_equal(v.history.back().mixture.means, expected.mixture.means, "reldiff", 1e-12));
  EXPECT_TRUE(arma::approx_equal(v.history.back().mixture.covs, expected.mixture.covs, "reldiff", 1e-12));
  EXPECT_DOUBLE_EQ(*v.history.back().log_likelihood, expected.log_likelihood.back());
  EXPECT_NE(v.message.find("reached the cap after 5 iterations"), std::string::npos) << v.message;
}

// The E-step's effect in numbers: the pixels whose most likely component changed (against the
// k-means start for the first, the E-step before for the next), and the M-step's: the
// log-likelihood of the mixture it made, measured at once when it is the last one made and
// equal to what the next E-step then measures.
TEST_F(LaneTest, EStepsCountChangedLabelsAndMStepsMeasureTheirNewMixture) {
  Lane lane(reference());
  start(lane);
  lane.advance(2, false);  // E-step 1, M-step 1
  wait_idle(lane);
  LaneView v = lane.view();
  ASSERT_EQ(v.history.size(), 3u);
  ASSERT_TRUE(v.history[2].new_log_likelihood);
  const double measured = *v.history[2].new_log_likelihood;
  lane.advance(1, false);  // E-step 2
  wait_idle(lane);
  v = lane.view();
  ASSERT_EQ(v.history.size(), 4u);
  EXPECT_NEAR(*v.history[3].log_likelihood, measured, 1e-9 * std::abs(measured));
  EXPECT_DOUBLE_EQ(*v.history[2].new_log_likelihood, *v.history[3].log_likelihood);  // the E-step's, once made
  EXPECT_GT(*v.history[2].new_log_likelihood, *v.history[1].log_likelihood);         // the M-step raised L

  const ReferenceSteps ref;
  const arma::mat& x = problem_->x;
  auto labels = [&](const Mixture& m) { return arma::uvec(arma::index_max(ref.e_step(x, m).gamma, 1)); };
  arma::mat d(x.n_rows, problem_->initial.components());
  for (arma::uword k = 0; k < d.n_cols; ++k) d.col(k) = arma::sum(arma::square(x.each_row() - problem_->initial.means.row(k)), 1);
  const arma::uvec start_labels = arma::index_min(d, 1), e1 = labels(v.history[1].mixture), e2 = labels(v.history[3].mixture);
  ASSERT_TRUE(v.history[1].labels_changed && v.history[3].labels_changed);
  EXPECT_EQ(*v.history[1].labels_changed, arma::uword(arma::accu(e1 != start_labels)));
  EXPECT_EQ(*v.history[3].labels_changed, arma::uword(arma::accu(e2 != e1)));
  EXPECT_GT(*v.history[3].labels_changed, 0u);
  EXPECT_FALSE(v.history[2].labels_changed);  // an M-step changes no label
}

// Issue 21's "how many pixels changed label (a count and an optional map)": the map of an
// E-step paints exactly the pixels whose label it changed, in their new label's colour, the
// others dark; an M-step (which changes no label) has none.
TEST_F(LaneTest, AnEStepsChangedPixelsMapPaintsTheRelabelledPixelsOnly) {
  Lane lane(reference());
  start(lane);
  lane.advance(2, false);  // E-step 1, M-step 1 (looked at: E-step 2 compares with its labels)
  wait_idle(lane);
  lane.advance(1, false);  // E-step 2
  wait_idle(lane);
  LaneView v = lane.view();
  ASSERT_EQ(describe(v.history[v.cursor]), "E-step 2");
  ASSERT_FALSE(v.display.changed.empty());
  ASSERT_EQ(v.display.changed.size(), cv::Size(problem_->display_width, problem_->display_height));
  const ReferenceSteps ref;
  const arma::mat& x = problem_->x;
  const arma::uvec e1 = most_likely(ref.e_step(x, v.history[1].mixture).gamma);
  const arma::uvec e2 = most_likely(ref.e_step(x, v.history[3].mixture).gamma);
  arma::uword painted = 0, relabelled = 0;
  for (arma::uword j = 0; j < problem_->display_index.n_elem; ++j) {
    const arma::uword n = problem_->display_index[j];
    const cv::Vec3b px = v.display.changed.at<cv::Vec3b>(int(j / problem_->display_width), int(j % problem_->display_width));
    const bool changed = e2[n] != e1[n];
    relabelled += changed;
    painted += px != cv::Vec3b(40, 40, 40);
    if (changed) EXPECT_EQ(px, palette_rgb(e2[n])) << "pixel " << n;
    else EXPECT_EQ(px, cv::Vec3b(40, 40, 40)) << "pixel " << n;
  }
  EXPECT_GT(relabelled, 0u);
  EXPECT_EQ(painted, relabelled);
  EXPECT_EQ(relabelled, *v.history[3].labels_changed);  // every pixel is shown on the small sample
  lane.back(1);  // M-step 1: no map
  wait_idle(lane);
  EXPECT_TRUE(lane.view().display.changed.empty());
  lane.go_to(3);  // E-step 2 again, from the cache: the same map
  wait_idle(lane);
  EXPECT_EQ(cv::norm(lane.view().display.changed, v.display.changed, cv::NORM_L1), 0.0);
}

// The reference's formulas behind an interface the tests below change one call of.
class Delegating : public Steps {
 public:
  std::string_view name() const override { return "student"; }
  arma::mat zscore(const arma::mat& raw) const override { return reference_.zscore(raw); }
  Posterior e_step(const arma::mat& x, const Mixture& m) const override { return reference_.e_step(x, m); }
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override { return reference_.m_step(x, gamma); }

 protected:
  ReferenceSteps reference_;
};

// A student whose E-step is still a TODO.
class TodoSteps : public Delegating {
 public:
  std::string_view name() const override { return "student"; }
  Posterior e_step(const arma::mat&, const Mixture&) const override {
    throw NotImplemented(Exercise::e_step, "student/e_step.cpp", "compute gamma in responsibilities()");
  }
};

TEST_F(LaneTest, AStudentTodoShowsTheFriendlyLineAndStops) {
  Lane lane({"student", std::make_shared<TodoSteps>(), {}, {}, {}});
  start(lane);
  lane.advance(2, true);
  wait_idle(lane);
  const LaneView v = lane.view();
  EXPECT_TRUE(v.finished);
  EXPECT_EQ(v.note, LaneView::Note::todo);
  EXPECT_NE(v.message.find("student/e_step.cpp"), std::string::npos) << v.message;
  EXPECT_EQ(v.history.size(), 1u);  // the start, still shown
  EXPECT_TRUE(v.display.gamma);
}

// An implementation slow enough that Cancel lands mid-run.
class SlowSteps : public Delegating {
 public:
  Iteration iterate(const arma::mat& x, const Mixture& m) const override {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    return reference_.iterate(x, m);
  }
};

TEST_F(LaneTest, CancelStopsARunToConvergence) {
  EmOptions options;
  options.max_iterations = 100000;
  options.tolerance = 0;
  bool told = false;
  Lane lane({"reference", std::make_shared<SlowSteps>(), [&] { told = true; }, {}, {}});
  start(lane, options);
  lane.run_to_convergence();
  while (lane.view().history.size() < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  lane.cancel();
  wait_idle(lane);
  const LaneView v = lane.view();
  EXPECT_TRUE(told);  // the implementation's own cancel (a worker process's kill) is called
  EXPECT_LT(v.history.size(), 2u * 100000);
  EXPECT_EQ(v.cursor + 1, v.history.size());
  // The lane goes on afterwards.
  lane.advance(1, false);
  wait_idle(lane);
  EXPECT_EQ(lane.view().cursor + 1, lane.view().history.size());
}

TEST(FeatureSpace, EllipsesAreTheProjectedCovariancesContours) {
  const arma::mat P = {{1, 0, 0}, {0, 0, 1}};
  const arma::rowvec mean = {0.5, -1, 2};
  const arma::mat cov = {{2, 0.3, 0.5}, {0.3, 1, 0.1}, {0.5, 0.1, 0.8}};
  const arma::mat s = P * cov * P.t();
  const arma::vec c = P * mean.t();
  for (double sigmas : {1.0, 2.0})
    for (const auto& p : ellipse(P, mean, cov, sigmas, 32)) {
      const arma::vec d = arma::vec{p[0], p[1]} - c;
      EXPECT_NEAR(arma::as_scalar(d.t() * arma::inv(s) * d), sigmas * sigmas, 1e-9);
    }
  EXPECT_EQ(parse_axes("G-R"), Axes::gr);
  EXPECT_THROW(parse_axes("R-G"), Error);
}

// A student whose M-step gets the priors wrong (divides by K instead of N).
class WrongPriors : public Delegating {
 public:
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override {
    Mixture m = reference_.m_step(x, gamma);
    m.priors *= 0.5;
    m.priors[0] += 0.5;
    return m;
  }
};

TEST(SessionSideBySide, TheDiffNamesTheFirstHalfStepAndQuantityWhereTheyPart) {
  Settings settings;
  settings.mode = Mode::both;
  Session s(
      settings, [] { return Implementation{"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; },
      [] { return Implementation{"student", std::make_shared<WrongPriors>(), {}, {}, {}}; });
  s.reset();
  wait_idle(s);
  ASSERT_EQ(s.lanes().size(), 2u);
  for (Lane* l : s.lanes()) l->advance(1, false);
  wait_idle(s);
  ASSERT_TRUE(s.diff());
  EXPECT_TRUE(s.diff()->agree);  // the E-steps agree
  for (Lane* l : s.lanes()) l->advance(1, false);
  wait_idle(s);
  const auto d = s.diff();
  ASSERT_TRUE(d);
  EXPECT_FALSE(d->agree);
  ASSERT_TRUE(d->first);
  EXPECT_EQ(d->first->iteration, 1);
  EXPECT_EQ(d->first->half_step, HalfStep::m_step);
  EXPECT_EQ(d->first->part, TraceDifference::Part::prior);
  EXPECT_EQ(d->first->quantity, "prior of component 1");
}

TEST(SessionOpen, AFileThatCannotBeOpenedLeavesItsSentenceAndTheOldPhoto) {
  Session s({}, [] { return Implementation{"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; },
            [] { return Implementation{"student", std::make_shared<TodoSteps>(), {}, {}, {}}; });
  s.reset();
  wait_idle(s);
  const auto before = s.problem();
  ASSERT_TRUE(before);
  s.open_image("/nonexistent/photo.png");
  wait_idle(s);
  EXPECT_NE(s.error().find("/nonexistent/photo.png"), std::string::npos) << s.error();
  EXPECT_EQ(s.problem(), before);
  s.open_trace("/nonexistent/run.trace.json");
  wait_idle(s);
  EXPECT_NE(s.error().find("run.trace.json"), std::string::npos) << s.error();
  EXPECT_EQ(s.lanes().size(), 1u);
}

TEST_F(LaneTest, StepAfterAnEStepEndsItsIterationSoEveryStepLandsOnAnMStep) {
  Lane lane(reference());
  start(lane);
  lane.advance(1, false);  // E-step 1
  lane.step(1);            // its M-step only
  wait_idle(lane);
  EXPECT_EQ(describe(lane.view().history[lane.view().cursor]), "M-step 1");
  lane.step(1);
  wait_idle(lane);
  EXPECT_EQ(describe(lane.view().history[lane.view().cursor]), "M-step 2");
  lane.back(1);  // E-step 2, replayed from the history
  lane.step(1);
  wait_idle(lane);
  const LaneView v = lane.view();
  EXPECT_EQ(describe(v.history[v.cursor]), "M-step 2");
  EXPECT_EQ(v.history.size(), 5u);
  EXPECT_TRUE(has_next(v));
  EXPECT_TRUE(next_is_e_step(v));
}

TEST_F(LaneTest, AReplayedTraceIsNewsAndNothingComesAfterItsEnd) {
  EmOptions options;
  options.max_iterations = 2;
  Lane live(reference());
  start(live, options);
  live.run_to_convergence();
  wait_idle(live);
  const LaneView ended = live.view();
  EXPECT_EQ(ended.note, LaneView::Note::ended);
  EXPECT_FALSE(has_next(ended)) << "at the end of a finished run no half-step comes next";

  Lane replayed(reference());
  replayed.replay(problem_, ended.trace);
  wait_idle(replayed);
  EXPECT_EQ(replayed.view().note, LaneView::Note::replayed);  // drawn muted, not red
  EXPECT_NE(replayed.view().message.find("saved trace: reached the cap"), std::string::npos);
  replayed.go_to(99);
  wait_idle(replayed);
  EXPECT_FALSE(has_next(replayed.view()));
}

// A student whose Z-score is still a TODO (and so everything after it).
class TodoZscoreSteps : public TodoSteps {
 public:
  arma::mat zscore(const arma::mat&) const override {
    throw NotImplemented(Exercise::zscore, "student/zscore.cpp", "compute the mean and the standard deviation");
  }
};

TEST_F(LaneTest, AnUnwrittenZscoreIsNamedFirstAsGmmlabSegmentNamesIt) {
  Lane lane({"student", std::make_shared<TodoZscoreSteps>(), {}, {}, {}});
  start(lane);
  wait_idle(lane);
  const LaneView v = lane.view();
  EXPECT_TRUE(v.finished);
  EXPECT_EQ(v.note, LaneView::Note::todo);
  EXPECT_NE(v.message.find("student/zscore.cpp"), std::string::npos) << v.message;
  // A run that never started has no history: every control is a no-op, not a crash.
  lane.advance(1, false);
  lane.step(1);
  lane.back(1);
  lane.go_to(3);
  lane.run_to_convergence();
  wait_idle(lane);
  EXPECT_TRUE(lane.view().history.empty());
  EXPECT_EQ(lane.view().message, v.message);
}

// A student whose Z-score divides by N - 1 (the sample standard deviation): every lane steps
// on the reference's Z-scores, so only the lane's own check of its Z-score can say so.
class SampleStdZscore : public Delegating {
 public:
  arma::mat zscore(const arma::mat& raw) const override {
    arma::mat z = raw.each_row() - arma::mean(raw, 0);
    z.each_row() /= arma::stddev(raw, 0, 0);  // norm_type 0: N - 1, the planted mistake
    return z;
  }
};

// A right Z-score written another way (loops, a two-pass variance): it rounds differently.
class LoopZscore : public Delegating {
 public:
  arma::mat zscore(const arma::mat& raw) const override {
    arma::mat z(raw.n_rows, raw.n_cols);
    for (arma::uword c = 0; c < raw.n_cols; ++c) {
      double mean = 0, var = 0;
      for (arma::uword n = 0; n < raw.n_rows; ++n) mean += raw(n, c);
      mean /= double(raw.n_rows);
      for (arma::uword n = 0; n < raw.n_rows; ++n) var += (raw(n, c) - mean) * (raw(n, c) - mean);
      const double sd = std::sqrt(var / double(raw.n_rows));
      for (arma::uword n = 0; n < raw.n_rows; ++n) z(n, c) = sd > 0 ? (raw(n, c) - mean) / sd : 0;
    }
    return z;
  }
};

TEST_F(LaneTest, AZscoreDividedByNMinusOneIsNamedAtItsFirstPixelThoughTheLaneStepsOnTheReferences) {
  Lane lane({"student", std::make_shared<SampleStdZscore>(), {}, {}, {}});
  start(lane);
  lane.advance(2, false);
  wait_idle(lane);
  const LaneView v = lane.view();
  EXPECT_EQ(v.history.size(), 3u);  // it goes on, on the reference's Z-scores
  ASSERT_TRUE(v.zscore);
  // The first pixel (then channel) that differs beyond 1e-9 x (1 + |value|), found here afresh.
  const arma::mat expected = ReferenceSteps().zscore(problem_->raw_pixels());
  const arma::mat got = SampleStdZscore().zscore(problem_->raw_pixels());
  arma::uword first = expected.n_elem, differing = 0;
  for (arma::uword i = 0; i < expected.n_elem; ++i) {
    const arma::uword n = i / expected.n_cols, c = i % expected.n_cols;
    if (std::abs(expected(n, c) - got(n, c)) > 1e-9 * (1 + std::max(std::abs(expected(n, c)), std::abs(got(n, c))))) {
      if (first == expected.n_elem) first = i;
      ++differing;
    }
  }
  ASSERT_LT(first, expected.n_elem);
  EXPECT_EQ(v.zscore->pixel, first / 3);
  EXPECT_EQ(v.zscore->channel, first % 3);
  EXPECT_EQ(v.zscore->expected, expected(first / 3, first % 3));
  EXPECT_EQ(v.zscore->got, got(first / 3, first % 3));
  EXPECT_EQ(v.zscore->differing, differing);
  EXPECT_EQ(v.zscore->values, expected.n_elem);
  const int w = problem_->image.width;
  const std::string both = zscore_sentence(*v.zscore, w, true), alone = zscore_sentence(*v.zscore, w, false);
  EXPECT_EQ(both.rfind(fmt::format("Your Z-score differs from the reference's: at pixel ({}, {}), channel {}, expected "
                                   "{:.12g}, got {:.12g}",
                                   first / 3 % w, first / 3 / w, channel_names(3)[first % 3], v.zscore->expected,
                                   v.zscore->got),
                       0),
            0u)
      << both;
  EXPECT_NE(both.find("both lanes use the reference's Z-scores, so the E- and M-steps are compared on equal input."),
            std::string::npos)
      << both;
  EXPECT_NE(alone.find("this lane runs on the reference's Z-scores"), std::string::npos) << alone;
  for (const std::string& sentence : {both, alone}) {  // one sentence each
    EXPECT_EQ(sentence.find(". "), std::string::npos) << sentence;
    EXPECT_EQ(sentence.back(), '.') << sentence;
  }
}

TEST_F(LaneTest, ARightZscoreWrittenAnotherWayAgreesAndTheReferenceIsNotCheckedAgainstItself) {
  for (auto steps : std::vector<std::shared_ptr<const Steps>>{std::make_shared<LoopZscore>(), std::make_shared<ReferenceSteps>()}) {
    Lane lane({"student", steps, {}, {}, {}});
    start(lane);
    wait_idle(lane);
    EXPECT_FALSE(lane.view().zscore) << zscore_sentence(*lane.view().zscore, problem_->image.width, true);
  }
}

TEST(ZscoreCompare, AWrongShapeOrANaNIsADifference) {
  const arma::mat expected = {{0.5, -1.0}, {-0.5, 1.0}};
  EXPECT_FALSE(compare_zscores(expected + 1e-10, expected));
  auto m = compare_zscores(expected.rows(0, 0), expected);
  ASSERT_TRUE(m);
  EXPECT_EQ(zscore_sentence(*m, 1, true).rfind("Your Z-score returned 1 x 2 for 2 x 2 pixels (it must keep", 0), 0u);
  arma::mat got = expected;
  got(1, 1) = NAN;
  m = compare_zscores(got, expected);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->pixel, 1u);
  EXPECT_EQ(m->channel, 1u);
  EXPECT_EQ(m->differing, 1u);
  // A value of 1000 may be off by 1e-9 x 1001: the tolerance scales as the tracer's diff does.
  got = expected;
  got(0, 0) = 1000;
  const arma::mat big = got;
  got(0, 0) += 5e-7;
  EXPECT_FALSE(compare_zscores(got, big));
  got(0, 0) += 1e-6;
  EXPECT_TRUE(compare_zscores(got, big));
}

TEST(SessionSideBySide, AWrongZscoreIsSaidAndTheEAndMStepsAreComparedOnEqualInput) {
  Settings settings;
  settings.mode = Mode::both;
  Session s(
      settings, [] { return Implementation{"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; },
      [] { return Implementation{"student", std::make_shared<SampleStdZscore>(), {}, {}, {}}; });
  s.reset();
  wait_idle(s);
  for (Lane* l : s.lanes()) l->step(1);
  wait_idle(s);
  const auto d = s.diff();
  ASSERT_TRUE(d);
  EXPECT_TRUE(d->agree);  // the same E- and M-steps on the same (the reference's) Z-scores
  EXPECT_FALSE(s.lanes()[0]->view().zscore);
  EXPECT_TRUE(s.lanes()[1]->view().zscore);
  EXPECT_EQ(diff_headline(*d, true), "Your E- and M-steps agree with the reference's on every half-step so far (the tracer's diff).");
  EXPECT_EQ(diff_headline(*d, false).rfind("Yours and the reference agree on every half-step", 0), 0u);
}

TEST(SessionSettings, HeldOnceChosenValuesArePendingUntilReset) {
  Session s({}, [] { return Implementation{"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; },
            [] { return Implementation{"student", std::make_shared<TodoSteps>(), {}, {}, {}}; });
  s.reset();
  wait_idle(s);
  EXPECT_EQ(s.pending(), "");
  s.settings().k = 6;
  s.settings().seed = 2;
  EXPECT_EQ(s.pending(), "K 6 (now 3), seed 2 (now 0)");
  EXPECT_EQ(s.running().k, 3u);
  s.reset();  // what R and the Reset button both call
  wait_idle(s);
  EXPECT_EQ(s.pending(), "");
  EXPECT_EQ(s.running().k, 6u);
  EXPECT_EQ(s.problem()->initial.components(), 6u);
  EXPECT_EQ(s.lanes()[0]->view().history[0].mixture.components(), 6u);

  // Out of range: refused with the sentence a script or the command line gets, never clamped.
  for (arma::uword k : {arma::uword(0), arma::uword(100000)}) {
    s.settings().k = k;
    s.reset();
    wait_idle(s);
    EXPECT_EQ(s.error(), fmt::format("K is {}; choose 1 to 16 components", k));
    EXPECT_EQ(s.running().k, 6u);
  }
}

TEST(SessionSideBySide, AnUnfinishedStudentIsSaidToHaveStoppedAndAPausedReferenceToBePaused) {
  Settings settings;
  settings.mode = Mode::both;
  Session s(
      settings, [] { return Implementation{"reference", std::make_shared<ReferenceSteps>(), {}, {}, {}}; },
      [] { return Implementation{"student", std::make_shared<TodoSteps>(), {}, {}, {}}; });
  s.reset();
  wait_idle(s);
  for (Lane* l : s.lanes()) l->step(1);
  wait_idle(s);
  const auto d = s.diff();
  ASSERT_TRUE(d && d->first);
  EXPECT_EQ(d->first->cause, TraceDifference::Cause::stopped);
  EXPECT_EQ(d->report.find("reached the cap of 0"), std::string::npos) << d->report;
  EXPECT_NE(d->report.find("reference: paused after the M-step 1, not finished"), std::string::npos) << d->report;
  EXPECT_NE(d->report.find("yours: student E-step is not written yet"), std::string::npos) << d->report;
}

}  // namespace
}  // namespace gmmlab::viewer

namespace gmmlab::viewer {
namespace {

TEST(TraceCheck, ACovarianceThatIsNotPositiveDefiniteIsNamedWithItsIteration) {
  Trace t;
  t.initial = make_problem(testing::sample_photo(), 2, 0)->initial;
  t.iterations.push_back({1, 0.0, std::nullopt, {}, {}, t.initial, {}});
  EXPECT_NO_THROW(check_trace_mixtures(t, "'t.json'"));
  auto message = [&] {
    try {
      check_trace_mixtures(t, "'t.json'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  t.iterations[0].mixture->covs(1, 1, 1) = -5;
  EXPECT_EQ(message().substr(0, 91),
            "'t.json': the covariance of component 2 after iteration 1 has the variance -5 at [1,1], not");
  t.iterations[0].mixture->covs(1, 1, 1) = 1e6;  // positive diagonal, yet not positive definite
  t.iterations[0].mixture->covs(0, 1, 1) = t.iterations[0].mixture->covs(1, 0, 1) = 1e9;
  EXPECT_NE(message().find("component 2 after iteration 1 is not positive definite"), std::string::npos) << message();
  t.initial.covs(0, 0, 0) = std::nan("");
  EXPECT_NE(message().find("component 1 at the start holds a value that is not a finite number"), std::string::npos)
      << message();
}

}  // namespace
}  // namespace gmmlab::viewer

namespace gmmlab::viewer {
namespace {

bool inside(const Box& b, float w, float h) { return b.x >= 0 && b.y >= 0 && b.right() <= w + 0.5f && b.bottom() <= h + 0.5f; }
bool apart(const Box& a, const Box& b) {
  return a.w <= 0 || a.h <= 0 || b.w <= 0 || b.h <= 0 || a.right() <= b.x + 0.5f || b.right() <= a.x + 0.5f ||
         a.bottom() <= b.y + 0.5f || b.bottom() <= a.y + 0.5f;
}

TEST(WindowLayout, NamedProportionsKeepPanelsApartInsideTheWindowAndGiveTheFeaturePlotTheRoom) {
  for (auto [w, h] : {std::pair{1280.f, 800.f}, {1024.f, 640.f}, {640.f, 480.f}, {1920.f, 1080.f}})
    for (std::size_t lanes : {1u, 2u}) {
      const Layout l = make_layout(w, h, lanes, 19, 1.5f);
      const std::vector<Box> boxes{l.sidebar, l.headline, l.rows[0], l.rows[1], l.feature, l.curve, l.table, l.diff};
      for (std::size_t i = 0; i < boxes.size(); ++i) {
        EXPECT_TRUE(inside(boxes[i], w, h)) << w << "x" << h << " box " << i;
        for (std::size_t j = i + 1; j < boxes.size(); ++j) EXPECT_TRUE(apart(boxes[i], boxes[j])) << i << " " << j;
      }
      EXPECT_EQ(l.diff.h > 0, lanes == 2);
      EXPECT_EQ(l.feature.w, l.feature.h);  // square cells
    }
  // At 1280x800 the feature plot is larger than it was (386 px) with the table whole; at 1024x640 "both" it
  // is no thumbnail (it was 138 px).
  EXPECT_GE(make_layout(1280, 800, 1, 19).feature.w, 386);
  EXPECT_GT(make_layout(1024, 640, 2, 19).feature.w, 280);
}

}  // namespace
}  // namespace gmmlab::viewer
