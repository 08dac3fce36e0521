// Hostile submission (compile): a file of the grading machine included through a macro.
#define SECRET_FILE "@VICTIM@/secret.txt"
#include SECRET_FILE
// Instructor solution of exercise 2: the E-step (handout §E-step), gamma and the
// log-likelihood, both through log-sum-exp.
#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"
#include "student.hpp"

namespace gmmlab {

namespace {
// ---- YOUR CODE (optional): helper functions both parts can call -----------------------------

// ln sum_k exp(a_nk) for every row n, as an N x 1 column. Subtracting the row's largest entry
// first makes the largest term exp(0) = 1: nothing overflows, the sum is at least 1, and its
// log is finite however far the pixel is from every component.
arma::vec log_sum_exp_rows(const arma::mat& a) {
  const arma::vec row_max = arma::max(a, 1);
  const arma::mat shifted = a.each_col() - row_max;
  return row_max + arma::log(arma::sum(arma::exp(shifted), 1));
}

// ---- END OF YOUR CODE ----------------------------------------------------------------------
}  // namespace

// ============================================================================================
// PROVIDED, do not edit. The lab gives you, as the original lab gives `preds`, the N x K
// matrix a with a_nk = ln(pi_k N(x_n | mu_k, Sigma_k)), and turns your two parts into the
// E-step every tool runs.
Posterior StudentSteps::e_step(const arma::mat& x, const Mixture& m) const {
  const arma::mat log_weighted = weighted_log_densities(x, m);
  Posterior p;
  p.gamma = responsibilities(log_weighted);
  p.log_likelihood = log_likelihood(log_weighted);
  return p;
}
// END OF PROVIDED
// ============================================================================================

// ============================================================================================
// SOLUTION Exercise 2a: StudentSteps::responsibilities (handout §E-step)
//   gamma_nk = exp(a_nk - ln sum_j exp(a_nj))
// ============================================================================================
arma::mat StudentSteps::responsibilities(const arma::mat& log_weighted) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  // Dividing in log space: a component with pi_k = 0 has a_nk = -inf and gets exp(-inf) = 0.
  const arma::vec log_total = log_sum_exp_rows(log_weighted);
  return arma::exp(log_weighted.each_col() - log_total);
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

// ============================================================================================
// SOLUTION Exercise 2b: StudentSteps::log_likelihood (handout §E-step)
//   log-likelihood = sum_n ln sum_k exp(a_nk)
// ============================================================================================
double StudentSteps::log_likelihood(const arma::mat& log_weighted) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  return arma::accu(log_sum_exp_rows(log_weighted));
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

}  // namespace gmmlab
