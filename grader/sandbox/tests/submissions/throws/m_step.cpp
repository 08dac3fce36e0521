// Hostile: throws an int.
#include "student.hpp"

namespace gmmlab {
Mixture StudentSteps::m_step(const arma::mat& x, const arma::mat& gamma) const {
  if (x.n_elem + gamma.n_elem > 0) throw 42;
  return {};
}
arma::mat StudentSteps::means(const arma::mat&, const arma::mat&) const { return {}; }
arma::cube StudentSteps::covariances(const arma::mat&, const arma::mat&, const arma::mat&) const { return {}; }
arma::vec StudentSteps::priors(const arma::mat&) const { return {}; }
}  // namespace gmmlab
