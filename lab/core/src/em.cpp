#include "gmmlab/em.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <limits>
#include <new>

#include "gmmlab/gaussian.hpp"

namespace gmmlab {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string_view whose(const Steps& steps, HalfStep h) {
  return h == HalfStep::e_step ? steps.e_step_name() : steps.m_step_name();
}

// ---- The driver's policies after an M-step, in the order EmRun::after_m_step applies them.
// Every implementation's result goes through the same ones, so that grading compares formulas,
// not policies.

// Shape: K means of d values, K covariances of d x d and K priors, as the mixture before. The
// sentence that stops EM when they do not fit.
std::optional<std::string> wrong_shape(const Mixture& next, const Mixture& previous, int iteration,
                                       std::string_view implementation) {
  const arma::uword k = previous.components(), d = previous.dims();
  if (next.means.n_rows == k && next.means.n_cols == d && next.covs.n_rows == d && next.covs.n_cols == d &&
      next.covs.n_slices == k && next.priors.n_elem == k)
    return std::nullopt;
  return fmt::format("EM stopped at iteration {}: the {} M-step returned means {}x{}, covariances {} of {}x{} and {} "
                     "priors; expected means {}x{}, {} covariances of {}x{} and {} priors; check the M-step (see "
                     "handout §M-step)",
                     iteration, implementation, next.means.n_rows, next.means.n_cols, next.covs.n_slices,
                     next.covs.n_rows, next.covs.n_cols, next.priors.n_elem, k, d, k, d, d, k);
}

// Emptied components: below this soft count a component has no pixels left (N_k under 10 ε N)
// and the plain formulas divide by N_k = 0.
std::vector<bool> emptied_components(const arma::vec& soft_counts, arma::uword pixels) {
  const double threshold = 10 * std::numeric_limits<double>::epsilon() * double(pixels);
  std::vector<bool> emptied(soft_counts.n_elem);
  for (arma::uword c = 0; c < soft_counts.n_elem; ++c) emptied[c] = soft_counts[c] <= threshold;
  return emptied;
}

// ... such a component keeps its last mean and covariance, with prior 0.
void keep_emptied_components(Mixture& next, const Mixture& previous, const std::vector<bool>& emptied) {
  for (arma::uword c = 0; c < emptied.size(); ++c) {
    if (!emptied[c]) continue;
    next.means.row(c) = previous.means.row(c);
    next.covs.slice(c) = previous.covs.slice(c);
    next.priors[c] = 0;
  }
}

// ... and is reported once, the M-step it empties (already_empty remembers the earlier ones).
std::vector<ComponentEvent> newly_emptied(const std::vector<bool>& emptied, const arma::vec& soft_counts,
                                          int iteration, std::vector<bool>& already_empty) {
  std::vector<ComponentEvent> events;
  for (arma::uword c = 0; c < emptied.size(); ++c) {
    if (!emptied[c] || already_empty[c]) continue;
    events.push_back({ComponentEvent::Kind::emptied, iteration, c, soft_counts[c]});
    already_empty[c] = true;
  }
  return events;
}

// Finite values: the sentence that stops EM at the first component in use with a NaN or an
// infinity.
std::optional<std::string> not_finite(const Mixture& next, const std::vector<bool>& emptied,
                                      const arma::vec& soft_counts, int iteration, std::string_view implementation) {
  for (arma::uword c = 0; c < emptied.size(); ++c) {
    if (emptied[c]) continue;
    if (!next.means.row(c).is_finite() || !next.covs.slice(c).is_finite() || !std::isfinite(next.priors[c]))
      return fmt::format("EM stopped at iteration {}: the {} M-step returned NaN or infinity for component {} "
                         "(N_k = {:.6g}); check the M-step (see handout §M-step)",
                         iteration, implementation, c + 1, soft_counts[c]);
  }
  return std::nullopt;
}

// Covariance ridge: each covariance in use is symmetrised (the lower triangle is what Cholesky
// reads) and gets reg_covar added to its diagonal.
void add_ridge(Mixture& next, const std::vector<bool>& emptied, double reg_covar) {
  for (arma::uword c = 0; c < emptied.size(); ++c) {
    if (emptied[c]) continue;
    arma::mat s = 0.5 * (next.covs.slice(c) + next.covs.slice(c).t());
    s.diag() += reg_covar;
    next.covs.slice(c) = s;
  }
}

// Collapsed components: the first component with a prior whose covariance is not positive
// definite (even after the ridge) stops EM; the mixture before it is kept.
std::optional<ComponentEvent> first_collapsed(const Mixture& next, const arma::vec& soft_counts, int iteration) {
  for (arma::uword c = 0; c < next.components(); ++c) {
    if (next.priors[c] == 0) continue;
    try {
      (void)factor_component(next, c);
    } catch (const Error&) {
      return ComponentEvent{ComponentEvent::Kind::collapsed, iteration, c, soft_counts[c]};
    }
  }
  return std::nullopt;
}

// Stop rule (the lab's): the log-likelihood changed by less than the tolerance (absolute, or
// times |log-likelihood|), else the iteration cap.
std::optional<StopReason> stop_rule(const std::vector<double>& ll, int iterations, const EmOptions& o) {
  if (ll.size() >= 2) {
    const double change = std::abs(ll.back() - ll[ll.size() - 2]);
    const double limit = o.relative_tolerance ? o.tolerance * std::abs(ll.back()) : o.tolerance;
    if (change < limit) return StopReason::converged;
  }
  if (iterations >= o.max_iterations) return StopReason::iteration_cap;
  return std::nullopt;
}

}  // namespace

void validate(const EmOptions& o) {
  if (o.max_iterations < 0)
    throw FieldError("max_iterations", fmt::format(" is {}; give 0 or more", o.max_iterations));
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance))
    throw FieldError("tolerance", fmt::format(" is {}; give a tolerance of 0 or more", o.tolerance));
  if (!(o.reg_covar >= 0) || !std::isfinite(o.reg_covar))
    throw FieldError("ridge", fmt::format(" is {}; give a ridge of 0 or more (default 1e-6)", o.reg_covar));
}

std::string ComponentEvent::describe() const {
  switch (kind) {
    case Kind::emptied:
      return fmt::format(
          "iteration {}: component {} lost all its pixels (N_k = {:.3g}); it keeps its last mean and covariance "
          "with prior 0",
          iteration, component + 1, soft_count);
    case Kind::collapsed:
      return fmt::format(
          "EM stopped at iteration {}: the covariance of component {} is no longer positive definite (it "
          "collapsed onto about {:.0f} pixels of nearly one colour); run again with a covariance ridge, e.g. "
          "--reg-covar 1e-6",
          iteration, component + 1, soft_count);
  }
  return {};
}

const char* event_kind_name(ComponentEvent::Kind k) {
  switch (k) {
    case ComponentEvent::Kind::emptied: return "emptied";
    case ComponentEvent::Kind::collapsed: return "collapsed";
  }
  return "?";
}

const char* half_step_name(HalfStep h) {
  switch (h) {
    case HalfStep::e_step: return "E-step";
    case HalfStep::m_step: return "M-step";
  }
  return "?";
}

const char* to_string(StopReason r) {
  switch (r) {
    case StopReason::converged: return "converged";
    case StopReason::iteration_cap: return "iteration_cap";
    case StopReason::collapsed: return "collapsed";
    case StopReason::not_finite: return "not_finite";
    case StopReason::wrong_shape: return "wrong_shape";
    case StopReason::not_implemented: return "not_implemented";
    case StopReason::failed: return "failed";
  }
  return "?";
}

EmRun::EmRun(const Steps& steps, const arma::mat& x, Mixture initial, EmOptions options, EmObserver* observer)
    : steps_(steps), x_(x), options_(options), observer_(observer), already_empty_(initial.components(), false) {
  validate(options_);
  validate_mixture(initial, x.n_cols, "the initial mixture");
  for (arma::uword k = 0; k < initial.components(); ++k) already_empty_[k] = initial.priors[k] == 0;
  outcome_.mixture = std::move(initial);
  started_ = now_seconds();
  if (observer_) observer_->on_start(outcome_.mixture, options_);
  if (options_.max_iterations == 0) finish(StopReason::iteration_cap);
}

template <class F>
bool EmRun::guarded(HalfStep h, F&& f) {
  try {
    f();
    return true;
  } catch (const NotImplemented& e) {
    // A fused iteration does not know which half it was in; the exercise does.
    outcome_.failed_exercise = e.exercise();
    outcome_.failed_half_step = e.exercise() == Exercise::m_step ? HalfStep::m_step
                                : e.exercise() == Exercise::e_step ? HalfStep::e_step
                                                                   : h;
    finish(StopReason::not_implemented, e.what());
    return false;
  } catch (const std::bad_alloc&) {
    // Not a bug in the formulas: the data or K is too large for this machine.
    outcome_.failed_half_step = h;
    finish(StopReason::failed, fmt::format("EM stopped at iteration {}: the {} {} ran out of memory; try a smaller "
                                           "image or a smaller K",
                                           outcome_.iterations + 1, whose(steps_, h), half_step_name(h)));
    return false;
  } catch (const std::exception& e) {
    // A student's Armadillo call on matrices that do not fit throws std::logic_error: say
    // where it happened instead of letting it end the program.
    outcome_.failed_half_step = h;
    // A sandboxed implementation's error already says whose half-step threw: not twice.
    const std::string who = fmt::format("the {} {}", whose(steps_, h), half_step_name(h)), what = e.what();
    finish(StopReason::failed, what.starts_with(who + " ")
                                   ? fmt::format("EM stopped at iteration {}: {}", outcome_.iterations + 1, what)
                                   : fmt::format("EM stopped at iteration {}: {} threw an error: {}",
                                                 outcome_.iterations + 1, who, what));
    return false;
  }
}

void EmRun::half_step() {
  if (finished_) return;
  if (!posterior_) {
    Posterior p;
    if (!guarded(HalfStep::e_step, [&] { p = steps_.e_step(x_, outcome_.mixture); })) return;
    if (p.gamma.n_rows != x_.n_rows || p.gamma.n_cols != outcome_.mixture.components()) {
      outcome_.failed_half_step = HalfStep::e_step;
      finish(StopReason::wrong_shape,
             fmt::format("EM stopped at iteration {}: the {} E-step returned gamma of {}x{}, expected {}x{} (one row "
                         "per pixel, one column per component); check the E-step (see handout §E-step)",
                         outcome_.iterations + 1, steps_.e_step_name(), p.gamma.n_rows, p.gamma.n_cols, x_.n_rows,
                         outcome_.mixture.components()));
      return;
    }
    const EStepSummary summary = summarise(p);
    posterior_ = std::move(p);
    after_e_step(summary);
    if (finished_) posterior_.reset();
  } else {
    Mixture next;
    if (!guarded(HalfStep::m_step, [&] { next = steps_.m_step(x_, posterior_->gamma); })) return;
    const arma::vec soft_counts = arma::sum(posterior_->gamma, 0).t();
    posterior_.reset();
    after_m_step(std::move(next), soft_counts);
  }
}

void EmRun::full_iteration() {
  if (finished_) return;
  if (posterior_) return half_step();  // finish an iteration the caller began half-way
  Iteration it;
  try {
    it = steps_.iterate(x_, outcome_.mixture);
  } catch (const std::exception&) {
    // A fused iteration cannot say how far it got. Replay it half by half, so that an
    // E-step that works is recorded before the M-step's error.
    half_step();
    half_step();
    return;
  }
  if (it.e.soft_counts.n_elem != outcome_.mixture.components()) {
    // gamma had the wrong number of columns, yet the M-step went on: replay half by half,
    // so that the E-step is named as the half-step that went wrong.
    half_step();
    half_step();
    return;
  }
  after_e_step(it.e);
  if (!finished_) after_m_step(std::move(it.next), it.e.soft_counts);
}

void EmRun::run() {
  while (!finished_) full_iteration();
}

void EmRun::after_e_step(const EStepSummary& e) {
  const int iteration = outcome_.iterations + 1;
  if (!std::isfinite(e.log_likelihood) || !e.soft_counts.is_finite()) {
    outcome_.failed_half_step = HalfStep::e_step;
    finish(StopReason::not_finite,
           fmt::format("EM stopped at iteration {}: the {} E-step gave a log-likelihood of {}; check the E-step "
                       "(use log-sum-exp, see handout §E-step)",
                       iteration, steps_.e_step_name(), e.log_likelihood));
    return;
  }
  outcome_.log_likelihood.push_back(e.log_likelihood);
  if (observer_) observer_->on_e_step(iteration, e);
}

void EmRun::after_m_step(Mixture next, const arma::vec& soft_counts) {
  const int iteration = outcome_.iterations + 1;
  auto stop_in_m_step = [&](StopReason reason, std::string message) {
    outcome_.failed_half_step = HalfStep::m_step;
    finish(reason, std::move(message));
  };
  if (auto problem = wrong_shape(next, outcome_.mixture, iteration, steps_.m_step_name()))
    return stop_in_m_step(StopReason::wrong_shape, *std::move(problem));
  const std::vector<bool> emptied = emptied_components(soft_counts, x_.n_rows);
  keep_emptied_components(next, outcome_.mixture, emptied);
  if (auto problem = not_finite(next, emptied, soft_counts, iteration, steps_.m_step_name()))
    return stop_in_m_step(StopReason::not_finite, *std::move(problem));
  add_ridge(next, emptied, options_.reg_covar);
  std::vector<ComponentEvent> events = newly_emptied(emptied, soft_counts, iteration, already_empty_);
  outcome_.events.insert(outcome_.events.end(), events.begin(), events.end());
  if (auto collapse = first_collapsed(next, soft_counts, iteration)) {
    outcome_.events.push_back(*collapse);
    return stop_in_m_step(StopReason::collapsed, collapse->describe());
  }

  outcome_.mixture = std::move(next);
  outcome_.iterations = iteration;
  if (observer_) observer_->on_m_step(iteration, outcome_.mixture, events);
  if (auto reason = stop_rule(outcome_.log_likelihood, outcome_.iterations, options_)) finish(*reason);
}

void EmRun::finish(StopReason reason, std::string message) {
  finished_ = true;
  outcome_.reason = reason;
  outcome_.message = std::move(message);
  outcome_.seconds = now_seconds() - started_;
  if (observer_) observer_->on_finish(outcome_);
}

EmOutcome run_em(const Steps& steps, const arma::mat& x, const Mixture& initial, const EmOptions& options,
                 EmObserver* observer) {
  EmRun run(steps, x, initial, options, observer);
  run.run();
  return run.outcome();
}

}  // namespace gmmlab
