#include "gmmlab/course/roster.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>

#include "gmmlab/errors.hpp"
#include "gmmlab/input_file.hpp"

namespace fs = std::filesystem;

namespace gmmlab::course {

std::vector<std::vector<std::string>> read_csv(const std::string& text, const fs::path& file) {
  std::vector<std::vector<std::string>> rows;
  std::vector<std::string> row;
  std::string cell;
  bool quoted = false, any = false;
  std::size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;  // Excel's and Canvas's byte order mark
  std::size_t line = 1, quote_line = 0;
  auto end_row = [&] {
    row.push_back(cell), cell.clear();
    // A blank line is no row (a trailing newline, or a spreadsheet's empty line).
    if (row.size() > 1 || !row.front().empty() || any) rows.push_back(row);
    row.clear(), any = false;
  };
  for (; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') cell += '"', ++i;
      else if (c == '"') quoted = false;
      else cell += c, line += c == '\n';
    } else if (c == '"') {
      quoted = true, any = true, quote_line = line;
    } else if (c == ',') {
      row.push_back(cell), cell.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      end_row();
      ++line;
    } else {
      cell += c;
    }
  }
  if (quoted)
    throw Error(fmt::format("roster {} is not a CSV file: the quote opened on line {} is never closed; save it from "
                            "the spreadsheet as CSV again",
                            file.string(), quote_line));
  if (!cell.empty() || !row.empty() || any) end_row();
  return rows;
}

namespace {

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

std::string trimmed(const std::string& s) {
  const auto first = s.find_first_not_of(" \t");
  if (first == std::string::npos) return "";
  return s.substr(first, s.find_last_not_of(" \t") - first + 1);
}

// A header as a person means it: "Student_ID", "student-id " and "Student ID" are one name.
std::string header_key(const std::string& header) {
  std::string key;
  for (char c : lower(trimmed(header))) {
    if (c == '_' || c == '-' || c == ' ') {
      if (!key.empty() && key.back() != ' ') key += ' ';
    } else {
      key += c;
    }
  }
  while (!key.empty() && key.back() == ' ') key.pop_back();
  return key;
}

// Id columns in the order taken when the submissions decide nothing. Canvas's export: "ID" (what
// its download names files by), "SIS User ID", "SIS Login ID"; Moodle's: "Identifier".
const std::vector<std::string>& id_keys() {
  static const std::vector<std::string> keys{"id",       "student id", "sis user id", "user id",  "userid",
                                             "username", "user name",  "login id",    "sis login id", "login",
                                             "student number", "matriculation number", "identifier", "participant id"};
  return keys;
}

std::string id_in(const std::string& cell) {
  std::string id = trimmed(cell);
  if (id.rfind("Participant ", 0) == 0) id.erase(0, 12);  // Moodle's grading worksheet
  return id;
}

std::optional<std::size_t> column(const std::vector<std::string>& keys, std::initializer_list<const char*> names) {
  for (const char* n : names) {
    const auto it = std::find(keys.begin(), keys.end(), n);
    if (it != keys.end()) return static_cast<std::size_t>(it - keys.begin());
  }
  return std::nullopt;
}

}  // namespace

Roster read_roster(const fs::path& file, const std::vector<std::string>& submitted_ids) {
  const std::string text = read_regular_file(file, "--roster", 64ull << 20);
  if (text.rfind("PK\x03\x04", 0) == 0 || text.find('\0') != std::string::npos)
    throw Error(fmt::format("roster {} is not a CSV file (it looks like a spreadsheet); save it as CSV (comma "
                            "separated) and give that",
                            file.string()));
  const auto rows = read_csv(text, file);
  if (rows.empty())
    throw Error(fmt::format("roster {} is empty; give a CSV with a header row and one row per student", file.string()));
  std::vector<std::string> keys;
  for (const std::string& h : rows.front()) keys.push_back(header_key(h));

  std::set<std::string> submitted;
  for (const std::string& id : submitted_ids) submitted.insert(lower(id));
  // Of the id columns, the one that names the most submissions (Canvas's export has three).
  std::optional<std::size_t> id_col;
  std::size_t best = 0;
  for (const std::string& key : id_keys()) {
    const auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) continue;
    const auto col = static_cast<std::size_t>(it - keys.begin());
    std::size_t hits = 0;
    for (std::size_t r = 1; r < rows.size(); ++r)
      hits += col < rows[r].size() && submitted.count(lower(id_in(rows[r][col])));
    if (!id_col || hits > best) id_col = col, best = hits;
  }
  if (!id_col)
    throw Error(fmt::format("roster {} has no id column (its header: {}); name the column of student ids "
                            "\"id\", \"student id\", \"sis user id\" or \"username\"",
                            file.string(), fmt::join(rows.front(), ", ")));
  Roster roster;
  roster.file = file;
  roster.id_column = trimmed(rows.front()[*id_col]);
  const auto name_col = column(keys, {"name", "full name", "student name", "student"});
  const auto first_col = column(keys, {"first name", "firstname", "given name"});
  const auto last_col = column(keys, {"last name", "lastname", "surname", "family name"});
  const auto email_col = column(keys, {"email", "email address", "e mail", "e mail address", "mail"});
  if (name_col) roster.name_columns = trimmed(rows.front()[*name_col]);
  else if (first_col && last_col)
    roster.name_columns = trimmed(rows.front()[*first_col]) + " + " + trimmed(rows.front()[*last_col]);
  if (email_col) roster.email_column = trimmed(rows.front()[*email_col]);

  auto at = [](const std::vector<std::string>& row, std::optional<std::size_t> col) {
    return col && *col < row.size() ? trimmed(row[*col]) : std::string();
  };
  std::map<std::string, std::size_t> row_of;
  for (std::size_t r = 1; r < rows.size(); ++r) {
    RosterStudent s;
    s.row = r + 1;
    s.id = id_in(at(rows[r], id_col));
    if (s.id.empty()) {
      ++roster.rows_without_id;
      continue;
    }
    if (const auto [it, fresh] = row_of.emplace(lower(s.id), s.row); !fresh)
      throw Error(fmt::format("roster {} has the id {} twice (rows {} and {}); keep one row per student",
                              file.string(), s.id, it->second, s.row));
    s.name = name_col ? at(rows[r], name_col) : trimmed(at(rows[r], first_col) + " " + at(rows[r], last_col));
    s.email = at(rows[r], email_col);
    roster.students.push_back(std::move(s));
  }
  if (roster.students.empty())
    throw Error(fmt::format("roster {} has no student in its column {}; give a CSV with one row per student",
                            file.string(), roster.id_column));
  return roster;
}

RosterJoin join_roster(const Roster& roster, std::vector<GradeRecord>& records) {
  std::map<std::string, const RosterStudent*> by_id;
  for (const RosterStudent& s : roster.students) by_id[lower(s.id)] = &s;
  std::set<std::string> handed_in;
  RosterJoin join;
  for (GradeRecord& r : records) {
    handed_in.insert(lower(r.id));
    const auto it = by_id.find(lower(r.id));
    if (it == by_id.end()) {
      join.not_on_roster.push_back(r.name.empty() ? r.id : fmt::format("{} ({})", r.id, r.name));
      continue;
    }
    if (!it->second->name.empty()) r.name = it->second->name;
    r.email = it->second->email;
  }
  std::size_t missing = 0;
  for (const RosterStudent& s : roster.students) {
    if (handed_in.count(lower(s.id))) continue;
    GradeRecord r;
    r.id = s.id;
    r.name = s.name;
    r.email = s.email;
    r.status = status::no_submission;
    records.push_back(std::move(r));
    ++missing;
  }
  std::stable_sort(records.begin(), records.end(), [](const GradeRecord& a, const GradeRecord& b) { return a.id < b.id; });
  const std::size_t on_roster = records.size() - missing - join.not_on_roster.size();
  std::string columns = fmt::format("joined on its column {}", roster.id_column);
  if (!roster.name_columns.empty()) columns += fmt::format(", names from {}", roster.name_columns);
  if (!roster.email_column.empty()) columns += fmt::format(", emails from {}", roster.email_column);
  join.line = fmt::format("Roster {}: {} student{} ({}); {} of {} submission{} on it, {} with no submission",
                          roster.file.filename().string(), roster.students.size(),
                          roster.students.size() == 1 ? "" : "s", columns, on_roster, records.size() - missing,
                          records.size() - missing == 1 ? "" : "s", missing);
  if (roster.rows_without_id > 0)
    join.line += fmt::format("; {} row{} without an id passed over", roster.rows_without_id,
                             roster.rows_without_id == 1 ? "" : "s");
  return join;
}

}  // namespace gmmlab::course
