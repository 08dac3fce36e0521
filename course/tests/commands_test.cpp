// `gmmlab course package|gradescope|classroom|autograde`: what each bad command line or output
// gets (exit code and one sentence), before any compiling starts; an existing output is kept.
#include <gtest/gtest.h>

#include "course_test_support.hpp"
#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::read_file;
using gmmlab::testing::run_command;
using gmmlab::testing::TempDir;

namespace {
struct Case {
  std::vector<std::string> args;  // after `gmmlab course`
  int exit_code;
  std::string err;  // the whole of stderr
};
}  // namespace

TEST(CourseCommands, BadSourcesAndOutputsGetOneSentenceAndKeepWhatExists) {
  TempDir t;
  const std::string dir = t.path().string();
  put(t / "exists.tar.gz", "an earlier package");
  put(t / "exists.zip", "an earlier bundle");
  put(t / "repo" / "README.md", "an earlier starter");
  fs::create_directories(t / "not-a-checkout");
  const std::vector<Case> cases{
      {{"package", "-o", dir + "/x.tar.gz", "--source", dir + "/not-a-checkout"}, 1,
       "gmmlab: " + dir + "/not-a-checkout is not a GMM Lab checkout (no student/ and reference/); give --source\n"},
      {{"package", "-o", dir + "/exists.tar.gz"}, 1,
       "gmmlab: " + dir + "/exists.tar.gz exists already; pass --force to replace it or -o another file\n"},
      {{"package", "-o", dir + "/no-folder/x.tar.gz"}, 1,
       "gmmlab: the folder of " + dir + "/no-folder/x.tar.gz does not exist; create it or give another -o\n"},
      {{"gradescope", "-o", dir + "/exists.zip"}, 1,
       "gmmlab: " + dir + "/exists.zip exists already; pass --force to replace it or -o another file\n"},
      {{"classroom", "-o", dir + "/repo"}, 1,
       "gmmlab: " + dir + "/repo exists and is not empty; pass --force to replace it or -o another folder\n"},
      {{"classroom", "-o", dir + "/new-repo", "--package", dir + "/missing.tar.gz"}, 1,
       "gmmlab: student package " + dir + "/missing.tar.gz does not exist; make it with `gmmlab course package`\n"},
      {{"autograde", dir}, 2,
       "gmmlab: autograde: give --gradescope FILE, --classroom FILE or both; run 'gmmlab --help' for usage\n"},
      {{"grade", dir, "-o", dir + "/gb.csv", "-j", "0"}, 2, ""},
  };
  for (const Case& c : cases) {
    std::vector<std::string> argv{GMMLAB_CLI, "course"};
    argv.insert(argv.end(), c.args.begin(), c.args.end());
    const auto r = run_command(argv);
    EXPECT_EQ(r.exit_code, c.exit_code) << c.args[0] << " " << c.args[2] << ": " << r.err;
    if (!c.err.empty()) EXPECT_EQ(r.err, c.err);
    else EXPECT_EQ(r.err.rfind("gmmlab: --jobs: ", 0), 0u) << r.err;
  }
  EXPECT_EQ(read_file(t / "exists.tar.gz"), "an earlier package");
  EXPECT_EQ(read_file(t / "exists.zip"), "an earlier bundle");
  EXPECT_EQ(read_file(t / "repo" / "README.md"), "an earlier starter");
  EXPECT_FALSE(fs::exists(t / "x.tar.gz"));
  EXPECT_FALSE(fs::exists(t / "new-repo"));
}
