// Hostile: responsibilities() never returns; log_likelihood() is right. The provided E-step
// calls both, so the whole E-step hangs too, while log_likelihood() alone answers.
#include "gmmlab/gaussian.hpp"
#include "student.hpp"

namespace gmmlab {
Posterior StudentSteps::e_step(const arma::mat& x, const Mixture& m) const {
  const arma::mat log_weighted = weighted_log_densities(x, m);
  Posterior p;
  p.gamma = responsibilities(log_weighted);
  p.log_likelihood = log_likelihood(log_weighted);
  return p;
}
arma::mat StudentSteps::responsibilities(const arma::mat& a) const {
  volatile double spin = 0;
  for (;;) spin = spin + double(a.n_rows);
}
double StudentSteps::log_likelihood(const arma::mat& a) const {
  const arma::vec c = arma::max(a, 1);
  arma::mat shifted = a;
  shifted.each_col() -= c;
  return arma::accu(c + arma::log(arma::sum(arma::exp(shifted), 1)));
}
}  // namespace gmmlab
