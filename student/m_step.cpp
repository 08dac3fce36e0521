// Exercise 3: the M-step (handout §M-step), in three parts: the means, the covariances and
// the priors of the new mixture. Each part is graded on its own.
//
// Write your answers between "YOUR CODE" and "END OF YOUR CODE". Everything else in this
// file is provided: leave it as it is.
#include "gmmlab/errors.hpp"
#include "student.hpp"

namespace gmmlab {

namespace {
// ---- YOUR CODE (optional): helper functions the parts can call -------------------------------

// ---- END OF YOUR CODE ----------------------------------------------------------------------
}  // namespace

// ============================================================================================
// PROVIDED, do not edit. Puts your three parts together into the new mixture. The lab then
// adds a small ridge to every covariance and takes care of components that lost all their
// pixels (N_k = 0), the same way for every implementation: your formulas stay the plain ones.
Mixture StudentSteps::m_step(const arma::mat& x, const arma::mat& gamma) const {
  Mixture next;
  next.means = means(x, gamma);
  next.covs = covariances(x, gamma, next.means);
  next.priors = priors(gamma);
  return next;
}
// END OF PROVIDED
// ============================================================================================

// In all three parts (the handout's notation):
//   x_n      row n of x, a 1 x d row (one pixel)
//   gamma_nk the responsibility from the E-step, gamma(n, k)
//   N_k      = sum_n gamma_nk, the "soft count" of pixels of component k
// Do not special-case N_k = 0 (see PROVIDED above). Work on whole matrices or whole
// columns: a loop over the K components is fine, a loop over the pixels is not needed.

// ============================================================================================
// TODO Exercise 3a: StudentSteps::means (handout §M-step)
//
//   mu_k = (1 / N_k) sum_n gamma_nk x_n
//
// In:  x, N x d; gamma, N x K.
// Out: K x d; row k is mu_k.
//
// Armadillo calls that help:
//   arma::sum(A, 0)     1 x K row: the sum of each column
//   A.t(), A * B        transpose, matrix product (think in shapes: which product of gamma
//                       and x is K x d, and what is in its entry (k, j)?)
//   A.each_col() / v    divides every column of A by the column v, element by element
// ============================================================================================
arma::mat StudentSteps::means(const arma::mat& x, const arma::mat& gamma) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  (void)x, (void)gamma;  // silences "unused parameter"; delete this line and the next one when you start
  throw NotImplemented(Exercise::m_step, "student/m_step.cpp", "compute mu_k in means()");
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

// ============================================================================================
// TODO Exercise 3b: StudentSteps::covariances (handout §M-step)
//
//   Sigma_k = (1 / N_k) sum_n gamma_nk (x_n - mu_k)^T (x_n - mu_k)
//
// (x_n and mu_k are 1 x d rows here, so (x_n - mu_k)^T (x_n - mu_k) is d x d; the handout
// writes the same with column vectors as (x_n - mu_k)(x_n - mu_k)^T.) Use the new means given
// to you, not the old ones. Divide by N_k (no "- 1": this is the maximum-likelihood formula).
//
// In:  x, N x d; gamma, N x K; means, K x d (row k is the new mu_k).
// Out: d x d x K (an arma::cube); slice k is Sigma_k, symmetric.
//
// Armadillo calls that help:
//   arma::cube C(d, d, K); C.slice(k) = ...
//   A.each_row() - r    subtracts the 1 x d row r from every row of A
//   A.each_col() % v    multiplies every column of A by the N x 1 column v, element by element
//   A.t() * B           the d x d matrix of sums over the N rows of products of columns
//   gamma.col(k), means.row(k), arma::sum(v) or arma::accu(v)
// ============================================================================================
arma::cube StudentSteps::covariances(const arma::mat& x, const arma::mat& gamma, const arma::mat& means) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  (void)x, (void)gamma, (void)means;  // silences "unused parameter"; delete this line and the next one when you start
  throw NotImplemented(Exercise::m_step, "student/m_step.cpp", "compute Sigma_k in covariances()");
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

// ============================================================================================
// TODO Exercise 3c: StudentSteps::priors (handout §M-step)
//
//   pi_k = N_k / N
//
// In:  gamma, N x K.
// Out: K entries (an arma::vec, a column); they sum to 1.
//
// Armadillo calls that help: arma::sum(A, 0) (a 1 x K row), .t() (row to column), A.n_rows.
// ============================================================================================
arma::vec StudentSteps::priors(const arma::mat& gamma) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  (void)gamma;  // silences "unused parameter"; delete this line and the next one when you start
  throw NotImplemented(Exercise::m_step, "student/m_step.cpp", "compute pi_k in priors()");
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

}  // namespace gmmlab
