// Hostile submission (compile bomb): constant evaluation that keeps the compiler busy for
// minutes without memory to speak of. The compile's time limit (--compile-timeout) ends it.
namespace gmmlab_hostile {
constexpr unsigned long long spin(unsigned long long n) {
  unsigned long long x = 1;
  for (unsigned long long i = 0; i < n; ++i) x = x * 6364136223846793005ULL + (i ^ (x >> 7));
  return x;
}
static_assert(spin(1ULL << 40) != 0);
}  // namespace gmmlab_hostile
// Instructor solution of exercise 3: the M-step (handout §M-step), the plain
// maximum-likelihood formulas with whole-matrix Armadillo operations.
#include "gmmlab/errors.hpp"
#include "student.hpp"

namespace gmmlab {

namespace {
// ---- YOUR CODE (optional): helper functions the parts can call -------------------------------

// N_k = sum_n gamma_nk as a K x 1 column: every part divides by it.
arma::vec soft_counts(const arma::mat& gamma) { return arma::sum(gamma, 0).t(); }

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

// ============================================================================================
// SOLUTION Exercise 3a: StudentSteps::means (handout §M-step)
//   mu_k = (1 / N_k) sum_n gamma_nk x_n
// ============================================================================================
arma::mat StudentSteps::means(const arma::mat& x, const arma::mat& gamma) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  // Entry (k, j) of gamma^T x is sum_n gamma_nk x_nj: all K weighted sums in one product.
  arma::mat mu = gamma.t() * x;
  mu.each_col() /= soft_counts(gamma);
  return mu;
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

// ============================================================================================
// SOLUTION Exercise 3b: StudentSteps::covariances (handout §M-step)
//   Sigma_k = (1 / N_k) sum_n gamma_nk (x_n - mu_k)^T (x_n - mu_k)
// ============================================================================================
arma::cube StudentSteps::covariances(const arma::mat& x, const arma::mat& gamma, const arma::mat& means) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  const arma::vec n_k = soft_counts(gamma);
  arma::cube sigma(x.n_cols, x.n_cols, gamma.n_cols);
  for (arma::uword k = 0; k < gamma.n_cols; ++k) {
    // Centring on mu_k before multiplying (rather than E[x x^T] - mu mu^T) keeps a tight
    // component far from the origin from losing its covariance to cancellation.
    const arma::mat centred = x.each_row() - means.row(k);
    arma::mat weighted = centred;
    weighted.each_col() %= gamma.col(k);
    sigma.slice(k) = weighted.t() * centred / n_k(k);
  }
  return sigma;
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

// ============================================================================================
// SOLUTION Exercise 3c: StudentSteps::priors (handout §M-step)
//   pi_k = N_k / N
// ============================================================================================
arma::vec StudentSteps::priors(const arma::mat& gamma) const {
  // ---- YOUR CODE ---------------------------------------------------------------------------
  return soft_counts(gamma) / double(gamma.n_rows);
  // ---- END OF YOUR CODE --------------------------------------------------------------------
}

}  // namespace gmmlab
