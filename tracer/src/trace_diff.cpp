// `trace diff`: where two runs of EM first part, half-step by half-step. first_difference
// finds it; diff_report words it.
#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "gmmlab/errors.hpp"
#include "gmmlab/trace.hpp"

namespace gmmlab {

namespace {

using Part = TraceDifference::Part;

// One compared number: which formula made it, where it is, and both values.
struct Value {
  Part part;
  std::string quantity;
  double a, b;
};

// Every number one half-step produces, in the order the formulas compute them, so that the
// first difference reported is the earliest cause rather than a consequence.
std::vector<Value> e_step_values(const TraceIteration& a, const TraceIteration& b) {
  std::vector<Value> out{{Part::log_likelihood, "log-likelihood", a.log_likelihood, b.log_likelihood}};
  for (arma::uword k = 0; k < a.soft_counts.n_elem; ++k)
    out.push_back({Part::soft_count, fmt::format("soft count N_k of component {}", k + 1), a.soft_counts[k],
                   b.soft_counts[k]});
  return out;
}

std::vector<Value> mixture_values(const Mixture& a, const Mixture& b, const std::vector<std::string>& names) {
  std::vector<Value> out;
  const arma::uword k = a.components(), d = a.dims();
  for (arma::uword c = 0; c < k; ++c)
    for (arma::uword i = 0; i < d; ++i)
      out.push_back({Part::mean, fmt::format("mean of component {}, entry {} ({})", c + 1, i, names[i]), a.means(c, i),
                     b.means(c, i)});
  // The upper triangle only: the driver makes every covariance symmetric.
  for (arma::uword c = 0; c < k; ++c)
    for (arma::uword i = 0; i < d; ++i)
      for (arma::uword j = i; j < d; ++j)
        out.push_back({Part::covariance,
                       fmt::format("covariance of component {}, entry ({},{}) ({},{})", c + 1, i, j, names[i], names[j]),
                       a.covs(i, j, c), b.covs(i, j, c)});
  for (arma::uword c = 0; c < k; ++c)
    out.push_back({Part::prior, fmt::format("prior of component {}", c + 1), a.priors[c], b.priors[c]});
  return out;
}

double allowed(const DiffTolerance& tol, double a, double b) {
  return tol.atol + tol.rtol * std::max(std::abs(a), std::abs(b));
}

std::string where(int iteration, std::optional<HalfStep> h) {
  if (iteration == 0) return "the initial mixture";
  return fmt::format("iteration {}, {}", iteration, half_step_name(*h));
}

// Why two traces cannot be compared (another photo or other options); empty when they can.
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

// ---- finding the first difference ---------------------------------------------------------------

// Compares the values of one half-step: the first that differs beyond the tolerance, if any.
// Every value also counts towards the closest call in `agreed`.
std::optional<TraceDifference> compare_half_step(int iteration, std::optional<HalfStep> h,
                                                 const std::vector<Value>& values, const DiffTolerance& tol,
                                                 DiffAgreement& agreed) {
  ++agreed.half_steps;
  const Value* first = nullptr;
  const Value* largest = nullptr;
  int differing = 0;
  for (const Value& v : values) {
    const double diff = std::abs(v.a - v.b), limit = allowed(tol, v.a, v.b);
    const double ratio = limit > 0 ? diff / limit : (diff > 0 ? INFINITY : 0);
    if (ratio > agreed.closest_ratio || agreed.closest_where.empty()) {
      agreed.closest_ratio = std::max(agreed.closest_ratio, ratio);
      agreed.closest_where = fmt::format("{}, {}", where(iteration, h), v.quantity);
    }
    if (!(diff <= limit)) {
      ++differing;
      if (!first) first = &v;
      if (!largest || diff > std::abs(largest->a - largest->b)) largest = &v;
    }
  }
  if (!first) return std::nullopt;
  TraceDifference d;
  d.cause = TraceDifference::Cause::value;
  d.iteration = iteration;
  d.half_step = h;
  d.part = first->part;
  d.quantity = first->quantity;
  d.a = first->a;
  d.b = first->b;
  d.differing = differing;
  d.values = int(values.size());
  d.largest_quantity = largest->quantity;
  d.largest_difference = std::abs(largest->a - largest->b);
  return d;
}

bool stops_at(const Trace& t, int iteration, HalfStep h) {
  return t.end.failed_iteration == iteration && t.end.failed_half_step == h;
}

// A run that stopped with an error at a half-step the other completed, or both with different
// errors: that is where they part. Both stopping alike is agreement to the end.
std::optional<TraceDifference> compare_stops(const Trace& a, const Trace& b, int iteration, HalfStep h) {
  const bool a_stops = stops_at(a, iteration, h), b_stops = stops_at(b, iteration, h);
  if (!a_stops && !b_stops) return std::nullopt;
  if (a_stops && b_stops && a.end.message == b.end.message) return std::nullopt;
  TraceDifference d;
  d.cause = TraceDifference::Cause::stopped;
  d.iteration = iteration;
  d.half_step = h;
  d.a_stopped = a_stops;
  d.b_stopped = b_stops;
  return d;
}

// Walks both runs half-step by half-step, in the order EM made them.
std::optional<TraceDifference> first_difference(const Trace& a, const Trace& b, const DiffTolerance& tol,
                                                DiffAgreement& agreed) {
  const auto names = channel_names(arma::uword(a.input.channels));
  if (auto d = compare_half_step(0, std::nullopt, mixture_values(a.initial, b.initial, names), tol, agreed)) return d;
  const std::size_t shared = std::min(a.iterations.size(), b.iterations.size());
  for (std::size_t i = 0; i < shared; ++i) {
    const int iteration = int(i + 1);
    const TraceIteration &ia = a.iterations[i], &ib = b.iterations[i];
    if (auto d = compare_half_step(iteration, HalfStep::e_step, e_step_values(ia, ib), tol, agreed)) return d;
    if (ia.mixture && ib.mixture) {
      if (auto d = compare_half_step(iteration, HalfStep::m_step, mixture_values(*ia.mixture, *ib.mixture, names),
                                     tol, agreed))
        return d;
    } else if (auto d = compare_stops(a, b, iteration, HalfStep::m_step)) {
      return d;
    }
  }
  agreed.iterations = int(shared);
  // One run has no record of the next half-step: it stopped with an error, or it ended well.
  return compare_stops(a, b, int(shared + 1), HalfStep::e_step);
}

// ---- wording ------------------------------------------------------------------------------------

int half_step_number(int iteration, std::optional<HalfStep> h) {
  if (iteration == 0 || !h) return 0;
  return 2 * iteration - (*h == HalfStep::e_step ? 1 : 0);
}

// What to read when the first difference is a value here: every value before it agreed, so
// the formulas of this half-step are where the runs part.
// The formula a compared value comes from, as the handout names it.
const char* formula_name(Part p) {
  switch (p) {
    case Part::log_likelihood: return "the log-likelihood";
    case Part::soft_count: return "the soft counts N_k";
    case Part::mean: return "the means mu_k";
    case Part::covariance: return "the covariances Sigma_k";
    case Part::prior: return "the priors pi_k";
  }
  return "?";
}

std::string hint(const TraceDifference& d) {
  if (d.iteration == 0)
    return "The runs did not start from the same mixture (a different Z-score, k-means seed or --init), so "
           "nothing after the start can be compared meaningfully.";
  if (*d.half_step == HalfStep::e_step)
    return fmt::format("Both E-steps evaluated the same mixture (iteration {}'s, which agreed), so the E-step's "
                       "formulas are where the runs part (handout §E-step).",
                       d.iteration - 1);
  return fmt::format("Both M-steps used the responsibilities of an E-step that agreed, so the M-step's formula for "
                     "{} is where the runs part (handout §M-step).",
                     formula_name(d.part));
}

// The half-steps before the first difference, all of which agreed.
std::string agreed_before(const TraceDifference& d) {
  const int agreed = half_step_number(d.iteration, d.half_step);
  if (agreed == 0) return "";
  std::string what = "the initial mixture";
  if (d.iteration > 1)
    what += d.iteration == 2   ? ", iteration 1"
            : d.iteration == 3 ? ", iterations 1 and 2"
                               : fmt::format(", iterations 1 to {}", d.iteration - 1);
  if (d.half_step == HalfStep::m_step) what += fmt::format(", iteration {}'s E-step", d.iteration);
  return fmt::format("Before it, {} half-step{} agreed: {}.\n", agreed, agreed == 1 ? "" : "s", what);
}

std::string ending_and_last_log_likelihood(const Trace& t) {
  const std::string ll = t.iterations.empty()
                             ? "no log-likelihood"
                             : fmt::format("last log-likelihood {:.9e}", t.iterations.back().log_likelihood);
  return fmt::format("{}, {}", ending_summary(t), ll);
}

}  // namespace

std::string diff_report(const TraceDiff& d, const Trace& a, const Trace& b, const DiffTolerance& tol,
                        const std::string& name_a, const std::string& name_b) {
  if (!d.comparable) return d.refusal + "\n";
  const std::string la = fmt::format("{} ({})", name_a, a.settings.implementation);
  const std::string lb = fmt::format("{} ({})", name_b, b.settings.implementation);
  const std::size_t width = std::max(la.size(), lb.size()) + 1;
  const std::string ends = fmt::format("{:<{}} {}\n", la + ":", width, ending_and_last_log_likelihood(a)) +
                           fmt::format("{:<{}} {}\n", lb + ":", width, ending_and_last_log_likelihood(b));
  std::string r;
  if (!d.first) {
    const DiffAgreement& s = d.agreement;
    r += fmt::format("The runs agree: the initial mixture and {} iteration{} ({} half-steps) match within rtol {:g} "
                     "and atol {:g}.\n",
                     s.iterations, s.iterations == 1 ? "" : "s", s.half_steps, tol.rtol, tol.atol);
    if (s.closest_ratio > 0)
      r += fmt::format("The closest call used {:.2g} of the tolerance, at {}.\n", s.closest_ratio, s.closest_where);
    if (a.end.failed_iteration && b.end.failed_iteration && a.end.failed_half_step && b.end.failed_half_step &&
        a.end.message == b.end.message)
      r += fmt::format("Both runs stopped at {} with the same error: {}\n",
                       where(*a.end.failed_iteration, *a.end.failed_half_step), a.end.message);
    if (a.iterations.size() != b.iterations.size())
      r += fmt::format("One run went on for more iterations: near convergence each iteration changes the "
                       "log-likelihood by about the tolerance, so rounding decides exactly where a run stops; the {} "
                       "iterations both ran agree.\n",
                       s.iterations);
    return r + ends;
  }
  const TraceDifference& f = *d.first;
  const std::string at = fmt::format("The runs first differ at {} (half-step {}): ", where(f.iteration, f.half_step),
                                     half_step_number(f.iteration, f.half_step));
  switch (f.cause) {
    case TraceDifference::Cause::value:
      r += at + f.quantity + "\n";
      r += fmt::format("  {:<{}} {:>20.12e}\n", la + ":", width, f.a);
      r += fmt::format("  {:<{}} {:>20.12e}\n", lb + ":", width, f.b);
      r += fmt::format("  difference {:.3e}, more than the {:.3e} allowed (atol {:g} + rtol {:g} x {:.3e})\n",
                       std::abs(f.a - f.b), allowed(tol, f.a, f.b), tol.atol, tol.rtol,
                       std::max(std::abs(f.a), std::abs(f.b)));
      if (f.differing > 1)
        r += fmt::format("  At this half-step {} of {} values differ; the largest difference, {:.3e}, is in the {}.\n",
                         f.differing, f.values, f.largest_difference, f.largest_quantity);
      else
        r += fmt::format("  It is the only one of the {} values of this half-step that differs.\n", f.values);
      return r + agreed_before(f) + hint(f) + "\n" + ends;
    case TraceDifference::Cause::stopped:
      r += at + "one run stopped there\n";
      if (f.a_stopped) r += fmt::format("  {} stopped: {}\n", la, a.end.message);
      if (f.b_stopped) r += fmt::format("  {} stopped: {}\n", lb, b.end.message);
      if (!(f.a_stopped && f.b_stopped)) r += fmt::format("  {} went on.\n", f.a_stopped ? lb : la);
      return r + agreed_before(f) + ends;
  }
  throw std::logic_error("diff_report: a difference of an unknown cause");
}

TraceDiff diff_traces(const Trace& a, const Trace& b, const DiffTolerance& tol, const std::string& name_a,
                      const std::string& name_b) {
  TraceDiff d;
  d.refusal = refusal(a, b, name_a, name_b);
  d.comparable = d.refusal.empty();
  if (d.comparable) d.first = first_difference(a, b, tol, d.agreement);
  d.agree = d.comparable && !d.first;
  d.report = d.comparable ? diff_report(d, a, b, tol, name_a, name_b) : "";
  return d;
}

}  // namespace gmmlab
