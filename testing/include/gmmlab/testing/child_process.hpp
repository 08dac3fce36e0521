#pragma once
// Running another program and reading what it prints: the one way the tests and the benchmark
// start a child process (the grader's sandbox and the course kit have their own, with limits
// and log files: product features, not this).
#include <filesystem>
#include <string>
#include <vector>

namespace gmmlab::testing {

struct CommandResult {
  int exit_code = -1;  // 128 + the signal's number when a signal ended it
  std::string out, err;
};

// Where the child's stderr goes: into CommandResult::err, or to this process's stderr as it
// is written (the benchmark's children report progress and failures there).
enum class ChildStderr { captured, passed_through };

// A program started and not yet waited for: the tests that stop or kill a grader in the middle
// of its work need its PID while it runs. wait() reads what it prints until it ends (a program
// that prints more than a pipe holds before wait() is called waits for it).
class StartedCommand {
 public:
  StartedCommand(const std::vector<std::string>& argv, const std::filesystem::path& cwd, ChildStderr err);
  ~StartedCommand();  // a command never waited for is killed and reaped: no test leaves one behind
  StartedCommand(const StartedCommand&) = delete;
  StartedCommand& operator=(const StartedCommand&) = delete;
  int pid() const { return pid_; }
  CommandResult wait();

 private:
  std::string program_;
  int pid_ = -1, out_ = -1, err_ = -1;
  bool waited_ = false;
};

// Runs a program with arguments (no shell, argv[0] a path), its stdin /dev/null, in `cwd` if
// given, and waits for it. Throws gmmlab::Error when it cannot be started.
CommandResult run_command(const std::vector<std::string>& argv, const std::filesystem::path& cwd = {},
                          ChildStderr err = ChildStderr::captured);

}  // namespace gmmlab::testing
