#include "gmmlab/mixture.hpp"

#include <fmt/format.h>

#include <cmath>

#include "gmmlab/errors.hpp"

namespace gmmlab {

void validate_mixture(const Mixture& m, arma::uword dims, const std::string& source, const std::string& what_to_do) {
  const arma::uword k = m.priors.n_elem;
  auto fail = [&](const std::string& what) {
    throw Error(fmt::format("{}: {}; {}", source, what, what_to_do));
  };
  if (k == 0) fail("the mixture has no components");
  if (m.means.n_rows != k || m.means.n_cols != dims)
    fail(fmt::format("means are {}x{} but must be {}x{} (K components x {} channels)", m.means.n_rows,
                     m.means.n_cols, k, dims, dims));
  if (m.covs.n_rows != dims || m.covs.n_cols != dims || m.covs.n_slices != k)
    fail(fmt::format("covariances are {} of {}x{} but must be {} of {}x{}", m.covs.n_slices, m.covs.n_rows,
                     m.covs.n_cols, k, dims, dims));
  if (!m.means.is_finite() || !m.covs.is_finite() || !m.priors.is_finite())
    fail("the mixture holds a value that is not a finite number");
  if (m.priors.min() < 0) fail("a prior is negative");
  const double total = arma::accu(m.priors);
  if (std::abs(total - 1.0) > 1e-6) fail(fmt::format("the priors sum to {:.9g}, not 1", total));
  for (arma::uword c = 0; c < k; ++c) {
    const arma::mat& s = m.covs.slice(c);
    const double scale = std::max(1.0, arma::abs(s).max());
    if (arma::abs(s - s.t()).max() > 1e-9 * scale)
      fail(fmt::format("the covariance of component {} is not symmetric", c + 1));
    arma::mat l;
    if (!arma::chol(l, s, "lower"))
      fail(fmt::format("the covariance of component {} is not positive definite", c + 1));
  }
}

}  // namespace gmmlab
