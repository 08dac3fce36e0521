#include "gmmlab/mixture.hpp"

#include <fmt/format.h>

#include <cmath>

#include "gmmlab/errors.hpp"

namespace gmmlab {

std::string priors_problem(const arma::vec& priors) {
  if (!priors.is_finite()) return "a prior is not a finite number";
  if (priors.min() < 0) return "a prior is negative";
  const double total = arma::accu(priors);
  if (std::abs(total - 1.0) > 1e-6) return fmt::format("the priors sum to {:.9g}, not 1", total);
  return {};
}

std::string covariances_problem(const Mixture& m, bool components_without_prior_too) {
  for (arma::uword c = 0; c < m.components(); ++c) {
    const arma::mat& s = m.covs.slice(c);
    if (!s.is_finite()) return fmt::format("the covariance of component {} holds a value that is not finite", c + 1);
    const double scale = std::max(1.0, arma::abs(s).max());
    if (arma::abs(s - s.t()).max() > 1e-9 * scale)
      return fmt::format("the covariance of component {} is not symmetric", c + 1);
    if (!components_without_prior_too && m.priors[c] == 0) continue;
    arma::mat l;
    if (!arma::chol(l, s, "lower")) return fmt::format("the covariance of component {} is not positive definite", c + 1);
  }
  return {};
}

std::string mixture_problem(const Mixture& m, arma::uword dims) {
  const arma::uword k = m.priors.n_elem;
  if (k == 0) return "the mixture has no components";
  if (m.means.n_rows != k || m.means.n_cols != dims)
    return fmt::format("means are {}x{} but must be {}x{} (K components x {} channels)", m.means.n_rows,
                       m.means.n_cols, k, dims, dims);
  if (m.covs.n_rows != dims || m.covs.n_cols != dims || m.covs.n_slices != k)
    return fmt::format("covariances are {} of {}x{} but must be {} of {}x{}", m.covs.n_slices, m.covs.n_rows,
                       m.covs.n_cols, k, dims, dims);
  if (!m.means.is_finite() || !m.covs.is_finite() || !m.priors.is_finite())
    return "the mixture holds a value that is not a finite number";
  if (std::string why = priors_problem(m.priors); !why.empty()) return why;
  return covariances_problem(m);
}

void validate_mixture(const Mixture& m, arma::uword dims, const std::string& source, const std::string& what_to_do) {
  if (const std::string why = mixture_problem(m, dims); !why.empty())
    throw Error(fmt::format("{}: {}; {}", source, why, what_to_do));
}

}  // namespace gmmlab
