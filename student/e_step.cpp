// Exercise 2: the E-step (handout §E-step), in two parts: the responsibilities gamma and the
// log-likelihood. Each part is graded on its own.
//
// Write your answers between "YOUR CODE" and "END OF YOUR CODE". Everything else in this
// file is provided: leave it as it is.
#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"
#include "student.hpp"

namespace gmmlab {

namespace {
// ---- YOUR CODE (optional): helper functions both parts can call -----------------------------

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
// TODO Exercise 2a: StudentSteps::responsibilities (handout §E-step)
//
//   gamma_nk = pi_k N(x_n | mu_k, Sigma_k) / sum_j pi_j N(x_n | mu_j, Sigma_j)
//
// You are given the logarithms a_nk = ln(pi_k N(x_n | mu_k, Sigma_k)) (log_weighted(n, k)),
// not the densities themselves. Why: for a pixel far from every component a_nk is about
// -1000, and exp(-1000) is 0 in double precision (anything below about -745 underflows).
// Then gamma_nk = 0 / 0 = NaN and the picture is ruined. The handout's "log-sum-exp" shows
// how to compute ln sum_k exp(a_nk) without ever taking exp of a large negative (or large
// positive) number:
//
//   ln sum_k exp(a_nk) = c_n + ln sum_k exp(a_nk - c_n)    for any number c_n;
//
// read there which c_n makes every exp safe, then write gamma_nk from a_nk and that sum.
//
// In:  log_weighted, N x K. An entry may be -infinity (a component with pi_k = 0); that
//      component's gamma is then 0.
// Out: gamma, N x K. Every entry in [0, 1], every row sums to 1, no NaN, also for pixels far
//      from every component.
//
// Armadillo calls that help:
//   arma::max(A, 1)       N x 1 column: the largest entry of each row
//   arma::sum(A, 1)       N x 1 column: the sum of each row
//   arma::exp(A), arma::log(A)   element by element
//   A.each_col() - v      subtracts the N x 1 column v from every column of A
// Part 2b needs the same per-pixel quantity: a helper function in the block at the top of
// this file lets you write it once.
// ============================================================================================
arma::mat StudentSteps::responsibilities(const arma::mat& log_weighted) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  (void)log_weighted;  // silences "unused parameter"; delete this line and the next one when you start
  throw NotImplemented(Exercise::e_step, "student/e_step.cpp", "compute gamma in responsibilities()");
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

// ============================================================================================
// TODO Exercise 2b: StudentSteps::log_likelihood (handout §E-step)
//
//   log-likelihood = sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k)
//                  = sum_n ln sum_k exp(a_nk)
//
// EM watches this number: it never decreases from one iteration to the next, and EM stops
// when it stops changing. Use log-sum-exp again: a pixel far from every component must add a
// large negative number, not -infinity.
//
// In:  log_weighted, N x K, as in part 2a.
// Out: one finite number (usually large and negative: it is a sum over all pixels).
//
// Armadillo calls that help: those of part 2a, and arma::accu(A) (the sum of all entries).
// ============================================================================================
double StudentSteps::log_likelihood(const arma::mat& log_weighted) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  (void)log_weighted;  // silences "unused parameter"; delete this line and the next one when you start
  throw NotImplemented(Exercise::e_step, "student/e_step.cpp", "compute the log-likelihood in log_likelihood()");
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

}  // namespace gmmlab
