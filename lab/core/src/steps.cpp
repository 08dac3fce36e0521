#include "gmmlab/steps.hpp"

#include <algorithm>

namespace gmmlab {

arma::uvec most_likely(const arma::mat& gamma) { return arma::index_max(gamma, 1); }

EStepSummary summarise(const Posterior& p) {
  EStepSummary s;
  s.log_likelihood = p.log_likelihood;
  s.soft_counts = arma::sum(p.gamma, 0).t();
  s.hard_counts = arma::zeros<arma::uvec>(p.gamma.n_cols);
  // Block by block: most_likely of the whole gamma is an N-element 64-bit vector (96 MB at
  // 12 MP) beside the N x K matrix, at the viewer's peak (its half-step E-steps keep gamma).
  constexpr arma::uword block = arma::uword(1) << 16;
  for (arma::uword first = 0; first < p.gamma.n_rows; first += block)
    for (arma::uword label : most_likely(p.gamma.rows(first, std::min(p.gamma.n_rows, first + block) - 1)))
      ++s.hard_counts[label];
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
