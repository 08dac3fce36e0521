#pragma once
// The rubric: each check's title, points, visibility, partial credit, tolerance and why.
// A person edits grader/rubric.toml; the checks read their tolerance from it, so the number
// that decides a mark is written in one place, next to the reason for it.
//
// The file is a small subset of TOML, enough for a flat table per check:
//   # a comment
//   [Suite.TestName]            one section per check, named as its GoogleTest test
//   key = "a string"            double quotes; \" and \\ are the only escapes
//   key = 12                    a number (points may be fractional: 2.5)
//   key = true                  or false
// Keys a check must have: title, exercise (zscore|estep|mstep|em), file, function, points,
// visibility (public|hidden), partial (true: credit in proportion to the cases passed),
// tolerance (a number, 0 when the check is exact) and why (the tolerance's reason).
#include <array>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/errors.hpp"

namespace gmmlab::grader {

// What a check grades and what --only selects: one of the three exercises, or EM run whole
// with them. Named as in rubric.toml and on the command line (zscore, estep, mstep, em).
enum class Section { zscore, estep, mstep, em };
inline constexpr std::array kSections{Section::zscore, Section::estep, Section::mstep, Section::em};
const char* section_name(Section s);
std::optional<Section> section_named(std::string_view name);  // none for any other word
// The exercise (the student file) a section grades; none for em, which runs all three.
std::optional<Exercise> exercise_of(Section s);

struct RubricCheck {
  std::string id;        // "ZScore.MeanZeroPopulationStdOne": the GoogleTest test's full name
  std::string title;     // "Z-score: mean 0 and population std 1"
  Section section = Section::zscore;
  std::string file;      // "student/e_step.cpp"
  std::string function;  // "responsibilities()"
  double points = 0;
  bool hidden = false;
  bool partial = false;
  double tolerance = 0;
  std::string why;
};

struct Rubric {
  std::vector<RubricCheck> checks;  // in the file's order: the order of every report
  double total() const;
  const RubricCheck* find(const std::string& id) const;
};

// Throws gmmlab::Error naming the file and line of the first problem.
Rubric parse_rubric(const std::string& text, const std::string& source_name);
Rubric load_rubric(const std::filesystem::path& path);

// An instructor's edited copy of grader/rubric.toml, given at grading time (`--rubric`): each
// check's title, points, visibility, partial credit, tolerance and why may change, and the
// checks may be reordered (the reports follow the file). What a check grades (its exercise,
// file and function) may not, and every check of the built-in rubric must be there, none
// other: a check left out would silently drop its points. Points need not total 100 (the
// reports say out of what). Throws gmmlab::Error naming the file and the check.
Rubric instructor_rubric(const std::filesystem::path& path);

// The rubric this grader was built with (grader/rubric.toml, compiled in, so that what a
// student could edit in their copy never changes the marks).
const Rubric& built_in_rubric();


}  // namespace gmmlab::grader
