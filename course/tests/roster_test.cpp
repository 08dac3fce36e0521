// The class roster: read as a person exports it, joined by id into the gradebook's records.
#include <gtest/gtest.h>

#include "course_test_support.hpp"
#include "gmmlab/course/roster.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using namespace gmmlab::course;
using gmmlab::testing::TempDir;

namespace {
std::string roster_error(const fs::path& file, const std::vector<std::string>& ids = {}) {
  try {
    read_roster(file, ids);
  } catch (const gmmlab::Error& e) {
    return e.what();
  }
  return "no error";
}
}  // namespace

TEST(ReadCsv, QuotesCommasLineBreaksCrlfAndAByteOrderMark) {
  const auto rows = read_csv("\xEF\xBB\xBFStudent,ID\r\n\"Doe, Jane\",101\r\n\"say \"\"hi\"\"\nthere\",102\n\n", "r.csv");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0][0], "Student");
  EXPECT_EQ(rows[1][0], "Doe, Jane");
  EXPECT_EQ(rows[2][0], "say \"hi\"\nthere");
  EXPECT_EQ(rows[2][1], "102");
  EXPECT_THROW(read_csv("a,\"b\nc\n", "r.csv"), gmmlab::Error);
}

TEST(ReadRoster, CanvasGradebookExportJoinsOnTheIdColumnItsDownloadUses) {
  TempDir t;
  put(t / "roster.csv",
      "Student,ID,SIS User ID,SIS Login ID,Section\r\n"
      "    Points Possible,,,,\r\n"
      "\"Doe, Jane\",101,s101,jdoe,Lab A\r\n"
      "\"Smith, John\",102,s102,jsmith,Lab A\r\n");
  const Roster r = read_roster(t / "roster.csv", {"101", "102"});
  EXPECT_EQ(r.id_column, "ID");
  EXPECT_EQ(r.name_columns, "Student");
  EXPECT_EQ(r.email_column, "");
  EXPECT_EQ(r.rows_without_id, 1u);
  ASSERT_EQ(r.students.size(), 2u);
  EXPECT_EQ(r.students[0].name, "Doe, Jane");
  // The same file for a class graded by folders named after the SIS login: that column is taken.
  EXPECT_EQ(read_roster(t / "roster.csv", {"jdoe"}).id_column, "SIS Login ID");
}

TEST(ReadRoster, FirstAndLastNamesEmailsAndMoodlesParticipantIds) {
  TempDir t;
  put(t / "bb.csv", "Last Name,First Name,Username,Student_ID,E-mail\nDoe,Jane,jdoe,9001,jane@uni.example\n");
  const Roster bb = read_roster(t / "bb.csv", {"jdoe"});
  EXPECT_EQ(bb.id_column, "Username");
  EXPECT_EQ(bb.name_columns, "First Name + Last Name");
  EXPECT_EQ(bb.students[0].name, "Jane Doe");
  EXPECT_EQ(bb.students[0].email, "jane@uni.example");
  put(t / "moodle.csv", "Identifier,Full name,Email address,Status\nParticipant 123456,Jane Doe,j@x.example,Submitted\n");
  const Roster moodle = read_roster(t / "moodle.csv", {"123456"});
  EXPECT_EQ(moodle.students[0].id, "123456");
  EXPECT_EQ(moodle.students[0].name, "Jane Doe");
}

// What each bad roster gets: one sentence naming the file and what to do.
TEST(ReadRoster, BadRostersGetOneSentenceNamingTheFile) {
  TempDir t;
  const std::string dir = t.path().string();
  EXPECT_EQ(roster_error(t / "none.csv"), "--roster '" + dir + "/none.csv' does not exist; check the path");
  put(t / "sheet.xlsx", std::string("PK\x03\x04", 4) + "xl/workbook.xml");
  EXPECT_EQ(roster_error(t / "sheet.xlsx"), "roster " + dir +
                                                "/sheet.xlsx is not a CSV file (it looks like a spreadsheet); save it "
                                                "as CSV (comma separated) and give that");
  put(t / "noid.csv", "Name,Email\nJane,j@x.example\n");
  EXPECT_EQ(roster_error(t / "noid.csv"), "roster " + dir +
                                              "/noid.csv has no id column (its header: Name, Email); name the column "
                                              "of student ids \"id\", \"student id\", \"sis user id\" or \"username\"");
  put(t / "twice.csv", "id,name\n101,Jane\n102,John\n101,Janet\n");
  EXPECT_EQ(roster_error(t / "twice.csv"),
            "roster " + dir + "/twice.csv has the id 101 twice (rows 2 and 4); keep one row per student");
  put(t / "quote.csv", "id,name\n101,\"Jane\n");
  EXPECT_EQ(roster_error(t / "quote.csv"), "roster " + dir +
                                               "/quote.csv is not a CSV file: the quote opened on line 2 is never "
                                               "closed; save it from the spreadsheet as CSV again");
  put(t / "header.csv", "id,name\n");
  EXPECT_EQ(roster_error(t / "header.csv"),
            "roster " + dir + "/header.csv has no student in its column id; give a CSV with one row per student");
  put(t / "empty.csv", "");
  EXPECT_EQ(roster_error(t / "empty.csv"),
            "roster " + dir + "/empty.csv is empty; give a CSV with a header row and one row per student");
}

TEST(JoinRoster, NamesEmailsNoSubmissionRowsAndIdsNotOnIt) {
  Roster roster;
  roster.file = "/class/roster.csv";
  roster.id_column = "username";
  roster.name_columns = "name";
  roster.email_column = "email";
  roster.students = {{"JDoe", "Jane Doe", "jane@x.example", 2}, {"alee", "Ann Lee", "ann@x.example", 3}};
  std::vector<GradeRecord> records(2);
  records[0].id = "jdoe";
  records[0].status = status::graded;
  records[1].id = "zed";
  records[1].name = "zedzed";
  records[1].status = status::graded;
  const RosterJoin join = join_roster(roster, records);
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0].id, "alee");
  EXPECT_EQ(records[0].status, status::no_submission);
  EXPECT_EQ(records[0].email, "ann@x.example");
  EXPECT_EQ(records[1].id, "jdoe");
  EXPECT_EQ(records[1].name, "Jane Doe") << "ids are compared without case";
  EXPECT_EQ(records[2].name, "zedzed") << "not on the roster: keeps the LMS's name";
  EXPECT_EQ(join.not_on_roster, std::vector<std::string>{"zed (zedzed)"});
  EXPECT_EQ(join.line,
            "Roster roster.csv: 2 students (joined on its column username, names from name, emails from email); 1 of 2 "
            "submissions on it, 1 with no submission");
}
