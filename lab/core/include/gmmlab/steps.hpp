#pragma once
// The one interface: the three exercises of the lab. reference/ fills it fast, student/
// fills it with the student's code; everything in lab/ runs whichever it is given.
#include <string_view>

#include "gmmlab/mixture.hpp"

namespace gmmlab {

// What an E-step tells about the mixture it was given.
struct EStepSummary {
  double log_likelihood = 0;  // sum_n ln sum_k pi_k N(x_n | mu_k, Sigma_k)
  arma::vec soft_counts;      // N_k = sum_n gamma_nk
  arma::uvec hard_counts;     // pixels whose most likely component is k
};

// One full EM iteration: the E-step on the old mixture and the M-step's new mixture.
struct Iteration {
  EStepSummary e;
  Mixture next;
};

EStepSummary summarise(const Posterior& p);

// Labels (argmax per row of gamma): the hard counts above, the segmentation pictures and the
// tracer's label counts all take a pixel's component this one way.
arma::uvec most_likely(const arma::mat& gamma);

class Steps {
 public:
  virtual ~Steps() = default;
  virtual std::string_view name() const = 0;
  // Whose code this implementation's E-step and M-step run ("student", "reference"), for the
  // driver's sentences: name() itself, unless it combines two implementations, as the
  // grader's EM checks do ("the student E-step", never "the your E-step with ... E-step").
  virtual std::string_view e_step_name() const { return name(); }
  virtual std::string_view m_step_name() const { return name(); }

  // raw: N x c pixel values. Returns each channel minus its mean, divided by its
  // population standard deviation (a constant channel becomes zeros).
  virtual arma::mat zscore(const arma::mat& raw) const = 0;

  // x: N x d data, m: the current mixture. Returns gamma (N x K) and the log-likelihood.
  virtual Posterior e_step(const arma::mat& x, const Mixture& m) const = 0;

  // x: N x d data, gamma: N x K. Returns the maximum-likelihood mixture for those
  // responsibilities, by the plain formulas (no ridge, no special cases: the EM driver
  // applies those the same way for every implementation).
  virtual Mixture m_step(const arma::mat& x, const arma::mat& gamma) const = 0;

  // The half-steps' parts, each on its own, as the handout splits them: a grader calls these
  // so that each of the student's functions is graded by itself (a responsibilities() that
  // hangs costs gamma's checks, not the log-likelihood's). The defaults take the part from the
  // whole half-step; the student's code, run by the grader's sandbox, answers each from its
  // own function. covariances_of's default is the M-step's own, about the M-step's own means:
  // it equals an own covariances() about `means` when `means` are what means_of returned.
  virtual arma::mat gamma_of(const arma::mat& x, const Mixture& m) const { return e_step(x, m).gamma; }
  virtual double log_likelihood_of(const arma::mat& x, const Mixture& m) const { return e_step(x, m).log_likelihood; }
  virtual arma::mat means_of(const arma::mat& x, const arma::mat& gamma) const { return m_step(x, gamma).means; }
  virtual arma::cube covariances_of(const arma::mat& x, const arma::mat& gamma, const arma::mat& /*means*/) const {
    return m_step(x, gamma).covs;
  }
  virtual arma::vec priors_of(const arma::mat& x, const arma::mat& gamma) const { return m_step(x, gamma).priors; }

  // An E-step then an M-step. The default calls e_step and m_step; an implementation may
  // override it to avoid holding the N x K responsibilities (the reference does).
  virtual Iteration iterate(const arma::mat& x, const Mixture& m) const;
};

}  // namespace gmmlab
