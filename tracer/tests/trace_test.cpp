// The tracer as a library: recording, the file format, diff on planted mistakes and the
// pictures, run with the textbook implementation (gmmlab/testing/textbook.hpp). The same
// commands end to end through the `gmmlab` binary are in cli/tests/trace_cli_test.cpp.
#include <gtest/gtest.h>

#include <functional>
#include <set>

#include "gmmlab/errors.hpp"
#include "gmmlab/render.hpp"
#include "gmmlab/testing/trace_fixture.hpp"

namespace gmmlab::testing {
namespace {

TEST(TraceFile, RoundTripsEveryValueExactly) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const Trace t = record(TextbookSteps(), p);
  ASSERT_FALSE(t.iterations.empty());
  write_trace(t, dir / "t.json");
  const Trace back = read_trace(dir / "t.json");
  EXPECT_EQ(trace_to_json(back), trace_to_json(t));
  const TraceDiff d = diff_traces(t, back, {0, 0}, "a", "b");
  EXPECT_TRUE(d.agree) << d.report;
}

TEST(TraceFile, GzipWhenTheNameEndsInGzAndReadEitherWay) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const Trace t = record(TextbookSteps(), p);
  write_trace(t, dir / "t.json");
  write_trace(t, dir / "t.json.gz");
  EXPECT_LT(std::filesystem::file_size(dir / "t.json.gz"), std::filesystem::file_size(dir / "t.json") / 2);
  // gzip is recognised by its content, whatever the name.
  std::filesystem::copy_file(dir / "t.json.gz", dir / "renamed.json");
  for (const char* name : {"t.json.gz", "renamed.json"}) {
    const Trace back = read_trace(dir / name);
    EXPECT_EQ(trace_to_json(back), trace_to_json(t)) << name;
  }
}

TEST(TraceFile, TruncatedGzipIsRefusedWithOneSentence) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  write_trace(record(TextbookSteps(), p), dir / "t.json.gz");
  std::filesystem::resize_file(dir / "t.json.gz", std::filesystem::file_size(dir / "t.json.gz") / 2);
  try {
    (void)read_trace(dir / "t.json.gz");
    FAIL() << "a truncated gzip trace was read";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("truncated"), std::string::npos) << e.what();
  }
}

// The largest seed `--seed` takes is a whole number JSON stores unsigned; it reads back as it was.
TEST(TraceFile, TheLargestSeedReadsBack) {
  TempDir dir;
  SmallProblem p = small_problem(small_photo(dir), 3, 2);
  p.settings.seed = 18446744073709551615ULL;
  write_trace(record(TextbookSteps(), p), dir / "t.json");
  EXPECT_EQ(read_trace(dir / "t.json").settings.seed, 18446744073709551615ULL);
}

// A damaged field gets a sentence naming it, whatever the value: a size beyond an int is not
// wrapped round, a mixture inside the trace is named by where it is.
TEST(TraceFile, DamagedFieldsAreNamed) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir), 3, 2);
  const nlohmann::json good = trace_to_json(record(TextbookSteps(), p));
  auto error_of = [&](const std::function<void(nlohmann::json&)>& damage) {
    nlohmann::json j = good;
    damage(j);
    try {
      (void)trace_from_json(j, "trace 't.json'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  EXPECT_EQ(error_of([](auto& j) { j["input"]["height"] = 99999999999LL; }),
            "trace 't.json' is damaged: \"height\" of \"input\" is 99999999999, more than 2147483647; record it "
            "again with 'gmmlab trace record'");
  EXPECT_EQ(error_of([](auto& j) { j["iterations"][1]["mixture"]["covariances"][2][1] = {1.0, 2.0}; }),
            "trace 't.json' is damaged: covariance 3 of \"covariances\" of the mixture of iteration 2 must be 3 x 3; "
            "record it again with 'gmmlab trace record'");
  EXPECT_EQ(error_of([](auto& j) { j["options"]["relative_tolerance"] = "no"; }),
            "trace 't.json' is damaged: \"relative_tolerance\" of \"options\" is not true or false; record it again "
            "with 'gmmlab trace record'");
  EXPECT_EQ(error_of([](auto& j) { j["initial"]["priors"] = {0.5, NAN, 0.5}; }),
            "trace 't.json' is damaged: \"priors\" of the initial mixture holds a value that is not a finite number; "
            "record it again with 'gmmlab trace record'");
}

// Numbers no run records are refused; a student's run may still break what only right
// formulas keep (priors summing to 1, N_k adding up to N), and its trace shows the student where.
TEST(TraceFile, NumbersThatMakeNoSenseAreRefusedButAStudentsOwnMistakesAreShown) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir), 3, 2);
  const nlohmann::json good = trace_to_json(record(TextbookSteps(), p));
  auto error_of = [&](const std::function<void(nlohmann::json&)>& damage, const char* implementation) {
    nlohmann::json j = good;
    j["options"]["implementation"] = implementation;
    damage(j);
    try {
      (void)trace_from_json(j, "trace 't.json'");
    } catch (const Error& e) {
      return std::string(e.what());
    }
    return std::string();
  };
  const auto priors_doubled = [](auto& j) {
    for (auto& prior : j["iterations"][1]["mixture"]["priors"]) prior = 2 * prior.template get<double>();
  };
  const auto soft_count_off = [](auto& j) { j["iterations"][0]["soft_counts"][1] = 0.0; };
  const auto negative_variance = [](auto& j) { j["iterations"][1]["mixture"]["covariances"][0][0][0] = -5.0; };
  const auto hard_count_off = [](auto& j) { j["iterations"][0]["hard_counts"][0] = 0; };
  EXPECT_NE(error_of(priors_doubled, "textbook").find("in the mixture of iteration 2, the priors sum to 2, not 1"),
            std::string::npos);
  EXPECT_NE(error_of(soft_count_off, "textbook").find("the soft counts N_k of iteration 1 add up to"),
            std::string::npos);
  EXPECT_EQ(error_of(priors_doubled, "student"), "");
  EXPECT_EQ(error_of(soft_count_off, "student"), "");
  // Any implementation not known to be right: a planted mistake, the sandbox's student.
  EXPECT_EQ(error_of(priors_doubled, "planted"), "");
  const auto negative_soft_count = [](auto& j) {
    auto& n = j["iterations"][0]["soft_counts"];
    n[1] = n[1].template get<double>() + n[0].template get<double>() + 1;
    n[0] = -1.0;
  };
  EXPECT_EQ(error_of(negative_soft_count, "student"), "");  // a wrong E-step's negative gamma
  EXPECT_NE(error_of(negative_soft_count, "reference").find("the soft counts N_k of iteration 1"), std::string::npos);
  for (const char* who : {"textbook", "student"}) {
    EXPECT_NE(error_of(negative_variance, who).find("the covariance of component 1 is not positive definite"),
              std::string::npos)
        << who;
    EXPECT_NE(error_of(hard_count_off, who).find("the hard counts of iteration 1 add up to"), std::string::npos) << who;
  }
  EXPECT_NE(error_of([](auto& j) { j["initial"]["priors"][0] = 0.0; }, "student")
                .find("in the initial mixture, the priors sum to"),
            std::string::npos);
}

TEST(TraceRecord, HoldsOneEntryPerIterationWithItsChange) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const Trace t = record(TextbookSteps(), p);
  ASSERT_EQ(int(t.iterations.size()), t.end.iterations);
  for (std::size_t i = 0; i < t.iterations.size(); ++i) {
    const TraceIteration& it = t.iterations[i];
    EXPECT_EQ(it.iteration, int(i + 1));
    ASSERT_TRUE(it.mixture);
    EXPECT_EQ(arma::accu(it.hard_counts), p.x.n_rows);
    EXPECT_NEAR(arma::accu(it.soft_counts), double(p.x.n_rows), 1e-6);
    if (i == 0) EXPECT_FALSE(it.change);
    else EXPECT_DOUBLE_EQ(*it.change, it.log_likelihood - t.iterations[i - 1].log_likelihood);
  }
}

// An unwritten student exercise that throws: the trace keeps what came before and names the half-step.
class UnwrittenMStep : public TextbookSteps {
 public:
  std::string_view name() const override { return "student"; }
  Mixture m_step(const arma::mat&, const arma::mat&) const override {
    throw NotImplemented(Exercise::m_step, "student/m_step.cpp", "compute the means in means()");
  }
};

TEST(TraceRecord, UnwrittenExerciseEndsTheTraceAtItsHalfStep) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const Trace t = record(UnwrittenMStep(), p);
  EXPECT_EQ(t.end.reason, StopReason::not_implemented);
  ASSERT_TRUE(t.end.failed_iteration && t.end.failed_half_step);
  EXPECT_EQ(*t.end.failed_iteration, 1);
  EXPECT_EQ(*t.end.failed_half_step, HalfStep::m_step);
  EXPECT_EQ(t.end.exercise, Exercise::m_step);
  ASSERT_EQ(t.iterations.size(), 1u);  // its E-step was recorded
  EXPECT_FALSE(t.iterations[0].mixture);
  write_trace(t, dir / "unwritten.json");
  const Trace back = read_trace(dir / "unwritten.json");
  EXPECT_NE(format_trace_table(back).find("student M-step is not written yet"), std::string::npos);
  EXPECT_NE(format_iteration(back, 1).find("M-step: none"), std::string::npos);

  const TraceDiff d = diff_traces(back, record(TextbookSteps(), p), {}, "student", "textbook");
  EXPECT_FALSE(d.agree);
  ASSERT_TRUE(d.first);
  EXPECT_EQ(d.first->cause, TraceDifference::Cause::stopped);
  EXPECT_TRUE(d.first->a_stopped);
  EXPECT_FALSE(d.first->b_stopped);
  EXPECT_EQ(d.first->iteration, 1);
  EXPECT_EQ(d.first->half_step, HalfStep::m_step);
  EXPECT_NE(d.report.find("student M-step is not written yet"), std::string::npos) << d.report;
}

// Both runs stopping alike is agreement to the end; the report says where and why.
TEST(TraceCompare, RunsThatStopAtTheSameHalfStepWithTheSameErrorAgree) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const TraceDiff d = diff_traces(record(UnwrittenMStep(), p), record(UnwrittenMStep(), p), {}, "a", "b");
  EXPECT_TRUE(d.agree) << d.report;
  EXPECT_FALSE(d.first);
  EXPECT_EQ(d.agreement.half_steps, 2);  // the initial mixture and iteration 1's E-step
  EXPECT_NE(d.report.find("Both runs stopped at iteration 1, M-step with the same error"), std::string::npos)
      << d.report;
  EXPECT_EQ(diff_report(d, record(UnwrittenMStep(), p), record(UnwrittenMStep(), p), {}, "a", "b"), d.report);
}

// ---- compare ------------------------------------------------------------------------------------

TEST(TraceCompare, PlantedCovarianceMistakeIsFoundAtItsFirstHalfStep) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const TraceDiff d = diff_traces(record(TextbookSteps(TextbookSteps::Mistake::covariance_over_n), p),
                                  record(TextbookSteps(), p), {}, "yours", "textbook");
  ASSERT_FALSE(d.agree);
  ASSERT_TRUE(d.first);
  EXPECT_EQ(d.first->cause, TraceDifference::Cause::value);
  EXPECT_EQ(d.first->iteration, 1);
  EXPECT_EQ(d.first->half_step, HalfStep::m_step);
  EXPECT_EQ(d.first->part, TraceDifference::Part::covariance);
  EXPECT_EQ(d.first->quantity, "covariance of component 1, entry (0,0) (B,B)");
  EXPECT_EQ(d.first->values, 3 * 3 + 3 * 6 + 3);  // an M-step's means, covariances (upper triangle) and priors
  EXPECT_GE(d.first->differing, 1);
  EXPECT_GT(std::abs(d.first->a - d.first->b), 0.0);
  EXPECT_NE(d.report.find("covariances Sigma_k"), std::string::npos) << d.report;
}

TEST(TraceCompare, PlantedPriorMistakeIsFoundAfterCorrectMeansAndCovariances) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const TraceDiff d = diff_traces(record(TextbookSteps(TextbookSteps::Mistake::prior_unnormalised), p),
                                  record(TextbookSteps(), p), {}, "yours", "textbook");
  // The planted M-step divides N_k by N - 1: its means and covariances are right, so the first
  // quantity that differs is iteration 1's first prior, and the report blames the priors.
  ASSERT_FALSE(d.agree);
  ASSERT_TRUE(d.first);
  EXPECT_EQ(d.first->cause, TraceDifference::Cause::value);
  EXPECT_EQ(d.first->iteration, 1);
  EXPECT_EQ(d.first->half_step, HalfStep::m_step);
  EXPECT_EQ(d.first->part, TraceDifference::Part::prior);
  EXPECT_EQ(d.first->quantity, "prior of component 1");
  EXPECT_NE(d.report.find("the priors pi_k"), std::string::npos) << d.report;
}

// ---- pictures -----------------------------------------------------------------------------------

TEST(TraceFilm, FramesAreTheSegmentationsOfTheStoredMixtures) {
  TempDir dir;
  const SmallProblem p = small_problem(small_photo(dir));
  const Trace t = record(TextbookSteps(), p);
  const cv::Mat film = draw_film(t, p.x, {0});
  // The single frame holds the palette colours of the initial mixture's most likely components.
  const arma::uvec labels = arma::index_max(weighted_log_densities(p.x, p.initial), 1);
  std::set<arma::uword> used(labels.begin(), labels.end());
  std::set<arma::uword> seen;
  for (int y = 0; y < film.rows; ++y)
    for (int x = 0; x < film.cols; ++x)
      for (arma::uword k = 0; k < 3; ++k) {
        const cv::Vec3b rgb = palette_rgb(k);
        if (film.at<cv::Vec3b>(y, x) == cv::Vec3b(rgb[2], rgb[1], rgb[0])) seen.insert(k);
      }
  for (arma::uword k : used) EXPECT_TRUE(seen.count(k)) << "component " << k + 1;
}

}  // namespace
}  // namespace gmmlab::testing
