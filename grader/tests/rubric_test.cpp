// The rubric file: the built-in one is whole and totals 100; each malformed line is refused
// with its line number.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <fstream>

#include "gmmlab/testing/support.hpp"

#include "gmmlab/errors.hpp"
#include "gmmlab/grader/rubric.hpp"

namespace gmmlab::grader {
namespace {

const char* kOne = R"rubric(# a comment
[Suite.Test]
title = "A \"quoted\" title"  # trailing comment
exercise = "estep"
file = "student/e_step.cpp"
function = "responsibilities()"
points = 2.5
visibility = "hidden"
partial = true
tolerance = 1e-12
why = "because"
)rubric";

TEST(Rubric, BuiltInRubricTotals100AndEveryCheckSaysWhy) {
  const Rubric& r = built_in_rubric();
  EXPECT_DOUBLE_EQ(r.total(), 100);
  for (const auto& c : r.checks) {
    EXPECT_FALSE(c.why.empty()) << c.id;
    EXPECT_FALSE(c.title.empty()) << c.id;
  }
}

TEST(Rubric, ParsesEveryKey) {
  const Rubric r = parse_rubric(kOne, "test");
  ASSERT_EQ(r.checks.size(), 1u);
  const RubricCheck& c = r.checks[0];
  EXPECT_EQ(c.id, "Suite.Test");
  EXPECT_EQ(c.title, "A \"quoted\" title");
  EXPECT_EQ(c.section, grader::Section::estep);
  EXPECT_DOUBLE_EQ(c.points, 2.5);
  EXPECT_TRUE(c.hidden);
  EXPECT_TRUE(c.partial);
  EXPECT_DOUBLE_EQ(c.tolerance, 1e-12);
}

void expect_refused(std::string text, const std::string& words) {
  try {
    parse_rubric(text, "rubric.toml");
    ADD_FAILURE() << "accepted: " << text;
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find(words), std::string::npos) << e.what();
  }
}

std::string replace(std::string s, const std::string& from, const std::string& to) {
  s.replace(s.find(from), from.size(), to);
  return s;
}

TEST(Rubric, RefusesMalformedLines) {
  expect_refused(replace(kOne, "points = 2.5", "points = lots"), "line 7: 'lots' is not");
  expect_refused(replace(kOne, "points = 2.5\n", ""), "has no 'points'");
  expect_refused(replace(kOne, "\"estep\"", "\"bogus\""), "exercise must be");
  expect_refused(replace(kOne, "\"hidden\"", "\"secret\""), "visibility must be");
  expect_refused(replace(kOne, "why = \"because\"", "why = \"because"), "not closed");
  expect_refused(replace(kOne, "[Suite.Test]", "[Suite.Test"), "must end with ']'");
  expect_refused(std::string(kOne) + "[Suite.Test]\n", "appears twice");
  expect_refused(replace(kOne, "why =", "colour = 1\nwhy ="), "unknown key 'colour'");
  expect_refused("# nothing\n", "has no checks");
}

// The built-in rubric as TOML text again, so a test can edit a copy as an instructor would.
std::string built_in_text() {
  auto quoted = [](const std::string& v) {
    std::string q;
    for (char ch : v) q += ch == '"' || ch == '\\' ? std::string("\\") + ch : std::string(1, ch);
    return q;
  };
  std::string out;
  for (const RubricCheck& c : built_in_rubric().checks)
    out += fmt::format("[{}]\ntitle = \"{}\"\nexercise = \"{}\"\nfile = \"{}\"\nfunction = \"{}\"\npoints = {}\n"
                       "visibility = \"{}\"\npartial = {}\ntolerance = {}\nwhy = \"{}\"\n\n",
                       c.id, quoted(c.title), section_name(c.section), c.file, c.function, c.points,
                       c.hidden ? "hidden" : "public", c.partial ? "true" : "false", c.tolerance, quoted(c.why));
  return out;
}

std::string instructor_error(const std::string& text) {
  testing::TempDir dir;
  const auto path = dir / "rubric.toml";
  std::ofstream(path) << text;
  try {
    instructor_rubric(path);
  } catch (const Error& e) {
    return e.what();
  }
  return "accepted";
}

TEST(Rubric, AnInstructorsCopyMayChangePointsVisibilityAndOrder) {
  std::string text = built_in_text();
  const RubricCheck& first = built_in_rubric().checks.front();
  const RubricCheck* hidden = nullptr;
  for (const auto& c : built_in_rubric().checks)
    if (c.hidden && !hidden) hidden = &c;
  ASSERT_NE(hidden, nullptr);
  // The first check worth 5 more, the first hidden one made public, the first check moved last.
  const std::string first_block = text.substr(0, text.find("\n\n") + 2);
  text = text.substr(first_block.size()) +
         replace(first_block, fmt::format("points = {}\n", first.points), fmt::format("points = {}\n", first.points + 5));
  const std::size_t at = text.find("[" + hidden->id + "]");
  text.replace(text.find("visibility = \"hidden\"", at), 21, "visibility = \"public\"");
  testing::TempDir dir;
  std::ofstream(dir / "rubric.toml") << text;
  const Rubric r = instructor_rubric(dir / "rubric.toml");
  EXPECT_DOUBLE_EQ(r.total(), 105);
  EXPECT_EQ(r.checks.back().id, first.id);
  EXPECT_FALSE(r.find(hidden->id)->hidden);
}

TEST(Rubric, AnInstructorsCopyKeepsWhatEachCheckGradesAndEveryCheck) {
  const std::string text = built_in_text();
  const RubricCheck& first = built_in_rubric().checks.front();
  EXPECT_NE(instructor_error(replace(text, "exercise = \"zscore\"", "exercise = \"mstep\"")).find(
                "check '" + first.id + "' says exercise = \"mstep\" but it grades zscore; only title, points"),
            std::string::npos);
  EXPECT_NE(instructor_error(replace(text, "function = \"zscore()\"", "function = \"other()\"")).find("says function"),
            std::string::npos);
  EXPECT_NE(instructor_error(replace(text, "[" + first.id + "]", "[ZScore.Invented]")).find(
                "check 'ZScore.Invented' is not one of this grader's checks"),
            std::string::npos);
  const std::string second = text.substr(text.find("\n\n") + 2);
  EXPECT_NE(instructor_error(second).find("leaves out check '" + first.id + "'; keep every check (points = 0"),
            std::string::npos);
  EXPECT_NE(instructor_error(replace(text, "points = ", "points = -")).find("points must not be negative"),
            std::string::npos);
  EXPECT_NE(instructor_error(text).find("accepted"), std::string::npos);
  // A file that is not there: the sentence names it.
  try {
    instructor_rubric("/nonexistent/rubric.toml");
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("/nonexistent/rubric.toml"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace gmmlab::grader
