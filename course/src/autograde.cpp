#include "gmmlab/course/autograde.hpp"

#include <fmt/format.h>

#include "gmmlab/sandbox.hpp"

#include <algorithm>
#include <fstream>
#include <vector>
#include <nlohmann/json.hpp>
#include <sstream>

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {
std::string read_text(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
}  // namespace

std::string gradescope_results(const GradeRecord& r, const fs::path& grader_json) {
  nlohmann::json j;
  if (!r.checks.empty() && fs::exists(grader_json)) {
    try {
      j = nlohmann::json::parse(read_text(grader_json));
    } catch (const std::exception&) {
      j = nlohmann::json();
    }
  }
  const std::string notes = r.note.empty() ? "" : fmt::format("Note: {}.\n", r.note);
  if (j.is_object()) {
    // Only the keys Gradescope documents: `gmmlab grade --json` also writes a total max_score.
    static const std::vector<std::string> documented{
        "score", "execution_time", "output", "output_format", "test_output_format", "test_name_format",
        "visibility", "stdout_visibility", "extra_data", "tests", "leaderboard"};
    for (auto it = j.begin(); it != j.end();)
      it = std::find(documented.begin(), documented.end(), it.key()) == documented.end() ? j.erase(it) : std::next(it);
    // The grader's output starts with the isolation line: it stays at the top.
    std::string output = j.value("output", "");
    const std::size_t first_line = output.starts_with("Isolation: ") ? output.find('\n') + 1 : 0;
    output.insert(first_line, notes);
    j["output"] = output;
    if (r.status == status::timed_out) j["output"] = j["output"].get<std::string>() + "\nGrading was stopped: it took too long.";
  } else {
    // Nothing graded: Gradescope still needs a score, and the student the reason.
    j = {{"score", 0.0},
         {"output", fmt::format("{}\nNot graded ({}).\n{}", isolation().line(), r.status, r.feedback)},
         {"stdout_visibility", "hidden"},
         {"tests", nlohmann::json::array()}};
  }
  return j.dump(1) + "\n";
}

std::string base64(const std::string& in) {
  static const char* table = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  std::size_t i = 0;
  for (; i + 2 < in.size(); i += 3) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8) |
                       static_cast<unsigned char>(in[i + 2]);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], table[v & 63]};
  }
  if (i + 1 == in.size()) {
    const unsigned v = static_cast<unsigned char>(in[i]) << 16;
    out += {table[v >> 18], table[(v >> 12) & 63], '=', '='};
  } else if (i + 2 == in.size()) {
    const unsigned v = (static_cast<unsigned char>(in[i]) << 16) | (static_cast<unsigned char>(in[i + 1]) << 8);
    out += {table[v >> 18], table[(v >> 12) & 63], table[(v >> 6) & 63], '='};
  }
  return out;
}

std::string classroom_output_line(const GradeRecord& r) {
  nlohmann::json tests = nlohmann::json::array();
  double max_score = 0;
  for (const CheckResult& c : r.checks) {
    max_score += c.max_score;
    tests.push_back({{"name", c.name},
                     {"status", c.score >= c.max_score ? "pass" : "fail"},
                     {"score", c.score},
                     {"message", c.output},
                     {"test_code", "gmmlab grade"},
                     {"filename", ""},
                     {"line_no", 0},
                     {"execution_time", ""}});
  }
  if (r.checks.empty()) {
    // Not graded: one failed entry that says why, so the student sees it in the log.
    tests.push_back({{"name", "GMM Lab: grading"},
                     {"status", "error"},
                     {"score", 0},
                     {"message", fmt::format("{}: {}", r.status, r.note)},
                     {"test_code", "gmmlab grade"},
                     {"filename", ""},
                     {"line_no", 0},
                     {"execution_time", ""}});
    max_score = 100;
  }
  const char* overall = r.checks.empty() ? "error" : (r.total >= max_score ? "pass" : "fail");
  const nlohmann::json report = {{"version", 1}, {"status", overall}, {"max_score", max_score}, {"tests", tests}};
  return "result=" + base64(report.dump()) + "\n";
}

}  // namespace gmmlab::course
