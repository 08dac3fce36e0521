// `gmmlab trace ...` end to end through the binary: record, show, diff, compare, plot and film,
// including every bad input a user can give them. The library underneath is tested in
// tracer/tests.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <functional>

#include "gmmlab/testing/trace_fixture.hpp"

namespace gmmlab::testing {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

CommandResult gmmlab(std::vector<std::string> args) {
  args.insert(args.begin(), GMMLAB_CLI);
  return run_command(args);
}

// Every user error ends in exactly one line on stderr, starting "gmmlab: ".
void expect_one_clear_line(const CommandResult& r, const std::string& words) {
  EXPECT_EQ(r.err.rfind("gmmlab: ", 0), 0u) << r.err;
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
  EXPECT_NE(r.err.find(words), std::string::npos) << r.err;
}

class TraceCli : public ::testing::Test {
 protected:
  void SetUp() override {
    photo = small_photo(dir);
    trace = dir / "run.trace.json";
    const CommandResult r =
        gmmlab({"trace", "record", photo.string(), "-k", "3", "--iterations", "12", "-q", "-o", trace.string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  // Writes the recorded trace's JSON after `change` edits it.
  fs::path altered(const std::string& name, const std::function<void(json&)>& change) {
    json j = json::parse(read_file(trace));
    change(j);
    const fs::path path = dir / name;
    write_file(path, j.dump());
    return path;
  }
  TempDir dir;
  fs::path photo, trace;
};

// ---- record and show --------------------------------------------------------------------------

TEST_F(TraceCli, RecordThenShowTellsTheRun) {
  const json j = json::parse(read_file(trace));
  EXPECT_EQ(j["format"], "gmmlab-trace");
  EXPECT_EQ(j["version"], kTraceVersion);
  EXPECT_EQ(j["input"]["width"], 60);
  EXPECT_EQ(j["input"]["height"], 40);
  EXPECT_EQ(j["input"]["content_hash"], content_hash(photo));
  EXPECT_EQ(j["options"]["implementation"], "reference");
  EXPECT_EQ(j["iterations"].size(), j["end"]["iterations"].get<std::size_t>());

  const CommandResult table = gmmlab({"trace", "show", trace.string()});
  ASSERT_EQ(table.exit_code, 0) << table.err;
  for (const char* words : {"Trace of reference EM", "60 x 40 pixels", "K = 3", "log-likelihood", "change", "pi_1",
                            "initial mixture", "Ended:"})
    EXPECT_NE(table.out.find(words), std::string::npos) << words << "\n" << table.out;

  const CommandResult one = gmmlab({"trace", "show", trace.string(), "--iteration", "2"});
  ASSERT_EQ(one.exit_code, 0) << one.err;
  for (const char* words : {"Iteration 2", "E-step on the mixture of iteration 1", "N_k (soft)", "pixels (hard)",
                            "component 3 (blue)", "mean mu", "covariance Sigma", "prior pi"})
    EXPECT_NE(one.out.find(words), std::string::npos) << words << "\n" << one.out;
  EXPECT_EQ(gmmlab({"trace", "show", trace.string(), "--iteration", "0"}).exit_code, 0);
  EXPECT_EQ(gmmlab({"trace", "show", trace.string(), "--iteration", "last"}).exit_code, 0);
}

// ---- diff ---------------------------------------------------------------------------------------

TEST_F(TraceCli, DiffOfATraceWithItselfAgrees) {
  const CommandResult r = gmmlab({"trace", "diff", trace.string(), trace.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("The runs agree"), std::string::npos) << r.out;
}

TEST_F(TraceCli, DiffReportsExactlyTheAlteredHalfStepAndQuantity) {
  const fs::path cov = altered("cov.json", [](json& j) {
    j["iterations"][2]["mixture"]["covariances"][1][0][1] = j["iterations"][2]["mixture"]["covariances"][1][0][1].get<double>() + 1e-3;
    j["iterations"][2]["mixture"]["covariances"][1][1][0] = j["iterations"][2]["mixture"]["covariances"][1][0][1];
  });
  CommandResult r = gmmlab({"trace", "diff", trace.string(), cov.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("first differ at iteration 3, M-step (half-step 6): covariance of component 2, entry (0,1) (B,G)"),
            std::string::npos)
      << r.out;
  EXPECT_NE(r.out.find("rtol 1e-06"), std::string::npos) << r.out;  // the tolerance is named
  EXPECT_NE(r.out.find("Before it, 6 half-steps agreed"), std::string::npos) << r.out;

  const fs::path ll = altered("ll.json", [](json& j) {
    j["iterations"][1]["log_likelihood"] = j["iterations"][1]["log_likelihood"].get<double>() * (1 + 1e-4);
  });
  r = gmmlab({"trace", "diff", trace.string(), ll.string()});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("first differ at iteration 2, E-step (half-step 3): log-likelihood"), std::string::npos)
      << r.out;
  // Within a looser tolerance the same two traces agree.
  EXPECT_EQ(gmmlab({"trace", "diff", trace.string(), ll.string(), "--rtol", "1e-3"}).exit_code, 0);
}

TEST_F(TraceCli, DiffRefusesTracesOfDifferentInputsOrOptions) {
  const fs::path other_photo = small_photo(dir, "flipped.png", true), other = dir / "other.json";
  ASSERT_EQ(gmmlab({"trace", "record", other_photo.string(), "-k", "3", "--iterations", "12", "-q", "-o",
                    other.string()})
                .exit_code,
            0);
  CommandResult r = gmmlab({"trace", "diff", trace.string(), other.string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "same photo");

  const fs::path k4 = dir / "k4.json";
  ASSERT_EQ(gmmlab({"trace", "record", photo.string(), "-k", "4", "--iterations", "12", "-q", "-o", k4.string()})
                .exit_code,
            0);
  r = gmmlab({"trace", "diff", trace.string(), k4.string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "K = 3");
}

#if GMMLAB_CLI_RUNS_SKELETON
TEST(TraceSkeleton, CompareEndsWithTheFriendlyNotWrittenErrorAndNothingCrashes) {
  TempDir dir;
  const fs::path photo = small_photo(dir);
  const CommandResult r = gmmlab({"trace", "compare", photo.string(), "-k", "3", "--iterations", "5"});
  EXPECT_EQ(r.exit_code, 3) << r.err;
  EXPECT_NE(r.out.find("student Z-score is not written yet"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("first differ at iteration 1, E-step"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("student E-step is not written yet"), std::string::npos) << r.out;
}

// compare runs both implementations on the reference's Z-scores, and the saved student trace
// says so: film redraws it from them rather than asking for the unwritten student Z-score.
TEST(TraceSkeleton, FilmOfTheSavedStudentTraceUsesTheReferenceZscore) {
  TempDir dir;
  const fs::path photo = small_photo(dir), saved = dir / "s.json", film = dir / "film.png";
  const CommandResult r = gmmlab(
      {"trace", "compare", photo.string(), "--iterations", "5", "--save-student", saved.string()});
  ASSERT_EQ(r.exit_code, 3) << r.err;
  const json j = json::parse(read_file(saved));
  EXPECT_EQ(j["options"]["implementation"], "student");
  EXPECT_EQ(j["options"]["zscore"], "reference");
  const CommandResult f = gmmlab({"trace", "film", saved.string(), "-o", film.string()});
  ASSERT_EQ(f.exit_code, 0) << f.err;
  // The one frame the student's trace holds (its initial mixture) is that of the reference's.
  const Trace t = read_trace(saved);
  const cv::Mat expected = draw_film(t, TextbookSteps().zscore(load_image(photo, 3).pixels), {0});
  const cv::Mat drawn = cv::imread(film.string());
  ASSERT_EQ(drawn.size(), expected.size());
  EXPECT_EQ(cv::norm(drawn, expected, cv::NORM_INF), 0.0);
}

TEST(TraceSkeleton, RecordSaysWhichExerciseAndWritesNothing) {
  TempDir dir;
  const CommandResult r =
      gmmlab({"trace", "record", small_photo(dir).string(), "--impl", "student", "-o", (dir / "s.json").string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "student Z-score is not written yet");
  EXPECT_FALSE(fs::exists(dir / "s.json"));
}
#endif

TEST(TraceCompare, CliReferenceAgainstItselfAgreesAndSavesBothTraces) {
  TempDir dir;
  const CommandResult r =
      gmmlab({"trace", "compare", small_photo(dir).string(), "--impl", "reference", "--iterations", "5",
              "--save-student", (dir / "a.json").string(), "--save-reference", (dir / "b.json").string()});
  EXPECT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("The runs agree"), std::string::npos) << r.out;
  EXPECT_EQ(gmmlab({"trace", "diff", (dir / "a.json").string(), (dir / "b.json").string()}).exit_code, 0);
  // By default compare also runs one E-step from a far-away start (grader/README.md).
  EXPECT_NE(r.out.find("From a far-away start (every mean moved 60 standard deviations away): your E-step agrees"),
            std::string::npos) << r.out;
  const CommandResult skip = gmmlab({"trace", "compare", small_photo(dir).string(), "--impl", "reference",
                                     "--iterations", "2", "--no-far-start"});
  EXPECT_EQ(skip.exit_code, 0) << skip.err;
  EXPECT_EQ(skip.out.find("far-away start"), std::string::npos) << skip.out;
}

// ---- pictures -----------------------------------------------------------------------------------

TEST_F(TraceCli, PlotAndFilmArePngsOfTheExpectedSize) {
  const fs::path curve = dir / "curve.png", film = dir / "film.png", two = dir / "two.png";
  CommandResult r = gmmlab({"trace", "plot", trace.string(), "-o", curve.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  cv::Mat img = cv::imread(curve.string());
  EXPECT_EQ(img.cols, kPlotWidth);
  EXPECT_EQ(img.rows, kPlotHeight);

  r = gmmlab({"trace", "film", trace.string(), "-o", film.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  img = cv::imread(film.string());
  const Trace t = read_trace(trace);
  const std::vector<int> frames = default_film_iterations(t);  // 0, 1, 2, 5, 10 and the last
  EXPECT_EQ(frames.front(), 0);
  EXPECT_EQ(frames.back(), t.last_iteration());
  EXPECT_EQ(img.size(), film_size(40, 60, int(frames.size()), 3));

  r = gmmlab({"trace", "film", trace.string(), "-o", two.string(), "--frames", "0,last"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(cv::imread(two.string()).size(), film_size(40, 60, 2, 3));
}

// ---- bad input ----------------------------------------------------------------------------------

TEST_F(TraceCli, EveryDamagedTraceGetsOneClearSentence) {
  const std::string whole = read_file(trace);
  write_file(dir / "truncated.json", whole.substr(0, whole.size() / 2));
  write_file(dir / "not-json.json", "this is not a trace\n");
  write_file(dir / "empty.json", "");
  const fs::path v2 = altered("v2.json", [](json& j) { j["version"] = 2; });
  const fs::path foreign = altered("foreign.json", [](json& j) { j.erase("format"); });
  const fs::path shape = altered("shape.json", [](json& j) { j["iterations"][1]["soft_counts"] = {1.0, 2.0}; });
  const fs::path type = altered("type.json", [](json& j) { j["iterations"][0]["log_likelihood"] = "high"; });
  const fs::path mixture = altered("mixture.json", [](json& j) { j["initial"]["means"] = {{1.0}}; });
  const std::vector<std::pair<fs::path, std::string>> cases{
      {dir / "missing.json", "does not exist"},
      {dir.path(), "is a folder"},
      {dir / "truncated.json", "truncated"},
      {dir / "not-json.json", "is not valid JSON"},
      {dir / "empty.json", "is empty"},
      {v2, "version 2, but this gmmlab reads version 1"},
      {foreign, "is not a GMM Lab trace"},
      {shape, "\"soft_counts\" of iteration 2 must be a list of 3 numbers"},
      {type, "\"log_likelihood\" of iteration 1 is not a number"},
      {mixture, "the initial mixture"},
  };
  for (const auto& [path, words] : cases) {
    SCOPED_TRACE(path.filename().string());
    CommandResult r = gmmlab({"trace", "show", path.string()});
    EXPECT_EQ(r.exit_code, 1);
    expect_one_clear_line(r, words);
    r = gmmlab({"trace", "diff", trace.string(), path.string()});
    EXPECT_EQ(r.exit_code, 1);  // a damaged input, as for every other command
    expect_one_clear_line(r, words);
    r = gmmlab({"trace", "plot", path.string(), "-o", (dir / "p.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    expect_one_clear_line(r, words);
    r = gmmlab({"trace", "film", path.string(), "-o", (dir / "f.png").string()});
    EXPECT_EQ(r.exit_code, 1);
    expect_one_clear_line(r, words);
  }
  EXPECT_FALSE(fs::exists(dir / "p.png"));
  EXPECT_FALSE(fs::exists(dir / "f.png"));
}

TEST_F(TraceCli, BadIterationsAndFramesAreRefused) {
  for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
           {"-1", "outside the trace"}, {"999", "outside the trace"}, {"x", "is not an iteration number"},
           {"2.5", "is not an iteration number"}}) {
    SCOPED_TRACE(text);
    const CommandResult r = gmmlab({"trace", "show", trace.string(), "--iteration=" + text});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_clear_line(r, words);
  }
  for (const auto& [text, words] : std::vector<std::pair<std::string, std::string>>{
           {"0,99", "outside the trace"}, {"a,b", "is not an iteration number"}, {",", "names no iteration"}}) {
    SCOPED_TRACE(text);
    const CommandResult r = gmmlab({"trace", "film", trace.string(), "-o", (dir / "f.png").string(), "--frames", text});
    EXPECT_EQ(r.exit_code, 2);
    expect_one_clear_line(r, words);
  }
}

TEST_F(TraceCli, UnwritableOutputsAreRefusedBeforeAnyWork) {
  const std::string nowhere = (dir / "no-such-folder" / "x").string();
  CommandResult r = gmmlab({"trace", "record", photo.string(), "--iterations", "2", "-o", nowhere + ".json"});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "does not exist");
  r = gmmlab({"trace", "record", photo.string(), "--iterations", "2", "-o", dir.path().string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "is a folder");
  r = gmmlab({"trace", "record", photo.string(), "--iterations", "2", "-o", photo.string()});
  EXPECT_EQ(r.exit_code, 2) << "the command line names one file twice";
  expect_one_clear_line(r, "never overwritten");
  r = gmmlab({"trace", "plot", trace.string(), "-o", nowhere + ".png"});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "does not exist");
  r = gmmlab({"trace", "plot", trace.string(), "-o", (dir / "curve.txt").string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "not an image format");
  r = gmmlab({"trace", "film", trace.string(), "-o", trace.string()});
  EXPECT_EQ(r.exit_code, 2) << "the command line names one file twice";
  expect_one_clear_line(r, "never overwritten");
}

TEST_F(TraceCli, FilmNeedsThePhotoItWasRecordedOn) {
  const fs::path moved = dir / "moved.png";
  fs::rename(photo, moved);
  CommandResult r = gmmlab({"trace", "film", trace.string(), "-o", (dir / "f.png").string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "--image");
  r = gmmlab({"trace", "film", trace.string(), "-o", (dir / "f.png").string(), "--image",
              small_photo(dir, "other.png", true).string()});
  EXPECT_EQ(r.exit_code, 1);
  expect_one_clear_line(r, "is not the photo the trace was recorded on");
  r = gmmlab({"trace", "film", trace.string(), "-o", (dir / "f.png").string(), "--image", moved.string()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
}

TEST_F(TraceCli, BadToleranceAndMissingArgumentsAreBadInputForDiff) {
  CommandResult r = gmmlab({"trace", "diff", trace.string(), trace.string(), "--rtol", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_clear_line(r, "--rtol is -1");
  r = gmmlab({"trace", "diff", trace.string()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_EQ(r.err, "gmmlab: TRACE_B is required; run 'gmmlab --help' for usage\n") << "the second trace is named";
  r = gmmlab({"trace", "plot", trace.string()});
  EXPECT_EQ(r.exit_code, 2);
  expect_one_clear_line(r, "--output");
}

#ifdef GMMLAB_PLANTED_CLI
// An E-step without the log-sum-exp shift agrees from the k-means start and breaks from a
// far-away one: that finding, with the mistake's name, comes before "The runs agree", and the
// runs differ (exit 3).
TEST(TraceCompare, AFarAwayStartFailureComesBeforeRunsThatAgree) {
  TempDir dir;
  const CommandResult r = run_command({GMMLAB_PLANTED_CLI, "trace", "compare", small_photo(dir).string(), "--impl",
                                       "student", "--iterations", "3"});
  EXPECT_EQ(r.exit_code, 3) << r.out << r.err;
  const auto far = r.out.find("From a far-away start"), name = r.out.find("without subtracting the row maximum");
  const auto agree = r.out.find("The runs agree");
  ASSERT_NE(far, std::string::npos) << r.out;
  ASSERT_NE(name, std::string::npos) << r.out;
  ASSERT_NE(agree, std::string::npos) << r.out;
  EXPECT_LT(far, agree) << r.out;
  EXPECT_LT(name, agree) << r.out;
}
#endif

}  // namespace
}  // namespace gmmlab::testing
