#include "gmmlab/mistakes.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace gmmlab::mistakes {

namespace {

const std::vector<Mistake> kCatalogue = {
    {"zscore-n-minus-1", Part::zscore, "divides by the sample standard deviation (N - 1) instead of the population one (N)",
     "use the population standard deviation: arma::stddev(raw, 1, 0), where norm_type 1 divides by N (handout §Z-score)"},
    {"zscore-all-channels", Part::zscore, "uses one mean and one standard deviation over all channels together",
     "normalise each channel (column) on its own: arma::mean(raw, 0) and arma::stddev(raw, 1, 0) give one value per column"},
    {"zscore-not-scaled", Part::zscore, "subtracts each channel's mean but does not divide by its standard deviation",
     "divide every centred column by its population standard deviation (handout §Z-score)"},

    {"gamma-no-max-shift", Part::gamma,
     "takes exp of a_nk without subtracting the row maximum, so a pixel far from every component gives 0 / 0 = NaN",
     "subtract c_n = max_k a_nk before exp (log-sum-exp, handout §E-step): exp(a_nk - c_n) never underflows to all zeros"},
    {"gamma-unshifted-log-total", Part::gamma,
     "computes ln sum_k exp(a_nk) without subtracting the row maximum, so for a pixel far from every component "
     "that is ln 0 = -inf and gamma_nk = exp(a_nk + inf) = inf",
     "subtract c_n = max_k a_nk before exp (log-sum-exp, handout §E-step): exp(a_nk - c_n) never underflows to all zeros"},
    {"gamma-wrong-axis", Part::gamma,
     "normalises gamma over the pixels (each column sums to 1) instead of over the components (each row sums to 1)",
     "divide each row by its own total, sum over k: arma::max(a, 1) and arma::sum(..., 1) work along rows"},
    {"gamma-not-normalised", Part::gamma,
     "returns pi_k N(x_n | mu_k, Sigma_k) itself, without dividing by the row's total",
     "divide each row by sum_j pi_j N(x_n | mu_j, Sigma_j), so that every row sums to 1 (handout §E-step)"},

    {"ll-no-max-shift", Part::log_likelihood,
     "takes ln sum_k exp(a_nk) without subtracting the row maximum, so a far pixel adds ln 0 = -infinity",
     "use log-sum-exp: c_n + ln sum_k exp(a_nk - c_n) with c_n = max_k a_nk (handout §E-step)"},
    {"ll-forgot-log", Part::log_likelihood, "adds up the probabilities sum_k pi_k N(x_n | ...) without taking their log",
     "take the log of each pixel's total before adding over pixels: sum_n ln sum_k exp(a_nk)"},
    {"ll-log-of-total", Part::log_likelihood,
     "takes one log of the total over all pixels instead of one log per pixel",
     "the log goes inside the sum over pixels: sum_n ln(sum_k exp(a_nk)), one log-sum-exp per row"},
    {"ll-mean-over-pixels", Part::log_likelihood, "averages over the pixels instead of adding them up",
     "the log-likelihood is the sum over pixels, not the mean: use arma::accu, not arma::mean"},
    {"ll-sum-of-log-terms", Part::log_likelihood,
     "adds the logs ln(pi_k N(x_n | ...)) over the components instead of taking the log of their sum",
     "per pixel, take ln sum_k exp(a_nk) (log-sum-exp), not sum_k a_nk"},

    {"means-not-divided", Part::means, "does not divide the weighted sum sum_n gamma_nk x_n by N_k",
     "divide row k of gamma^T x by N_k = sum_n gamma_nk (handout §M-step)"},
    {"means-divided-by-n", Part::means, "divides the weighted sum by N (all pixels) instead of by N_k",
     "divide row k by N_k = sum_n gamma_nk, the soft count of component k, not by the number of pixels"},

    {"cov-old-mean", Part::covariances, "centres the pixels on the old means instead of the new ones",
     "use the means you were given (the new mu_k from means()), not the mixture's previous means"},
    {"cov-not-weighted", Part::covariances, "does not weight each pixel's (x_n - mu_k)^T (x_n - mu_k) by gamma_nk",
     "multiply each centred row by gamma_nk before the product: (centred.each_col() % gamma.col(k)).t() * centred"},
    {"cov-not-weighted-nk", Part::covariances, "does not weight each pixel's (x_n - mu_k)^T (x_n - mu_k) by gamma_nk",
     "multiply each centred row by gamma_nk before the product: (centred.each_col() % gamma.col(k)).t() * centred"},
    {"cov-divided-by-n", Part::covariances, "divides by N (all pixels) instead of by N_k",
     "divide Sigma_k's weighted sum by N_k = sum_n gamma_nk, the soft count of component k"},
    {"cov-divided-by-nk-minus-1", Part::covariances, "divides by N_k - 1 instead of by N_k",
     "the M-step is the maximum-likelihood formula: divide by N_k, with no '- 1' (handout §M-step)"},
    {"cov-not-divided", Part::covariances, "does not divide the weighted sum by N_k",
     "divide Sigma_k's weighted sum by N_k = sum_n gamma_nk"},

    {"priors-not-divided", Part::priors, "returns N_k itself instead of N_k / N",
     "divide the soft counts by the number of pixels N = gamma.n_rows, so the priors sum to 1"},
    {"priors-uniform", Part::priors, "leaves every prior at 1 / K instead of N_k / N",
     "pi_k = N_k / N with N_k = sum_n gamma_nk: components that explain more pixels get a larger prior"},
};

arma::vec soft_counts(const arma::mat& gamma) { return arma::sum(gamma, 0).t(); }

// ln sum_k exp(a_nk) for every row, safely: the correct quantity the variants differ from.
arma::vec log_sum_exp_rows(const arma::mat& a) {
  arma::vec c = arma::max(a, 1);
  c.replace(-arma::datum::inf, 0.0);  // a row of -inf: ln 0 = -inf below, not NaN
  return c + arma::log(arma::sum(arma::exp(a.each_col() - c), 1));
}

// Whether two answers are the same number for number: NaN where the other has NaN, the same
// infinity, and otherwise within 1e-7 of the larger answer's scale. That is far looser than
// rounding (about 1e-15) and far tighter than the distance between any two variants on the
// grader's inputs (at least 1e-5 relative: the N - 1 variant differs by 1 / (2N)).
bool agree(const double* got, const double* expected, arma::uword n) {
  double scale = 0;
  for (arma::uword i = 0; i < n; ++i)
    if (std::isfinite(expected[i])) scale = std::max(scale, std::abs(expected[i]));
  const double tol = 1e-7 * std::max(scale, 1e-300);
  for (arma::uword i = 0; i < n; ++i) {
    const double g = got[i], e = expected[i];
    if (std::isnan(e) || std::isnan(g)) {
      if (std::isnan(e) != std::isnan(g)) return false;
    } else if (std::isinf(e) || std::isinf(g)) {
      if (g != e) return false;
    } else if (std::abs(g - e) > tol) {
      return false;
    }
  }
  return true;
}
template <class A>
bool agree(const A& got, const A& expected) {
  return got.n_elem == expected.n_elem && arma::size(got) == arma::size(expected) &&
         agree(got.memptr(), expected.memptr(), got.n_elem);
}

// A variant that gives the right answer on these inputs (no pixel is far enough for the
// missing shift to matter, say) tells nothing: it is skipped, so a right answer is never
// called a mistake.
template <class Value, class Compute>
std::optional<Mistake> first_match(Part part, const Value& got, const Value& right, Compute&& compute) {
  if (agree(got, right)) return std::nullopt;
  for (const Mistake& m : kCatalogue) {
    if (m.part != part) continue;
    const Value wrong = compute(m.id);
    if (agree(got, wrong) && !agree(wrong, right)) return m;
  }
  return std::nullopt;
}

[[noreturn]] void unknown(std::string_view id) { throw std::out_of_range(fmt::format("unknown mistake '{}'", id)); }

// Z-scores with the given centre and spread per column; constant columns give zeros, as the
// exercise asks, so that a variant differs from the right answer only in its one mistake.
arma::mat scaled(const arma::mat& raw, const arma::rowvec& centre, const arma::rowvec& spread) {
  arma::mat z = raw.each_row() - centre;
  z.each_row() /= spread;
  const arma::uvec constant = arma::find(arma::range(raw, 0) == 0);
  z.cols(constant).zeros();
  return z;
}

arma::cube weighted_scatter(const arma::mat& x, const arma::mat& weights, const arma::mat& centres,
                            const arma::vec& divisors) {
  arma::cube s(x.n_cols, x.n_cols, weights.n_cols);
  for (arma::uword k = 0; k < weights.n_cols; ++k) {
    const arma::mat centred = x.each_row() - centres.row(k);
    arma::mat w = centred;
    w.each_col() %= weights.col(k);
    s.slice(k) = w.t() * centred / divisors(k);
  }
  return s;
}

}  // namespace

const std::vector<Mistake>& catalogue() { return kCatalogue; }

const Mistake& by_id(std::string_view id) {
  for (const Mistake& m : kCatalogue)
    if (m.id == id) return m;
  unknown(id);
}

arma::mat wrong_zscore(std::string_view id, const arma::mat& raw) {
  const arma::rowvec mean = arma::mean(raw, 0);
  if (id == "zscore-n-minus-1") return scaled(raw, mean, arma::stddev(raw, 0, 0));
  if (id == "zscore-not-scaled") return scaled(raw, mean, arma::rowvec(raw.n_cols, arma::fill::ones));
  if (id == "zscore-all-channels") {
    const double m = arma::mean(arma::vectorise(raw));
    const double s = arma::stddev(arma::vectorise(raw), 1);
    return (raw - m) / s;
  }
  unknown(id);
}

arma::mat wrong_gamma(std::string_view id, const arma::mat& a) {
  if (id == "gamma-no-max-shift") {
    const arma::mat p = arma::exp(a);
    return p.each_col() / arma::sum(p, 1);
  }
  if (id == "gamma-unshifted-log-total") {
    const arma::vec log_total = arma::log(arma::sum(arma::exp(a), 1));
    return arma::exp(a.each_col() - log_total);
  }
  if (id == "gamma-not-normalised") return arma::exp(a);
  if (id == "gamma-wrong-axis") {
    const arma::vec lse = log_sum_exp_rows(a.t());  // per column of a
    return arma::exp(a.each_row() - lse.t());
  }
  unknown(id);
}

double wrong_log_likelihood(std::string_view id, const arma::mat& a) {
  if (id == "ll-no-max-shift") return arma::accu(arma::log(arma::sum(arma::exp(a), 1)));
  if (id == "ll-forgot-log") return arma::accu(arma::exp(a));
  if (id == "ll-log-of-total") {
    const arma::vec all = arma::vectorise(a);
    return log_sum_exp_rows(all.t())(0);
  }
  if (id == "ll-mean-over-pixels") return arma::mean(log_sum_exp_rows(a));
  if (id == "ll-sum-of-log-terms") return arma::accu(a);
  unknown(id);
}

arma::mat wrong_means(std::string_view id, const arma::mat& x, const arma::mat& gamma) {
  const arma::mat sums = gamma.t() * x;
  if (id == "means-not-divided") return sums;
  if (id == "means-divided-by-n") return sums / double(x.n_rows);
  unknown(id);
}

arma::cube wrong_covariances(std::string_view id, const arma::mat& x, const arma::mat& gamma,
                             const arma::mat& new_means, const arma::mat& old_means) {
  const arma::vec n_k = soft_counts(gamma);
  const arma::uword k = gamma.n_cols;
  const arma::mat ones(x.n_rows, k, arma::fill::ones);
  if (id == "cov-old-mean") return weighted_scatter(x, gamma, old_means, n_k);
  if (id == "cov-not-weighted") return weighted_scatter(x, ones, new_means, arma::vec(k).fill(double(x.n_rows)));
  if (id == "cov-not-weighted-nk") return weighted_scatter(x, ones, new_means, n_k);
  if (id == "cov-divided-by-n") return weighted_scatter(x, gamma, new_means, arma::vec(k).fill(double(x.n_rows)));
  if (id == "cov-divided-by-nk-minus-1") return weighted_scatter(x, gamma, new_means, n_k - 1.0);
  if (id == "cov-not-divided") return weighted_scatter(x, gamma, new_means, arma::vec(k, arma::fill::ones));
  unknown(id);
}

arma::vec wrong_priors(std::string_view id, const arma::mat& gamma) {
  if (id == "priors-not-divided") return soft_counts(gamma);
  if (id == "priors-uniform") return arma::vec(gamma.n_cols).fill(1.0 / double(gamma.n_cols));
  unknown(id);
}

arma::cube covariances_about(const arma::mat& x, const arma::mat& gamma, const arma::mat& centres) {
  return weighted_scatter(x, gamma, centres, soft_counts(gamma));
}

// The right answers, plainly: what each variant must differ from to count.
std::optional<Mistake> recognise_zscore(const arma::mat& raw, const arma::mat& got) {
  const arma::mat right = scaled(raw, arma::mean(raw, 0), arma::stddev(raw, 1, 0));
  return first_match(Part::zscore, got, right, [&](std::string_view id) { return wrong_zscore(id, raw); });
}
std::optional<Mistake> recognise_gamma(const arma::mat& a, const arma::mat& got) {
  const arma::mat right = arma::exp(a.each_col() - log_sum_exp_rows(a));
  return first_match(Part::gamma, got, right, [&](std::string_view id) { return wrong_gamma(id, a); });
}
std::optional<Mistake> recognise_log_likelihood(const arma::mat& a, double got) {
  const arma::vec g{got}, right{arma::accu(log_sum_exp_rows(a))};
  return first_match(Part::log_likelihood, g, right,
                     [&](std::string_view id) { return arma::vec{wrong_log_likelihood(id, a)}; });
}
std::optional<Mistake> recognise_means(const arma::mat& x, const arma::mat& gamma, const arma::mat& got) {
  arma::mat right = gamma.t() * x;
  right.each_col() /= soft_counts(gamma);
  return first_match(Part::means, got, right, [&](std::string_view id) { return wrong_means(id, x, gamma); });
}
std::optional<Mistake> recognise_covariances(const arma::mat& x, const arma::mat& gamma, const arma::mat& new_means,
                                             const arma::mat& old_means, const arma::cube& got) {
  return first_match(Part::covariances, got, covariances_about(x, gamma, new_means),
                     [&](std::string_view id) { return wrong_covariances(id, x, gamma, new_means, old_means); });
}
std::optional<Mistake> recognise_priors(const arma::mat& gamma, const arma::vec& got) {
  const arma::vec right = soft_counts(gamma) / double(gamma.n_rows);
  return first_match(Part::priors, got, right, [&](std::string_view id) { return wrong_priors(id, gamma); });
}

std::string describe(const Mistake& m) {
  return fmt::format("This looks like a known mistake: the answer {}. Hint: {}.", m.name, m.hint);
}

}  // namespace gmmlab::mistakes
