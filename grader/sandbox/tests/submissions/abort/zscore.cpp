// Hostile: calls abort() (what a failed assert does).
#include <cstdlib>

#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  if (raw.n_elem > 0) std::abort();
  return raw;
}
}  // namespace gmmlab
