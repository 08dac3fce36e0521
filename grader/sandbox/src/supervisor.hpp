#pragma once
// One program run inside the sandbox's walls, supervised: the one way the sandbox starts a
// process (a student worker for one call, or the compiler on one file of a submission).
//
// Process tree:
//   grader (this process) --fork--> supervisor --vfork+exec--> program (confined)
// The supervisor is a forked copy of the grader that never runs submitted code and never
// execs: it starts a session of its own, becomes a "child subreaper" (every process the program
// leaves behind, even one that called setsid() or double-forked, is re-parented to it instead
// of to init), starts the program in a new process group inside its Confinement, and waits.
// When the grader closes the stop pipe (the call ended: answer, timeout, cancel, or the grader
// died, however it died) or the program ends, it kills the program's group, then kills and reaps
// every remaining descendant, writes the program's wait status on the status pipe and exits.
// finish() waits for that, so when it returns, no process the program started is left.
//
// Between fork and exec only async-signal-safe system calls run (the grader may have threads).
#include <sys/types.h>

#include <string>
#include <utility>
#include <vector>

#include "confinement.hpp"

namespace gmmlab::sandbox_detail {

// An owned file descriptor.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& o) noexcept : fd_(o.release()) {}
  Fd& operator=(Fd&& o) noexcept {
    reset(o.release());
    return *this;
  }
  ~Fd() { reset(); }
  int get() const { return fd_; }
  int release() { return std::exchange(fd_, -1); }
  void reset(int fd = -1);
  explicit operator bool() const { return fd_ >= 0; }

 private:
  int fd_ = -1;
};

struct Pipe {
  Fd read, write;
};
Pipe make_pipe();  // close-on-exec; throws gmmlab::Error
void set_nonblocking(int fd);

class Supervised {
 public:
  // How the program ended, as the supervisor saw it.
  struct Report {
    bool ended_by_itself = false;  // false: stopped by finish() before it ended
    int wait_status = 0;           // its wait status (with bubblewrap: as if it ran alone)
    int exec_error = 0;            // errno when it could not be started at all
    // false: the supervisor ended without its report (it could not set the program up, or was
    // killed): nothing above is known, and the program may never have run.
    bool reported = true;
  };

  // Starts the program `confinement.argv()` + `argv` in `cwd`. `fds[i]` becomes the program's
  // descriptor i (at most four); every other descriptor is closed in it.
  Supervised(const Confinement& confinement, const std::vector<std::string>& argv, const std::string& cwd,
             const std::vector<int>& fds);
  ~Supervised();
  Supervised(const Supervised&) = delete;
  Supervised& operator=(const Supervised&) = delete;

  // Readable once the program has ended by itself (the supervisor's report is ready).
  int ended_fd() const { return status_.get(); }
  // Ends the program if it still runs, kills and reaps everything it started, and reports.
  Report finish();

 private:
  pid_t supervisor_ = -1;
  Fd stop_, status_;
  Report report_;
  bool finished_ = false;
};

// The sentence for a program killed by `sig`: "SIGSEGV (an invalid memory access, ...)".
std::string signal_sentence(int sig);

}  // namespace gmmlab::sandbox_detail
