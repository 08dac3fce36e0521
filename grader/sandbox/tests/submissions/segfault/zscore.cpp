// Hostile: writes to an address nothing is mapped at (not null, so that a sanitizer build's
// null check does not turn the crash into a report of its own).
#include <cstdint>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  volatile double* nowhere = reinterpret_cast<volatile double*>(std::uintptr_t{64});
  *nowhere = raw(0, 0);
  return raw;
}
}  // namespace gmmlab
