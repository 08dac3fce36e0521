// LMS downloads told from their names (Canvas, Moodle, Blackboard), grouped per student, and
// read from a folder or the .zip itself.
#include <gtest/gtest.h>

#include "course_test_support.hpp"
#include "gmmlab/course/lms.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using namespace gmmlab::course;
using gmmlab::testing::read_file;
using gmmlab::testing::TempDir;

namespace {
std::vector<DownloadEntry> files(const std::vector<std::string>& names) {
  std::vector<DownloadEntry> out;
  for (const std::string& n : names) out.push_back({n, false});
  return out;
}
}  // namespace

TEST(GroupDownload, CanvasFilesByStudentWithLateAndResubmittedFiles) {
  const DownloadGrouping g = group_download(files({
      "doejane_101_9001_zscore.cpp", "doejane_101_9001_e_step.cpp", "doejane_101_9002_m_step.cpp",
      "smithjohn_LATE_102_9003_zscore.cpp", "smithjohn_LATE_102_9003_e_step.cpp",
      "smithjohn_LATE_102_9004_e_step-2.cpp", "smithjohn_LATE_102_9005_e_step-1.cpp",
      "smithjohn_LATE_102_9003_m_step.cpp", "notes.txt", ".DS_Store", "__MACOSX"}));
  EXPECT_EQ(g.lms, "Canvas");
  EXPECT_EQ(g.summary_line, "Canvas download: 2 students grouped from 8 files");
  ASSERT_EQ(g.students.size(), 2u);
  EXPECT_EQ(g.students[0].id, "101");
  EXPECT_EQ(g.students[0].name, "doejane");
  EXPECT_EQ(joined(g.students[0].handed_in_as), "e_step.cpp|m_step.cpp|zscore.cpp|");
  EXPECT_EQ(g.students[0].note, "");
  EXPECT_EQ(g.students[1].id, "102");
  EXPECT_EQ(joined(g.students[1].entries),
            "smithjohn_LATE_102_9004_e_step-2.cpp|smithjohn_LATE_102_9003_m_step.cpp|"
            "smithjohn_LATE_102_9003_zscore.cpp|");
  EXPECT_EQ(g.students[1].note,
            "handed in late (Canvas); e_step-2.cpp is the latest of 3 uploads of e_step.cpp: the others are not "
            "graded");
  EXPECT_EQ(joined(g.skipped), "notes.txt (not named as Canvas names a submission: lastfirst_ID_SUBID_file)|");
}

TEST(GroupDownload, MoodleFoldersOrFilesWithOnlineTextSkippedAndSaid) {
  const DownloadGrouping folders = group_download({{"Jane Doe_123456_assignsubmission_file_", true},
                                                   {"Jane Doe_123456_assignsubmission_onlinetext_", true},
                                                   {"John Smith_123457_assignsubmission_file_", true},
                                                   {"grading worksheet.csv", false}});
  EXPECT_EQ(folders.lms, "Moodle");
  EXPECT_EQ(folders.summary_line, "Moodle download: 2 students, one folder each");
  ASSERT_EQ(folders.students.size(), 2u);
  EXPECT_EQ(folders.students[0].id, "123456");
  EXPECT_EQ(folders.students[0].name, "Jane Doe");
  EXPECT_EQ(joined(folders.students[0].entries), "Jane Doe_123456_assignsubmission_file_|");
  EXPECT_EQ(joined(folders.students[0].handed_in_as), "|");
  EXPECT_EQ(folders.students[0].note, "Moodle's onlinetext not graded (only files are)");
  EXPECT_EQ(joined(folders.skipped),
            "Jane Doe_123456_assignsubmission_onlinetext_ (Moodle's onlinetext submission: only files are graded)|"
            "grading worksheet.csv (not named as Moodle names a submission: Full Name_ID_assignsubmission_file_)|");

  const DownloadGrouping flat = group_download(files({"Jane Doe_123456_assignsubmission_file_zscore.cpp",
                                                      "Jane Doe_123456_assignsubmission_file_e_step.cpp",
                                                      "Jane Doe_123456_assignsubmission_file_m_step.cpp"}));
  EXPECT_EQ(flat.summary_line, "Moodle download: 1 student grouped from 3 files");
  ASSERT_EQ(flat.students.size(), 1u);
  EXPECT_EQ(joined(flat.students[0].handed_in_as), "e_step.cpp|m_step.cpp|zscore.cpp|");
}

TEST(GroupDownload, BlackboardAttemptsTheLatestGradedAndSaid) {
  // "_" in both the assignment's name and a username: the assignment is what all attempts share.
  const DownloadGrouping g = group_download(files({
      "Lab_3_j_doe_attempt_2026-12-01-10-22-33.txt", "Lab_3_j_doe_attempt_2026-12-01-10-22-33_zscore.cpp",
      "Lab_3_j_doe_attempt_2026-12-01-10-22-33_e_step.cpp", "Lab_3_j_doe_attempt_2026-12-01-10-22-33_m_step.cpp",
      "Lab_3_j_doe_attempt_2026-11-30-09-00-00.txt", "Lab_3_j_doe_attempt_2026-11-30-09-00-00_zscore.cpp",
      "Lab_3_jsmith_attempt_2026-11-29-08-00-00.txt", "Lab_3_jsmith_attempt_2026-11-29-08-00-00_lab.zip",
      "gradebook.xls"}));
  EXPECT_EQ(g.lms, "Blackboard");
  EXPECT_EQ(g.summary_line,
            "Blackboard download: 2 students grouped from 8 files; 1 student with several attempts: the latest graded");
  ASSERT_EQ(g.students.size(), 2u);
  EXPECT_EQ(g.students[0].id, "j_doe");
  EXPECT_EQ(joined(g.students[0].handed_in_as), "e_step.cpp|m_step.cpp|zscore.cpp|");
  EXPECT_EQ(g.students[0].info_file, "Lab_3_j_doe_attempt_2026-12-01-10-22-33.txt");
  EXPECT_EQ(g.students[0].note,
            "graded the latest of 2 attempts (2026-12-01-10-22-33); not graded: 2026-11-30-09-00-00");
  EXPECT_EQ(g.students[1].id, "jsmith");
  EXPECT_EQ(joined(g.students[1].handed_in_as), "lab.zip|");
  EXPECT_EQ(joined(g.skipped),
            "gradebook.xls (not named as Blackboard names an attempt: Assignment_username_attempt_DATE_file)|");
}

TEST(GroupDownload, TheOwnLayoutAndStrayNamesAreNoLms) {
  EXPECT_EQ(group_download({{"alice", true}, {"bob.zip", false}, {"roster.xlsx", false}}).lms, "");
  // A folder named as Canvas names a file is not Canvas's: Canvas downloads files only.
  EXPECT_EQ(group_download({{"doejane_101_9001_lab", true}}).lms, "");
  // The LMS most entries fit wins; a file named as another's by chance is skipped with a sentence.
  const DownloadGrouping g = group_download(files({"doejane_101_9001_zscore.cpp", "doejane_101_9001_e_step.cpp",
                                                   "Lab 3_jdoe_attempt_2026-12-01-10-22-33_m_step.cpp"}));
  EXPECT_EQ(g.lms, "Canvas");
  EXPECT_EQ(g.skipped.size(), 1u);
}

TEST(ReadClassSubmissions, ACanvasZipIsUnpackedAndGroupedIntoLooseFiles) {
  TempDir t;
  make_archive(t / "canvas.zip",
               {file("doejane_101_9001_zscore.cpp", "z"), file("doejane_101_9001_e_step.cpp", "e"),
                file("doejane_101_9001_m_step.cpp", "m"), file("leeann_103_9009_lab3.zip", "PK"),
                file("notes.txt", "n")},
               true);
  const ClassSubmissions c = read_class_submissions(t / "canvas.zip");
  EXPECT_EQ(c.layout_line, "Canvas download: 2 students grouped from 4 files");
  ASSERT_EQ(c.submissions.size(), 2u);
  const Submission& jane = c.submissions[0];
  EXPECT_EQ(jane.id, "101");
  EXPECT_EQ(jane.name, "doejane");
  EXPECT_TRUE(jane.loose);
  EXPECT_EQ(jane.shown, t / "canvas.zip" / "101");
  ASSERT_EQ(jane.files.size(), 3u);
  EXPECT_EQ(jane.files[0].name, "e_step.cpp");
  // A student who uploaded one archive: that archive is the submission.
  EXPECT_TRUE(c.submissions[1].archive);
  EXPECT_EQ(c.submissions[1].path.filename(), "leeann_103_9009_lab3.zip");
  EXPECT_EQ(joined(c.skipped), "notes.txt (not named as Canvas names a submission: lastfirst_ID_SUBID_file)|");

  // The loose files land under the names the student gave them.
  fs::create_directories(t / "work");
  const fs::path handed_in = handed_in_folder(jane, t / "work");
  EXPECT_EQ(read_file(handed_in / "m_step.cpp"), "m");
  // Their fingerprint changes with a byte, as a folder's does.
  const auto before = content_hash(jane);
  put(jane.files[2].path, "z2");
  EXPECT_NE(content_hash(jane), before);
  const fs::path unpacked = c.unpacked->path();
  {
    ClassSubmissions moved = read_class_submissions(t / "canvas.zip");
    EXPECT_TRUE(fs::exists(moved.unpacked->path()));
  }
  EXPECT_TRUE(fs::exists(unpacked)) << "each read keeps its own unpacked copy while it is held";
}

TEST(ReadClassSubmissions, MoodleFoldersBlackboardNamesAndTheOwnLayoutInAZip) {
  TempDir t;
  put(t / "moodle" / "Jane Doe_123456_assignsubmission_file_" / "e_step.cpp", "e");
  put(t / "moodle" / "John Smith_123457_assignsubmission_file_" / "lab.zip", "PK");
  const ClassSubmissions moodle = read_class_submissions(t / "moodle");
  ASSERT_EQ(moodle.submissions.size(), 2u);
  EXPECT_FALSE(moodle.submissions[0].archive);
  EXPECT_EQ(moodle.submissions[0].path, t / "moodle" / "Jane Doe_123456_assignsubmission_file_");
  EXPECT_TRUE(moodle.submissions[1].archive) << "a folder holding only an archive is that archive";

  put(t / "bb" / "Lab 3_jdoe_attempt_2026-12-01-10-22-33.txt",
      "Name: Jane Doe (jdoe)\r\nAssignment: Lab 3\r\n");
  put(t / "bb" / "Lab 3_jdoe_attempt_2026-12-01-10-22-33_zscore.cpp", "z");
  const ClassSubmissions bb = read_class_submissions(t / "bb");
  ASSERT_EQ(bb.submissions.size(), 1u);
  EXPECT_EQ(bb.submissions[0].id, "jdoe");
  EXPECT_EQ(bb.submissions[0].name, "Jane Doe");

  make_archive(t / "class.zip", three_files("alice/", "z", "e", "m"), true);
  const ClassSubmissions own = read_class_submissions(t / "class.zip");
  EXPECT_EQ(own.layout_line, "");
  ASSERT_EQ(own.submissions.size(), 1u);
  EXPECT_EQ(own.submissions[0].id, "alice");
  EXPECT_EQ(own.submissions[0].shown, t / "class.zip" / "alice");
}

// What each input that is no class gets: one sentence naming it and what to do.
TEST(ReadClassSubmissions, WhatIsNoClassGetsOneSentence) {
  TempDir t;
  auto message = [](const fs::path& input) {
    try {
      read_class_submissions(input);
    } catch (const gmmlab::Error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  put(t / "grades.csv", "x");
  EXPECT_EQ(message(t / "grades.csv"),
            (t / "grades.csv").string() +
                " is not a folder nor an LMS's .zip download; give the folder that holds one subfolder, .zip or "
                ".tar.gz per student, or the .zip your LMS gave you");
  make_archive(t / "evil.zip", {file("../../x.cpp", "x")}, true);
  EXPECT_EQ(message(t / "evil.zip"), "the download " + (t / "evil.zip").string() +
                                         " is refused: it holds a path that climbs out of its folder: ../../x.cpp; "
                                         "download it again, or unpack it and give the folder");
  make_archive(t / "empty.zip", {file("notes.txt", "x")}, true);
  EXPECT_EQ(message(t / "empty.zip"), (t / "empty.zip").string() +
                                          " holds no submissions; put one subfolder, .zip or .tar.gz per student in it");
  fs::create_directories(t / "text-only" / "Jane Doe_1_assignsubmission_onlinetext_");
  EXPECT_EQ(message(t / "text-only"), (t / "text-only").string() +
                                          " is a Moodle download with no student's files in it; download the "
                                          "submissions again");
  EXPECT_EQ(message(t / "missing"), "submissions folder " + (t / "missing").string() +
                                        " does not exist; give the folder that holds one subfolder, .zip or .tar.gz "
                                        "per student");
}
