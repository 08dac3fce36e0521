#pragma once
// The EM driver. It runs any Steps, applies the policies that must not depend on who wrote
// the formulas (covariance ridge, components that empty or collapse), decides when to stop,
// and tells observers about every half-step. The progress bar, the tracer and the viewer
// are observers; none of them is special.
#include <array>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "gmmlab/enum_names.hpp"
#include "gmmlab/errors.hpp"
#include "gmmlab/steps.hpp"

namespace gmmlab {

struct EmOptions {
  int max_iterations = 500;   // the lab's cap; 0 runs no iteration
  double tolerance = 1e-10;   // stop when |change of log-likelihood| < tolerance ...
  bool relative_tolerance = false;  // ... times |log-likelihood| when set
  double reg_covar = 1e-6;    // added to every covariance's diagonal after each M-step
};

// Throws gmmlab::FieldError naming the field ("max_iterations", "tolerance", "ridge" for
// reg_covar) when one is out of range; a tool says it with its own flag (FieldError::said_as).
void validate(const EmOptions& options);

// Something the driver did to a component, reported to the user.
struct ComponentEvent {
  enum class Kind {
    emptied,    // its responsibilities vanished: it keeps its last mean and covariance, prior 0
    collapsed,  // its covariance stopped being positive definite: EM stops
  };
  Kind kind;
  int iteration;
  arma::uword component;  // 0-based; messages say "component k+1"
  double soft_count;      // N_k when it happened
  std::string describe() const;
};
inline constexpr std::array kComponentEventKinds{ComponentEvent::Kind::emptied, ComponentEvent::Kind::collapsed};
const char* event_kind_name(ComponentEvent::Kind k);  // "emptied", "collapsed": the words traces store

enum class StopReason {
  converged,       // |change of log-likelihood| < tolerance
  iteration_cap,   // max_iterations reached
  collapsed,       // a covariance stopped being positive definite (see events)
  not_finite,      // the implementation returned NaN or infinity
  wrong_shape,     // the implementation returned gamma, means, covariances or priors of the wrong size
  not_implemented, // a student TODO threw NotImplemented
  failed           // the implementation threw another error (a bug in it: an Armadillo call on matrices that do not fit, ...)
};
inline constexpr std::array kStopReasons{StopReason::converged,   StopReason::iteration_cap,
                                         StopReason::collapsed,   StopReason::not_finite,
                                         StopReason::wrong_shape, StopReason::not_implemented,
                                         StopReason::failed};
const char* to_string(StopReason r);  // "converged", "iteration_cap", ...: the words traces store

enum class HalfStep { e_step, m_step };
inline constexpr std::array kHalfSteps{HalfStep::e_step, HalfStep::m_step};
const char* half_step_name(HalfStep h);  // "E-step", "M-step"

struct EmOutcome {
  Mixture mixture;                     // the last valid mixture
  int iterations = 0;                  // M-steps completed
  StopReason reason = StopReason::iteration_cap;
  std::vector<double> log_likelihood;  // one per E-step, the first from the initial mixture
  std::vector<ComponentEvent> events;
  std::string message;                 // why it stopped, empty when it converged or reached the cap
  std::optional<HalfStep> failed_half_step;
  std::optional<Exercise> failed_exercise;  // for not_implemented
  double seconds = 0;

  bool converged() const { return reason == StopReason::converged; }
  // True when the result may be shown: converged or the cap reached.
  bool usable() const { return reason == StopReason::converged || reason == StopReason::iteration_cap; }
};

class EmObserver {
 public:
  virtual ~EmObserver() = default;
  virtual void on_start(const Mixture& /*initial*/, const EmOptions& /*options*/) {}
  // Iterations count from 1; the E-step of iteration i evaluates the mixture of iteration i-1.
  virtual void on_e_step(int /*iteration*/, const EStepSummary& /*e*/) {}
  virtual void on_m_step(int /*iteration*/, const Mixture& /*next*/,
                         std::span<const ComponentEvent> /*events_this_step*/) {}
  virtual void on_finish(const EmOutcome& /*outcome*/) {}
};

// EM one half-step at a time, for the viewer and anything that wants gamma between the
// E-step and the M-step. run_em is a loop over full iterations of the same object.
class EmRun {
 public:
  EmRun(const Steps& steps, const arma::mat& x, Mixture initial, EmOptions options,
        EmObserver* observer = nullptr);

  bool finished() const { return finished_; }
  HalfStep next_half_step() const { return posterior_ ? HalfStep::m_step : HalfStep::e_step; }
  const Mixture& mixture() const { return outcome_.mixture; }
  const EmOutcome& outcome() const { return outcome_; }
  // The responsibilities of the last E-step, until the M-step that consumes them.
  const Posterior* posterior() const { return posterior_ ? &*posterior_ : nullptr; }

  void half_step();      // an E-step or an M-step, whichever is next
  void full_iteration(); // E then M, through Steps::iterate (fast for the reference)
  void run();            // full iterations until finished

 private:
  void after_e_step(const EStepSummary& e);
  // Applies the driver's policies to an M-step's result (shape, emptied components, finite
  // values, ridge, collapse), then keeps it or stops, and applies the stop rule.
  void after_m_step(Mixture next, const arma::vec& soft_counts);
  void finish(StopReason reason, std::string message = {});
  template <class F> bool guarded(HalfStep h, F&& f);

  const Steps& steps_;
  const arma::mat& x_;
  EmOptions options_;
  EmObserver* observer_;
  EmOutcome outcome_;
  std::optional<Posterior> posterior_;
  std::vector<bool> already_empty_;  // components emptied (and reported) before
  bool finished_ = false;
  double started_ = 0;
};

EmOutcome run_em(const Steps& steps, const arma::mat& x, const Mixture& initial,
                 const EmOptions& options, EmObserver* observer = nullptr);

// Passes every call on to several observers, in order.
class ObserverList : public EmObserver {
 public:
  void add(EmObserver* o) { if (o) observers_.push_back(o); }
  void on_start(const Mixture& m, const EmOptions& o) override { for (auto* x : observers_) x->on_start(m, o); }
  void on_e_step(int i, const EStepSummary& e) override { for (auto* x : observers_) x->on_e_step(i, e); }
  void on_m_step(int i, const Mixture& m, std::span<const ComponentEvent> ev) override {
    for (auto* x : observers_) x->on_m_step(i, m, ev);
  }
  void on_finish(const EmOutcome& r) override { for (auto* x : observers_) x->on_finish(r); }

 private:
  std::vector<EmObserver*> observers_;
};

}  // namespace gmmlab
