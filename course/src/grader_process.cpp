#include "grader_process.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "gmmlab/errors.hpp"

extern char** environ;

namespace gmmlab::course {

namespace {

// ---- what runs in the forked keeper and grader: system calls only ---------------------------
// (the batch may have threads; after fork only async-signal-safe calls are allowed)

constexpr int life_fd = 3;  // the keeper's end of the pipe, moved to a fixed number

// Everything prepared before fork, so that the children only make system calls.
struct Plan {
  const char* program;
  char* const* argv;
  const char* cwd;
  const char* stdout_file;
  const char* stderr_file;
  const char* cannot_exec;  // the line written to stderr_file when exec fails
  std::size_t cannot_exec_size;
};

// SIGKILLs every child of this process (the keeper has one thread, so its thread's list of
// children is all of them).
void kill_children() {
  const int fd = ::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[4096];
  pid_t pid = 0;
  for (ssize_t r; (r = ::read(fd, buf, sizeof buf)) > 0;)
    for (ssize_t i = 0; i < r; ++i) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
      } else {
        if (pid > 0) ::kill(pid, SIGKILL);
        pid = 0;
      }
    }
  if (pid > 0) ::kill(pid, SIGKILL);
  ::close(fd);
}

[[noreturn]] void run_grader(const Plan& plan, pid_t keeper) {
  // Dies with the keeper; if the keeper is gone already, the flag came too late: stop here.
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != keeper) ::_exit(127);
  ::setpgid(0, 0);
  ::close(life_fd);
  const int in = ::open("/dev/null", O_RDONLY);
  const int out = ::open(plan.stdout_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  const int err = ::open(plan.stderr_file, O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || out < 0 || err < 0) ::_exit(126);
  ::dup2(in, 0);
  ::dup2(out, 1);
  ::dup2(err, 2);
  ::close_range(3, ~0U, 0);
  if (::chdir(plan.cwd) == 0) ::execve(plan.program, plan.argv, environ);
  [[maybe_unused]] ssize_t w = ::write(2, plan.cannot_exec, plan.cannot_exec_size);
  ::_exit(1);
}

[[noreturn]] void run_keeper(const Plan& plan, int life_read) {
  // Only the batch may hold the pipe's other end: drop every descriptor inherited from it
  // (other keepers' pipes included, which would otherwise keep them alive).
  if (life_read != life_fd) {
    ::dup2(life_read, life_fd);
    ::close(life_read);
  }
  ::close_range(life_fd + 1, ~0U, 0);
  // Its own group: Ctrl-C at the terminal reaches the batch, which decides.
  ::setpgid(0, 0);
  for (int sig : {SIGINT, SIGTERM, SIGPIPE, SIGHUP}) ::signal(sig, SIG_DFL);
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  const pid_t self = ::getpid();
  const pid_t grader = ::fork();
  if (grader < 0) ::_exit(125);
  if (grader == 0) run_grader(plan, self);

  int status = 0;
  bool ended = false;
  for (;;) {
    if (::waitpid(grader, &status, WNOHANG) == grader) {
      ended = true;
      break;
    }
    struct pollfd pf = {life_fd, POLLIN, 0};
    const int r = ::poll(&pf, 1, 50);
    if (r > 0 && pf.revents != 0) break;  // the batch closed its end or is gone
  }
  // Everything the grader started, wherever its group: its group first, then whatever was
  // re-parented to this subreaper, until none is left.
  if (!ended) {
    ::kill(-grader, SIGKILL);
    ::kill(grader, SIGKILL);
  }
  for (;;) {
    kill_children();
    int ignored = 0;
    const pid_t gone = ::waitpid(-1, &ignored, 0);
    if (gone == grader && !ended) status = ignored;
    if (gone < 0 && errno == ECHILD) break;
  }
  if (!ended) ::_exit(124);  // stopped by the batch, which knows why
  if (WIFSIGNALED(status)) {
    // End the way the grader ended, so that the batch can say "killed by signal N".
    const struct rlimit no_core = {0, 0};
    ::setrlimit(RLIMIT_CORE, &no_core);
    ::signal(WTERMSIG(status), SIG_DFL);
    sigset_t all;
    sigemptyset(&all);
    sigaddset(&all, WTERMSIG(status));
    ::sigprocmask(SIG_UNBLOCK, &all, nullptr);
    ::kill(self, WTERMSIG(status));
    ::_exit(128 + WTERMSIG(status));
  }
  ::_exit(WEXITSTATUS(status));
}

}  // namespace

GraderProcess::GraderProcess(const std::vector<std::string>& args, const std::filesystem::path& work,
                             const std::filesystem::path& stdout_file, const std::filesystem::path& stderr_file) {
  std::vector<std::string> a = args;
  std::vector<char*> argv;
  for (std::string& s : a) argv.push_back(s.data());
  argv.push_back(nullptr);
  const std::string cwd = work.string(), out = stdout_file.string(), err = stderr_file.string();
  const std::string cannot_exec =
      fmt::format("gmmlab: cannot run the grader {}; give --grader an executable gmmlab program\n", args.at(0));
  const Plan plan{a[0].c_str(), argv.data(),         cwd.c_str(), out.c_str(), err.c_str(), cannot_exec.c_str(),
                  cannot_exec.size()};
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw Error(fmt::format("cannot start the grader: {}; too many open files?", std::strerror(errno)));
  const pid_t pid = ::fork();
  if (pid < 0) {
    const int e = errno;
    ::close(fds[0]);
    ::close(fds[1]);
    throw Error(fmt::format("cannot start the grader: {}; too many processes?", std::strerror(e)));
  }
  if (pid == 0) {
    ::close(fds[1]);
    run_keeper(plan, fds[0]);
  }
  ::close(fds[0]);
  keeper_ = pid;
  life_ = fds[1];
}

GraderProcess::GraderProcess(GraderProcess&& other) noexcept : keeper_(other.keeper_), life_(other.life_) {
  other.keeper_ = -1;
  other.life_ = -1;
}

GraderProcess::~GraderProcess() { stop(); }

bool GraderProcess::ended(int& wait_status) {
  if (keeper_ < 0) return false;
  if (::waitpid(keeper_, &wait_status, WNOHANG) != keeper_) return false;
  keeper_ = -1;
  if (life_ >= 0) ::close(life_), life_ = -1;
  return true;
}

void GraderProcess::stop() {
  if (life_ >= 0) ::close(life_), life_ = -1;  // the keeper kills and reaps everything, then exits
  if (keeper_ >= 0) {
    int ignored = 0;
    while (::waitpid(keeper_, &ignored, 0) < 0 && errno == EINTR) {
    }
    keeper_ = -1;
  }
}

}  // namespace gmmlab::course
