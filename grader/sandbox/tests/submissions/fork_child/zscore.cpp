// Hostile: leaves a child behind, sleeping forever, named gmmfork-child so the test can look
// for it (inside the sandbox's PID namespace its pid means nothing outside).
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  const pid_t child = fork();
  if (child == 0) {
    prctl(PR_SET_NAME, "gmmfork-child");
    for (;;) pause();
  }
  std::printf("child pid %d\n", static_cast<int>(child));
  std::fflush(stdout);
  return raw;
}
}  // namespace gmmlab
