// The rubric file: the built-in one is whole and totals 100; each malformed line is refused
// with its line number.
#include <gtest/gtest.h>

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

}  // namespace
}  // namespace gmmlab::grader
