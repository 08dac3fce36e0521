// Unpacking students' archives: what is unpacked, what is refused and that nothing lands
// outside the submission's own folder.
#include <archive.h>
#include <archive_entry.h>
#include <fmt/format.h>
#include <gtest/gtest.h>

#include "course_test_support.hpp"
#include "gmmlab/course/archive.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using namespace gmmlab::course;
using gmmlab::testing::TempDir;

TEST(UnpackSubmission, UnpacksAZipAndATarGzWithFoldersOneDeep) {
  TempDir t;
  for (bool zip : {true, false}) {
    const fs::path a = t / (zip ? "alice.zip" : "alice.tar.gz");
    make_archive(a, {file("alice/zscore.cpp", "int z;"), file("alice/e_step.cpp", "int e;"), dir("alice/sub/")}, zip);
    const fs::path dest = t / (zip ? "zip" : "tgz");
    unpack_submission(a, dest);
    EXPECT_EQ(gmmlab::testing::read_file(dest / "alice/zscore.cpp"), "int z;");
    EXPECT_TRUE(fs::is_directory(dest / "alice/sub"));
  }
}

// Each hostile archive is refused with a sentence naming what is wrong, its folder is gone and
// nothing was written beside it.
struct Hostile {
  const char* name;
  std::vector<Entry> entries;
  const char* reason;
};

TEST(UnpackSubmission, RefusesPathsThatClimbOutAbsolutePathsLinksAndDevices) {
  const std::vector<Hostile> cases{
      {"dot-dot", {file("zscore.cpp", "ok"), file("../evil.txt", "x")}, "climbs out of its folder: ../evil.txt"},
      {"dot-dot deep", {file("a/../../evil.txt", "x")}, "climbs out"},
      {"backslash", {file("..\\evil.txt", "x")}, "climbs out"},
      {"absolute", {file("/tmp/gmmlab-course-evil.txt", "x")}, "absolute path: /tmp/gmmlab-course-evil.txt"},
      {"symlink", {soft_link("zscore.cpp", "/etc/passwd")}, "symbolic link: zscore.cpp"},
      {"symlink then write through it", {soft_link("d", ".."), file("d/evil.txt", "x")}, "symbolic link: d"},
      {"hard link", {file("a.cpp", "x"), hard_link("b.cpp", "/etc/passwd")}, "hard link: b.cpp"},
      {"fifo", {fifo("pipe")}, "neither a file nor a folder: pipe"},
      {"twice", {file("zscore.cpp", "a"), file("zscore.cpp", "b")}, "the file zscore.cpp twice"},
  };
  for (bool zip : {true, false}) {
    for (const Hostile& h : cases) {
      if (zip && (std::string(h.name) == "fifo" || std::string(h.name) == "hard link")) continue;  // not in zip
      TempDir t;
      const fs::path a = t / (zip ? "s.zip" : "s.tar.gz");
      make_archive(a, h.entries, zip);
      try {
        unpack_submission(a, t / "out" / "s");
        ADD_FAILURE() << h.name << " was unpacked";
      } catch (const ArchiveRefused& e) {
        EXPECT_NE(std::string(e.what()).find(h.reason), std::string::npos) << h.name << ": " << e.what();
      }
      EXPECT_FALSE(fs::exists(t / "out" / "s")) << h.name;
      EXPECT_FALSE(fs::exists(t / "out" / "evil.txt")) << h.name;
      EXPECT_FALSE(fs::exists(t / "evil.txt")) << h.name;
      EXPECT_FALSE(fs::exists("/tmp/gmmlab-course-evil.txt")) << h.name;
    }
  }
}

TEST(UnpackSubmission, RefusesZipBombsBySizeRatioAndEntryCount) {
  TempDir t;
  // 40 MB of zeros compress to about 40 KB: its header already says it is too large.
  make_archive(t / "bomb.zip", {file("zscore.cpp", std::string(40u << 20, '\0'))}, true);
  try {
    unpack_submission(t / "bomb.zip", t / "bomb");
    ADD_FAILURE() << "a zip bomb was unpacked";
  } catch (const ArchiveRefused& e) {
    EXPECT_EQ(std::string(e.what()), "its file zscore.cpp is larger than 4 MB");
  }
  EXPECT_FALSE(fs::exists(t / "bomb"));
  // Many small files: the entry limit.
  std::vector<Entry> many;
  for (int i = 0; i < 600; ++i) many.push_back(file(fmt::format("f{}.cpp", i), "x"));  // not "f" + string: GCC 12's false -Wrestrict
  make_archive(t / "many.tar.gz", many, false);
  EXPECT_THROW(unpack_submission(t / "many.tar.gz", t / "many"), ArchiveRefused);
  // The ratio alone: 3 MB of zeros is within the size limits but compresses 1000-fold.
  make_archive(t / "ratio.tar.gz", {file("zscore.cpp", std::string(3u << 20, '\0'))}, false);
  try {
    unpack_submission(t / "ratio.tar.gz", t / "ratio");
    ADD_FAILURE() << "a 1000:1 archive was unpacked";
  } catch (const ArchiveRefused& e) {
    EXPECT_NE(std::string(e.what()).find("the compression ratio past the limit"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("zip bomb"), std::string::npos) << e.what();
  }
}

TEST(UnpackSubmission, RefusesWhatIsNotAnArchive) {
  TempDir t;
  put(t / "notes.zip", "this is not a zip file at all");
  EXPECT_THROW(unpack_submission(t / "notes.zip", t / "x"), ArchiveRefused);
  EXPECT_FALSE(fs::exists(t / "x"));
}

TEST(WriteArchive, SameFilesGiveTheSameBytesAndListBack) {
  TempDir t;
  put(t / "a.txt", "alpha");
  put(t / "run.sh", "#!/bin/sh\n");
  const std::vector<ArchiveMember> members{{"pkg/a.txt", t / "a.txt"}, {"pkg/run.sh", t / "run.sh", true}};
  for (ArchiveFormat f : {ArchiveFormat::tar_gz, ArchiveFormat::zip}) {
    write_archive(t / "1", members, f);
    write_archive(t / "2", members, f);
    EXPECT_EQ(gmmlab::testing::read_file(t / "1"), gmmlab::testing::read_file(t / "2"));
    EXPECT_EQ(list_archive(t / "1"), (std::vector<std::string>{"pkg/a.txt", "pkg/run.sh"}));
  }
  EXPECT_THROW(write_archive(t / "missing-folder" / "x.zip", members, ArchiveFormat::zip), gmmlab::Error);
}
