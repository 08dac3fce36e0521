#pragma once
// The whole state of EM: a mixture of K Gaussians in d dimensions. A trace stores only
// mixtures and log-likelihoods; anything else (responsibilities, labels, pictures) is
// recomputed from them.
#include <armadillo>
#include <string>

namespace gmmlab {

struct Mixture {
  arma::mat means;   // K x d, one row per component
  arma::cube covs;   // d x d x K
  arma::vec priors;  // K, the mixing coefficients pi_k

  arma::uword components() const { return priors.n_elem; }
  arma::uword dims() const { return means.n_cols; }
};

struct Posterior {
  arma::mat gamma;        // N x K responsibilities, each row sums to 1
  double log_likelihood;  // sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k)
};

// Throws gmmlab::Error naming `source` and the first problem found: wrong shapes, a value
// that is not finite, priors that are negative or do not sum to 1 (within 1e-6), a
// covariance that is not symmetric or not positive definite.
// `what_to_do` ends the message: only the caller knows where the mixture came from.
void validate_mixture(const Mixture& m, arma::uword dims, const std::string& source,
                      const std::string& what_to_do = "fix the mixture");

// validate_mixture's findings without the throw, for a reader that says them in its own words
// (a trace's): the first problem in a few words ("the priors sum to 1.5, not 1"), or "".
std::string mixture_problem(const Mixture& m, arma::uword dims);
// Only the priors (not negative, summing to 1), or only the covariances (symmetric, and
// positive definite where the prior is not 0: a component EM emptied keeps its last
// covariance, and one with prior 0 is never evaluated), of a mixture of the right shapes.
std::string priors_problem(const arma::vec& priors);
std::string covariances_problem(const Mixture& m, bool components_without_prior_too = true);

}  // namespace gmmlab
