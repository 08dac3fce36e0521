#pragma once
// What walls a supervised program (a student worker or the compiler of a submission) runs
// inside: the one place where the sandbox's isolation is decided and applied.
//
// Prepared in the grader before fork (everything that allocates: the bubblewrap command line,
// the Landlock ruleset, the seccomp program), applied in the forked child with system calls
// only (apply_in_child), just before exec. The walls, strongest first, chosen at run time
// (isolation()):
//   - namespaces: the program is started through bubblewrap with new user, PID, network, IPC,
//     UTS and mount namespaces and sees a read-only view of only the paths its call needs,
//     plus its scratch folder;
//   - unprivileged uid: as root, the program runs as the box's own uid and gid (no groups), as
//     the contest sandbox isolate does; RLIMIT_NPROC then bounds its processes;
//   - everywhere: no_new_privs and a seccomp filter (libseccomp) that refuses ptrace, other
//     processes' memory, sockets, signals to other processes, namespaces, mounts, keys and the
//     like; Landlock (where the kernel has it, and without bubblewrap, whose mounts it would
//     refuse) limits reads to the view and writes to the scratch folder.
#include <sys/resource.h>
#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "gmmlab/sandbox.hpp"

namespace gmmlab::sandbox_detail {

// What one supervised program may see and use.
struct View {
  std::string scratch;                  // read-write, its working folder (and HOME, TMPDIR)
  std::vector<std::string> read_only;   // files and folders it may read (and execute) besides the system's
};

struct ProcessLimits {
  rlim_t memory_bytes = 0;  // RLIMIT_AS, or the sanitizer allocator's cap for a sanitized program; 0: none
  bool sanitized = false;   // the program is built with the sanitizers (they need terabytes of address space)
  rlim_t cpu_seconds = 0;   // RLIMIT_CPU; 0: none
  rlim_t processes = 64;    // processes and threads of the box
  rlim_t file_bytes = rlim_t{64} << 20;
};

// One program's walls, ready before fork. Not copyable: it owns descriptors the child inherits.
class Confinement {
 public:
  Confinement(const View& view, const ProcessLimits& limits);
  ~Confinement();
  Confinement(const Confinement&) = delete;
  Confinement& operator=(const Confinement&) = delete;

  // The command to exec: bubblewrap's prefix and the program, or the program alone.
  const std::vector<std::string>& argv() const { return argv_; }
  // The environment the program gets (a clean one: nothing of the grader's own).
  const std::vector<std::string>& env() const { return env_; }
  // The scratch folder's owner when the box has a uid of its own (root), else -1.
  uid_t scratch_owner() const;

  // In the forked child, after its descriptors are in place and before exec: rlimits, the
  // box's uid, no_new_privs, Landlock, seccomp. System calls only. Returns 0 or an errno.
  int apply_in_child() const noexcept;

  // The descriptors the child inherits at these fixed numbers (-1: none): the Landlock ruleset
  // it enforces on itself, the seccomp program bubblewrap loads.
  static constexpr int kLandlockFd = 990, kSeccompFd = 991;
  int landlock_fd() const { return landlock_fd_; }
  // A fresh descriptor holding the seccomp program for bubblewrap to read (it reads to the end,
  // so each program started needs its own), or -1 without bubblewrap. The caller closes it.
  int open_seccomp_program() const;
  // Started through bubblewrap, whose exit code 128 + N means the program died of signal N.
  bool through_bubblewrap() const { return bubblewrap_; }

 private:
  std::vector<std::string> argv_, env_;
  ProcessLimits limits_;
  int landlock_fd_ = -1;  // a ruleset to enforce, or -1
  bool bubblewrap_ = false;
  bool weak_ = false;     // same uid as the grader: signals limited to the program itself
  mutable std::vector<unsigned char> filter_;  // the seccomp program (patched with the pid in the child)
};

// Makes a fresh scratch folder for one program, owned by the box's uid when it has one.
std::string make_scratch_folder(const char* purpose);
// Hands a folder (and what is in it) to the box's uid, or back to the grader (seal: read-only
// for the box, so a worker cannot change the program or the build it runs from).
// The box reaches the folder only through folders open to other users; when one is closed the
// error ends with `what_to_do`.
inline constexpr const char* kLetOthersIn =
    "let other users into that folder (chmod o+x), or build the lab in a folder they can enter";
void give_to_box(const std::string& folder, const char* what_to_do = kLetOthersIn);
void seal_from_box(const std::string& folder);

// The environment for a supervised program: PATH, HOME and TMPDIR at the scratch folder, one
// thread for OpenMP and BLAS, and the sanitizer options of this build.
std::vector<std::string> clean_environment(const std::string& scratch, std::size_t memory_mb);

}  // namespace gmmlab::sandbox_detail
