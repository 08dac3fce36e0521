// `gmmlab grade` end to end: real folders compiled by the sandbox, graded in workers. Each
// grading compiles a submission (about 10 s of CPU), so the cases are few and each checks a lot.
#include <gtest/gtest.h>

#include <filesystem>
#include <regex>
#include <sstream>
#include <nlohmann/json.hpp>

#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;

namespace gmmlab {
namespace {

using testing::read_file;
using testing::run_command;
using testing::TempDir;

const fs::path kSolution = GMMLAB_SOLUTION_DIR;
const fs::path kSkeleton = GMMLAB_SKELETON_DIR;
const fs::path kPlanted = GMMLAB_PLANTED_DIR;
const fs::path kHostile = GMMLAB_HOSTILE_DIR;

testing::CommandResult grade(std::vector<std::string> args, const fs::path& cwd = {}) {
  args.insert(args.begin(), {GMMLAB_CLI, "grade"});
  return run_command(args, cwd);
}

// The solution with some of its files replaced by those of `overlay` (a folder of one or two
// files), as a submission that is right except for what the overlay changes.
fs::path submission(const TempDir& dir, const std::vector<fs::path>& overlays) {
  const fs::path out = dir / "submission";
  fs::create_directories(out);
  for (const auto& e : fs::directory_iterator(kSolution)) fs::copy_file(e.path(), out / e.path().filename());
  for (const auto& overlay : overlays)
    for (const auto& e : fs::directory_iterator(overlay))
      fs::copy_file(e.path(), out / e.path().filename(), fs::copy_options::overwrite_existing);
  return out;
}

std::string snapshot(const fs::path& folder) {
  std::string s;
  for (const auto& e : fs::directory_iterator(folder)) s += e.path().filename().string() + read_file(e.path());
  return s;
}

// The line of the check with this title, e.g. "... 0/5".
std::string line_of(const std::string& out, const std::string& title) {
  const auto at = out.find(title);
  if (at == std::string::npos) return "";
  return out.substr(at, out.find('\n', at) - at);
}

TEST(GradeCli, SolutionGetsFullMarksTwiceWithTheSameReport) {
  TempDir dir;
  const auto a = grade({kSolution.string(), "--hidden", "--json", (dir / "a.json").string(), "--junit",
                        (dir / "a.xml").string()});
  const auto b = grade({kSolution.string(), "--hidden", "--json", (dir / "b.json").string()});
  ASSERT_EQ(a.exit_code, 0) << a.err;
  EXPECT_NE(a.out.find("Total: 100/100"), std::string::npos) << a.out;
  EXPECT_EQ(a.out, b.out);  // same score, same words
  const auto ja = nlohmann::json::parse(read_file(dir / "a.json"));
  auto jb = nlohmann::json::parse(read_file(dir / "b.json"));
  EXPECT_EQ(ja["score"], 100);
  EXPECT_EQ(ja["max_score"], 100);
  EXPECT_EQ(ja["tests"].size(), 27u);
  for (const auto& t : ja["tests"]) {
    EXPECT_EQ(t["status"], "passed") << t["name"];
    EXPECT_TRUE(t.contains("number") && t.contains("output") && t.contains("max_score"));
    const bool hidden = t["name"].get<std::string>().find("(hidden)") != std::string::npos;
    EXPECT_EQ(t["visibility"], hidden ? "after_due_date" : "visible") << t["name"];
  }
  jb["execution_time"] = ja["execution_time"];  // the one measured number
  EXPECT_EQ(ja, jb);
  EXPECT_NE(read_file(dir / "a.xml").find("<testsuites tests=\"27\" failures=\"0\">"), std::string::npos);
}

TEST(GradeCli, SkeletonGetsZeroWithTheTodoLineInEveryCheck) {
  const auto r = grade({kSkeleton.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Total: 0/88"), std::string::npos) << r.out;
  int checks = 0, zero = 0;
  std::istringstream lines(r.out);
  for (std::string line; std::getline(lines, line);)
    if (line.find(" ...") != std::string::npos) ++checks, zero += line.find(" 0/") != std::string::npos;
  EXPECT_EQ(checks, 24);
  EXPECT_EQ(zero, 24);
  EXPECT_NE(r.out.find("student Z-score is not written yet: student/zscore.cpp"), std::string::npos);
  EXPECT_NE(r.out.find("student E-step is not written yet: student/e_step.cpp"), std::string::npos);
  EXPECT_NE(r.out.find("student M-step is not written yet: student/m_step.cpp"), std::string::npos);
}

TEST(GradeCli, PlantedMistakesLoseOnlyTheirOwnChecksAndGetTheirHint) {
  {
    TempDir dir;
    const auto r = grade({submission(dir, {kPlanted / "gamma_no_max_shift"}).string(), "--only", "estep"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(line_of(r.out, "far pixels give finite responsibilities").find(" 0/5"),
              std::string::npos) << r.out;
    EXPECT_NE(line_of(r.out, "responsibilities equal to the reference").find(" 5/5"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("without subtracting the row maximum"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("Replay: gmmlab grade"), std::string::npos);
  }
  {
    TempDir dir;
    const auto r = grade({submission(dir, {kPlanted / "cov_divided_by_n"}).string()});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    EXPECT_NE(line_of(r.out, "covariances Sigma_k equal to the reference formula").find(" 0/6"), std::string::npos);
    EXPECT_NE(r.out.find("divides by N (all pixels) instead of by N_k"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("first wrong element Sigma_1(0, 0): expected"), std::string::npos) << r.out;
    // Only the M-step and the runs that use it lose points.
    for (const char* title : {"Z-score: mean 0", "E-step: responsibilities equal", "M-step: means mu_k",
                              "EM: your E-step with the reference M-step"})
      EXPECT_EQ(line_of(r.out, title).find(" 0/"), std::string::npos) << line_of(r.out, title);
    EXPECT_NE(r.out.find("Total: 71.33/88"), std::string::npos) << r.out;
  }
}

// Gradescope shows the top-level output and the visible tests at once, the after_due_date ones
// later: before the due date a student must learn nothing of the hidden checks (their seed,
// their points in a total, a --hidden replay) nor the grading machine's folders. The terminal
// (the instructor) gets all of it, with the folder quoted so the replay can be pasted.
TEST(GradeCli, WhatGradescopeShowsBeforeTheDueDateCarriesNothingHidden) {
  TempDir dir;
  const fs::path spaced = dir / "prof's class" / "alice lab";
  fs::create_directories(spaced.parent_path());
  fs::rename(submission(dir, {kPlanted / "cov_divided_by_n"}), spaced);
  const auto r = grade({spaced.string(), "--hidden", "--seed", "7", "--json", (dir / "results.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Replay: gmmlab grade '" + dir.path().string() + "/prof'\\''s class/alice lab' --only mstep --verbose\n"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("--only mstep --verbose --hidden --seed 7\n"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Hidden checks drawn from seed 7"), std::string::npos) << r.out;

  const auto j = nlohmann::json::parse(read_file(dir / "results.json"));
  const std::string top = j["output"];
  for (const char* leak : {"seed", "--hidden", "Total", "/100"}) EXPECT_EQ(top.find(leak), std::string::npos) << top;
  EXPECT_NE(top.find("Visible checks: 71.33/88. The hidden checks (12 points) and your total are shown after the due "
                     "date."),
            std::string::npos) << top;
  int failed_visible = 0;
  for (const auto& t : j["tests"]) {
    if (t["visibility"] != "visible") continue;
    const std::string out = t["output"];
    for (const std::string& leak : {std::string("seed"), std::string("--hidden"), dir.path().string()})
      EXPECT_EQ(out.find(leak), std::string::npos) << t["name"] << ":\n" << out;
    if (t["status"] == "failed") {
      ++failed_visible;
      EXPECT_TRUE(std::regex_search(out, std::regex("Replay: gmmlab grade --only (mstep|em) --verbose\n"))) << out;
    }
  }
  EXPECT_GT(failed_visible, 0);
}

TEST(GradeCli, HostileCodeCostsItsChecksAndGradingCompletes) {
  TempDir dir;
  const fs::path sub = submission(dir, {kHostile / "segfault", kHostile / "infinite_loop", kHostile / "exit_zero"});
  const auto r = grade({sub.string(), "--timeout", "1", "--only", "zscore"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("crashed with SIGSEGV"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("Total: 0/18"), std::string::npos) << r.out;
  // Its responsibilities() hangs, its log_likelihood() is right: each is called on its own, so the
  // hang costs gamma's checks only (and is waited for twice, then named at once).
  const auto e = grade({sub.string(), "--timeout", "1", "--only", "estep"});
  EXPECT_NE(e.out.find("the student responsibilities() took longer than 1 s"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("the student responsibilities() was not called again: it took longer than 1 s on 2 inputs"),
            std::string::npos)
      << e.out;
  EXPECT_NE(line_of(e.out, "E-step: responsibilities equal to the reference").find(" 0/5"), std::string::npos);
  EXPECT_NE(line_of(e.out, "E-step: log-likelihood equal to the reference").find(" 6/6"), std::string::npos) << e.out;
  EXPECT_NE(e.out.find("Total: 13/35"), std::string::npos) << e.out;
  // The EM checks run the whole E-step, which calls responsibilities(): named, not waited for.
  const auto em = grade({sub.string(), "--timeout", "1", "--only", "em"});
  EXPECT_NE(em.out.find("EM stopped at iteration 1: the student E-step"), std::string::npos) << em.out;
  EXPECT_EQ(em.out.find("EM stopped early: EM stopped"), std::string::npos) << em.out;
  const auto m = grade({sub.string(), "--timeout", "1", "--only", "mstep"});
  EXPECT_NE(m.out.find("exited"), std::string::npos) << m.out;
  EXPECT_NE(m.out.find("Total: 0/22"), std::string::npos) << m.out;
}

TEST(GradeCli, FakeOutputAndFakeReportFilesDoNotFoolIt) {
  TempDir dir;
  const fs::path sub = submission(dir, {kHostile / "fake_output"});
  const auto before = snapshot(sub);
  const auto r = grade({sub.string(), "--only", "zscore", "--json", "results.json", "--junit", "report.xml"}, dir.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  // It returned the raw pixels: right shape (2 points), nothing else.
  EXPECT_NE(r.out.find("Total: 2/18"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(dir / "results.json"));
  EXPECT_EQ(j["score"], 2);
  EXPECT_EQ(j["tests"].size(), 5u);
  EXPECT_NE(read_file(dir / "report.xml").find("failures=\"4\""), std::string::npos);
  EXPECT_EQ(snapshot(sub), before);  // nothing of the submission changed
}

TEST(GradeCli, AFileThatDoesNotCompileCostsOnlyItsExercise) {
  TempDir dir;
  const fs::path sub = submission(dir, {});
  testing::write_file(sub / "m_step.cpp", read_file(sub / "m_step.cpp") + "\nthis is not C++;\n");
  const auto r = grade({sub.string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("m_step.cpp does not compile"), std::string::npos) << r.out;
  EXPECT_NE(line_of(r.out, "M-step: means mu_k").find(" 0/6"), std::string::npos);
  EXPECT_NE(line_of(r.out, "E-step: responsibilities equal").find(" 5/5"), std::string::npos);
  EXPECT_NE(line_of(r.out, "EM: your E-step with the reference M-step").find(" 3/3"), std::string::npos);
}

// An instructor's edited rubric at grading time: a hidden check made public runs without
// --hidden and is visible on Gradescope, changed points change the total; the output says the
// rubric is the instructor's and what it totals, never its path (it is a student's feedback).
TEST(GradeCli, AnInstructorsRubricChangesPointsAndVisibilityWithoutARebuild) {
  TempDir dir;
  std::string text = read_file(fs::path(GMMLAB_RUBRIC_FILE));
  const auto hidden_at = text.find("[HiddenZScore.RandomPixels]");
  ASSERT_NE(hidden_at, std::string::npos);
  text.replace(text.find("visibility = \"hidden\"", hidden_at), 21, "visibility = \"public\"");
  const auto shape_at = text.find("[ZScore.Shape]");
  text.replace(text.find("points = 2\n", shape_at), 11, "points = 7\n");
  testing::write_file(dir / "rubric.toml", text);
  const auto r = grade({kSolution.string(), "--only", "zscore", "--rubric", (dir / "rubric.toml").string(), "--json",
                        (dir / "results.json").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("Rubric: your instructor's (27 checks, 105 points in all; the built-in rubric has 100)\n"),
            std::string::npos) << r.out;
  EXPECT_EQ(r.out.find(dir.path().string()), std::string::npos) << r.out;  // the output is a student's feedback
  EXPECT_NE(line_of(r.out, "Z-score: keeps the pixels' shape").find(" 7/7"), std::string::npos) << r.out;
  EXPECT_NE(line_of(r.out, "Z-score (hidden): pixels from the submission's seed").find(" 3/3"), std::string::npos);
  EXPECT_NE(r.out.find("Total: 26/26\n"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(dir / "results.json"));
  EXPECT_EQ(j["score"], 26);
  ASSERT_EQ(j["tests"].size(), 6u);
  EXPECT_EQ(j["tests"][5]["visibility"], "visible");
  EXPECT_EQ(j.dump().find(dir.path().string()), std::string::npos);  // the instructor's folder is not in it
}

TEST(GradeCli, BadInputGetsOneSentenceAndNothingIsWritten) {
  TempDir dir;
  fs::create_directories(dir / "empty");
  fs::create_directories(dir / "other");
  testing::write_file(dir / "other" / "notes.txt", "hello");
  const fs::path json = dir / "r.json";
  struct Case {
    std::vector<std::string> args;
    int code;
    std::string words;
  };
  const std::vector<Case> cases{
      {{(dir / "missing").string(), "--json", json.string()}, 1, "does not exist"},
      {{(dir / "empty").string(), "--json", json.string()}, 1, "is empty"},
      {{(dir / "other").string(), "--json", json.string()}, 1, "has none of zscore.cpp"},
      {{kSolution.string(), "--json", (dir / "nope" / "r.json").string()}, 1, "does not exist"},
      {{kSolution.string(), "--json", (kSolution / "results.json").string()}, 2, "inside the submission folder"},
      {{kSolution.string(), "--junit", (kSolution / "zscore.cpp").string()}, 2, "is the input file"},
      {{kSolution.string(), "--only", "kmeans", "--json", json.string()}, 2, "--only is 'kmeans'"},
      {{kSolution.string(), "--timeout", "0", "--json", json.string()}, 2, "--timeout is 0"},
      {{kSolution.string(), "--timeout", "-1", "--json", json.string()}, 2, "--timeout is -1"},
      {{kSolution.string(), "--memory", "0", "--json", json.string()}, 2, "--memory is 0"},
      {{kSolution.string(), "--bogus"}, 2, "--bogus"},
      {{kSolution.string(), "--rubric", (dir / "no-rubric.toml").string(), "--json", json.string()}, 1,
       "no-rubric.toml"},
      {{kSolution.string(), "--rubric", (dir / "other" / "notes.txt").string(), "--json", json.string()}, 1,
       "notes.txt line 1"},
  };
  const auto before = snapshot(kSolution);
  for (const auto& c : cases) {
    const auto r = grade(c.args);
    EXPECT_EQ(r.exit_code, c.code) << c.args[0] << " " << r.err;
    EXPECT_EQ(r.err.rfind("gmmlab: ", 0), 0u) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_NE(r.err.find(c.words), std::string::npos) << r.err;
    EXPECT_FALSE(fs::exists(json));
  }
  EXPECT_EQ(snapshot(kSolution), before);
}

}  // namespace
}  // namespace gmmlab
