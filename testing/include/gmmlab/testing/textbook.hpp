#pragma once
// The lab's formulas written the plainest way, with Armadillo's whole-matrix operations: the
// third implementation of the interface (beside the reference and the instructor's solution)
// that the contract suite runs, and the one the lab's and the tracer's tests run EM with so
// that they link nothing above the lab. `mistake` plants a known error.
#include <cmath>

#include "gmmlab/gaussian.hpp"
#include "gmmlab/steps.hpp"

namespace gmmlab::testing {

// The lab's formulas written the plainest way. `mistake` plants a known error.
class TextbookSteps : public Steps {
 public:
  enum class Mistake { none, covariance_over_n, prior_unnormalised };
  explicit TextbookSteps(Mistake mistake = Mistake::none) : mistake_(mistake) {}
  std::string_view name() const override { return mistake_ == Mistake::none ? "textbook" : "planted"; }

  arma::mat zscore(const arma::mat& raw) const override {
    arma::mat z = raw;
    for (arma::uword c = 0; c < raw.n_cols; ++c) {
      const double mean = arma::mean(raw.col(c)), sd = std::sqrt(arma::mean(arma::square(raw.col(c) - mean)));
      // Constant by max == min, not sd == 0: the mean of a constant 0.1 can be off by an ulp.
      const bool constant = raw.col(c).max() == raw.col(c).min();
      z.col(c) = constant ? arma::vec(raw.n_rows, arma::fill::zeros) : arma::vec((raw.col(c) - mean) / sd);
    }
    return z;
  }
  Posterior e_step(const arma::mat& x, const Mixture& m) const override {
    const arma::mat a = weighted_log_densities(x, m);
    const arma::vec top = arma::max(a, 1);
    const arma::vec lse = top + arma::log(arma::sum(arma::exp(a.each_col() - top), 1));
    return {arma::exp(a.each_col() - lse), arma::accu(lse)};
  }
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override {
    const arma::uword k = gamma.n_cols, d = x.n_cols;
    const arma::rowvec nk = arma::sum(gamma, 0);
    Mixture m;
    m.means = arma::mat(gamma.t() * x).each_col() / nk.t();
    m.covs.set_size(d, d, k);
    for (arma::uword c = 0; c < k; ++c) {
      const arma::mat centred = x.each_row() - m.means.row(c);
      const double norm = mistake_ == Mistake::covariance_over_n ? double(x.n_rows) : nk[c];
      m.covs.slice(c) = (centred.each_col() % gamma.col(c)).t() * centred / norm;
    }
    m.priors = mistake_ == Mistake::prior_unnormalised ? arma::vec(nk.t() / (double(x.n_rows) - 1))
                                                        : arma::vec(nk.t() / double(x.n_rows));
    return m;
  }

 private:
  Mistake mistake_;
};

}  // namespace gmmlab::testing
