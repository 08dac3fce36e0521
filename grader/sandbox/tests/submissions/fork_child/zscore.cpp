// Hostile: leaves a child behind in its own process group, sleeping forever; prints its pid.
#include <unistd.h>

#include <cstdio>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  const pid_t child = fork();
  if (child == 0) {
    for (;;) pause();
  }
  std::printf("child pid %d\n", static_cast<int>(child));
  std::fflush(stdout);
  return raw;
}
}  // namespace gmmlab
