// Supervised: fork a supervisor, which starts one confined program and cleans up after it.
#include "supervisor.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "gmmlab/errors.hpp"

namespace gmmlab::sandbox_detail {

void Fd::reset(int fd) {
  if (fd_ >= 0) ::close(fd_);
  fd_ = fd;
}

Pipe make_pipe() {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0)
    throw Error(fmt::format("cannot create a pipe to run student code: {}; too many open files?", std::strerror(errno)));
  return {Fd(fds[0]), Fd(fds[1])};
}

void set_nonblocking(int fd) { ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK); }

std::string signal_sentence(int sig) {
  const char* abbrev = ::sigabbrev_np(sig);
  const std::string name = abbrev ? fmt::format("SIG{}", abbrev) : fmt::format("signal {}", sig);
  switch (sig) {
    case SIGSEGV: return name + " (an invalid memory access, e.g. an index out of range or a stack overflow)";
    case SIGBUS: return name + " (an invalid memory access)";
    case SIGABRT: return name + " (abort() was called, e.g. by a failed assert)";
    case SIGFPE: return name + " (an arithmetic error, e.g. an integer division by zero)";
    case SIGILL: return name + " (an illegal instruction)";
    case SIGKILL: return name + " (killed from outside, e.g. because the machine ran out of memory)";
    case SIGXCPU: return name + " (it used more CPU time than the sandbox allows)";
    case SIGXFSZ: return name + " (it wrote a file larger than the sandbox allows)";
    default: return name;
  }
}

namespace {

// ---- what runs in the forked children: async-signal-safe only ---------------------------

// Fixed descriptor numbers in the supervisor, above anything the grader is likely to use and
// apart from the Confinement's own; everything else is closed.
constexpr int kMaxFds = 4, fd_first = 1000, fd_stop = 1010, fd_status = 1011;
constexpr rlim_t kFdRoom = 4096;  // open files the supervisor asks for: the numbers above and room to move them

struct Plan {
  const char* program;
  char* const* argv;
  char* const* envp;
  const char* cwd;
  int fd_count;
  const Confinement* confinement;
  int exec_error = 0;  // written by the vfork child (shared memory) when it cannot start
};

[[noreturn]] void run_program(Plan& plan) {
  ::setpgid(0, 0);
  // The program starts with default signal handling, whatever the grader ignores.
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGQUIT, SIGHUP, SIGCHLD, SIGUSR1, SIGUSR2}) ::signal(sig, SIG_DFL);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);
  for (int i = 0; i < plan.fd_count; ++i)
    if (::dup2(fd_first + i, i) < 0) {
      plan.exec_error = errno;
      ::_exit(127);
    }
  ::close_range(static_cast<unsigned>(plan.fd_count), Confinement::kLandlockFd - 1, 0);
  ::close_range(Confinement::kSeccompFd + 1, ~0U, 0);
  if (::chdir(plan.cwd) != 0 || (plan.exec_error = plan.confinement->apply_in_child()) != 0) {
    if (plan.exec_error == 0) plan.exec_error = errno;
    ::_exit(127);
  }
  ::execve(plan.program, plan.argv, plan.envp);
  plan.exec_error = errno;
  ::_exit(127);
}

// Parses the decimal pids in /proc/thread-self/children and SIGKILLs each (the supervisor has
// one thread, so its thread's children are all of them).
void kill_children() {
  const int fd = ::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[4096];
  long pid = 0;
  for (ssize_t r; (r = ::read(fd, buf, sizeof buf)) > 0;)
    for (ssize_t i = 0; i < r; ++i) {
      if (buf[i] >= '0' && buf[i] <= '9') {
        pid = pid * 10 + (buf[i] - '0');
      } else {
        if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
        pid = 0;
      }
    }
  if (pid > 0) ::kill(static_cast<pid_t>(pid), SIGKILL);
  ::close(fd);
}

[[noreturn]] void run_supervisor(Plan& plan, const int* fds, int stop, int status, int seccomp) {
  // Fixed numbers first (dup2 clears close-on-exec; the sources may be anywhere), then close
  // every other descriptor the grader had open, including other calls' pipes.
  int sources[kMaxFds + 4], targets[kMaxFds + 4], n = 0;
  for (int i = 0; i < plan.fd_count; ++i) sources[n] = fds[i], targets[n++] = fd_first + i;
  sources[n] = stop, targets[n++] = fd_stop;
  sources[n] = status, targets[n++] = fd_status;
  if (plan.confinement->landlock_fd() >= 0) sources[n] = plan.confinement->landlock_fd(), targets[n++] = Confinement::kLandlockFd;
  if (seccomp >= 0) sources[n] = seccomp, targets[n++] = Confinement::kSeccompFd;
  // Moved above every target first, so that no dup2 below closes a source still to be moved.
  // The numbers need room: a login shell's soft limit of 1024 open files leaves too little
  // (every dup failed, and the program never ran), and any process may raise it to the hard one.
  rlimit files{};
  if (::getrlimit(RLIMIT_NOFILE, &files) == 0 && files.rlim_cur < kFdRoom) {
    files.rlim_cur = std::min<rlim_t>(files.rlim_max, kFdRoom);
    ::setrlimit(RLIMIT_NOFILE, &files);
  }
  int moved[kMaxFds + 4];
  for (int i = 0; i < n; ++i)
    if ((moved[i] = ::fcntl(sources[i], F_DUPFD, fd_status + 1)) < 0) ::_exit(125);  // no report: see finish()
  for (int i = 0; i < n; ++i)
    if (::dup2(moved[i], targets[i]) < 0) ::_exit(125);
  ::close_range(3, Confinement::kLandlockFd - 1, 0);
  ::close_range(Confinement::kSeccompFd + 1, fd_first - 1, 0);
  ::close_range(fd_first + plan.fd_count, fd_stop - 1, 0);
  ::close_range(fd_status + 1, ~0U, 0);
  ::setsid();
  ::prctl(PR_SET_CHILD_SUBREAPER, 1);
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a backstop: the stop pipe already tells it
  ::prctl(PR_SET_DUMPABLE, 0);          // the program, whatever uid it runs as, cannot attach to it
  ::signal(SIGPIPE, SIG_IGN);

  // vfork: the program borrows this process's memory until it execs (only system calls run in
  // between, and run_program never returns), which spares copying the grader's page tables twice.
  const pid_t program = ::vfork();
  if (program < 0) ::_exit(125);
  if (program == 0) run_program(plan);
  for (int i = 0; i < plan.fd_count; ++i) ::close(fd_first + i);
  if (plan.confinement->landlock_fd() >= 0) ::close(Confinement::kLandlockFd);
  if (seccomp >= 0) ::close(Confinement::kSeccompFd);

  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, program, 0));
  int wait_status = 0;
  bool reaped = false;
  std::int32_t ended_by_itself = 0;
  for (;;) {
    struct pollfd pf[2] = {{fd_stop, POLLIN, 0}, {pidfd, POLLIN, 0}};
    // Without a pidfd (old kernels) look at the program every 20 ms.
    const int r = ::poll(pf, pidfd >= 0 ? 2 : 1, pidfd >= 0 ? -1 : 20);
    if (r < 0 && errno == EINTR) continue;
    if (pf[0].revents != 0 || pidfd < 0 || pf[1].revents != 0) {
      if (::waitpid(program, &wait_status, WNOHANG) == program) {
        reaped = true;
        ended_by_itself = 1;
        break;
      }
      if (pf[0].revents != 0) break;  // the grader is done with this program (or gone)
    }
  }
  ::kill(-program, SIGKILL);
  if (!reaped) ::kill(program, SIGKILL);
  if (!reaped && ::waitpid(program, &wait_status, 0) == program) reaped = true;
  // Everything else the program started: its group is dead; processes that left the group
  // (setsid, setpgid) were re-parented to this subreaper. Kill and reap until none is left.
  for (;;) {
    kill_children();
    int ignored = 0;
    const pid_t gone = ::waitpid(-1, &ignored, 0);
    if (gone < 0 && errno == ECHILD) break;
  }
  // bubblewrap reports a program killed by signal N as exit code 128 + N.
  if (ended_by_itself && plan.confinement->through_bubblewrap() && WIFEXITED(wait_status) &&
      WEXITSTATUS(wait_status) > 128 && WEXITSTATUS(wait_status) < 128 + 65)
    wait_status = WEXITSTATUS(wait_status) - 128;
  const std::int32_t report[3] = {ended_by_itself, wait_status, plan.exec_error};
  [[maybe_unused]] ssize_t w = ::write(fd_status, report, sizeof report);
  ::_exit(0);
}

}  // namespace

Supervised::Supervised(const Confinement& confinement, const std::vector<std::string>& argv, const std::string& cwd,
                       const std::vector<int>& fds) {
  if (fds.size() > kMaxFds) throw Error("a sandboxed program gets at most four descriptors");
  // Everything the children need, prepared before fork (no allocation after it).
  std::vector<std::string> args = confinement.argv();
  args.insert(args.end(), argv.begin(), argv.end());
  std::vector<char*> argp, envp;
  for (std::string& a : args) argp.push_back(a.data());
  argp.push_back(nullptr);
  std::vector<std::string> env = confinement.env();
  for (std::string& e : env) envp.push_back(e.data());
  envp.push_back(nullptr);
  Plan plan{argp[0], argp.data(), envp.data(), cwd.c_str(), static_cast<int>(fds.size()), &confinement};
  Pipe stop = make_pipe(), status = make_pipe();
  const Fd seccomp(confinement.open_seccomp_program());
  supervisor_ = ::fork();
  if (supervisor_ < 0)
    throw Error(fmt::format("cannot start a process for student code: {}; too many processes?", std::strerror(errno)));
  if (supervisor_ == 0) run_supervisor(plan, fds.data(), stop.read.get(), status.write.get(), seccomp.get());
  stop_ = std::move(stop.write);
  status_ = std::move(status.read);
}

Supervised::~Supervised() { finish(); }

Supervised::Report Supervised::finish() {
  if (finished_) return report_;
  finished_ = true;
  stop_.reset();  // the supervisor kills and reaps everything, then reports
  std::int32_t report[3] = {0, 0, 0};
  std::size_t got = 0;
  while (got < sizeof report) {
    const ssize_t r = ::read(status_.get(), reinterpret_cast<char*>(report) + got, sizeof report - got);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) break;
    got += static_cast<std::size_t>(r);
  }
  int ignored = 0;
  while (::waitpid(supervisor_, &ignored, 0) < 0 && errno == EINTR) {
  }
  report_ = {report[0] != 0, report[1], report[2], got == sizeof report};
  return report_;
}

}  // namespace gmmlab::sandbox_detail
