#pragma once
// What `gmmlab grade` prints and writes, from the runner's results: the text a student reads,
// Gradescope's results.json, and JUnit XML for CI systems. Every function is deterministic in
// the results (only Gradescope's execution_time is a measured time), so the same submission
// graded twice reads the same.
#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "gmmlab/grader/runner.hpp"

namespace gmmlab::grader {

struct ReportHeader {
  std::string submission;  // as the user named it
  std::string isolation;   // the sandbox's one line (gmmlab::Isolation::line()): first in every report
  std::string submission_argument;  // the folder as given to `gmmlab grade` ("" for student/)
  std::optional<std::uint64_t> hidden_seed;  // set when the hidden checks ran, drawn from it
  std::vector<std::string> notes;  // compile errors, warnings: shown before the checks, to everyone
  double max_score = 0;    // the selected checks' points
  double seconds = 0;      // so far (Gradescope's execution_time)
};

// "Z-score: mean 0 and population std 1 ........ 6/6"
std::string check_line(const CheckResult& r);
// The lines under a failed check (or, verbose, under any check): where, what, the hint, the
// replay command. Indented by four spaces.
std::string check_details(const CheckResult& r, const ReportHeader& h, bool verbose);
double total_score(const std::vector<CheckResult>& results);
std::string format_points(double points);  // 6, 4.5, 1.33

// A known mistake's sentence and hint once per report: the first failing check that names it
// carries them whole, a later case of the same check drops the repeat, and a later check says
// "Again the known mistake: the answer <what>. Hint: as under "<title>" above." (still the
// detector's "known mistake: <what>. Hint:" wording, which course grade's summary counts). A
// public check never points at a hidden one. Give it the results in the order they are shown.
class RepeatedHints {
 public:
  CheckResult shorten(CheckResult r);

 private:
  struct First {
    std::string title;
    bool hidden = false;
  };
  std::map<std::string, First> first_;  // the whole sentence -> the check that carried it
};

std::string gradescope_json(const std::vector<CheckResult>& results, const ReportHeader& h);
std::string junit_xml(const std::vector<CheckResult>& results, const ReportHeader& h);

}  // namespace gmmlab::grader
