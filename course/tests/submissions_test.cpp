// Finding who handed in what, and each student's files under the names the grader expects.
#include <gtest/gtest.h>

#include "course_test_support.hpp"
#include "gmmlab/course/archive.hpp"
#include "gmmlab/course/submissions.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using namespace gmmlab::course;
using gmmlab::testing::read_file;
using gmmlab::testing::TempDir;

namespace {
void three(const fs::path& dir, const std::string& z = "zscore.cpp", const std::string& e = "e_step.cpp",
           const std::string& m = "m_step.cpp") {
  put(dir / z, "// z");
  put(dir / e, "// e");
  put(dir / m, "// m");
}
}  // namespace

TEST(ListSubmissions, FoldersZipsAndTarballsByIdSkippingClutter) {
  TempDir t;
  fs::create_directories(t / "class" / "carol");
  fs::create_directories(t / "class" / "__MACOSX");
  put(t / "class" / "bob.zip", "z");
  put(t / "class" / "alice.tar.gz", "t");
  put(t / "class" / "dave.tgz", "t");
  put(t / "class" / ".DS_Store", "x");
  put(t / "class" / "grades.xlsx", "x");
  fs::create_directory_symlink("/etc", t / "class" / "eve");
  std::vector<std::string> skipped;
  const auto subs = list_submissions(t / "class", skipped);
  ASSERT_EQ(subs.size(), 4u);
  EXPECT_EQ(subs[0].id, "alice");
  EXPECT_EQ(subs[1].id, "bob");
  EXPECT_TRUE(subs[1].archive);
  EXPECT_EQ(subs[2].id, "carol");
  EXPECT_FALSE(subs[2].archive);
  EXPECT_EQ(subs[3].id, "dave");
  EXPECT_EQ(joined(skipped),
            "eve (a symbolic link: copy the real folder or archive in its place)|grades.xlsx (not a folder, .zip or "
            ".tar.gz)|");
}

TEST(ListSubmissions, MissingEmptyOrNotAFolderIsOneSentence) {
  TempDir t;
  std::vector<std::string> skipped;
  try {
    list_submissions(t / "nope", skipped);
    FAIL();
  } catch (const gmmlab::Error& e) {
    EXPECT_EQ(std::string(e.what()), "submissions folder " + (t / "nope").string() +
                                         " does not exist; give the folder that holds one subfolder, .zip or .tar.gz "
                                         "per student");
  }
  fs::create_directories(t / "empty");
  put(t / "empty" / ".hidden", "x");
  try {
    list_submissions(t / "empty", skipped);
    FAIL();
  } catch (const gmmlab::Error& e) {
    EXPECT_NE(std::string(e.what()).find("holds no submissions"), std::string::npos) << e.what();
  }
  put(t / "file", "x");
  EXPECT_THROW(list_submissions(t / "file", skipped), gmmlab::Error);
}

TEST(ContentHash, ChangesWithAnyByteOrNameAndNotOtherwise) {
  TempDir t;
  three(t / "s");
  const Submission s{"s", t / "s", false};
  const auto h = content_hash(s);
  EXPECT_EQ(content_hash(s), h);
  put(t / "s" / "e_step.cpp", "// E");
  EXPECT_NE(content_hash(s), h);
  put(t / "s" / "e_step.cpp", "// e");
  EXPECT_EQ(content_hash(s), h);
  fs::rename(t / "s" / "e_step.cpp", t / "s" / "estep.cpp");
  EXPECT_NE(content_hash(s), h);
}

TEST(StageSubmission, CopiesTheThreeFilesAndStudentHpp) {
  TempDir t;
  three(t / "s");
  put(t / "s" / "student.hpp", "// h");
  std::vector<std::string> notes;
  stage_submission(t / "s", t / "staged", notes);
  EXPECT_EQ(read_file(t / "staged" / "e_step.cpp"), "// e");
  EXPECT_EQ(read_file(t / "staged" / "student.hpp"), "// h");
  EXPECT_TRUE(notes.empty()) << joined(notes);
}

TEST(StageSubmission, FindsFilesOneFolderDeepUnderOtherNamesWithNotes) {
  TempDir t;
  three(t / "s" / "Lab 3", "jdoe_12345_ZScore.cpp", "E-Step-1.cpp", "m_step (2).cpp");
  put(t / "s" / "Lab 3" / "helpers.hpp", "// helper");
  put(t / "s" / "Lab 3" / "a.out", "binary");
  put(t / "s" / "Lab 3" / "main.cpp", "int main() {}");
  put(t / "s" / "README.txt", "hi");
  std::vector<std::string> notes;
  stage_submission(t / "s", t / "staged", notes);
  EXPECT_EQ(read_file(t / "staged" / "zscore.cpp"), "// z");
  EXPECT_EQ(read_file(t / "staged" / "m_step.cpp"), "// m");
  EXPECT_EQ(read_file(t / "staged" / "helpers.hpp"), "// helper");
  EXPECT_FALSE(fs::exists(t / "staged" / "main.cpp"));
  EXPECT_EQ(joined(notes),
            "zscore.cpp was handed in as jdoe_12345_ZScore.cpp|e_step.cpp was handed in as E-Step-1.cpp|"
            "m_step.cpp was handed in as m_step (2).cpp|"
            "files found in its folder Lab 3|extra header helpers.hpp kept|ignored: a.out, main.cpp|");
}

TEST(StageSubmission, MissingAmbiguousOrLinkedFilesAreRefusedWithAReason) {
  TempDir t;
  put(t / "a" / "zscore.cpp", "z");
  put(t / "a" / "m_step.cpp", "m");
  std::vector<std::string> notes;
  try {
    stage_submission(t / "a", t / "sa", notes);
    FAIL();
  } catch (const IncompleteSubmission& e) {
    EXPECT_EQ(std::string(e.what()), "it has no e_step.cpp (looked in its top folder)");
  }
  three(t / "b");
  put(t / "b" / "my_e_step.cpp", "e2");
  put(t / "b" / "old-e-step.cpp", "e3");
  fs::remove(t / "b" / "e_step.cpp");
  try {
    stage_submission(t / "b", t / "sb", notes);
    FAIL();
  } catch (const IncompleteSubmission& e) {
    EXPECT_EQ(std::string(e.what()), "it holds 2 files that could be e_step.cpp (my_e_step.cpp, old-e-step.cpp): keep one");
  }
  fs::create_directories(t / "c" / "one");
  fs::create_directories(t / "c" / "two");
  EXPECT_THROW(stage_submission(t / "c", t / "sc", notes), IncompleteSubmission);
  fs::create_directories(t / "d");
  EXPECT_THROW(stage_submission(t / "d", t / "sd", notes), IncompleteSubmission);
  three(t / "e");
  fs::remove(t / "e" / "zscore.cpp");
  fs::create_symlink("/etc/passwd", t / "e" / "zscore.cpp");
  EXPECT_THROW(stage_submission(t / "e", t / "se", notes), ArchiveRefused);
  // "em_step.cpp" is not m_step.cpp, nor "timestep.cpp" e_step.cpp: whole words only.
  put(t / "f" / "zscore.cpp", "z");
  put(t / "f" / "em_step.cpp", "x");
  put(t / "f" / "timestep.cpp", "x");
  try {
    stage_submission(t / "f", t / "sf", notes);
    FAIL();
  } catch (const IncompleteSubmission& e) {
    EXPECT_EQ(std::string(e.what()), "it has no e_step.cpp, m_step.cpp (looked in its top folder)");
  }
}
