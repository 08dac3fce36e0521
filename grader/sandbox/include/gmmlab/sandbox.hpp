#pragma once
// Running student code where it cannot break or fool the program that judges it.
//
// IsolatedSteps is a Steps like any other, so checks, the EM driver and the viewer use it
// unchanged; but each call runs in a fresh worker process (the submission's code linked with a
// small worker main, never with the reference), under a time and a memory limit, and every
// process the call started is gone when the call returns. How it works and what it cannot
// stop: grader/sandbox/README.md.
#include <array>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "gmmlab/errors.hpp"
#include "gmmlab/steps.hpp"

namespace gmmlab {

struct SandboxLimits {
  double seconds = 10;           // wall-clock limit per call (and its CPU time, RLIMIT_CPU)
  std::size_t memory_mb = 2048;  // address-space limit per call (RLIMIT_AS, which bounds what is resident)
  std::size_t processes = 64;    // processes and threads the call may have at once
};

// The smallest limits that still let a correct submission pass (a worker loads Armadillo and
// the photo's matrices; a call on the sample takes tens of milliseconds): anything lower would
// fail every check as if the student were at fault. check_limits says so in one sentence,
// naming the flag the user gave (e.g. "--memory").
inline constexpr double kMinSeconds = 0.5;
inline constexpr std::size_t kMinMemoryMb = 256;
inline constexpr std::size_t kMinProcesses = 4;
void check_limits(const SandboxLimits& limits, const char* seconds_flag, const char* memory_flag,
                  const char* processes_flag);

// How strongly student code is walled off on this host, strongest first (chosen at run time:
// see grader/sandbox/README.md). GMMLAB_ISOLATION=uid|weak lowers it, never raises it.
enum class IsolationLevel { namespaces, unprivileged_uid, weak };
inline constexpr std::array kIsolationLevels = {IsolationLevel::namespaces, IsolationLevel::unprivileged_uid,
                                                IsolationLevel::weak};
const char* isolation_level_name(IsolationLevel l);  // namespaces, uid, weak

struct Isolation {
  IsolationLevel level = IsolationLevel::weak;
  long box_uid = -1;       // the uid student code runs as (root only), or -1: the grader's own
  int landlock_abi = 0;    // 0: the kernel has no Landlock
  // "Isolation: student code and its compile run under ...": the first line of every report.
  std::string line() const;
};
// Probed once per process (it may start bubblewrap once to see whether it works). Throws
// gmmlab::Error when GMMLAB_ISOLATION names no level.
const Isolation& isolation();

// Student code failed in a way that is not NotImplemented: crashed (signal), exited early (any
// exit code, including exit(0) inside a TODO), timed out, ran out of memory, threw, or answered
// garbage. what() is one sentence naming the call, e.g. "the student E-step crashed with SIGSEGV",
// "the student M-step took longer than 10 s", "the student Z-score ran out of memory (limit 2048 MB)".
class StudentCodeFailed : public Error {
 public:
  enum class Kind { crashed, exited, timed_out, out_of_memory, threw, protocol };
  StudentCodeFailed(Kind kind, const std::string& what) : Error(what), kind_(kind) {}
  Kind kind() const { return kind_; }

 private:
  Kind kind_;
};

// cancel() was called while the call ran.
class Cancelled : public Error {
 public:
  using Error::Error;
};

// A Steps whose every call runs in a fresh worker process (the submission's code linked with a
// small worker main, never with the reference). Calls are forwarded over pipes (binary matrices);
// the worker's stdout/stderr are captured (never parsed as results) and its whole process group is
// killed when the call ends. NotImplemented thrown in the worker is re-thrown here with the same
// Exercise and message, so every tool shows the friendly TODO line.
//
// Calls may come from several threads at once (each gets its own worker). Throws gmmlab::Error
// (not StudentCodeFailed) when the worker program itself cannot be started.
class IsolatedSteps final : public Steps {
 public:
  IsolatedSteps(std::filesystem::path worker_program, SandboxLimits limits = {}, std::string name = "student");
  ~IsolatedSteps() override;
  IsolatedSteps(const IsolatedSteps&) = delete;
  IsolatedSteps& operator=(const IsolatedSteps&) = delete;

  std::string_view name() const override;
  arma::mat zscore(const arma::mat& raw) const override;
  Posterior e_step(const arma::mat& x, const Mixture& m) const override;
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override;
  // Each part answered by the student's own function (responsibilities(), ...), in a worker of its
  // own: a part that hangs or crashes costs that part's checks only.
  arma::mat gamma_of(const arma::mat& x, const Mixture& m) const override;
  double log_likelihood_of(const arma::mat& x, const Mixture& m) const override;
  arma::mat means_of(const arma::mat& x, const arma::mat& gamma) const override;
  arma::cube covariances_of(const arma::mat& x, const arma::mat& gamma, const arma::mat& means) const override;
  arma::vec priors_of(const arma::mat& x, const arma::mat& gamma) const override;
  void cancel() const;              // thread-safe: the running call (if any) throws Cancelled
  std::string last_output() const;  // captured stdout+stderr of the last call, truncated to ~4 KB

  const std::filesystem::path& worker_program() const;
  const SandboxLimits& limits() const;

  struct State;  // running calls and the last output, behind a mutex

 private:
  std::string part_who(std::string_view function) const;  // "the student responsibilities()"

  std::filesystem::path worker_;
  SandboxLimits limits_;
  std::string name_;
  std::unique_ptr<State> state_;
};

// For the program that decides scores (e.g. `gmmlab grade`), once at start: student code running
// as the same user can then no longer attach to it (ptrace) or read or write its memory through
// /proc (PR_SET_DUMPABLE 0; this also turns off its core dumps). It cannot stop a process with
// CAP_SYS_PTRACE, e.g. one running as root: grade as an ordinary user. Not for the viewer, where
// a debugger may be wanted.
void shield_from_student_code();

// The worker for this build's own student folder (GMMLAB_STUDENT_DIR), built as the executable
// `gmmlab-student-worker` next to `gmmlab`; found beside the running executable or in the build.
// Throws gmmlab::Error when neither exists.
std::filesystem::path default_student_worker();

}  // namespace gmmlab
