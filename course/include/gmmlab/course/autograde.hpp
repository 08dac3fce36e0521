#pragma once
// One submission graded for a hosted system: Gradescope's results.json, GitHub Classroom's
// reporter output.
#include <filesystem>
#include <string>

#include "gmmlab/course/batch.hpp"

namespace gmmlab::course {

// Gradescope's results.json: the grader's own (checks, visibility) with the batch notes put in
// front of its "output"; or, when the grader could not grade, score 0 and the reason.
std::string gradescope_results(const GradeRecord& r, const std::filesystem::path& grader_json);

// What GitHub Classroom's autograding reporter reads: a JSON report (version 1, status
// pass/fail/error, max_score, tests with name, status, score, message), base64-encoded, as the
// line "result=<base64>" for $GITHUB_OUTPUT.
std::string classroom_output_line(const GradeRecord& r);
std::string base64(const std::string& bytes);

}  // namespace gmmlab::course
