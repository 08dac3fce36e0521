#pragma once
// One `gmmlab grade` process that cannot outlive the batch that started it.
//
// The grader starts processes of its own (compilers, each in a process group of its own, and
// sandbox supervisors in sessions of their own), so killing the grader's group is not enough
// and a grader that outlives a killed batch would run until its own limits. Each grader
// therefore runs under a small keeper process, forked from the batch:
//   - the keeper is a child subreaper: whatever the grader leaves behind is re-parented to it;
//   - the grader dies with the keeper (PR_SET_PDEATHSIG, SIGKILL);
//   - the keeper watches a pipe whose only writer is the batch: when the batch closes it (a
//     timeout, Ctrl-C) or dies (even by SIGKILL, when the kernel closes it), the keeper kills
//     the grader and every process re-parented to it, reaps them, and exits;
//   - when the grader ends by itself, the keeper ends the same way (exit code or signal).
#include <sys/types.h>

#include <filesystem>
#include <string>
#include <vector>

namespace gmmlab::course {

class GraderProcess {
 public:
  // Starts `argv` (argv[0] the program) in `work`, stdin from /dev/null, stdout and stderr
  // into the given files. Throws Error when no process can be started.
  GraderProcess(const std::vector<std::string>& argv, const std::filesystem::path& work,
                const std::filesystem::path& stdout_file, const std::filesystem::path& stderr_file);
  ~GraderProcess();  // stops it, as stop() does
  GraderProcess(GraderProcess&&) noexcept;
  GraderProcess& operator=(GraderProcess&&) = delete;
  GraderProcess(const GraderProcess&) = delete;
  GraderProcess& operator=(const GraderProcess&) = delete;

  // True when the grader has ended by itself; `wait_status` is then its status (as waitpid's).
  bool ended(int& wait_status);
  // Kills the grader and everything it started, and waits until they are gone.
  void stop();

 private:
  pid_t keeper_ = -1;
  int life_ = -1;  // the batch's end of the keeper's pipe
};

}  // namespace gmmlab::course
