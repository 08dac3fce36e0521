// `gmmlab course grade --rubric FILE` with the real grader (this gmmlab): the instructor's
// edited rubric is checked before anything is graded, given to every grader, named with its
// changes in the summary, and never quoted (its path) in what a student reads.
#include <gtest/gtest.h>

#include <algorithm>

#include "course_test_support.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::read_file;
using gmmlab::testing::run_command;
using gmmlab::testing::TempDir;

namespace {

// The built-in rubric with ZScore.Shape worth 7 instead of 2 and the hidden Z-score check public.
std::string edited_rubric(int shape_points) {
  std::string text = read_file(fs::path(GMMLAB_SOURCE_DIR) / "grader" / "rubric.toml");
  const auto hidden_at = text.find("[HiddenZScore.RandomPixels]");
  text.replace(text.find("visibility = \"hidden\"", hidden_at), 21, "visibility = \"public\"");
  const auto shape_at = text.find("[ZScore.Shape]");
  text.replace(text.find("points = 2\n", shape_at), 11, "points = " + std::to_string(shape_points) + "\n");
  return text;
}

gmmlab::testing::CommandResult grade_with(const fs::path& rubric, const fs::path& t, std::vector<std::string> extra = {}) {
  std::vector<std::string> argv{GMMLAB_CLI, "course", "grade", (t / "class").string(), "-o",
                                (t / "out" / "gradebook.csv").string(), "--rubric", rubric.string(), "-j", "1", "-q"};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_command(argv);
}

}  // namespace

TEST(CourseGradeRubric, AnEditedRubricMarksTheClassAndIsNamedInTheSummaryOnly) {
  TempDir t;
  fs::create_directories(t / "class");
  fs::copy(fs::path(GMMLAB_SOURCE_DIR) / "instructor" / "solution", t / "class" / "alice", fs::copy_options::recursive);
  fs::create_directories(t / "out");
  put(t / "rubric.toml", edited_rubric(7));
  auto g = grade_with(t / "rubric.toml", t.path());
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const std::string summary = read_file(t / "out" / "gradebook-summary.txt");
  EXPECT_NE(summary.find("Rubric " + (t / "rubric.toml").string() +
                         ": 27 checks, 105 points in all (the built-in rubric has 100): 96 public, 9 hidden.\n"
                         "  ZScore.Shape: points 2 -> 7\n  HiddenZScore.RandomPixels: hidden -> public\n"),
            std::string::npos) << summary;
  std::string csv = read_file(t / "out" / "gradebook.csv");
  EXPECT_NE(csv.find("Z-score: keeps the pixels' shape (N x d) (/7)"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",105,105,graded,"), std::string::npos) << csv;
  const std::string feedback = read_file(t / "out" / "gradebook-feedback" / "alice.txt");
  EXPECT_NE(feedback.find("Rubric: your instructor's (27 checks, 105 points in all"), std::string::npos) << feedback;
  EXPECT_EQ(feedback.find("rubric.toml"), std::string::npos) << feedback;  // not the instructor's file

  // The rubric changed: --update grades again (the rubric is part of each grade's key).
  put(t / "rubric.toml", edited_rubric(4));
  g = grade_with(t / "rubric.toml", t.path(), {"--update"});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  csv = read_file(t / "out" / "gradebook.csv");
  EXPECT_NE(csv.find("(N x d) (/4)"), std::string::npos) << csv;
  EXPECT_NE(csv.find(",102,102,graded,"), std::string::npos) << csv;
}

// Each refused rubric: one sentence naming the file, exit 1, nothing graded or written.
TEST(CourseGradeRubric, ARubricTheGraderRefusesStopsTheBatchBeforeAnythingIsWritten) {
  TempDir t;
  fs::create_directories(t / "class");
  fs::copy(fs::path(GMMLAB_SOURCE_DIR) / "instructor" / "solution", t / "class" / "alice", fs::copy_options::recursive);
  fs::create_directories(t / "out");
  std::string wrong_exercise = edited_rubric(7);
  wrong_exercise.replace(wrong_exercise.find("exercise = \"zscore\""), 19, "exercise = \"mstep\"");
  put(t / "wrong.toml", wrong_exercise);
  put(t / "broken.toml", "[ZScore.Shape]\npoints = many\n");
  const std::vector<std::pair<std::string, std::string>> cases{
      {(t / "wrong.toml").string(), "check 'ZScore.Shape' says exercise = \"mstep\" but it grades zscore"},
      {(t / "broken.toml").string(), "broken.toml line 2: 'many' is not"},
      {(t / "missing.toml").string(), "missing.toml' does not exist"},
  };
  for (const auto& [rubric, words] : cases) {
    const auto g = grade_with(rubric, t.path());
    EXPECT_EQ(g.exit_code, 1) << rubric;
    EXPECT_EQ(g.err.rfind("gmmlab: ", 0), 0u) << g.err;
    EXPECT_EQ(std::count(g.err.begin(), g.err.end(), '\n'), 1) << g.err;
    EXPECT_NE(g.err.find(words), std::string::npos) << g.err;
    EXPECT_TRUE(fs::is_empty(t / "out")) << rubric;
  }
}
