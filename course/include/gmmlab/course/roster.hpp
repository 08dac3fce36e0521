#pragma once
// The class list an instructor exports from the LMS or the registry: who the ids in the
// gradebook are, and who handed in nothing.
#include <filesystem>
#include <string>
#include <vector>

#include "gmmlab/course/batch.hpp"

namespace gmmlab::course {

struct RosterStudent {
  std::string id, name, email;
  std::size_t row = 0;  // 1 is the header
};

struct Roster {
  std::filesystem::path file;
  std::string id_column;     // as its header names it, e.g. "ID"
  std::string name_columns;  // "Student", "First Name + Last Name", or "" when it has none
  std::string email_column;  // or ""
  std::vector<RosterStudent> students;  // in the file's order
  std::size_t rows_without_id = 0;      // e.g. Canvas's "Points Possible" row
};

// The cells of a CSV file (RFC 4180: quoted cells with commas, quotes and line breaks, CRLF or
// LF, a UTF-8 byte order mark). Throws Error naming `file` when a quote is never closed.
std::vector<std::vector<std::string>> read_csv(const std::string& text, const std::filesystem::path& file);

// Reads a roster: a CSV with a header row. The id column is one a person would name so (case
// and "_" aside: id, student id, sis user id, username, login id, identifier, ...; Moodle's
// "Participant 123" is 123); of several, the one holding most of `submitted_ids`. Names come
// from a name column (name, student, full name) or first and last name columns; emails from
// an email column. Throws Error, one sentence naming the file and what to do, when the file
// cannot be read or is not a CSV, has no id column or no student, or repeats an id.
Roster read_roster(const std::filesystem::path& file, const std::vector<std::string>& submitted_ids);

struct RosterJoin {
  std::string line;                        // for the summary: "Roster roster.csv: 3 students, ..."
  std::vector<std::string> not_on_roster;  // "999 (doejane)": submissions whose id it lacks
};

// Gives each record the roster's name and email for its id (ids compared without case), and
// adds, sorted in, a record with status "no submission" and 0 points for each student on the
// roster who handed in nothing.
RosterJoin join_roster(const Roster& roster, std::vector<GradeRecord>& records);

}  // namespace gmmlab::course
