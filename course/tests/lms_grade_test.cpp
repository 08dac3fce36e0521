// `gmmlab course grade` on LMS downloads as they come and with --roster, graded by the stand-in
// (contract_grader.py): the gradebook, the summary's lines, and what a bad roster gets.
#include <gtest/gtest.h>

#include "course_test_support.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::read_file;
using gmmlab::testing::TempDir;

namespace {
const char* canvas_roster =
    "Student,ID,SIS User ID,SIS Login ID,Section\r\n"
    "    Points Possible,,,,\r\n"
    "\"Doe, Jane\",101,s101,jdoe,Lab A\r\n"
    "\"Smith, John\",102,s102,jsmith,Lab A\r\n"
    "\"Lee, Ann\",103,s103,alee,Lab B\r\n";

// Canvas's "Download Submissions": Jane right, John late with a resubmitted E-step, a stray file.
void make_canvas_zip(const fs::path& zip) {
  make_archive(zip,
               {file("doejane_101_9001_zscore.cpp", "ok"), file("doejane_101_9001_e_step.cpp", "ok"),
                file("doejane_101_9001_m_step.cpp", "ok"), file("smithjohn_LATE_102_9002_zscore.cpp", "ok"),
                file("smithjohn_LATE_102_9002_e_step.cpp", "TODO"), file("smithjohn_LATE_102_9003_e_step-1.cpp", "ok"),
                file("smithjohn_LATE_102_9002_m_step.cpp", "DIVIDE BY N-1"), file("notes.txt", "hi")},
               true);
}
}  // namespace

TEST(CourseGradeLms, ACanvasZipWithARosterGivesNamesAndWhoSubmittedNothing) {
  TempDir t;
  make_canvas_zip(t / "submissions.zip");
  put(t / "roster.csv", canvas_roster);
  fs::create_directories(t / "grades");
  const auto g = course_grade(t / "submissions.zip", t / "grades" / "gradebook.csv", {"--roster", (t / "roster.csv").string()});
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(read_file(t / "grades" / "gradebook.csv"),
            "id,name,Z-score: mean 0 and std 1 (/10),E-step: responsibilities (/30),M-step: covariances (/30),"
            "EM: hidden photo (/30),total,max,status,note\r\n"
            "101,\"Doe, Jane\",10,30,30,30,100,100,graded,\r\n"
            "102,\"Smith, John\",10,30,0,0,40,100,graded,handed in late (Canvas); e_step-1.cpp is the latest of 2 "
            "uploads of e_step.cpp: the others are not graded; e_step.cpp was handed in as e_step-1.cpp\r\n"
            "103,\"Lee, Ann\",0,0,0,0,0,,no submission,\r\n");
  const std::string summary = read_file(t / "grades" / "gradebook-summary.txt");
  for (const std::string line :
       {"\nCanvas download: 2 students grouped from 7 files\n",
        "\nRoster roster.csv: 3 students (joined on its column ID, names from Student); 2 of 2 submissions on it, 1 "
        "with no submission; 1 row without an id passed over\n",
        "\n2 submissions: 2 graded\n", "\nOn the roster with no submission (1):\n  103 Lee, Ann\n",
        "\nSkipped in the submissions folder:\n  notes.txt (not named as Canvas names a submission: "
        "lastfirst_ID_SUBID_file)\n"})
    EXPECT_NE(summary.find(line), std::string::npos) << line << "\nin:\n" << summary;
  // Feedback for those who handed in; none for who did not.
  EXPECT_TRUE(fs::exists(t / "grades" / "gradebook-feedback" / "102.txt"));
  EXPECT_FALSE(fs::exists(t / "grades" / "gradebook-feedback" / "103.txt"));
  EXPECT_NE(read_file(t / "grades" / "gradebook-feedback" / "102.txt").find("Grading " + (t / "submissions.zip" / "102").string()),
            std::string::npos);

  // Without the roster: the LMS's own names; and again the same zip reuses what was graded.
  const auto again = course_grade(t / "submissions.zip", t / "grades" / "gradebook.csv", {"--update"});
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_NE(again.err.find("2 of 2 submissions unchanged since the last run"), std::string::npos) << again.err;
  const std::string csv = read_file(t / "grades" / "gradebook.csv");
  EXPECT_NE(csv.find("\r\n101,doejane,10,30,30,30,100,100,graded,\r\n"), std::string::npos) << csv;
  EXPECT_EQ(csv.find("103"), std::string::npos) << csv;
}

TEST(CourseGradeLms, BlackboardGradesEachStudentsLatestAttemptAndSaysSo) {
  TempDir t;
  const fs::path bb = t / "bb";
  put(bb / "Lab 3_jdoe_attempt_2026-11-30-09-00-00.txt", "Name: Jane Doe (jdoe)\n");
  for (const char* f : {"zscore.cpp", "e_step.cpp", "m_step.cpp"}) {
    put(bb / (std::string("Lab 3_jdoe_attempt_2026-11-30-09-00-00_") + f), "TODO");
    put(bb / (std::string("Lab 3_jdoe_attempt_2026-12-01-10-22-33_") + f), "ok");
  }
  put(bb / "Lab 3_jdoe_attempt_2026-12-01-10-22-33.txt", "Name: Jane Doe (jdoe)\n");
  put(bb / "Lab 3_asmith_attempt_2026-12-01-08-00-00.txt", "Name: Al Smith (asmith)\n");
  put(bb / "Lab 3_asmith_attempt_2026-12-01-08-00-00_zscore.cpp", "ok");
  const auto g = course_grade(bb, t / "gb.csv");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const std::string csv = read_file(t / "gb.csv");
  EXPECT_NE(csv.find("\r\njdoe,Jane Doe,10,30,30,30,100,100,graded,graded the latest of 2 attempts "
                     "(2026-12-01-10-22-33); not graded: 2026-11-30-09-00-00\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(csv.find("\r\nasmith,Al Smith,0,0,0,0,0,,incomplete files,\"it has no e_step.cpp, m_step.cpp (looked in "
                     "its top folder)\"\r\n"),
            std::string::npos)
      << csv;
  EXPECT_NE(g.out.find("\nBlackboard download: 2 students grouped from 10 files; 1 student with several attempts: "
                       "the latest graded\n"),
            std::string::npos)
      << g.out;
}

// A roster that cannot be used stops the batch before anything is graded: one sentence naming
// the file and what to do, exit 1, nothing written.
TEST(CourseGradeLms, ABadRosterStopsTheBatchWithNothingWritten) {
  TempDir t;
  make_canvas_zip(t / "submissions.zip");
  put(t / "twice.csv", "ID,Name\n101,Jane\n101,Jane again\n");
  const auto r = course_grade(t / "submissions.zip", t / "gb.csv", {"--roster", (t / "twice.csv").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gmmlab: roster " + (t / "twice.csv").string() +
                       " has the id 101 twice (rows 2 and 3); keep one row per student\n");
  const auto missing = course_grade(t / "submissions.zip", t / "gb.csv", {"--roster", (t / "none.csv").string()});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_EQ(missing.err, "gmmlab: --roster '" + (t / "none.csv").string() + "' does not exist; check the path\n");
  EXPECT_FALSE(fs::exists(t / "gb.csv"));
  EXPECT_FALSE(fs::exists(t / "gb-state"));
  EXPECT_FALSE(fs::exists(t / "gb-feedback"));
}
