// `gmmlab course grade` on a class of varied submissions, graded by a stand-in that keeps the
// grader's command-line contract (contract_grader.py): the gradebook, the feedback, the
// summary, resuming and what each bad input gets.
#include <fcntl.h>
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <opencv2/imgcodecs.hpp>
#include <thread>

#include "course_test_support.hpp"
#include "gmmlab/course/gradebook.hpp"
#include "gmmlab/testing/support.hpp"

extern char** environ;

namespace fs = std::filesystem;
using gmmlab::testing::read_file;
using gmmlab::testing::run_command;
using gmmlab::testing::TempDir;

namespace {

void three(const fs::path& dir, const std::string& z, const std::string& e, const std::string& m) {
  put(dir / "zscore.cpp", z);
  put(dir / "e_step.cpp", e);
  put(dir / "m_step.cpp", m);
}

// Ten students, one of each kind a class hands in.
void make_class(const fs::path& c) {
  three(c / "alice", "ok", "ok", "ok");                                    // correct folder
  make_archive(c / "bob.zip", three_files("bob/", "ok", "ok", "ok"), true);  // zipped one folder deep
  three(c / "carol", "ok", "ok", "DIVIDE BY N-1");                         // a known mistake
  three(c / "dave", "ok", "TODO", "TODO");                                 // partial
  three(c / "erin", "ok", "SYNTAX ERROR", "ok");                           // one file does not compile
  three(c / "frank", "GRADER FAILS", "ok", "ok");                          // the grader cannot grade it
  put(c / "gina" / "zscore.cpp", "ok");                             // incomplete
  make_archive(c / "hal.tar.gz", {file("zscore.cpp", "ok"), file("../../escaped.cpp", "x")}, false);  // hostile
  make_archive(c / "ivan.zip", three_files("", "ok", "ok", "TODO"), true);
  three(c / "ivan", "ok", "ok", "ok");                                     // the same id twice
  put(c / "judy" / "ZScore.cpp", "ok");                             // other names
  put(c / "judy" / "E-Step.cpp", "ok");
  put(c / "judy" / "m_step-1.cpp", "DIVIDE BY N-1");
  put(c / "judy" / "notes.pdf", "%PDF");
  put(c / "roster.xlsx", "not a submission");
}

}  // namespace

TEST(CourseGrade, GradesAClassIntoGradebookFeedbackAndSummary) {
  TempDir t;
  make_class(t / "class");
  const auto r = course_grade(t / "class", t / "out" / "gradebook.csv");
  ASSERT_FALSE(fs::exists(t / "out" / "gradebook.csv"));
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gmmlab: the folder of " + (t / "out" / "gradebook.csv").string() +
                       " does not exist; create it or give another -o\n");
  fs::create_directories(t / "out");
  const auto g = course_grade(t / "class", t / "out" / "gradebook.csv");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  EXPECT_EQ(g.err.find("unchanged"), std::string::npos) << g.err;  // a first run reuses nothing
  const std::string csv = read_file(t / "out" / "gradebook.csv");
  EXPECT_EQ(csv,
            "id,Z-score: mean 0 and std 1 (/10),E-step: responsibilities (/30),M-step: covariances (/30),"
            "EM: hidden photo (/30),total,max,status,note\r\n"
            "alice,10,30,30,30,100,100,graded,\r\n"
            "bob,10,30,30,30,100,100,graded,files found in its folder bob\r\n"
            "carol,10,30,0,0,40,100,graded,\r\n"
            "dave,10,0,0,0,10,100,graded,\r\n"
            "erin,10,0,30,30,70,100,did not compile,\r\n"
            "frank,0,0,0,0,0,,did not compile,nothing compiles: every file has errors\r\n"
            "gina,0,0,0,0,0,,incomplete files,\"it has no e_step.cpp, m_step.cpp (looked in its top folder)\"\r\n"
            "hal,0,0,0,0,0,,refused,refused: it holds a path that climbs out of its folder: ../../escaped.cpp\r\n"
            "ivan,0,0,0,0,0,,refused,\"the id ivan is used by 2 submissions (ivan, ivan.zip): keep one and grade "
            "again\"\r\n"
            "ivan,0,0,0,0,0,,refused,\"the id ivan is used by 2 submissions (ivan, ivan.zip): keep one and grade "
            "again\"\r\n"
            "judy,10,30,0,0,40,100,graded,zscore.cpp was handed in as ZScore.cpp; e_step.cpp was handed in as "
            "E-Step.cpp; m_step.cpp was handed in as m_step-1.cpp; ignored: notes.pdf\r\n");
  EXPECT_FALSE(fs::exists(t / "escaped.cpp"));
  EXPECT_FALSE(fs::exists(t / "class" / "escaped.cpp"));

  // The feedback is what the grader printed, with the batch's notes on top.
  const std::string judy = read_file(t / "out" / "gradebook-feedback" / "judy.txt");
  EXPECT_EQ(judy.rfind("Note: zscore.cpp was handed in as ZScore.cpp;", 0), 0u) << judy;
  EXPECT_NE(judy.find("M-step: covariances .... 0/30"), std::string::npos) << judy;
  EXPECT_NE(read_file(t / "out" / "gradebook-feedback" / "frank.txt").find("gmmlab: nothing compiles"),
            std::string::npos);
  EXPECT_EQ(read_file(t / "out" / "gradebook-feedback" / "hal.txt"),
            "Note: refused: it holds a path that climbs out of its folder: "
            "../../escaped.cpp.\n\n");

  const std::string summary = read_file(t / "out" / "gradebook-summary.txt");
  EXPECT_EQ(g.out, summary);
  EXPECT_NE(summary.find("11 submissions: 5 graded, 2 did not compile, 1 incomplete files, 3 refused\n"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("Totals of the 6 with points (out of 100): mean 60.0, median 55, lowest 10, highest 100"),
            std::string::npos)
      << summary;
  EXPECT_NE(summary.find("    3  EM: hidden photo\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("    2 x divides Sigma by N_k - 1\n"), std::string::npos) << summary;
  EXPECT_NE(summary.find("roster.xlsx (not a folder, .zip or .tar.gz)"), std::string::npos) << summary;
  const cv::Mat png = cv::imread((t / "out" / "gradebook-histogram.png").string());
  EXPECT_EQ(png.cols, 720);
  EXPECT_EQ(png.rows, 420);

  // The same folder again gives the same gradebook, byte for byte.
  const auto again = course_grade(t / "class", t / "out" / "again.csv");
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(read_file(t / "out" / "again.csv"), csv);
  EXPECT_EQ(read_file(t / "out" / "again-histogram.png"), read_file(t / "out" / "gradebook-histogram.png"));
}

TEST(CourseGrade, AnExistingGradebookIsKeptUnlessUpdateOrForce) {
  TempDir t;
  three(t / "class" / "alice", "ok", "ok", "ok");
  three(t / "class" / "bob", "ok", "TODO", "ok");
  ASSERT_EQ(course_grade(t / "class", t / "gb.csv").exit_code, 0);
  const std::string before = read_file(t / "gb.csv");
  const auto kept = course_grade(t / "class", t / "gb.csv");
  EXPECT_EQ(kept.exit_code, 1);
  EXPECT_EQ(kept.err, "gmmlab: " + (t / "gb.csv").string() +
                          " exists already; pass --update to grade only new or changed submissions into it, --force "
                          "to grade everything again, or -o another file\n");
  EXPECT_EQ(read_file(t / "gb.csv"), before);

  // --update grades only what changed; --force grades all.
  put(t / "class" / "bob" / "e_step.cpp", "ok");
  const auto update = course_grade(t / "class", t / "gb.csv", {"--update"});
  ASSERT_EQ(update.exit_code, 0) << update.err;
  EXPECT_NE(update.err.find("1 of 2 submissions unchanged since the last run: not graded again"), std::string::npos)
      << update.err;
  EXPECT_NE(update.err.find("[2/2] bob: graded 100/100"), std::string::npos) << update.err;
  EXPECT_EQ(update.err.find("alice:"), std::string::npos) << update.err;
  const auto force = course_grade(t / "class", t / "gb.csv", {"--force"});
  ASSERT_EQ(force.exit_code, 0);
  EXPECT_NE(force.err.find("alice: graded 100/100"), std::string::npos) << force.err;
}

TEST(CourseGrade, RelativePathsMeanTheCurrentFolder) {
  TempDir t;
  three(t / "class" / "alice", "ok", "ok", "ok");
  const auto r = run_command({GMMLAB_CLI, "course", "grade", "class", "-o", "gb.csv", "--grader",
                              GMMLAB_CONTRACT_GRADER, "-q"},
                             t.path());
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(read_file(t / "gb.csv").find("alice,10,30,30,30,100,100,graded,"), std::string::npos);
}

// Processes still alive (zombies have no command line and no folder) whose command line names
// `dir` or whose working folder is inside it: what a batch grading in `dir` started.
std::vector<std::string> processes_of(const fs::path& dir) {
  std::vector<std::string> found;
  const std::string needle = dir.string();
  for (const fs::directory_entry& e : fs::directory_iterator("/proc")) {
    const std::string pid = e.path().filename().string();
    if (pid.find_first_not_of("0123456789") != std::string::npos || pid == std::to_string(getpid())) continue;
    std::string cmdline;
    try {
      cmdline = read_file(e.path() / "cmdline");
    } catch (const std::exception&) {
      continue;  // gone meanwhile
    }
    if (cmdline.empty()) continue;  // a zombie or a kernel thread
    std::replace(cmdline.begin(), cmdline.end(), '\0', ' ');
    std::error_code ec;
    const std::string cwd = fs::read_symlink(e.path() / "cwd", ec).string();
    if (cmdline.find(needle) != std::string::npos || (!ec && cwd.rfind(needle, 0) == 0))
      found.push_back(pid + " " + cmdline + "(in " + cwd + ")");
  }
  return found;
}

std::vector<std::string> processes_left(const fs::path& dir) {
  std::vector<std::string> left = processes_of(dir);
  for (int i = 0; i < 200 && !left.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    left = processes_of(dir);
  }
  return left;
}

TEST(CourseGrade, AKilledBatchResumesWhereItStopped) {
  TempDir t;
  three(t / "class" / "a-fast", "ok", "ok", "ok");
  three(t / "class" / "b-slow", "SLEEP", "ok", "ok");
  const std::string gradebook = (t / "gb.csv").string();
  std::vector<std::string> args{GMMLAB_CLI, "course", "grade", (t / "class").string(), "-o", gradebook,
                                "--grader", GMMLAB_CONTRACT_GRADER, "-j", "1", "-q"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], nullptr, nullptr, argv.data(), environ), 0);
  // Wait for the first submission's state, then kill the batch as a power cut would.
  const fs::path state = t / "gb-state" / "a-fast.json";
  for (int i = 0; i < 600 && !fs::exists(state); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ASSERT_TRUE(fs::exists(state));
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
  EXPECT_FALSE(fs::exists(t / "gb.csv"));
  // Again: the fast one is not graded again; the slow one now runs past its limit.
  const auto r = course_grade(t / "class", t / "gb.csv", {"--submission-timeout", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("1 of 2 submissions unchanged since the last run"), std::string::npos) << r.err;
  EXPECT_NE(read_file(t / "gb.csv").find("b-slow,0,0,0,0,0,,timed out,grading took longer than 1 s and was stopped"),
            std::string::npos)
      << read_file(t / "gb.csv");
  EXPECT_EQ(processes_left(t.path()), std::vector<std::string>{}) << "a timed-out grader is stopped whole";
}

// Killing the batch (SIGKILL: nothing runs in it any more; SIGTERM: it stops its graders and
// says so) leaves no grader running and nothing they started, even in process groups and
// sessions of their own; the same command again resumes to the gradebook of a run that was
// never killed.
void kill_and_resume(int sig) {
  TempDir t;
  three(t / "class" / "a-fast", "ok", "ok", "ok");
  // Each waits on a process of its own: in a session of its own (as the real grader's sandbox
  // does), in a process group of its own (as its compilers are). 60 s when killed, 0 s after.
  three(t / "class" / "b-session", "SLOW SESSION", "ok", "ok");
  three(t / "class" / "c-group", "ok", "SLOW GROUP", "ok");
  setenv("GMMLAB_CONTRACT_SLOW_SECONDS", "0", 1);
  fs::create_directories(t / "never-killed");
  const auto reference = course_grade(t / "class", t / "never-killed" / "gb.csv");
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const std::string expected = read_file(t / "never-killed" / "gb.csv");
  EXPECT_NE(expected.find("c-group,10,30,30,30,100,100,graded"), std::string::npos) << expected;

  setenv("GMMLAB_CONTRACT_SLOW_SECONDS", "60", 1);
  fs::create_directories(t / "killed");
  const fs::path gradebook = t / "killed" / "gb.csv";
  std::vector<std::string> args{GMMLAB_CLI, "course", "grade", (t / "class").string(), "-o", gradebook.string(),
                                "--grader", GMMLAB_CONTRACT_GRADER, "-j", "3", "-q"};
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 2, (t / "stderr.txt").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  pid_t pid;
  ASSERT_EQ(posix_spawn(&pid, argv[0], &actions, nullptr, argv.data(), environ), 0);
  posix_spawn_file_actions_destroy(&actions);
  // Wait until the fast one is graded and both slow ones wait on their own processes.
  auto sleepers = [&] {
    int n = 0;
    for (const std::string& p : processes_of(t / "killed"))
      if (p.find(" sleep ") != std::string::npos) ++n;
    return n;
  };
  for (int i = 0; i < 1200 && !(fs::exists(t / "killed" / "gb-state" / "a-fast.json") && sleepers() == 2); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  ASSERT_EQ(sleepers(), 2) << fmt::format("{}", fmt::join(processes_of(t / "killed"), "\n"));
  ASSERT_TRUE(fs::exists(t / "killed" / "gb-state" / "a-fast.json"));
  kill(pid, sig);
  int status = 0;
  waitpid(pid, &status, 0);
  if (sig == SIGKILL) {
    EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  } else {
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 1);
    EXPECT_EQ(read_file(t / "stderr.txt"),
              "gmmlab: interrupted after 1 of 3 submissions; run the same command again to grade the rest (what is "
              "graded is kept)\n");
    EXPECT_FALSE(fs::exists(gradebook));
  }
  EXPECT_EQ(processes_left(t / "killed"), std::vector<std::string>{});

  setenv("GMMLAB_CONTRACT_SLOW_SECONDS", "0", 1);
  const auto resumed = course_grade(t / "class", gradebook);
  ASSERT_EQ(resumed.exit_code, 0) << resumed.err;
  EXPECT_NE(resumed.err.find("1 of 3 submissions unchanged since the last run"), std::string::npos) << resumed.err;
  EXPECT_EQ(read_file(gradebook), expected);
  unsetenv("GMMLAB_CONTRACT_SLOW_SECONDS");
}

TEST(CourseGrade, KillingTheBatchKillsItsGradersAndResumes) { kill_and_resume(SIGKILL); }
TEST(CourseGrade, StoppingTheBatchStopsItsGradersAndResumes) { kill_and_resume(SIGTERM); }

// Each bad submission gets its status and one sentence in the gradebook (and its feedback);
// nothing of an archive lands outside its own folder, and the batch grades the rest (exit 0).
TEST(CourseGrade, EachBadSubmissionIsRefusedWithASentenceAndTheBatchGoesOn) {
  TempDir t;
  three(t / "class" / "good", "ok", "ok", "ok");
  make_archive(t / "class" / "absolute.tar.gz", {file("/tmp/gmmlab-batch-evil.cpp", "x")}, false);
  make_archive(t / "class" / "link.zip", {soft_link("zscore.cpp", "/etc/passwd")}, true);
  make_archive(t / "class" / "bomb.zip", {file("zscore.cpp", std::string(40u << 20, '\0'))}, true);
  put(t / "class" / "notazip.zip", "this is not a zip file");
  put(t / "class" / "nosources" / "notes.txt", "I ran out of time");
  fs::create_directories(t / "class" / "emptyfolder");
  three(t / "class" / "linked", "ok", "ok", "ok");
  fs::remove(t / "class" / "linked" / "zscore.cpp");
  fs::create_symlink("/etc/hostname", t / "class" / "linked" / "zscore.cpp");
  fs::create_directories(t / "out");
  const auto r = course_grade(t / "class", t / "out" / "gb.csv");
  ASSERT_EQ(r.exit_code, 0) << r.err;
  const std::string csv = read_file(t / "out" / "gb.csv");
  auto row = [&](const std::string& id) {
    const auto at = csv.find("\r\n" + id + ",");
    return at == std::string::npos ? std::string() : csv.substr(at + 2, csv.find("\r\n", at + 2) - at - 2);
  };
  const std::vector<std::pair<std::string, std::string>> expected{
      {"good", "good,10,30,30,30,100,100,graded,"},
      {"absolute", "absolute,0,0,0,0,0,,refused,refused: it holds an absolute path: /tmp/gmmlab-batch-evil.cpp"},
      {"link", "link,0,0,0,0,0,,refused,refused: it holds a symbolic link: zscore.cpp"},
      {"bomb", "bomb,0,0,0,0,0,,refused,refused: its file zscore.cpp is larger than 4 MB"},
      {"notazip", "notazip,0,0,0,0,0,,refused,refused: "},
      {"nosources", "nosources,0,0,0,0,0,,incomplete files,\"it holds no C++ files at all (no zscore.cpp, e_step.cpp, m_step.cpp)\""},
      {"emptyfolder", "emptyfolder,0,0,0,0,0,,incomplete files,\"it holds no C++ files at all (no zscore.cpp, e_step.cpp, m_step.cpp)\""},
      {"linked", "linked,0,0,0,0,0,,refused,refused: "},
  };
  for (const auto& [id, start] : expected) {
    EXPECT_EQ(row(id).rfind(start, 0), 0u) << id << ": " << row(id);
    EXPECT_NE(read_file(t / "out" / "gb-feedback" / (id + ".txt")).find(id == "good" ? "Total: 100/100" : "Note: "),
              std::string::npos)
        << id;
  }
  EXPECT_FALSE(fs::exists("/tmp/gmmlab-batch-evil.cpp"));
  EXPECT_NE(r.out.find("8 submissions: 1 graded, 2 incomplete files, 5 refused"), std::string::npos) << r.out;
}

TEST(CourseGrade, BadCommandLinesAndFoldersGetOneSentence) {
  TempDir t;
  auto r = course_grade(t / "missing", t / "gb.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gmmlab: submissions folder " + (t / "missing").string() +
                       " does not exist; give the folder that holds one subfolder, .zip or .tar.gz per student\n");
  fs::create_directories(t / "empty");
  r = course_grade(t / "empty", t / "gb.csv");
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gmmlab: " + (t / "empty").string() +
                       " holds no submissions; put one subfolder, .zip or .tar.gz per student in it\n");
  three(t / "class" / "a", "ok", "ok", "ok");
  r = course_grade(t / "class", t / "gb.csv", {"-j", "0"});
  EXPECT_EQ(r.exit_code, 2);
  r = course_grade(t / "class", t / "gb.csv", {"--timeout", "-1"});
  EXPECT_EQ(r.exit_code, 2);
  r = run_command({GMMLAB_CLI, "course", "grade", (t / "class").string(), "-o", (t / "gb.csv").string(), "--grader",
                   (t / "no-such-grader").string()});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.err, "gmmlab: the grader " + (t / "no-such-grader").string() +
                       " does not exist; build gmmlab or give --grader\n");
  EXPECT_FALSE(fs::exists(t / "gb.csv"));
}

// A hung function costs only its own checks, and the gradebook says the marks include
// time-outs: "graded" alone would hide it.
TEST(CourseGrade, TimedOutCallsAreNamedInTheGradebooksNote) {
  TempDir t;
  three(t / "class" / "kim", "ok", "LOOPS FOREVER", "ok");
  fs::create_directories(t / "out");
  const auto g = course_grade(t / "class", t / "out" / "gradebook.csv");
  ASSERT_EQ(g.exit_code, 0) << g.err;
  const std::string csv = read_file(t / "out" / "gradebook.csv");
  EXPECT_NE(csv.find("kim,10,0,30,30,70,100,graded,student code timed out in 1 check (E-step: responsibilities)\r\n"),
            std::string::npos) << csv;
}

TEST(RecognisedMistake, ReadsTheGradersMistakeLine) {
  EXPECT_EQ(gmmlab::course::recognised_mistake(
                "first wrong (0,0)\nThis looks like a known mistake: the answer divides by N - 1. Hint: by N.\n"),
            "divides by N - 1");
  EXPECT_EQ(gmmlab::course::recognised_mistake("expected 1 got 2\n"), "");
}
