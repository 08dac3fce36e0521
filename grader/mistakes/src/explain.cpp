#include "gmmlab/explain.hpp"

#include <fmt/format.h>

#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/gaussian.hpp"
#include "gmmlab/mistakes.hpp"
#include "gmmlab/reference.hpp"

namespace gmmlab::mistakes {

namespace {
void add(std::string& out, const char* where, const std::optional<Mistake>& m) {
  if (m) out += fmt::format("{}: {}\n", where, describe(*m));
}
}  // namespace

std::string known_mistakes_report(const Steps& steps, const arma::mat& x, const Mixture& start) {
  std::string out;
  try {
    const Posterior mine = steps.e_step(x, start);
    const arma::mat a = weighted_log_densities(x, start);
    add(out, "E-step, gamma", recognise_gamma(a, mine.gamma));
    add(out, "E-step, log-likelihood", recognise_log_likelihood(a, mine.log_likelihood));
  } catch (const Error&) {  // an unwritten or failing E-step is reported by the caller's diff
  }
  try {
    const arma::mat gamma = ReferenceSteps().e_step(x, start).gamma;
    const Mixture next = steps.m_step(x, gamma);
    add(out, "M-step, mu", recognise_means(x, gamma, next.means));
    if (arma::size(next.means) == arma::size(start.means))
      add(out, "M-step, Sigma", recognise_covariances(x, gamma, next.means, start.means, next.covs));
    add(out, "M-step, pi", recognise_priors(gamma, next.priors));
  } catch (const Error&) {
  }
  return out;
}

FarStartResult far_start_check(const Steps& steps, const arma::mat& x, const Mixture& start, double rtol,
                               double atol) {
  constexpr double kDistance = 60;
  Mixture far = start;
  far.means += kDistance;  // the data are Z-scored: one unit is one standard deviation
  const std::string where = fmt::format("From a far-away start (every mean moved {:g} standard deviations away)", kDistance);
  Posterior mine;
  try {
    mine = steps.e_step(x, far);
  } catch (const Error&) {
    return {};  // an unwritten E-step is reported by the caller's diff
  }
  const Posterior want = ReferenceSteps().e_step(x, far);
  const arma::mat a = weighted_log_densities(x, far);
  FarStartResult r;
  r.agrees = false;
  if (arma::size(mine.gamma) != arma::size(want.gamma)) {
    r.report = fmt::format("{}: your gamma is {}x{}, the reference's {}x{}\n", where, mine.gamma.n_rows,
                           mine.gamma.n_cols, want.gamma.n_rows, want.gamma.n_cols);
    return r;
  }
  if (const arma::uvec bad = arma::find_nonfinite(mine.gamma); !bad.empty()) {
    r.report = fmt::format("{}: your E-step's gamma is {} at pixel {}, component {}: the responsibilities are "
                           "wrong, not only the log-likelihood\n",
                           where, std::isnan(mine.gamma(bad(0))) ? "NaN" : fmt::format("{}", mine.gamma(bad(0))),
                           bad(0) % mine.gamma.n_rows, bad(0) / mine.gamma.n_rows + 1);
    add(r.report, "E-step, gamma", recognise_gamma(a, mine.gamma));
    return r;
  }
  const double gap = arma::abs(mine.gamma - want.gamma).max();
  if (gap > atol + rtol) {
    r.report = fmt::format("{}: your gamma differs from the reference's by up to {:.3g}\n", where, gap);
    add(r.report, "E-step, gamma", recognise_gamma(a, mine.gamma));
    return r;
  }
  const double ll = mine.log_likelihood, ref = want.log_likelihood;
  if (!std::isfinite(ll) || std::abs(ll - ref) > atol + rtol * std::max(std::abs(ll), std::abs(ref))) {
    r.report = fmt::format("{}: your log-likelihood is {:.12e}, the reference's {:.12e}\n", where, ll, ref);
    add(r.report, "E-step, log-likelihood", recognise_log_likelihood(a, ll));
    return r;
  }
  r.agrees = true;
  r.report = fmt::format("{}: your E-step agrees with the reference (no NaN: log-sum-exp works)\n", where);
  return r;
}

}  // namespace gmmlab::mistakes
