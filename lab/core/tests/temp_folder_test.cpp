// The one temporary-folder helper: unguessable names, the maker's alone, gone with its contents,
// and one sentence when the parent cannot hold it.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <fstream>

#include "gmmlab/errors.hpp"
#include "gmmlab/temp_folder.hpp"

namespace fs = std::filesystem;

TEST(TempFolder, IsNewPrivateAndGoneWithWhatItHolds) {
  const gmmlab::TempFolder parent("temp-folder-test");
  fs::path kept;
  {
    const gmmlab::TempFolder a("unit", parent.path()), b("unit", parent.path());
    EXPECT_NE(a.path(), b.path());
    EXPECT_EQ(a.path().parent_path(), parent.path());
    EXPECT_EQ(a.path().filename().string().rfind("gmmlab-unit-", 0), 0u) << a.path();
    struct stat st {};
    ASSERT_EQ(::stat(a.path().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0700u) << "no other user may put anything in it";
    fs::create_directories(a.path() / "deep" / "er");
    std::ofstream(a.path() / "deep" / "er" / "file.txt") << "x";
    kept = a.path();
  }
  EXPECT_FALSE(fs::exists(kept));
  EXPECT_TRUE(fs::is_empty(parent.path()));
}

TEST(TempFolder, HonoursTmpdirAndTheCallerRemovesAMadeOne) {
  const gmmlab::TempFolder parent("temp-folder-test");
  const char* before = std::getenv("TMPDIR");
  const std::string saved = before ? before : "";
  ::setenv("TMPDIR", parent.path().c_str(), 1);
  const fs::path made = gmmlab::make_temp_folder("made");
  before ? ::setenv("TMPDIR", saved.c_str(), 1) : ::unsetenv("TMPDIR");
  EXPECT_EQ(made.parent_path(), parent.path());
  EXPECT_TRUE(fs::is_directory(made));
  fs::remove(made);
}

TEST(TempFolder, AMissingParentIsOneSentenceThatSaysWhatToDo) {
  const gmmlab::TempFolder parent("temp-folder-test");
  try {
    (void)gmmlab::make_temp_folder("x", parent.path() / "missing");
    FAIL() << "a folder was made in a parent that does not exist";
  } catch (const gmmlab::Error& e) {
    EXPECT_EQ(std::string(e.what()), "cannot create a temporary folder in " + (parent.path() / "missing").string() +
                                         ": No such file or directory; check that the folder exists and that you "
                                         "can write to it");
  }
}
