#include "planted_steps.hpp"

#include <cmath>
#include <limits>
#include <stdexcept>

#include "gmmlab/gaussian.hpp"
#include "gmmlab/mistakes.hpp"

namespace gmmlab::grader_tests {

namespace {

// Correct, pixel by pixel, as a student who prefers loops would write it; `mistake_` switches
// one known mistake on.
class LoopSteps final : public Steps {
 public:
  explicit LoopSteps(std::string mistake) : mistake_(std::move(mistake)) {}
  std::string_view name() const override { return "loops"; }

  arma::mat zscore(const arma::mat& raw) const override {
    const arma::uword n = raw.n_rows, d = raw.n_cols;
    arma::mat z(n, d);
    if (is("zscore-all-channels")) {
      double sum = 0, sq = 0;
      for (double v : raw) sum += v;
      const double mean = sum / double(raw.n_elem);
      for (double v : raw) sq += (v - mean) * (v - mean);
      const double sd = std::sqrt(sq / double(raw.n_elem));
      for (arma::uword i = 0; i < raw.n_elem; ++i) z(i) = (raw(i) - mean) / sd;
      return z;
    }
    for (arma::uword j = 0; j < d; ++j) {
      double sum = 0, lo = raw(0, j), hi = raw(0, j);
      for (arma::uword i = 0; i < n; ++i) {
        sum += raw(i, j);
        lo = std::min(lo, raw(i, j));
        hi = std::max(hi, raw(i, j));
      }
      const double mean = sum / double(n);
      double sq = 0;
      for (arma::uword i = 0; i < n; ++i) sq += (raw(i, j) - mean) * (raw(i, j) - mean);
      double sd = std::sqrt(sq / double(is("zscore-n-minus-1") ? n - 1 : n));
      if (is("zscore-not-scaled")) sd = 1;
      for (arma::uword i = 0; i < n; ++i) z(i, j) = hi == lo ? 0.0 : (raw(i, j) - mean) / sd;
    }
    return z;
  }

  Posterior e_step(const arma::mat& x, const Mixture& m) const override {
    const arma::mat a = weighted_log_densities(x, m);
    const arma::uword n = a.n_rows, k = a.n_cols;
    Posterior p;
    p.gamma.set_size(n, k);
    p.log_likelihood = 0;
    double total_exp = 0;  // for the "of the total" and "forgot the log" mistakes
    double sum_a = 0;
    for (arma::uword i = 0; i < n; ++i) {
      double c = -std::numeric_limits<double>::infinity();
      for (arma::uword j = 0; j < k; ++j) c = std::max(c, a(i, j));
      double s = 0, s_unshifted = 0;
      for (arma::uword j = 0; j < k; ++j) {
        s += std::exp(a(i, j) - c);
        s_unshifted += std::exp(a(i, j));
        total_exp += std::exp(a(i, j));
        sum_a += a(i, j);
      }
      for (arma::uword j = 0; j < k; ++j) {
        if (is("gamma-no-max-shift"))
          p.gamma(i, j) = std::exp(a(i, j)) / s_unshifted;
        else if (is("gamma-unshifted-log-total"))
          p.gamma(i, j) = std::exp(a(i, j) - std::log(s_unshifted));
        else if (is("gamma-not-normalised"))
          p.gamma(i, j) = std::exp(a(i, j));
        else
          p.gamma(i, j) = std::exp(a(i, j) - c) / s;
      }
      p.log_likelihood += is("ll-no-max-shift") ? std::log(s_unshifted) : c + std::log(s);
    }
    if (is("gamma-wrong-axis")) {
      for (arma::uword j = 0; j < k; ++j) {
        double c = -std::numeric_limits<double>::infinity(), s = 0;
        for (arma::uword i = 0; i < n; ++i) c = std::max(c, a(i, j));
        for (arma::uword i = 0; i < n; ++i) s += std::exp(a(i, j) - c);
        for (arma::uword i = 0; i < n; ++i) p.gamma(i, j) = std::exp(a(i, j) - c) / s;
      }
    }
    if (is("ll-forgot-log")) p.log_likelihood = total_exp;
    if (is("ll-log-of-total")) p.log_likelihood = std::log(total_exp);
    if (is("ll-mean-over-pixels")) p.log_likelihood /= double(n);
    if (is("ll-sum-of-log-terms")) p.log_likelihood = sum_a;
    return p;
  }

  // As the skeleton splits it: means, then the covariances about those means, then the priors;
  // the grader calls the covariances on their own with other means.
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override {
    Mixture next;
    next.means = means_of(x, gamma);
    next.covs = covariances_of(x, gamma, next.means);
    next.priors = priors_of(x, gamma);
    return next;
  }

  arma::mat means_of(const arma::mat& x, const arma::mat& gamma) const override {
    const arma::uword n = x.n_rows, d = x.n_cols, k = gamma.n_cols;
    arma::mat means(k, d, arma::fill::zeros);
    for (arma::uword c = 0; c < k; ++c) {
      double nk = 0;
      for (arma::uword i = 0; i < n; ++i) nk += gamma(i, c);
      for (arma::uword i = 0; i < n; ++i)
        for (arma::uword j = 0; j < d; ++j) means(c, j) += gamma(i, c) * x(i, j);
      if (!is("means-not-divided")) means.row(c) /= is("means-divided-by-n") ? double(n) : nk;
    }
    // As `arma::mat means(d, k)` filled as means(j, c) would give it: one column per component.
    if (is("means-transposed")) return means.t();
    return means;
  }

  arma::cube covariances_of(const arma::mat& x, const arma::mat& gamma, const arma::mat& means) const override {
    const arma::uword n = x.n_rows, d = x.n_cols, k = gamma.n_cols;
    arma::cube covs(d, d, k, arma::fill::zeros);
    for (arma::uword c = 0; c < k; ++c) {
      double nk = 0;
      for (arma::uword i = 0; i < n; ++i) nk += gamma(i, c);
      for (arma::uword i = 0; i < n; ++i) {
        const double w = is("cov-not-weighted") || is("cov-not-weighted-nk") ? 1.0 : gamma(i, c);
        for (arma::uword r = 0; r < d; ++r)
          for (arma::uword s = 0; s < d; ++s) covs(r, s, c) += w * (x(i, r) - means(c, r)) * (x(i, s) - means(c, s));
      }
      double divisor = nk;
      if (is("cov-divided-by-n") || is("cov-not-weighted")) divisor = double(n);
      if (is("cov-divided-by-nk-minus-1")) divisor = nk - 1;
      if (is("cov-not-divided")) divisor = 1;
      covs.slice(c) /= divisor;
    }
    return covs;
  }

  arma::vec priors_of(const arma::mat& x, const arma::mat& gamma) const override {
    const arma::uword n = x.n_rows, k = gamma.n_cols;
    arma::vec priors(k);
    for (arma::uword c = 0; c < k; ++c) {
      double nk = 0;
      for (arma::uword i = 0; i < n; ++i) nk += gamma(i, c);
      priors(c) = is("priors-not-divided") ? nk : is("priors-uniform") ? 1.0 / double(k) : nk / double(n);
    }
    return priors;
  }

 private:
  bool is(const char* id) const { return mistake_ == id; }
  std::string mistake_;
};

// Correct, with other valid formulas: the Z-score from E[x^2] - E[x]^2 in long double,
// log-sum-exp as max + log1p(the others), and the
// covariance as E_gamma[x x^T] - mu mu^T.
class AlternativeSteps final : public Steps {
 public:
  std::string_view name() const override { return "alternative"; }

  arma::mat zscore(const arma::mat& raw) const override {
    arma::mat z(arma::size(raw));
    for (arma::uword j = 0; j < raw.n_cols; ++j) {
      long double s = 0, sq = 0;
      for (double v : raw.col(j)) s += v, sq += (long double)v * v;
      const long double mean = s / raw.n_rows;
      const long double var = sq / raw.n_rows - mean * mean;
      const bool constant = raw.col(j).max() == raw.col(j).min();
      for (arma::uword i = 0; i < raw.n_rows; ++i)
        z(i, j) = constant ? 0.0 : double((raw(i, j) - mean) / std::sqrt(var));
    }
    return z;
  }

  Posterior e_step(const arma::mat& x, const Mixture& m) const override {
    const arma::mat a = weighted_log_densities(x, m);
    Posterior p;
    p.gamma.set_size(arma::size(a));
    p.log_likelihood = 0;
    for (arma::uword i = 0; i < a.n_rows; ++i) {
      // The shift is the row's maximum, but the sum is written as 1 + the others, through
      // log1p, which keeps digits when one component dominates.
      const arma::uword top = a.row(i).index_max();
      const double c = a(i, top);
      double rest = 0;
      for (arma::uword j = 0; j < a.n_cols; ++j)
        if (j != top) rest += std::exp(a(i, j) - c);
      const double log_total = c + std::log1p(rest);
      for (arma::uword j = 0; j < a.n_cols; ++j) p.gamma(i, j) = std::exp(a(i, j) - log_total);
      p.log_likelihood += log_total;
    }
    return p;
  }

  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override {
    Mixture next;
    const arma::rowvec nk = arma::sum(gamma, 0);
    next.priors = arma::mean(gamma, 0).t();
    next.means = (gamma.t() * x).eval();
    next.means.each_col() /= nk.t();
    next.covs.set_size(x.n_cols, x.n_cols, gamma.n_cols);
    for (arma::uword c = 0; c < gamma.n_cols; ++c) {
      arma::mat wx = x;
      wx.each_col() %= gamma.col(c);
      next.covs.slice(c) = x.t() * wx / nk(c) - next.means.row(c).t() * next.means.row(c);
    }
    return next;
  }
};

}  // namespace

std::unique_ptr<Steps> loop_steps(const std::string& mistake) { return std::make_unique<LoopSteps>(mistake); }
std::unique_ptr<Steps> alternative_steps() { return std::make_unique<AlternativeSteps>(); }

std::vector<std::string> plantable_mistakes() {
  std::vector<std::string> ids;
  for (const auto& m : mistakes::catalogue())
    if (m.id != "cov-old-mean") ids.emplace_back(m.id);
  return ids;
}

}  // namespace gmmlab::grader_tests
