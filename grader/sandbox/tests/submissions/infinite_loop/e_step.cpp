// Hostile: the E-step never returns.
#include "student.hpp"

namespace gmmlab {
Posterior StudentSteps::e_step(const arma::mat& x, const Mixture&) const {
  volatile double spin = 0;
  for (;;) spin = spin + x.n_rows;
}
arma::mat StudentSteps::responsibilities(const arma::mat& a) const { return a; }
double StudentSteps::log_likelihood(const arma::mat&) const { return 0; }
}  // namespace gmmlab
