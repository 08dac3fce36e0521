#include "gmmlab/em.hpp"

#include <fmt/format.h>

#include <chrono>
#include <cmath>
#include <new>

#include "gmmlab/gaussian.hpp"

namespace gmmlab {

namespace {

double now_seconds() {
  return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Below this soft count a component has no pixels left: its mean would be 0/0.
double empty_threshold(arma::uword pixels) { return 10 * std::numeric_limits<double>::epsilon() * double(pixels); }

}  // namespace

void validate(const EmOptions& o) {
  if (o.max_iterations < 0)
    throw UsageError(fmt::format("--iterations is {}; give 0 or more", o.max_iterations));
  if (!(o.tolerance >= 0) || !std::isfinite(o.tolerance))
    throw UsageError(fmt::format("--tol is {}; give a tolerance of 0 or more", o.tolerance));
  if (!(o.reg_covar >= 0) || !std::isfinite(o.reg_covar))
    throw UsageError(fmt::format("--reg-covar is {}; give a ridge of 0 or more (default 1e-6)", o.reg_covar));
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

const char* half_step_name(HalfStep h) { return h == HalfStep::e_step ? "E-step" : "M-step"; }

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
    : steps_(steps), x_(x), options_(options), observer_(observer), empty_(initial.components(), false) {
  validate(options_);
  validate_mixture(initial, x.n_cols, "the initial mixture");
  for (arma::uword k = 0; k < initial.components(); ++k) empty_[k] = initial.priors[k] == 0;
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
                                           outcome_.iterations + 1, steps_.name(), half_step_name(h)));
    return false;
  } catch (const std::exception& e) {
    // A student's Armadillo call on matrices that do not fit throws std::logic_error: say
    // where it happened instead of letting it end the program.
    outcome_.failed_half_step = h;
    finish(StopReason::failed, fmt::format("EM stopped at iteration {}: the {} {} threw an error: {}",
                                           outcome_.iterations + 1, steps_.name(), half_step_name(h), e.what()));
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
                         outcome_.iterations + 1, steps_.name(), p.gamma.n_rows, p.gamma.n_cols, x_.n_rows,
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
                       iteration, steps_.name(), e.log_likelihood));
    return;
  }
  outcome_.log_likelihood.push_back(e.log_likelihood);
  if (observer_) observer_->on_e_step(iteration, e);
}

void EmRun::after_m_step(Mixture next, const arma::vec& soft_counts) {
  const int iteration = outcome_.iterations + 1;
  const Mixture& previous = outcome_.mixture;
  const arma::uword k = previous.components(), d = previous.dims();
  auto fail = [&](StopReason reason, const std::string& message) {
    outcome_.failed_half_step = HalfStep::m_step;
    finish(reason, message);
  };
  if (next.means.n_rows != k || next.means.n_cols != d || next.covs.n_rows != d || next.covs.n_cols != d ||
      next.covs.n_slices != k || next.priors.n_elem != k)
    return fail(StopReason::wrong_shape, fmt::format("EM stopped at iteration {}: the {} M-step returned means {}x{}, covariances {} of "
                            "{}x{} and {} priors; expected means {}x{}, {} covariances of {}x{} and {} priors; check the M-step (see handout §M-step)",
                            iteration, steps_.name(), next.means.n_rows, next.means.n_cols, next.covs.n_slices,
                            next.covs.n_rows, next.covs.n_cols, next.priors.n_elem, k, d, k, d, d, k));

  std::vector<ComponentEvent> events;
  const double threshold = empty_threshold(x_.n_rows);
  for (arma::uword c = 0; c < k; ++c) {
    if (soft_counts[c] <= threshold) {
      // The plain formulas divide by N_k = 0 here. Every implementation's result is replaced
      // the same way, so that grading compares formulas, not policies.
      next.means.row(c) = previous.means.row(c);
      next.covs.slice(c) = previous.covs.slice(c);
      next.priors[c] = 0;
      if (!empty_[c]) events.push_back({ComponentEvent::Kind::emptied, iteration, c, soft_counts[c]});
      empty_[c] = true;
      continue;
    }
    if (!next.means.row(c).is_finite() || !next.covs.slice(c).is_finite() || !std::isfinite(next.priors[c]))
      return fail(StopReason::not_finite, fmt::format("EM stopped at iteration {}: the {} M-step returned NaN or infinity for component {} "
                              "(N_k = {:.6g}); check the M-step (see handout §M-step)",
                              iteration, steps_.name(), c + 1, soft_counts[c]));
    // Symmetrise (the lower triangle is what Cholesky reads) and add the ridge.
    arma::mat s = 0.5 * (next.covs.slice(c) + next.covs.slice(c).t());
    s.diag() += options_.reg_covar;
    next.covs.slice(c) = s;
  }
  for (arma::uword c = 0; c < k; ++c) {
    if (next.priors[c] == 0) continue;
    try {
      (void)factor_component(next, c);
    } catch (const Error&) {
      ComponentEvent collapse{ComponentEvent::Kind::collapsed, iteration, c, soft_counts[c]};
      outcome_.events.insert(outcome_.events.end(), events.begin(), events.end());
      outcome_.events.push_back(collapse);
      outcome_.failed_half_step = HalfStep::m_step;
      finish(StopReason::collapsed, collapse.describe());
      return;
    }
  }
  outcome_.events.insert(outcome_.events.end(), events.begin(), events.end());
  outcome_.mixture = std::move(next);
  outcome_.iterations = iteration;
  if (observer_) observer_->on_m_step(iteration, outcome_.mixture, events);

  const auto& ll = outcome_.log_likelihood;
  if (ll.size() >= 2) {
    const double change = std::abs(ll.back() - ll[ll.size() - 2]);
    const double limit = options_.relative_tolerance ? options_.tolerance * std::abs(ll.back()) : options_.tolerance;
    if (change < limit) return finish(StopReason::converged);
  }
  if (outcome_.iterations >= options_.max_iterations) finish(StopReason::iteration_cap);
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
