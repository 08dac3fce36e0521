#include "gmmlab/steps.hpp"

namespace gmmlab {

arma::uvec most_likely(const arma::mat& gamma) { return arma::index_max(gamma, 1); }

EStepSummary summarise(const Posterior& p) {
  EStepSummary s;
  s.log_likelihood = p.log_likelihood;
  s.soft_counts = arma::sum(p.gamma, 0).t();
  s.hard_counts = arma::zeros<arma::uvec>(p.gamma.n_cols);
  for (arma::uword label : most_likely(p.gamma)) ++s.hard_counts[label];
  return s;
}

Iteration Steps::iterate(const arma::mat& x, const Mixture& m) const {
  Posterior p = e_step(x, m);
  Iteration it;
  it.e = summarise(p);
  it.next = m_step(x, p.gamma);
  return it;
}

}  // namespace gmmlab
