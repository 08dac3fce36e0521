#pragma once
// Gaussian densities in log space, shared by the student helper, rendering and the
// reference kernels, so that every tool factorises a covariance the same way.
#include <armadillo>

#include "gmmlab/mixture.hpp"

namespace gmmlab {

// What the E-step needs of component k, from the Cholesky factor Sigma_k = L L^T:
// ln N(x | mu, Sigma) = log_norm - 0.5 |L^{-1} (x - mu)|^2, and log_norm already holds
// ln pi_k (so it is -inf for a component with prior 0).
struct FactoredComponent {
  arma::rowvec mean;   // 1 x d
  arma::mat l_inv;     // d x d lower-triangular inverse of the Cholesky factor
  double log_weight;   // ln pi_k - 0.5 d ln(2 pi) - sum_i ln L_ii
};

// Throws gmmlab::Error naming the component when Sigma_k is not positive definite.
FactoredComponent factor_component(const Mixture& m, arma::uword k);

// The helper the lab gives students (the original lab's `preds`, in log space):
// an N x K matrix whose entry (n, k) is ln(pi_k N(x_n | mu_k, Sigma_k)).
arma::mat weighted_log_densities(const arma::mat& x, const Mixture& m);

}  // namespace gmmlab
