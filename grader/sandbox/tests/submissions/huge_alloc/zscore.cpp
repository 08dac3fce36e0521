// Hostile: asks for a 20 GB matrix.
#include "student.hpp"

namespace gmmlab {
arma::mat StudentSteps::zscore(const arma::mat& raw) const {
  arma::mat huge(50000, 50000, arma::fill::ones);  // 50000^2 doubles = 20 GB
  return raw + huge(0, 0);
}
}  // namespace gmmlab
