#include "gmmlab/gaussian.hpp"

#include <fmt/format.h>

#include <cmath>
#include <numbers>

#include "gmmlab/errors.hpp"

namespace gmmlab {

FactoredComponent factor_component(const Mixture& m, arma::uword k) {
  const arma::uword d = m.dims();
  arma::mat l;
  // Cholesky rather than an inverse and a determinant: it fails exactly when Sigma_k is not
  // positive definite, and its diagonal gives ln|Sigma_k| without overflow.
  if (!arma::chol(l, m.covs.slice(k), "lower") || !l.is_finite())
    throw Error(fmt::format("the covariance of component {} is not positive definite", k + 1));
  FactoredComponent f;
  f.mean = m.means.row(k);
  f.l_inv = arma::solve(arma::trimatl(l), arma::eye(d, d));
  f.log_weight = std::log(m.priors[k]) - 0.5 * double(d) * std::log(2 * std::numbers::pi) -
                 arma::accu(arma::log(l.diag()));
  return f;
}

arma::mat weighted_log_densities(const arma::mat& x, const Mixture& m) {
  arma::mat out(x.n_rows, m.components());
  for (arma::uword k = 0; k < m.components(); ++k) {
    const FactoredComponent f = factor_component(m, k);
    const arma::mat z = (x.each_row() - f.mean) * f.l_inv.t();
    out.col(k) = f.log_weight - 0.5 * arma::sum(arma::square(z), 1);
  }
  return out;
}

}  // namespace gmmlab
