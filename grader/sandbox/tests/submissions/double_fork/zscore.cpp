// Hostile: a grandchild that leaves the session (setsid) and whose parent exits, so it is
// orphaned far from the worker's process group; it names itself gmmfork-orphan and sleeps
// forever. Then the
// worker itself hangs, so the call also times out.
#include <sys/wait.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  const pid_t child = fork();
  if (child == 0) {
    setsid();
    if (fork() == 0) {
      prctl(PR_SET_NAME, "gmmfork-orphan");
      std::printf("grandchild pid %d\n", static_cast<int>(getpid()));
      std::fflush(stdout);
      for (;;) pause();
    }
    _exit(0);
  }
  waitpid(child, nullptr, 0);
  for (;;) pause();
  return raw;
}
}  // namespace gmmlab
