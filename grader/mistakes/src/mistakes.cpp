#include "gmmlab/mistakes.hpp"

#include <fmt/format.h>

#include <cmath>
#include <stdexcept>

namespace gmmlab::mistakes {

namespace {

using arma::cube;
using arma::mat;
using arma::vec;

arma::vec soft_counts(const mat& gamma) { return arma::sum(gamma, 0).t(); }

// ln sum_k exp(a_nk) for every row, safely: the correct quantity the variants differ from.
arma::vec log_sum_exp_rows(const mat& a) {
  vec c = arma::max(a, 1);
  c.replace(-arma::datum::inf, 0.0);  // a row of -inf: ln 0 = -inf below, not NaN
  return c + arma::log(arma::sum(arma::exp(a.each_col() - c), 1));
}

// Z-scores with the given centre and spread per column; constant columns give zeros, as the
// exercise asks, so that a variant differs from the right answer only in its one mistake.
mat scaled(const mat& raw, const arma::rowvec& centre, const arma::rowvec& spread) {
  mat z = raw.each_row() - centre;
  z.each_row() /= spread;
  const arma::uvec constant = arma::find(arma::range(raw, 0) == 0);
  z.cols(constant).zeros();
  return z;
}

cube weighted_scatter(const mat& x, const mat& weights, const mat& centres, const vec& divisors) {
  cube s(x.n_cols, x.n_cols, weights.n_cols);
  for (arma::uword k = 0; k < weights.n_cols; ++k) {
    const mat centred = x.each_row() - centres.row(k);
    mat w = centred;
    w.each_col() %= weights.col(k);
    s.slice(k) = w.t() * centred / divisors(k);
  }
  return s;
}

// The right answers, plainly: what each variant must differ from to count.
mat right_means(const mat& x, const mat& gamma) {
  mat m = gamma.t() * x;
  m.each_col() /= soft_counts(gamma);
  return m;
}
// Every pixel at weight 1 in every component: the unweighted covariance variants.
mat unweighted(const mat& x, const mat& gamma) { return mat(x.n_rows, gamma.n_cols, arma::fill::ones); }

// Each entry owns its words and its wrong answer; the detector tries them in this order.
const std::vector<Mistake> kCatalogue = {
    {"zscore-n-minus-1", "divides by the sample standard deviation (N - 1) instead of the population one (N)",
     "use the population standard deviation: arma::stddev(raw, 1, 0), where norm_type 1 divides by N (handout §Z-score)",
     ZscoreOf{[](const mat& raw) { return scaled(raw, arma::mean(raw, 0), arma::stddev(raw, 0, 0)); }}},
    {"zscore-all-channels", "uses one mean and one standard deviation over all channels together",
     "normalise each channel (column) on its own: arma::mean(raw, 0) and arma::stddev(raw, 1, 0) give one value per column",
     ZscoreOf{[](const mat& raw) -> mat {
       const double m = arma::mean(arma::vectorise(raw));
       const double s = arma::stddev(arma::vectorise(raw), 1);
       return (raw - m) / s;
     }}},
    {"zscore-not-scaled", "subtracts each channel's mean but does not divide by its standard deviation",
     "divide every centred column by its population standard deviation (handout §Z-score)",
     ZscoreOf{[](const mat& raw) { return scaled(raw, arma::mean(raw, 0), arma::rowvec(raw.n_cols, arma::fill::ones)); }}},

    {"gamma-no-max-shift",
     "takes exp of a_nk without subtracting the row maximum, so a pixel far from every component gives 0 / 0 = NaN",
     "subtract c_n = max_k a_nk before exp (log-sum-exp, handout §E-step): exp(a_nk - c_n) never underflows to all zeros",
     GammaOf{[](const mat& a) -> mat {
       const mat p = arma::exp(a);
       return p.each_col() / arma::sum(p, 1);
     }}},
    {"gamma-unshifted-log-total",
     "computes ln sum_k exp(a_nk) without subtracting the row maximum, so for a pixel far from every component "
     "that is ln 0 = -inf and gamma_nk = exp(a_nk + inf) = inf",
     "shift inside the log too: ln sum_k exp(a_nk) = c_n + ln sum_k exp(a_nk - c_n) with c_n = max_k a_nk "
     "(log-sum-exp, handout §E-step), then gamma_nk = exp(a_nk - that total)",
     GammaOf{[](const mat& a) -> mat { return arma::exp(a.each_col() - arma::log(arma::sum(arma::exp(a), 1))); }}},
    {"gamma-wrong-axis",
     "normalises gamma over the pixels (each column sums to 1) instead of over the components (each row sums to 1)",
     "divide each row by its own total, sum over k: arma::max(a, 1) and arma::sum(..., 1) work along rows",
     GammaOf{[](const mat& a) -> mat { return arma::exp(a.each_row() - log_sum_exp_rows(a.t()).t()); }}},
    {"gamma-not-normalised", "returns pi_k N(x_n | mu_k, Sigma_k) itself, without dividing by the row's total",
     "divide each row by sum_j pi_j N(x_n | mu_j, Sigma_j), so that every row sums to 1 (handout §E-step)",
     GammaOf{[](const mat& a) -> mat { return arma::exp(a); }}},

    {"ll-no-max-shift",
     "takes ln sum_k exp(a_nk) without subtracting the row maximum, so a far pixel adds ln 0 = -infinity",
     "use log-sum-exp: c_n + ln sum_k exp(a_nk - c_n) with c_n = max_k a_nk (handout §E-step)",
     LogLikelihoodOf{[](const mat& a) { return arma::accu(arma::log(arma::sum(arma::exp(a), 1))); }}},
    {"ll-forgot-log", "adds up the probabilities sum_k pi_k N(x_n | ...) without taking their log",
     "take the log of each pixel's total before adding over pixels: sum_n ln sum_k exp(a_nk)",
     LogLikelihoodOf{[](const mat& a) { return arma::accu(arma::exp(a)); }}},
    {"ll-log-of-total", "takes one log of the total over all pixels instead of one log per pixel",
     "the log goes inside the sum over pixels: sum_n ln(sum_k exp(a_nk)), one log-sum-exp per row",
     LogLikelihoodOf{[](const mat& a) { return log_sum_exp_rows(arma::vectorise(a).t())(0); }}},
    {"ll-mean-over-pixels", "averages over the pixels instead of adding them up",
     "the log-likelihood is the sum over pixels, not the mean: use arma::accu, not arma::mean",
     LogLikelihoodOf{[](const mat& a) { return arma::mean(log_sum_exp_rows(a)); }}},
    {"ll-sum-of-log-terms",
     "adds the logs ln(pi_k N(x_n | ...)) over the components instead of taking the log of their sum",
     "per pixel, take ln sum_k exp(a_nk) (log-sum-exp), not sum_k a_nk",
     LogLikelihoodOf{[](const mat& a) { return arma::accu(a); }}},

    {"means-not-divided", "does not divide the weighted sum sum_n gamma_nk x_n by N_k",
     "divide row k of gamma^T x by N_k = sum_n gamma_nk (handout §M-step)",
     MeansOf{[](const mat& x, const mat& gamma) -> mat { return gamma.t() * x; }}},
    {"means-divided-by-n", "divides the weighted sum by N (all pixels) instead of by N_k",
     "divide row k by N_k = sum_n gamma_nk, the soft count of component k, not by the number of pixels",
     MeansOf{[](const mat& x, const mat& gamma) -> mat { return gamma.t() * x / double(x.n_rows); }}},
    {"means-transposed",
     "returns the means transposed, d x K with one column per component, instead of K x d with one row per "
     "component (with K = d the shape looks right and every entry is in the wrong place)",
     "return gamma^T x (K x d, not x^T gamma) with row k divided by N_k: row k of the means is component k's mean "
     "(handout §M-step)",
     MeansOf{[](const mat& x, const mat& gamma) -> mat { return right_means(x, gamma).t(); }}},

    {"cov-old-mean", "centres the pixels on the old means instead of the new ones",
     "use the means you were given (the new mu_k from means()), not the mixture's previous means",
     CovariancesOf{[](const mat& x, const mat& gamma, const mat&, const mat& old_means) {
       return weighted_scatter(x, gamma, old_means, soft_counts(gamma));
     }}},
    {"cov-not-weighted",
     "does not weight each pixel's (x_n - mu_k)^T (x_n - mu_k) by gamma_nk, and divides by N (all pixels)",
     "weight each centred row by gamma_nk, (centred.each_col() % gamma.col(k)).t() * centred, and divide by "
     "N_k = sum_n gamma_nk (handout §M-step)",
     CovariancesOf{[](const mat& x, const mat& gamma, const mat& new_means, const mat&) {
       return weighted_scatter(x, unweighted(x, gamma), new_means, vec(gamma.n_cols).fill(double(x.n_rows)));
     }}},
    {"cov-not-weighted-nk",
     "divides by N_k but does not weight each pixel's (x_n - mu_k)^T (x_n - mu_k) by gamma_nk: every pixel counts "
     "fully in every component",
     "multiply each centred row by gamma_nk before the product: (centred.each_col() % gamma.col(k)).t() * centred",
     CovariancesOf{[](const mat& x, const mat& gamma, const mat& new_means, const mat&) {
       return weighted_scatter(x, unweighted(x, gamma), new_means, soft_counts(gamma));
     }}},
    {"cov-divided-by-n", "divides by N (all pixels) instead of by N_k",
     "divide Sigma_k's weighted sum by N_k = sum_n gamma_nk, the soft count of component k",
     CovariancesOf{[](const mat& x, const mat& gamma, const mat& new_means, const mat&) {
       return weighted_scatter(x, gamma, new_means, vec(gamma.n_cols).fill(double(x.n_rows)));
     }}},
    {"cov-divided-by-nk-minus-1", "divides by N_k - 1 instead of by N_k",
     "the M-step is the maximum-likelihood formula: divide by N_k, with no '- 1' (handout §M-step)",
     CovariancesOf{[](const mat& x, const mat& gamma, const mat& new_means, const mat&) {
       return weighted_scatter(x, gamma, new_means, soft_counts(gamma) - 1.0);
     }}},
    {"cov-not-divided", "does not divide the weighted sum by N_k", "divide Sigma_k's weighted sum by N_k = sum_n gamma_nk",
     CovariancesOf{[](const mat& x, const mat& gamma, const mat& new_means, const mat&) {
       return weighted_scatter(x, gamma, new_means, vec(gamma.n_cols, arma::fill::ones));
     }}},

    {"priors-not-divided", "returns N_k itself instead of N_k / N",
     "divide the soft counts by the number of pixels N = gamma.n_rows, so the priors sum to 1",
     PriorsOf{[](const mat& gamma) { return soft_counts(gamma); }}},
    {"priors-uniform", "leaves every prior at 1 / K instead of N_k / N",
     "pi_k = N_k / N with N_k = sum_n gamma_nk: components that explain more pixels get a larger prior",
     PriorsOf{[](const mat& gamma) -> vec { return vec(gamma.n_cols).fill(1.0 / double(gamma.n_cols)); }}},
};

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
template <class Of, class Value, class Compute>
std::optional<Mistake> first_match(const Value& got, const Value& right, Compute&& compute) {
  if (agree(got, right)) return std::nullopt;
  for (const Mistake& m : kCatalogue) {
    const Of* of = std::get_if<Of>(&m.wrong);
    if (!of) continue;
    const Value wrong = compute(*of);
    if (agree(got, wrong) && !agree(wrong, right)) return m;
  }
  return std::nullopt;
}

// Mistake `id`'s wrong answer, asked as the part `Of` it must be.
template <class Of>
const Of& wrong_of(std::string_view id) {
  const Of* of = std::get_if<Of>(&by_id(id).wrong);
  if (!of) throw std::out_of_range(fmt::format("mistake '{}' is a mistake of another part", id));
  return *of;
}

}  // namespace

const std::vector<Mistake>& catalogue() { return kCatalogue; }

const Mistake& by_id(std::string_view id) {
  for (const Mistake& m : kCatalogue)
    if (m.id == id) return m;
  throw std::out_of_range(fmt::format("unknown mistake '{}'", id));
}

mat wrong_zscore(std::string_view id, const mat& raw) { return wrong_of<ZscoreOf>(id).of(raw); }
mat wrong_gamma(std::string_view id, const mat& a) { return wrong_of<GammaOf>(id).of(a); }
double wrong_log_likelihood(std::string_view id, const mat& a) { return wrong_of<LogLikelihoodOf>(id).of(a); }
mat wrong_means(std::string_view id, const mat& x, const mat& gamma) { return wrong_of<MeansOf>(id).of(x, gamma); }
cube wrong_covariances(std::string_view id, const mat& x, const mat& gamma, const mat& new_means, const mat& old_means) {
  return wrong_of<CovariancesOf>(id).of(x, gamma, new_means, old_means);
}
vec wrong_priors(std::string_view id, const mat& gamma) { return wrong_of<PriorsOf>(id).of(gamma); }

cube covariances_about(const mat& x, const mat& gamma, const mat& centres) {
  return weighted_scatter(x, gamma, centres, soft_counts(gamma));
}

std::optional<Mistake> recognise_zscore(const mat& raw, const mat& got) {
  const mat right = scaled(raw, arma::mean(raw, 0), arma::stddev(raw, 1, 0));
  return first_match<ZscoreOf>(got, right, [&](const ZscoreOf& w) { return w.of(raw); });
}
std::optional<Mistake> recognise_gamma(const mat& a, const mat& got) {
  const mat right = arma::exp(a.each_col() - log_sum_exp_rows(a));
  return first_match<GammaOf>(got, right, [&](const GammaOf& w) { return w.of(a); });
}
std::optional<Mistake> recognise_log_likelihood(const mat& a, double got) {
  const vec g{got}, right{arma::accu(log_sum_exp_rows(a))};
  return first_match<LogLikelihoodOf>(g, right, [&](const LogLikelihoodOf& w) { return vec{w.of(a)}; });
}
std::optional<Mistake> recognise_means(const mat& x, const mat& gamma, const mat& got) {
  return first_match<MeansOf>(got, right_means(x, gamma), [&](const MeansOf& w) { return w.of(x, gamma); });
}
std::optional<Mistake> recognise_covariances(const mat& x, const mat& gamma, const mat& new_means,
                                             const mat& old_means, const cube& got) {
  return first_match<CovariancesOf>(got, covariances_about(x, gamma, new_means),
                                    [&](const CovariancesOf& w) { return w.of(x, gamma, new_means, old_means); });
}
std::optional<Mistake> recognise_priors(const mat& gamma, const vec& got) {
  const vec right = soft_counts(gamma) / double(gamma.n_rows);
  return first_match<PriorsOf>(got, right, [&](const PriorsOf& w) { return w.of(gamma); });
}

std::string describe(const Mistake& m) {
  return fmt::format("This looks like a known mistake: the answer {}. Hint: {}.", m.name, m.hint);
}

}  // namespace gmmlab::mistakes
