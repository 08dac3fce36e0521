#include "gmmlab/grader/report.hpp"

#include <fmt/format.h>

#include <cmath>
#include <set>
#include <sstream>
#include <nlohmann/json.hpp>

#include "gmmlab/errors.hpp"

namespace gmmlab::grader {

namespace {

constexpr std::size_t kLineWidth = 78;

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (std::size_t at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
    s.replace(at, from.size(), to);
  return s;
}

std::string indent(const std::string& text, const std::string& prefix) {
  return prefix + replace_all(text, "\n", "\n" + prefix);
}

std::string xml_escape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      default:
        // Control characters a worker may have printed are not allowed in XML 1.0.
        if (static_cast<unsigned char>(c) < 0x20 && c != '\n' && c != '\t') out += '?';
        else out += c;
    }
  }
  return out;
}

// A path as a shell reads it back: unchanged when it is plain, else in single quotes.
std::string shell_quoted(const std::string& s) {
  const bool plain = !s.empty() && s.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                        "0123456789_./+:=@%,-") == std::string::npos;
  if (plain) return s;
  return fmt::format("'{}'", replace_all(s, "'", "'\\''"));
}

// Who reads the replay command: the person at this terminal, who knows the folder, or a student
// on a hosted page (Gradescope), who has only their own checkout (student/) and must not learn
// the grading machine's folders.
enum class Reader { terminal, hosted };

// A public check replays the same without --hidden (its inputs are fixed); only a hidden one
// needs the seed, and only the instructor's build can run it.
std::string replay_command(const CheckResult& r, const ReportHeader& h, Reader reader) {
  std::string cmd = "gmmlab grade";
  if (reader == Reader::terminal && !h.submission_argument.empty()) cmd += fmt::format(" {}", shell_quoted(h.submission_argument));
  cmd += fmt::format(" --only {} --verbose", section_name(r.check->section));
  if (r.check->hidden && h.hidden_seed) cmd += fmt::format(" --hidden --seed {}", *h.hidden_seed);
  return cmd;
}

std::string details(const CheckResult& r, const ReportHeader& h, bool verbose, Reader reader) {
  std::string out;
  if (!r.passed()) {
    out += fmt::format("    {}, {}:\n", r.check->file, r.check->function);
    for (const auto& f : r.failures) out += indent(f, "      ") + "\n";
    out += fmt::format("    Replay: {}\n", replay_command(r, h, reader));
  }
  if (verbose) {
    for (const auto& d : r.details) out += indent("ok: " + d, "      ") + "\n";
    out += fmt::format("      tolerance {:g}: {}\n", r.check->tolerance, r.check->why);
  }
  return out;
}

}  // namespace

std::string format_points(double points) { return fmt::format("{:g}", std::round(points * 100) / 100); }

double total_score(const std::vector<CheckResult>& results) {
  double t = 0;
  for (const auto& r : results) t += r.score;
  return std::round(t * 100) / 100;
}

std::string check_line(const CheckResult& r) {
  const std::string points = fmt::format("{}/{}", format_points(r.score), format_points(r.check->points));
  const std::string& title = r.check->title;
  const std::size_t dots = title.size() + points.size() + 6 <= kLineWidth ? kLineWidth - title.size() - points.size() - 2 : 4;
  return fmt::format("{} {} {}", title, std::string(dots, '.'), points);
}

std::string check_details(const CheckResult& r, const ReportHeader& h, bool verbose) {
  return details(r, h, verbose, Reader::terminal);
}

CheckResult RepeatedHints::shorten(CheckResult r) {
  constexpr std::string_view kMarker = "This looks like a known mistake: ", kHint = ". Hint: ";
  std::set<std::string> in_this_check;
  std::vector<std::string> kept;
  for (const std::string& failure : r.failures) {
    std::string out;
    std::istringstream lines(failure);
    for (std::string line; std::getline(lines, line);) {
      const auto at = line.find(kMarker);
      if (at != std::string::npos) {
        const std::string sentence = line.substr(at);
        if (!in_this_check.insert(sentence).second) continue;  // this check said it already
        const auto hint = sentence.find(kHint);
        const auto seen = first_.find(sentence);
        if (seen == first_.end()) {
          first_.emplace(sentence, First{r.check->title, r.check->hidden});
        } else if (hint != std::string::npos && (r.check->hidden || !seen->second.hidden)) {
          line = fmt::format("{}Again the known mistake: {}. Hint: as under \"{}\" above.", line.substr(0, at),
                             sentence.substr(kMarker.size(), hint - kMarker.size()), seen->second.title);
        }
      }
      out += out.empty() ? line : "\n" + line;
    }
    if (!out.empty()) kept.push_back(std::move(out));
  }
  r.failures = std::move(kept);
  return r;
}

std::string gradescope_json(const std::vector<CheckResult>& results, const ReportHeader& h) {
  nlohmann::json tests = nlohmann::json::array();
  int number = 0;
  for (const auto& r : results) {
    std::string output = details(r, h, true, Reader::hosted);
    tests.push_back({{"name", r.check->title},
                     {"number", std::to_string(++number)},
                     {"score", std::round(r.score * 100) / 100},
                     {"max_score", r.check->points},
                     {"status", r.passed() ? "passed" : "failed"},
                     {"output", output},
                     {"visibility", r.check->hidden ? "after_due_date" : "visible"}});
  }
  // The top-level output is shown to students at once, whatever the tests' visibility: while
  // hidden checks are after_due_date it counts only the visible ones (Gradescope itself hides
  // the total score while any test is hidden, as its autograder specification says).
  double visible = 0, visible_max = 0, hidden_max = 0;
  for (const auto& r : results) {
    if (r.check->hidden) hidden_max += r.check->points;
    else visible += r.score, visible_max += r.check->points;
  }
  std::string summary = h.isolation.empty() ? "" : h.isolation + "\n";
  for (const auto& n : h.notes) summary += n + "\n";
  if (hidden_max == 0)
    summary += fmt::format("Total: {}/{}", format_points(total_score(results)), format_points(h.max_score));
  else
    summary += fmt::format("Visible checks: {}/{}. The hidden checks ({} points) and your total are shown after "
                           "the due date.",
                           format_points(visible), format_points(visible_max), format_points(hidden_max));
  const nlohmann::json doc = {{"score", total_score(results)},
                              {"max_score", h.max_score},
                              {"execution_time", std::round(h.seconds * 100) / 100},
                              {"output", summary},
                              {"stdout_visibility", "hidden"},
                              {"tests", tests}};
  return doc.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

std::string junit_xml(const std::vector<CheckResult>& results, const ReportHeader& h) {
  int failures = 0;
  for (const auto& r : results) failures += r.passed() ? 0 : 1;
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += fmt::format("<testsuites tests=\"{}\" failures=\"{}\">\n", results.size(), failures);
  out += fmt::format("  <testsuite name=\"gmmlab grade {}\" tests=\"{}\" failures=\"{}\">\n", xml_escape(h.submission),
                     results.size(), failures);
  if (!h.isolation.empty())
    out += fmt::format("    <properties><property name=\"isolation\" value=\"{}\"/></properties>\n",
                       xml_escape(h.isolation));
  for (const auto& r : results) {
    const auto dot = r.check->id.find('.');
    out += fmt::format("    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3f}\">\n",
                       xml_escape(r.check->id.substr(0, dot)), xml_escape(r.check->id.substr(dot + 1)), r.seconds);
    out += fmt::format("      <properties><property name=\"score\" value=\"{}\"/><property name=\"max_score\" "
                       "value=\"{}\"/></properties>\n",
                       format_points(r.score), format_points(r.check->points));
    if (!r.passed())
      out += fmt::format("      <failure message=\"{}\">{}</failure>\n", xml_escape(r.check->title),
                         xml_escape(check_details(r, h, false)));
    out += "    </testcase>\n";
  }
  out += "  </testsuite>\n</testsuites>\n";
  return out;
}

}  // namespace gmmlab::grader
