// Hostile submissions of our own, graded through every path that runs submitted code (`gmmlab
// grade`, `gmmlab course grade`, `gmmlab course autograde` as Gradescope runs it), as the user
// running the tests and, when that is root, as the ordinary user nobody and with the host's
// walls lowered (GMMLAB_ISOLATION). Each rule of grader/sandbox/README.md ("student code
// cannot ...") is tried by a submission here; the test looks at the effect, not at the attempt's
// own words: the files it aimed at, the listeners it tried to reach, the processes it left.
#include <gtest/gtest.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pwd.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <regex>
#include <thread>
#include <nlohmann/json.hpp>

#include "gmmlab/testing/support.hpp"

namespace fs = std::filesystem;
using gmmlab::testing::CommandResult;
using gmmlab::testing::eventually;
using gmmlab::testing::processes_named;
using gmmlab::testing::read_file;
using gmmlab::testing::run_command;
using gmmlab::testing::StartedCommand;
using gmmlab::testing::TempDir;
using gmmlab::testing::write_file;

namespace {

const fs::path kHostile = GMMLAB_HOSTILE_SUBMISSIONS;
const fs::path kSolution = GMMLAB_SOLUTION_DIR;
const fs::path kCheckout = GMMLAB_SOURCE_DIR;

bool running_as_root() { return ::geteuid() == 0; }

// Who grades: the prefix that runs the grader as that user with those walls.
struct Grader {
  std::string name;
  bool as_nobody = false;
  std::string isolation;  // GMMLAB_ISOLATION, empty: the strongest the host allows
};

std::ostream& operator<<(std::ostream& o, const Grader& g) { return o << g.name; }

const Grader kGraders[] = {
    {"AsTheTester", false, ""},
    {"AsRootWithoutUserNamespaces", false, "uid"},
    {"AsNobody", true, ""},
    {"AsNobodyWithoutUserNamespaces", true, "weak"},
};

// Process names are 15 bytes; each test's own tag keeps tests running at once apart.
std::string new_tag() {
  static int count = 0;
  return std::to_string(::getpid() % 100000) + char('a' + count++ % 26);
}

// Processes whose working folder is inside `folder`: a compiler left running in its scratch.
std::vector<pid_t> processes_working_in(const fs::path& folder) {
  std::vector<pid_t> found;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator("/proc", ec)) {
    const std::string name = e.path().filename();
    if (name.find_first_not_of("0123456789") != std::string::npos || std::stoi(name) == ::getpid()) continue;
    const fs::path cwd = fs::read_symlink(e.path() / "cwd", ec);
    if (!ec && cwd.string().rfind(folder.string(), 0) == 0) found.push_back(std::stoi(name));
  }
  return found;
}

std::string listing(const fs::path& folder) {
  std::string s;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(folder, ec)) {
    struct stat st {};
    ::lstat(e.path().c_str(), &st);
    s += e.path().string() + " " + std::to_string(st.st_mode) + " " + std::to_string(st.st_uid);
    if (S_ISREG(st.st_mode)) {
      s += ' ';  // not " " + string: GCC 12's false -Wrestrict
      s += read_file(e.path());
    }
    s += "\n";
  }
  return s;
}

class Hostile : public ::testing::TestWithParam<Grader> {
 protected:
  void SetUp() override {
    const Grader& g = GetParam();
    if ((g.as_nobody || g.isolation == "uid") && !running_as_root())
      GTEST_SKIP() << g.name << " needs the tests to run as root (to become nobody, or to have a uid to give)";
    tag_ = new_tag();
    fs::permissions(dir_.path(), fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec |
                                     fs::perms::others_read | fs::perms::others_exec);
    if (g.as_nobody) {
      const passwd* nobody = ::getpwnam("nobody");
      ASSERT_NE(nobody, nullptr) << "this host has no user nobody";
      nobody_uid_ = nobody->pw_uid;
      // The grader as nobody must reach itself, its build and the solution the tests copy from.
      const auto r = run_command({"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--",
                                  "/usr/bin/test", "-x", GMMLAB_CLI, "-a", "-r", (kSolution / "zscore.cpp").string()});
      if (r.exit_code != 0)
        GTEST_SKIP() << "nobody cannot reach " << GMMLAB_CLI << " (a folder above it is closed to other users)";
    }
    // The victim: a folder anyone may write (so only the sandbox can keep the student out), a
    // secret anyone may read, a file anyone may change.
    victim_ = dir_ / "victim";
    fs::create_directories(victim_);
    fs::permissions(victim_, fs::perms::all);
    write_file(victim_ / "secret.txt", "SECRET-" + tag_);
    write_file(victim_ / "victim.txt", "VICTIM-" + tag_);
    fs::permissions(victim_ / "victim.txt", fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read |
                                                fs::perms::group_write | fs::perms::others_read | fs::perms::others_write);
    listen_on_loopback();
    tmp_ = dir_ / "tmp";
    fs::create_directories(tmp_);
    if (g.as_nobody) {
      ASSERT_EQ(::chown(tmp_.c_str(), nobody_uid_, nobody_uid_), 0);
    }
  }

  void TearDown() override {
    for (int fd : {tcp_, udp_, unix_})
      if (fd >= 0) ::close(fd);
  }

  void listen_on_loopback() {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof a;
    tcp_ = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_EQ(::bind(tcp_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ASSERT_EQ(::listen(tcp_, 8), 0);
    ::getsockname(tcp_, reinterpret_cast<sockaddr*>(&a), &len);
    tcp_port_ = ntohs(a.sin_port);
    a.sin_port = 0;
    udp_ = ::socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
    ASSERT_EQ(::bind(udp_, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
    ::getsockname(udp_, reinterpret_cast<sockaddr*>(&a), &len);
    udp_port_ = ntohs(a.sin_port);
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    const std::string path = (victim_ / "listener.sock").string();
    ASSERT_LT(path.size(), sizeof un.sun_path);
    std::copy(path.begin(), path.end(), un.sun_path);
    unix_ = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
    ASSERT_EQ(::bind(unix_, reinterpret_cast<sockaddr*>(&un), sizeof un), 0);
    ASSERT_EQ(::listen(unix_, 8), 0);
    ::chmod(path.c_str(), 0777);
  }

  // Nothing reached the listeners.
  void expect_no_connection() {
    EXPECT_LT(::accept(tcp_, nullptr, nullptr), 0) << "a TCP connection reached the tester's listener";
    char b[16];
    EXPECT_LT(::recv(udp_, b, sizeof b, MSG_DONTWAIT), 0) << "a UDP datagram reached the tester's socket";
    EXPECT_LT(::accept(unix_, nullptr, nullptr), 0) << "a unix-socket connection reached the tester's listener";
  }

  std::string substitute(std::string text, const fs::path& submission) const {
    const std::pair<std::string, std::string> names[] = {
        {"@VICTIM@", victim_.string()}, {"@CHECKOUT@", kCheckout.string()}, {"@TAG@", tag_},
        {"@TCP@", std::to_string(tcp_port_)}, {"@UDP@", std::to_string(udp_port_)},
        {"@SUBMISSION@", submission.string()}};
    for (const auto& [from, to] : names)
      for (auto at = text.find(from); at != std::string::npos; at = text.find(from, at + to.size()))
        text.replace(at, from.size(), to);
    return text;
  }

  // The solution with the hostile folder's files in place of its own: every point it loses is
  // the attack's.
  fs::path submission(const std::string& hostile, const fs::path& where) const {
    fs::create_directories(where);
    for (const auto& e : fs::directory_iterator(kSolution)) fs::copy_file(e.path(), where / e.path().filename());
    for (const auto& e : fs::directory_iterator(kHostile / hostile))
      if (e.path().extension() == ".cpp")
        write_file(where / e.path().filename(), substitute(read_file(e.path()), where));
    return where;
  }

  // argv that runs `args` as the grader of this test: its user, its walls, its TMPDIR, and an
  // environment variable that must not reach student code.
  std::vector<std::string> as_grader(std::vector<std::string> args) const {
    const Grader& g = GetParam();
    std::vector<std::string> argv{"/usr/bin/env", "TMPDIR=" + tmp_.string(), "GMMLAB_HOSTILE_SECRET=ENV-" + tag_};
    if (!g.isolation.empty()) argv.push_back("GMMLAB_ISOLATION=" + g.isolation);
    if (g.as_nobody) argv.insert(argv.end(), {"/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"});
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

  // A folder the grader (perhaps nobody) may write its reports into.
  fs::path out_folder(const std::string& name) const {
    const fs::path out = dir_ / name;
    fs::create_directories(out);
    if (GetParam().as_nobody) {
      EXPECT_EQ(::chown(out.c_str(), nobody_uid_, nobody_uid_), 0);
    }
    return out;
  }

  // Nothing the attacks aimed at changed; nothing they stole shows anywhere; nothing they
  // started is left.
  void expect_contained(const std::string& everything_shown, const std::string& victim_before) {
    EXPECT_EQ(listing(victim_), victim_before) << "the victim folder changed";
    for (const fs::path& p : {fs::path("/tmp"), fs::path("/var/tmp"), fs::path("/dev/shm"), fs::path("/root"),
                              kCheckout, dir_.path(), tmp_})
      EXPECT_FALSE(fs::exists(p / ("gmmlab-hostile-" + tag_))) << "student code wrote into " << p;
    // (What student code reads of its own box, /proc/1/environ of its PID namespace say, is its
    // own: the grader's environment, the secret and the solution are what must not show.)
    for (const std::string& stolen : {"SECRET-" + tag_, "ENV-" + tag_, std::string("SOLUTION Exercise 1")})
      EXPECT_EQ(everything_shown.find(stolen), std::string::npos)
          << "'" << stolen << "' reached a report: "
          << everything_shown.substr(everything_shown.find(stolen) < 200 ? 0 : everything_shown.find(stolen) - 200, 600);
    expect_no_connection();
    EXPECT_TRUE(eventually([&] { return processes_named("gmmsv" + tag_).empty(); }, 5))
        << "a process of the student's outlived the grading";
  }

  std::string victim_listing() const { return listing(victim_); }

  TempDir dir_;
  fs::path victim_, tmp_;
  std::string tag_;
  uid_t nobody_uid_ = 0;
  int tcp_ = -1, udp_ = -1, unix_ = -1, tcp_port_ = 0, udp_port_ = 0;
};

std::string everything(const CommandResult& r, const std::vector<fs::path>& files) {
  std::string s = r.out + r.err;
  std::error_code ec;
  for (const fs::path& f : files) {
    if (fs::is_directory(f, ec)) {
      for (const auto& e : fs::recursive_directory_iterator(f, ec))
        if (e.is_regular_file()) s += read_file(e.path());
    } else if (fs::exists(f, ec)) {
      s += read_file(f);
    }
  }
  return s;
}

// "forked 63" in the attack's report: the processes it managed to start at once.
long reported(const std::string& out, const std::string& what) {
  std::smatch m;
  const std::regex re(what + " ([0-9]+)");
  return std::regex_search(out, m, re) ? std::stol(m[1]) : -1;
}

TEST_P(Hostile, GradeRuntimeAttacksChangeNothingAndTheReportsAreTheGradersOwn) {
  const fs::path sub = submission("runtime", dir_ / "submission");
  const std::string sub_before = listing(sub), victim_before = victim_listing();
  const fs::path out = out_folder("out");
  const auto r = run_command(as_grader({GMMLAB_CLI, "grade", sub.string(), "--json", (out / "results.json").string(),
                                        "--junit", (out / "report.xml").string()}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.find("Isolation: "), r.out.find('\n') + 1) << "the walls are named at the top: " << r.out;
  if (!GetParam().isolation.empty()) {
    EXPECT_NE(r.out.find(GetParam().isolation == "weak" ? "WEAK" : "no user namespaces"), std::string::npos) << r.out;
  }
  // Only the Z-score's 18 points are lost, and the reports are the grader's.
  EXPECT_NE(r.out.find("Total: 70/88"), std::string::npos) << r.out;
  const auto j = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(j["score"], 70);
  EXPECT_EQ(j["output"].get<std::string>().rfind("Isolation: ", 0), 0u);
  EXPECT_NE(read_file(out / "report.xml").find("name=\"isolation\""), std::string::npos);
  // The attack ran (its report is in the Z-score checks' lines) and was bounded.
  ASSERT_NE(r.out.find("hostile report"), std::string::npos) << r.out;
  const long forked = reported(r.out, "forked"), threads = reported(r.out, "threads");
  // WEAK's cap is the user's RLIMIT_NPROC, set to 64 more than the user's tasks when the call
  // starts: a task of that user (the grader's own threads included) that ends during the call
  // frees its place, so the bound there is 64 and a few (CI saw 65 under the sanitizers).
  const long cap = GetParam().isolation == "weak" ? 64 + 8 : 64;
  EXPECT_GE(forked, 0) << r.out;
  EXPECT_LE(forked, cap) << r.out;
  EXPECT_LE(threads, cap) << r.out;
  EXPECT_EQ(listing(sub), sub_before) << "the submission changed";
  expect_contained(everything(r, {out}), victim_before);
}

TEST_P(Hostile, GradeCompileAttacksAreRefusedWithoutQuotingWhatTheyAimedAt) {
  const std::string victim_before = victim_listing();
  // An #include by absolute path and one through a macro: one sentence each, naming file and
  // line, before the compiler runs.
  const fs::path sub = submission("compile", dir_ / "submission");
  const auto r = run_command(as_grader({GMMLAB_CLI, "grade", sub.string()}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("zscore.cpp:3: error: '#include \"" + kCheckout.string() + "/instructor/solution/zscore.cpp\"' is refused"),
            std::string::npos) << r.out;
  EXPECT_NE(r.out.find("e_step.cpp:3: error: '#include SECRET_FILE' is refused"), std::string::npos) << r.out;
  // The M-step's 22 points and the 3 of EM with the reference E-step and that M-step.
  EXPECT_NE(r.out.find("Total: 25/88"), std::string::npos) << r.out;
  // The assembler's .incbin: the file is not in the compile's view.
  const fs::path incbin = submission("incbin", dir_ / "incbin");
  const auto i = run_command(as_grader({GMMLAB_CLI, "grade", incbin.string()}));
  ASSERT_EQ(i.exit_code, 0) << i.out << i.err;
  EXPECT_NE(i.out.find("zscore.cpp does not compile"), std::string::npos) << i.out;
  EXPECT_NE(i.out.find("Total: 70/88"), std::string::npos) << i.out;
  expect_contained(everything(r, {}) + everything(i, {}), victim_before);
  EXPECT_EQ((r.out + i.out).find("LEAKED"), std::string::npos);
}

TEST_P(Hostile, CourseGradeKeepsEveryStudentsMarksAndTheGradebookTheGradersOwn) {
  const fs::path cls = dir_ / "class";
  submission("runtime", cls / "mallory");
  submission("compile", cls / "oscar");
  fs::create_directories(cls / "alice");
  for (const auto& e : fs::directory_iterator(kSolution)) fs::copy_file(e.path(), cls / "alice" / e.path().filename());
  const std::string victim_before = victim_listing();
  const fs::path out = out_folder("grades");
  const fs::path gradebook = out / "gradebook.csv";
  const auto r = run_command(as_grader({GMMLAB_CLI, "course", "grade", cls.string(), "-o", gradebook.string(), "-j", "2",
                                        "--allow-weak-isolation"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  EXPECT_EQ(r.out.rfind("Isolation: ", 0), 0u) << r.out;
  const std::string book = read_file(gradebook);
  // Each row ends with total, max, status: alice full marks, mallory 100 less the Z-score's 18
  // public and 3 hidden points, oscar's nothing compiled.
  EXPECT_TRUE(std::regex_search(book, std::regex("\nalice,[0-9,]*,100,100,graded,\r?\n"))) << book;
  EXPECT_TRUE(std::regex_search(book, std::regex("\nmallory,[0-9,]*,79,100,graded,\r?\n"))) << book;
  EXPECT_TRUE(std::regex_search(book, std::regex("\noscar,[0-9,]*,did not compile,"))) << book;
  expect_contained(everything(r, {out}), victim_before);
}

TEST_P(Hostile, GradescopeResultsAreTheGradersOwn) {
  const fs::path sub = submission("runtime", dir_ / "submission");
  const std::string victim_before = victim_listing();
  const fs::path out = out_folder("results");
  const auto r = run_command(as_grader({GMMLAB_CLI, "course", "autograde", sub.string(), "--hidden", "--gradescope",
                                        (out / "results.json").string(), "--allow-weak-isolation"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  const auto j = nlohmann::json::parse(read_file(out / "results.json"));
  EXPECT_EQ(j["score"], 79) << j.dump();  // 100 less the Z-score's 18 public and 3 hidden points
  EXPECT_EQ(j["output"].get<std::string>().rfind("Isolation: ", 0), 0u) << j["output"];
  expect_contained(everything(r, {out}), victim_before);
}

#ifdef GMMLAB_VIEWER
// The viewer's student lane runs a submission's code as the grader does: the same attack, run
// from the Z-score the lane calls at its start, leaves the viewer and its state file its own.
TEST_P(Hostile, ViewerStudentLaneKeepsTheWindowAndItsFilesItsOwn) {
  const fs::path sub = submission("runtime", dir_ / "submission");
  const std::string sub_before = listing(sub), victim_before = victim_listing();
  const fs::path out = out_folder("viewer");
  const fs::path state = out / "state.json";
  // xvfb-run's own exit code is not always the viewer's (its clean-up can fail): the viewer's
  // goes to a file. Each test starts its search for a free display elsewhere.
  const std::string first_display = std::to_string(100 + ::getpid() % 800);
  const auto r = run_command(
      as_grader({GMMLAB_XVFB_RUN, "-a", "-n", first_display, "-s", "-screen 0 1280x800x24", "/bin/sh", "-c",
                 "\"$0\" \"$@\"; echo $? > viewer-exit-code", GMMLAB_VIEWER, "--impl", "student", "--student",
                 sub.string(), "--state-file", state.string(), "--script", "step 2; screenshot " + (out / "shot.png").string()}),
      out);
  EXPECT_EQ(read_file(out / "viewer-exit-code"), "0\n") << r.out << r.err;
  EXPECT_NE(r.err.find("gmmlab-viewer: Isolation: "), std::string::npos) << "the walls are named: " << r.err;
  const auto j = nlohmann::json::parse(read_file(state));
  ASSERT_EQ(j["lanes"].size(), 1u) << j.dump(2);
  // The attack ran (its report is the lane's message) and the lane says it stopped.
  EXPECT_NE(j["lanes"][0]["message"].get<std::string>().find("hostile report"), std::string::npos) << j.dump(2);
  EXPECT_TRUE(fs::exists(out / "shot.png"));
  EXPECT_EQ(listing(sub), sub_before) << "the submission changed";
  expect_contained(everything(r, {out}), victim_before);
}
#endif

INSTANTIATE_TEST_SUITE_P(Graders, Hostile, ::testing::ValuesIn(kGraders),
                         [](const auto& info) { return info.param.name; });

// The rest as the user running the tests only: each costs a compile or a wait, and the walls
// they test are the limits and the process tree, the same for every user.
class HostileAsTheTester : public Hostile {};

TEST_P(HostileAsTheTester, CompileBombsEndAtTheirLimitsAndCostOnlyTheirFiles) {
  const fs::path sub = submission("bombs", dir_ / "submission");
  const auto r = run_command(
      as_grader({GMMLAB_CLI, "grade", sub.string(), "--compile-timeout", "8", "--compile-memory", "768"}));
  // Every file fails, so nothing compiles: one sentence, exit 1, and no compiler left running.
  EXPECT_EQ(r.exit_code, 1) << r.out << r.err;
  EXPECT_NE(r.err.find("nothing in the submission " + sub.string() + " compiles (first error: "), std::string::npos)
      << r.err;
  EXPECT_TRUE(eventually([&] { return processes_working_in(tmp_).empty(); }, 5)) << "a compiler outlived the grading";
}

TEST_P(HostileAsTheTester, ACompileThatRunsPastItsTimeCostsOnlyItsFileInOneSentence) {
  const fs::path sub = submission("slow_compile", dir_ / "submission");
  // The limit sits far above what an honest file needs on a loaded machine under the sanitizers
  // (CI saw 9 s for m_step.cpp with a 3 s limit) and far below the minutes slow_compile needs.
  const auto r = run_command(as_grader({GMMLAB_CLI, "grade", sub.string(), "--compile-timeout", "40"}));
  ASSERT_EQ(r.exit_code, 0) << r.out << r.err;
  // Wall clock or CPU, whichever limit the compiler reaches first: both are 40 s.
  EXPECT_TRUE(std::regex_search(r.out, std::regex("zscore.cpp does not compile[^]*error: the compiler "
                                                   "(took longer than 40 s|used more than 40 s of CPU) on this file")))
      << r.out;
  EXPECT_NE(r.out.find("Total: 70/88"), std::string::npos) << r.out;
  EXPECT_TRUE(eventually([&] { return processes_working_in(tmp_).empty(); }, 5)) << "a compiler outlived the grading";
}

TEST_P(HostileAsTheTester, AFifoOrALinkInTheSubmissionIsOneSentenceAndNothingWaits) {
  const fs::path fifo_sub = submission("compile", dir_ / "fifo");
  fs::remove(fifo_sub / "student.hpp");
  ASSERT_EQ(::mkfifo((fifo_sub / "student.hpp").c_str(), 0644), 0);
  const auto f = run_command(as_grader({GMMLAB_CLI, "grade", fifo_sub.string()}));
  EXPECT_EQ(f.exit_code, 1) << f.out << f.err;
  EXPECT_NE(f.err.find("student.hpp"), std::string::npos) << f.err;
  const fs::path link_sub = submission("compile", dir_ / "link");
  fs::remove(link_sub / "zscore.cpp");
  fs::create_symlink(victim_ / "secret.txt", link_sub / "zscore.cpp");
  const auto l = run_command(as_grader({GMMLAB_CLI, "grade", link_sub.string()}));
  EXPECT_EQ(l.exit_code, 1) << l.out << l.err;
  EXPECT_NE(l.err.find("zscore.cpp in the submission " + link_sub.string() + " is a symbolic link"), std::string::npos)
      << l.err;
  EXPECT_EQ((f.out + f.err + l.out + l.err).find("SECRET-" + tag_), std::string::npos);
}

// Stops the grader (SIGKILL, SIGTERM or Ctrl-C's SIGINT) once `started` holds, then expects
// every process of the submission gone.
template <class Started, class Left>
void stop_and_expect_nothing_left(StartedCommand& grader, int signal, Started started, Left left) {
  ASSERT_TRUE(eventually(started, 300)) << "the hostile submission never started";
  ASSERT_EQ(::kill(grader.pid(), signal), 0);
  grader.wait();
  EXPECT_TRUE(eventually([&] { return left().empty(); }, 5)) << "a process of the submission outlived the grader";
}

TEST_P(HostileAsTheTester, KillingOrStoppingTheGraderMidCallEndsTheStudentsCode) {
  const fs::path sub = submission("hang", dir_ / "submission");
  for (int signal : {SIGKILL, SIGTERM, SIGINT}) {
    const auto hanging = [&] { return processes_named("gmmhg" + tag_); };
    StartedCommand grader(as_grader({GMMLAB_CLI, "grade", sub.string(), "--timeout", "300"}), {},
                          gmmlab::testing::ChildStderr::captured);
    stop_and_expect_nothing_left(grader, signal, [&] { return !hanging().empty(); }, hanging);
  }
}

TEST_P(HostileAsTheTester, KillingOrStoppingTheGraderMidCompileEndsTheCompiler) {
  const fs::path sub = submission("slow_compile", dir_ / "submission");
  for (int signal : {SIGKILL, SIGTERM}) {
    const auto compiling = [&] { return processes_working_in(tmp_); };
    // Stopped once GCC's compiler proper is at work in the build folder, not merely its driver.
    const auto compiler_at_work = [&] {
      for (pid_t p : compiling())
        if (read_file("/proc/" + std::to_string(p) + "/comm") == "cc1plus\n") return true;
      return false;
    };
    StartedCommand grader(as_grader({GMMLAB_CLI, "grade", sub.string()}), {}, gmmlab::testing::ChildStderr::captured);
    stop_and_expect_nothing_left(grader, signal, compiler_at_work, compiling);
  }
}

TEST_P(HostileAsTheTester, KillingTheBatchEndsEveryStudentsCode) {
  const fs::path cls = dir_ / "class";
  submission("hang", cls / "henry");
  const fs::path out = out_folder("grades");
  const auto hanging = [&] { return processes_named("gmmhg" + tag_); };
  StartedCommand batch(as_grader({GMMLAB_CLI, "course", "grade", cls.string(), "-o", (out / "gradebook.csv").string(),
                                  "--allow-weak-isolation"}),
                       {}, gmmlab::testing::ChildStderr::captured);
  stop_and_expect_nothing_left(batch, SIGKILL, [&] { return !hanging().empty(); }, hanging);
}

INSTANTIATE_TEST_SUITE_P(Graders, HostileAsTheTester, ::testing::Values(kGraders[0]),
                         [](const auto& info) { return info.param.name; });

}  // namespace
