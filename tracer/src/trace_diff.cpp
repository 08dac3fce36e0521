// `trace diff`: where two runs of EM first part, half-step by half-step.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <functional>

#include "gmmlab/errors.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab {

namespace {

// One compared number: where it is and both values.
struct Value {
  std::string quantity;
  double a, b;
};

// Every number one half-step produces, in the order the formulas compute them, so that the
// first difference reported is the earliest cause rather than a consequence.
std::vector<Value> e_step_values(const TraceIteration& a, const TraceIteration& b) {
  std::vector<Value> out{{"log-likelihood", a.log_likelihood, b.log_likelihood}};
  for (arma::uword k = 0; k < a.soft_counts.n_elem; ++k)
    out.push_back({fmt::format("soft count N_k of component {}", k + 1), a.soft_counts[k], b.soft_counts[k]});
  return out;
}

std::vector<Value> mixture_values(const Mixture& a, const Mixture& b, const std::vector<std::string>& names) {
  std::vector<Value> out;
  const arma::uword k = a.components(), d = a.dims();
  for (arma::uword c = 0; c < k; ++c)
    for (arma::uword i = 0; i < d; ++i)
      out.push_back({fmt::format("mean of component {}, entry {} ({})", c + 1, i, names[i]), a.means(c, i),
                     b.means(c, i)});
  // The upper triangle only: the driver makes every covariance symmetric.
  for (arma::uword c = 0; c < k; ++c)
    for (arma::uword i = 0; i < d; ++i)
      for (arma::uword j = i; j < d; ++j)
        out.push_back({fmt::format("covariance of component {}, entry ({},{}) ({},{})", c + 1, i, j, names[i],
                                   names[j]),
                       a.covs(i, j, c), b.covs(i, j, c)});
  for (arma::uword c = 0; c < k; ++c)
    out.push_back({fmt::format("prior of component {}", c + 1), a.priors[c], b.priors[c]});
  return out;
}

double allowed(const DiffTolerance& tol, double a, double b) {
  return tol.atol + tol.rtol * std::max(std::abs(a), std::abs(b));
}

std::string end_summary(const Trace& t) {
  const std::string ll =
      t.iterations.empty() ? "no log-likelihood" : fmt::format("last log-likelihood {:.9e}", t.iterations.back().log_likelihood);
  return fmt::format("{}, {}", describe_ending(t), ll);
}

std::string refusal(const Trace& a, const Trace& b, const std::string& na, const std::string& nb) {
  const TraceInput &ia = a.input, &ib = b.input;
  if (ia.content_hash != ib.content_hash || ia.height != ib.height || ia.width != ib.width ||
      ia.channels != ib.channels)
    return fmt::format("{} is a run on '{}' ({} x {}, content {}) but {} is a run on '{}' ({} x {}, content {}); diff "
                       "compares two runs on the same photo",
                       na, ia.path, ia.width, ia.height, ia.content_hash, nb, ib.path, ib.width, ib.height,
                       ib.content_hash);
  const TraceSettings &sa = a.settings, &sb = b.settings;
  auto differ = [&](const std::string& what, const std::string& va, const std::string& vb) {
    return fmt::format("{} has {} {} but {} has {} {}; diff compares runs with the same options", na, what, va, nb,
                       what, vb);
  };
  if (sa.k != sb.k) return differ("K =", std::to_string(sa.k), std::to_string(sb.k));
  if (sa.init.empty() && sb.init.empty() && sa.seed != sb.seed)
    return differ("k-means seed", std::to_string(sa.seed), std::to_string(sb.seed));
  if (sa.em.max_iterations != sb.em.max_iterations)
    return differ("an iteration cap of", std::to_string(sa.em.max_iterations), std::to_string(sb.em.max_iterations));
  if (sa.em.tolerance != sb.em.tolerance || sa.em.relative_tolerance != sb.em.relative_tolerance)
    return differ("tolerance", fmt::format("{:g}{}", sa.em.tolerance, sa.em.relative_tolerance ? " (relative)" : ""),
                  fmt::format("{:g}{}", sb.em.tolerance, sb.em.relative_tolerance ? " (relative)" : ""));
  if (sa.em.reg_covar != sb.em.reg_covar)
    return differ("covariance ridge", fmt::format("{:g}", sa.em.reg_covar), fmt::format("{:g}", sb.em.reg_covar));
  return {};
}

// Where a failed run stopped, as (iteration, half-step); nullopt for a run that ended well.
std::optional<std::pair<int, HalfStep>> failure(const Trace& t) {
  if (t.end.failed_iteration && t.end.failed_half_step) return std::pair{*t.end.failed_iteration, *t.end.failed_half_step};
  return std::nullopt;
}

int half_step_number(int iteration, std::optional<HalfStep> h) {
  if (iteration == 0 || !h) return 0;
  return 2 * iteration - (*h == HalfStep::e_step ? 1 : 0);
}

std::string where(int iteration, std::optional<HalfStep> h) {
  if (iteration == 0) return "the initial mixture";
  return fmt::format("iteration {}, {}", iteration, half_step_name(*h));
}

// What to read when the first difference is here: every value before it agreed, so the
// formulas of this half-step are where the runs part.
std::string hint(int iteration, std::optional<HalfStep> h, const std::string& quantity) {
  if (iteration == 0)
    return "The runs did not start from the same mixture (a different Z-score, k-means seed or --init), so "
           "nothing after the start can be compared meaningfully.";
  if (*h == HalfStep::e_step)
    return fmt::format("Both E-steps evaluated the same mixture (iteration {}'s, which agreed), so the E-step's "
                       "formulas are where the runs part (handout §E-step).",
                       iteration - 1);
  std::string part = quantity.starts_with("mean")         ? "the means mu_k"
                     : quantity.starts_with("covariance") ? "the covariances Sigma_k"
                                                          : "the priors pi_k";
  return fmt::format("Both M-steps used the responsibilities of an E-step that agreed, so the M-step's formula for "
                     "{} is where the runs part (handout §M-step).",
                     part);
}

}  // namespace

TraceDiff diff_traces(const Trace& a, const Trace& b, const DiffTolerance& tol, const std::string& name_a,
                      const std::string& name_b) {
  TraceDiff d;
  const std::string la = fmt::format("{} ({})", name_a, a.settings.implementation);
  const std::string lb = fmt::format("{} ({})", name_b, b.settings.implementation);
  if (std::string why = refusal(a, b, name_a, name_b); !why.empty()) {
    d.comparable = false;
    d.agree = false;
    d.refusal = why;
    return d;
  }
  const auto names = channel_names(arma::uword(a.input.channels));
  const std::size_t width = std::max(la.size(), lb.size()) + 1;

  // The largest relative difference seen anywhere, to say how close agreeing runs are.
  double worst_ratio = 0;
  std::string worst_where;
  int compared = 0;

  // Compares one half-step; fills d and returns false at the first difference.
  auto check = [&](int iteration, std::optional<HalfStep> h, const std::vector<Value>& values) {
    ++compared;
    const Value* first = nullptr;
    const Value* largest = nullptr;
    int differing = 0;
    for (const Value& v : values) {
      const double diff = std::abs(v.a - v.b), limit = allowed(tol, v.a, v.b);
      const double ratio = limit > 0 ? diff / limit : (diff > 0 ? INFINITY : 0);
      if (ratio > worst_ratio || worst_where.empty()) {
        worst_ratio = std::max(worst_ratio, ratio);
        worst_where = fmt::format("{}, {}", where(iteration, h), v.quantity);
      }
      if (!(diff <= limit)) {
        ++differing;
        if (!first) first = &v;
        if (!largest || diff > std::abs(largest->a - largest->b)) largest = &v;
      }
    }
    if (!first) return true;
    d.agree = false;
    d.iteration = iteration;
    d.half_step = h;
    d.quantity = first->quantity;
    const double diff = std::abs(first->a - first->b);
    std::string r = fmt::format("The runs first differ at {} (half-step {}): {}\n", where(iteration, h),
                                half_step_number(iteration, h), first->quantity);
    r += fmt::format("  {:<{}} {:>20.12e}\n", la + ":", width, first->a);
    r += fmt::format("  {:<{}} {:>20.12e}\n", lb + ":", width, first->b);
    r += fmt::format("  difference {:.3e}, more than the {:.3e} allowed (atol {:g} + rtol {:g} x {:.3e})\n", diff,
                     allowed(tol, first->a, first->b), tol.atol, tol.rtol,
                     std::max(std::abs(first->a), std::abs(first->b)));
    if (differing > 1)
      r += fmt::format("  At this half-step {} of {} values differ; the largest difference, {:.3e}, is in the {}.\n",
                       differing, values.size(), std::abs(largest->a - largest->b), largest->quantity);
    else
      r += fmt::format("  It is the only one of the {} values of this half-step that differs.\n", values.size());
    d.report = r;
    return false;
  };

  auto finish_report = [&](const std::string& first_lines) {
    std::string r = first_lines;
    const int agreed = half_step_number(d.iteration, d.half_step);
    if (agreed > 0) {
      std::string what = "the initial mixture";
      if (d.iteration > 1)
        what += d.iteration == 2   ? ", iteration 1"
                : d.iteration == 3 ? ", iterations 1 and 2"
                                   : fmt::format(", iterations 1 to {}", d.iteration - 1);
      if (d.half_step == HalfStep::m_step) what += fmt::format(", iteration {}'s E-step", d.iteration);
      r += fmt::format("Before it, {} half-step{} agreed: {}.\n", agreed, agreed == 1 ? "" : "s", what);
    }
    if (d.quantity != "how the run goes on") r += hint(d.iteration, d.half_step, d.quantity) + "\n";
    r += fmt::format("{:<{}} {}\n", la + ":", width, end_summary(a));
    r += fmt::format("{:<{}} {}\n", lb + ":", width, end_summary(b));
    d.report = r;
  };

  if (!check(0, std::nullopt, mixture_values(a.initial, b.initial, names))) {
    finish_report(d.report);
    return d;
  }
  const auto fa = failure(a), fb = failure(b);
  // A run that stopped with an error at a half-step the other completed: that is the difference.
  // Returns true when that is a difference (and fills d).
  auto stopped_here = [&](int iteration, HalfStep h) -> bool {
    const bool a_stops = fa && fa->first == iteration && fa->second == h;
    const bool b_stops = fb && fb->first == iteration && fb->second == h;
    if (!a_stops && !b_stops) return false;
    if (a_stops && b_stops && a.end.message == b.end.message) return false;  // both stop alike: agreed to the end
    d.agree = false;
    d.iteration = iteration;
    d.half_step = h;
    d.quantity = "how the run goes on";
    std::string r = fmt::format("The runs first differ at {} (half-step {}): one run stopped there\n",
                                where(iteration, h), half_step_number(iteration, h));
    if (a_stops) r += fmt::format("  {} stopped: {}\n", la, a.end.message);
    if (b_stops) r += fmt::format("  {} stopped: {}\n", lb, b.end.message);
    if (!(a_stops && b_stops)) r += fmt::format("  {} went on.\n", a_stops ? lb : la);
    finish_report(r);
    return true;
  };

  const std::size_t shared = std::min(a.iterations.size(), b.iterations.size());
  for (std::size_t i = 0; i < shared; ++i) {
    const int iteration = int(i + 1);
    const TraceIteration &ia = a.iterations[i], &ib = b.iterations[i];
    if (!check(iteration, HalfStep::e_step, e_step_values(ia, ib))) {
      finish_report(d.report);
      return d;
    }
    if (ia.mixture && ib.mixture) {
      if (!check(iteration, HalfStep::m_step, mixture_values(*ia.mixture, *ib.mixture, names))) {
        finish_report(d.report);
        return d;
      }
    } else if (stopped_here(iteration, HalfStep::m_step)) {
      return d;
    }
  }
  // One run has no record of the next half-step: it stopped with an error, or it ended well.
  const int next = int(shared + 1);
  if (stopped_here(next, HalfStep::e_step)) return d;

  std::string r = fmt::format("The runs agree: the initial mixture and {} iteration{} ({} half-steps) match within "
                              "rtol {:g} and atol {:g}.\n",
                              shared, shared == 1 ? "" : "s", compared, tol.rtol, tol.atol);
  if (worst_ratio > 0)
    r += fmt::format("The closest call used {:.2g} of the tolerance, at {}.\n", worst_ratio, worst_where);
  if (fa && fb && a.end.message == b.end.message)
    r += fmt::format("Both runs stopped at {} with the same error: {}\n", where(fa->first, fa->second), a.end.message);
  if (a.iterations.size() != b.iterations.size())
    r += fmt::format("One run went on for more iterations: near convergence each iteration changes the log-likelihood "
                     "by about the tolerance, so rounding decides exactly where a run stops; the {} iterations both "
                     "ran agree.\n",
                     shared);
  r += fmt::format("{:<{}} {}\n", la + ":", width, end_summary(a));
  r += fmt::format("{:<{}} {}\n", lb + ":", width, end_summary(b));
  d.report = r;
  return d;
}

}  // namespace gmmlab
