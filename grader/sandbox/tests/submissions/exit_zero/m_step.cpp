// Hostile: exit(0) inside a TODO, as if the program had finished well.
#include <cstdlib>

#include "student.hpp"

namespace gmmlab {
Mixture StudentSteps::m_step(const arma::mat& x, const arma::mat& gamma) const {
  Mixture m;
  m.means = means(x, gamma);
  return m;
}
arma::mat StudentSteps::means(const arma::mat&, const arma::mat&) const { std::exit(0); }
arma::cube StudentSteps::covariances(const arma::mat&, const arma::mat&, const arma::mat&) const { return {}; }
arma::vec StudentSteps::priors(const arma::mat&) const { return {}; }
}  // namespace gmmlab
