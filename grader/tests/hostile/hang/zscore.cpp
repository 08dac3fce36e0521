// Hostile submission (hang): a Z-score that renames itself and spins forever, for the tests that
// stop or kill the grader in the middle of a call and then look for it.
#include <sys/prctl.h>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  ::prctl(PR_SET_NAME, "gmmhg@TAG@");
  volatile unsigned long spins = 0;
  for (;;) spins = spins + 1;
  return raw;
}
}  // namespace gmmlab
