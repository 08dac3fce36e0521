// Hostile: writes through a null pointer.
#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  volatile double* nowhere = nullptr;
  *nowhere = raw(0, 0);
  return raw;
}
}  // namespace gmmlab
