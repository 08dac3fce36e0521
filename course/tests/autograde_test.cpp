// `gmmlab course autograde`: one submission graded for Gradescope (results.json) and GitHub
// Classroom (the reporter's base64 line), with the stand-in grader of the contract.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "course_test_support.hpp"
#include "gmmlab/course/autograde.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::read_file;
using gmmlab::testing::run_command;
using gmmlab::testing::TempDir;

namespace {

gmmlab::testing::CommandResult autograde(const fs::path& submission, std::vector<std::string> outputs) {
  std::vector<std::string> argv{GMMLAB_CLI, "course", "autograde", submission.string(), "--grader",
                                GMMLAB_CONTRACT_GRADER};
  argv.insert(argv.end(), outputs.begin(), outputs.end());
  return run_command(argv);
}

// Gradescope's documented results.json (gradescope-autograders.readthedocs.io, "Autograder
// Specifications"): the keys it knows, their types, and a score at the top or on every test.
void expect_gradescope_shape(const nlohmann::json& j) {
  const std::vector<std::string> top{"score", "execution_time", "output", "output_format", "test_output_format",
                                     "test_name_format", "visibility", "stdout_visibility", "extra_data", "tests",
                                     "leaderboard"};
  const std::vector<std::string> visibility{"hidden", "after_due_date", "after_published", "visible"};
  ASSERT_TRUE(j.is_object());
  for (const auto& [k, v] : j.items()) EXPECT_NE(std::find(top.begin(), top.end(), k), top.end()) << k;
  bool every_test_scored = j.contains("tests") && !j["tests"].empty();
  if (j.contains("score")) {
    EXPECT_TRUE(j["score"].is_number());
  }
  if (j.contains("output")) {
    EXPECT_TRUE(j["output"].is_string());
  }
  for (const auto& t : j.value("tests", nlohmann::json::array())) {
    for (const auto& [k, v] : t.items())
      EXPECT_NE(std::string("score max_score status name name_format number output output_format tags visibility "
                            "extra_data")
                    .find(k),
                std::string::npos)
          << k;
    every_test_scored = every_test_scored && t.contains("score") && t["score"].is_number();
    if (t.contains("max_score")) {
      EXPECT_TRUE(t["max_score"].is_number());
    }
    if (t.contains("status")) {
      EXPECT_TRUE(t["status"] == "passed" || t["status"] == "failed");
    }
    if (t.contains("visibility")) {
      EXPECT_NE(std::find(visibility.begin(), visibility.end(), t["visibility"].get<std::string>()), visibility.end());
    }
  }
  EXPECT_TRUE(j.contains("score") || every_test_scored);
}

nlohmann::json decode_classroom_line(const std::string& file) {
  const std::string text = read_file(file);
  EXPECT_EQ(text.rfind("result=", 0), 0u) << text;
  EXPECT_EQ(text.back(), '\n');
  const std::string b64 = text.substr(7, text.size() - 8);
  std::string bytes;
  int bits = 0, value = 0;
  const std::string table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (char c : b64) {
    if (c == '=') break;
    value = (value << 6) | static_cast<int>(table.find(c));
    bits += 6;
    if (bits >= 8) bits -= 8, bytes += static_cast<char>((value >> bits) & 0xff);
  }
  return nlohmann::json::parse(bytes);
}

}  // namespace

TEST(Autograde, WritesGradescopeResultsAndTheClassroomLine) {
  TempDir t;
  // As Gradescope hands it over from a GitHub upload: the files under student/, other names.
  put(t / "submission" / "student" / "zscore.cpp", "ok");
  put(t / "submission" / "student" / "e_step.cpp", "ok");
  put(t / "submission" / "student" / "M_Step.cpp", "DIVIDE BY N-1");
  put(t / "submission" / "README.md", "my lab");
  const auto r = autograde(t / "submission", {"--hidden", "--gradescope", (t / "results.json").string(),
                                               "--classroom", (t / "github_output").string()});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const auto j = nlohmann::json::parse(read_file(t / "results.json"));
  expect_gradescope_shape(j);
  EXPECT_EQ(j["score"], 40);
  EXPECT_EQ(j["output"], "Note: m_step.cpp was handed in as M_Step.cpp; files found in its folder student.\n");
  EXPECT_EQ(j["tests"][3]["visibility"], "after_due_date");
  const auto c = decode_classroom_line((t / "github_output").string());
  EXPECT_EQ(c["version"], 1);
  EXPECT_EQ(c["status"], "fail");
  EXPECT_EQ(c["max_score"], 100);
  ASSERT_EQ(c["tests"].size(), 4u);
  EXPECT_EQ(c["tests"][2]["name"], "M-step: covariances");
  EXPECT_EQ(c["tests"][2]["status"], "fail");
  EXPECT_EQ(c["tests"][2]["score"], 0);
  EXPECT_EQ(c["tests"][0]["status"], "pass");
  EXPECT_NE(r.out.find("Total: 40/100"), std::string::npos) << r.out;
}

TEST(Autograde, WhatCannotBeGradedStillGetsAValidResultWithTheReason) {
  TempDir t;
  put(t / "incomplete" / "zscore.cpp", "ok");
  put(t / "hostile" / "zscore.cpp", "ok");
  put(t / "hostile" / "e_step.cpp", "ok");
  fs::create_symlink("/etc/passwd", t / "hostile" / "m_step.cpp");
  put(t / "broken" / "zscore.cpp", "GRADER FAILS");
  put(t / "broken" / "e_step.cpp", "ok");
  put(t / "broken" / "m_step.cpp", "ok");
  const std::vector<std::pair<std::string, std::string>> cases{
      {"incomplete", "Not graded (incomplete files).\nNote: it has no e_step.cpp, m_step.cpp (looked in its top folder)."},
      {"hostile", "Not graded (refused).\nNote: refused: it holds a symbolic link: m_step.cpp."},
      {"broken", "Not graded (did not compile).\nNote: nothing compiles: every file has errors."}};
  for (const auto& [name, reason] : cases) {
    const fs::path out = t / (name + ".json"), gh = t / (name + ".out");
    const auto r = autograde(t / name, {"--gradescope", out.string(), "--classroom", gh.string()});
    ASSERT_EQ(r.exit_code, 0) << name << ": " << r.err;
    const auto j = nlohmann::json::parse(read_file(out));
    expect_gradescope_shape(j);
    EXPECT_EQ(j["score"], 0) << name;
    // The walls are named first, then why it was not graded.
    const std::string output = j["output"];
    EXPECT_EQ(output.rfind("Isolation: ", 0), 0u) << name << ": " << output;
    EXPECT_EQ(output.substr(output.find('\n') + 1).rfind(reason, 0), 0u) << name << ": " << output;
    const auto c = decode_classroom_line(gh.string());
    EXPECT_EQ(c["status"], "error") << name;
    EXPECT_EQ(c["tests"][0]["score"], 0) << name;
  }
  const auto none = autograde(t / "broken", {});
  EXPECT_EQ(none.exit_code, 2);
}

TEST(Base64, MatchesTheStandardAlphabetAndPadding) {
  EXPECT_EQ(gmmlab::course::base64(""), "");
  EXPECT_EQ(gmmlab::course::base64("f"), "Zg==");
  EXPECT_EQ(gmmlab::course::base64("fo"), "Zm8=");
  EXPECT_EQ(gmmlab::course::base64("foo"), "Zm9v");
  EXPECT_EQ(gmmlab::course::base64("foobar\xff"), "Zm9vYmFy/w==");
}
