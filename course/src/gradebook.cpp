#include "gmmlab/course/gradebook.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>
#include <sstream>

#include "gmmlab/errors.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

namespace {

// RFC 4180 quoting; a cell a spreadsheet would run as a formula (=, +, -, @) gets a leading
// quote, since ids and notes come from file names students chose.
std::string cell(const std::string& s) {
  std::string v = s;
  if (!v.empty() && (v[0] == '=' || v[0] == '+' || v[0] == '-' || v[0] == '@')) v = "'" + v;
  if (v.find_first_of(",\"\n\r") == std::string::npos) return v;
  std::string q = "\"";
  for (char c : v) q += c == '"' ? std::string("\"\"") : std::string(1, c);
  return q + "\"";
}

std::string number(double x) { return fmt::format("{:g}", x); }

bool has_points(const GradeRecord& r) { return !r.checks.empty(); }

// Every check any submission was graded on, in the grader's order (its number, then first seen).
std::vector<std::pair<std::string, double>> columns(const std::vector<GradeRecord>& records) {
  std::vector<std::pair<std::string, double>> cols;
  std::map<std::string, std::string> number_of;
  for (const GradeRecord& r : records)
    for (const CheckResult& c : r.checks)
      if (!number_of.count(c.name)) number_of[c.name] = c.number, cols.emplace_back(c.name, c.max_score);
  // "1.10" after "1.9": compare the dotted numbers part by part.
  auto parts = [](const std::string& n) {
    std::vector<long> p;
    std::istringstream in(n);
    std::string piece;
    while (std::getline(in, piece, '.')) p.push_back(std::strtol(piece.c_str(), nullptr, 10));
    return p;
  };
  std::stable_sort(cols.begin(), cols.end(),
                   [&](const auto& a, const auto& b) { return parts(number_of[a.first]) < parts(number_of[b.first]); });
  return cols;
}

std::vector<double> totals_of(const std::vector<GradeRecord>& records, double& max_total) {
  std::vector<double> totals;
  max_total = 0;
  for (const GradeRecord& r : records) {
    if (!has_points(r)) continue;
    totals.push_back(r.total);
    max_total = std::max(max_total, r.max_total);
  }
  return totals;
}

}  // namespace

std::string gradebook_csv(const std::vector<GradeRecord>& records) {
  const auto cols = columns(records);
  // Columns only for what there is: a gradebook of folders named by id, with no roster, keeps
  // the shape it always had.
  const bool names = std::any_of(records.begin(), records.end(), [](const GradeRecord& r) { return !r.name.empty(); });
  const bool emails = std::any_of(records.begin(), records.end(), [](const GradeRecord& r) { return !r.email.empty(); });
  std::ostringstream s;
  s << "id";
  if (names) s << ",name";
  if (emails) s << ",email";
  for (const auto& [name, max] : cols) s << ',' << cell(fmt::format("{} (/{})", name, number(max)));
  s << ",total,max,status,note\r\n";
  for (const GradeRecord& r : records) {
    s << cell(r.id);
    if (names) s << ',' << cell(r.name);
    if (emails) s << ',' << cell(r.email);
    for (const auto& [name, max] : cols) {
      auto it = std::find_if(r.checks.begin(), r.checks.end(), [&](const CheckResult& c) { return c.name == name; });
      s << ',' << (it == r.checks.end() ? (has_points(r) ? "" : "0") : number(it->score));
    }
    s << ',' << number(r.total) << ',' << (r.max_total > 0 ? number(r.max_total) : "") << ',' << cell(r.status)
      << ',' << cell(r.note) << "\r\n";
  }
  return s.str();
}

// The grader's mistake detector words it "This looks like a known mistake: the answer <what>.
// Hint: <hint>." (grader/mistakes, describe()).
std::string recognised_mistake(const std::string& output) {
  constexpr std::string_view marker = "known mistake: ";
  const auto at = output.find(marker);
  if (at == std::string::npos) return "";
  std::string what = output.substr(at + marker.size());
  what = what.substr(0, std::min(what.find(". Hint:"), what.find('\n')));
  constexpr std::string_view answer = "the answer ";
  if (what.rfind(answer, 0) == 0) what.erase(0, answer.size());
  while (!what.empty() && (what.back() == '.' || what.back() == ' ' || what.back() == '\r')) what.pop_back();
  return what;
}

std::string summarize(const std::vector<GradeRecord>& all_records, const std::vector<std::string>& skipped,
                      const BatchOutputs& outputs, const ClassFindings& findings) {
  std::ostringstream s;
  // Who handed in nothing is no submission: listed on its own, counted in no statistic.
  std::vector<GradeRecord> records, absent;
  for (const GradeRecord& r : all_records) (r.status == status::no_submission ? absent : records).push_back(r);
  std::map<std::string, int> by_status;
  for (const GradeRecord& r : records) ++by_status[r.status];
  if (!findings.layout.empty()) s << findings.layout << "\n";
  if (!findings.roster.empty()) s << findings.roster << "\n";
  if (!findings.rubric.empty()) s << findings.rubric;
  s << fmt::format("{} submissions:", records.size());
  const char* order[] = {status::graded, status::did_not_compile, status::incomplete,
                         status::timed_out, status::refused, status::not_graded};
  bool first = true;
  for (const char* st : order)
    if (by_status.count(st)) s << (first ? " " : ", ") << by_status[st] << ' ' << st, first = false;
  s << "\n";
  double max_total = 0;
  std::vector<double> totals = totals_of(records, max_total);
  if (!totals.empty()) {
    std::sort(totals.begin(), totals.end());
    double sum = 0;
    for (double t : totals) sum += t;
    const std::size_t n = totals.size();
    const double median = n % 2 ? totals[n / 2] : (totals[n / 2 - 1] + totals[n / 2]) / 2;
    s << fmt::format("Totals of the {} with points (out of {:g}): mean {:.1f}, median {:g}, lowest {:g}, highest {:g}\n",
                     n, max_total, sum / n, median, totals.front(), totals.back());
    s << fmt::format("Histogram: {}\n", outputs.histogram.filename().string());
  }
  // Which checks fail most, and what the grader recognised in them.
  struct Failures {
    int count = 0;
    std::map<std::string, int> mistakes;
  };
  std::map<std::string, Failures> failed;
  for (const GradeRecord& r : records)
    for (const CheckResult& c : r.checks)
      if (c.score < c.max_score) {
        Failures& f = failed[c.name];
        ++f.count;
        const std::string m = recognised_mistake(c.output);
        if (!m.empty()) ++f.mistakes[m];
      }
  std::vector<std::pair<std::string, Failures>> ranked(failed.begin(), failed.end());
  std::stable_sort(ranked.begin(), ranked.end(),
                   [](const auto& a, const auto& b) { return a.second.count > b.second.count; });
  if (!ranked.empty()) s << "\nChecks failed most often (submissions that lost points there):\n";
  for (std::size_t i = 0; i < ranked.size() && i < 10; ++i) {
    s << fmt::format("  {:3}  {}\n", ranked[i].second.count, ranked[i].first);
    std::vector<std::pair<std::string, int>> mistakes(ranked[i].second.mistakes.begin(),
                                                      ranked[i].second.mistakes.end());
    std::stable_sort(mistakes.begin(), mistakes.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
    for (const auto& [what, count] : mistakes) s << fmt::format("       {:3} x {}\n", count, what);
  }
  bool header = false;
  for (const GradeRecord& r : records)
    if (r.status != status::graded) {
      if (!header) s << "\nNot fully graded:\n", header = true;
      // The note of a refused one starts "refused: " (it is also the student's feedback): once is enough.
      std::string note = r.note;
      if (note.rfind(r.status + ": ", 0) == 0) note.erase(0, r.status.size() + 2);
      s << fmt::format("  {}: {}{}\n", r.id, r.status, note.empty() ? "" : " (" + note + ")");
    }
  if (!absent.empty()) {
    s << fmt::format("\nOn the roster with no submission ({}):\n", absent.size());
    for (const GradeRecord& r : absent) s << "  " << r.id << (r.name.empty() ? "" : " " + r.name) << "\n";
  }
  if (!findings.not_on_roster.empty()) {
    s << fmt::format("\nSubmissions whose id is not on the roster ({}):\n", findings.not_on_roster.size());
    for (const std::string& who : findings.not_on_roster) s << "  " << who << "\n";
  }
  if (!skipped.empty()) {
    s << "\nSkipped in the submissions folder:\n";
    for (const std::string& k : skipped) s << "  " << k << "\n";
  }
  s << fmt::format("\nGradebook: {}; one feedback file per student in {}/\n", outputs.gradebook.string(),
                   outputs.feedback_dir.string());
  return s.str();
}

std::string histogram_png(const std::vector<GradeRecord>& records) {
  double max_total = 0;
  const std::vector<double> totals = totals_of(records, max_total);
  constexpr int bins = 10, width = 720, height = 420, left = 60, right = 20, top = 80, bottom = 60;
  std::vector<int> counts(bins, 0);
  for (double t : totals) {
    const int b = max_total > 0 ? std::min(bins - 1, static_cast<int>(t / max_total * bins)) : 0;
    ++counts[std::max(0, b)];
  }
  const int highest = std::max(1, *std::max_element(counts.begin(), counts.end()));
  cv::Mat img(height, width, CV_8UC3, cv::Scalar(255, 255, 255));
  const auto font = cv::FONT_HERSHEY_SIMPLEX;
  const cv::Scalar ink(40, 40, 40), bar(180, 119, 31);
  cv::putText(img, fmt::format("Totals of {} submissions with points (out of {:g})", totals.size(), max_total),
              {left, 30}, font, 0.6, ink, 1, cv::LINE_AA);
  const int plot_w = width - left - right, plot_h = height - top - bottom;
  const double bin_w = static_cast<double>(plot_w) / bins;
  for (int b = 0; b < bins; ++b) {
    const int h = static_cast<int>(std::lround(static_cast<double>(counts[b]) / highest * plot_h));
    const int x0 = left + static_cast<int>(b * bin_w) + 3, x1 = left + static_cast<int>((b + 1) * bin_w) - 3;
    if (h > 0) cv::rectangle(img, {x0, top + plot_h - h}, {x1, top + plot_h}, bar, cv::FILLED);
    if (counts[b] > 0)
      cv::putText(img, std::to_string(counts[b]), {x0 + 4, top + plot_h - h - 6}, font, 0.5, ink, 1, cv::LINE_AA);
    const double lo = max_total * b / bins;
    cv::putText(img, fmt::format("{:g}", lo), {left + static_cast<int>(b * bin_w) - 6, top + plot_h + 20}, font, 0.45,
                ink, 1, cv::LINE_AA);
  }
  cv::putText(img, fmt::format("{:g}", max_total), {left + plot_w - 14, top + plot_h + 20}, font, 0.45, ink, 1,
              cv::LINE_AA);
  cv::line(img, {left, top + plot_h}, {left + plot_w, top + plot_h}, ink, 1);
  cv::line(img, {left, top}, {left, top + plot_h}, ink, 1);
  cv::putText(img, "points", {left + plot_w / 2 - 25, height - 15}, font, 0.5, ink, 1, cv::LINE_AA);
  cv::putText(img, "students", {8, top - 22}, font, 0.45, ink, 1, cv::LINE_AA);
  std::vector<unsigned char> bytes;
  cv::imencode(".png", img, bytes);
  return std::string(bytes.begin(), bytes.end());
}

}  // namespace gmmlab::course
