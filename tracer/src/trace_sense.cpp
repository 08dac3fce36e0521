// What a trace's numbers must say for EM to have recorded them. Its shapes are checked as it is
// parsed (trace.cpp); a file edited by hand, spliced or damaged can still have the right shapes
// and say what no run says: a covariance of -5 (drawn as a line), a photo of 10^18 pixels whose
// counts add up to 2400. Shown, diffed, drawn or replayed, such a trace would mislead.
#include "trace_sense.hpp"

#include <fmt/format.h>

#include <cmath>

namespace gmmlab {

void check_sense(const JsonFields& f, const Trace& t) {
  if (const std::string why = mixture_problem(t.initial, arma::uword(t.input.channels)); !why.empty())
    f.fail("in the initial mixture, " + why);  // the driver starts from nothing else
  const std::uint64_t pixels = std::uint64_t(t.input.height) * std::uint64_t(t.input.width);
  // What holds whatever implementation ran: the driver counts the hard labels, symmetrises each
  // covariance and stops when one is not positive definite. Priors that sum to 1 and soft counts
  // N_k that add up to N (none negative) hold only when the formulas are right; a student's run
  // (or a planted mistake's, or the sandbox's) may break them, and its trace is what shows the
  // student where (trace show, diff), so it is not refused. Only the implementations known to be
  // right are held to them.
  const bool formulas_right = t.settings.implementation == "reference" || t.settings.implementation == "textbook";
  for (const TraceIteration& it : t.iterations) {
    const std::uint64_t hard = arma::accu(it.hard_counts);
    if (hard != pixels)
      f.fail(fmt::format("the hard counts of iteration {} add up to {} pixels, but its photo is {} x {} = {} pixels",
                         it.iteration, hard, t.input.width, t.input.height, pixels));
    const double soft = arma::accu(it.soft_counts);
    if (formulas_right && (it.soft_counts.min() < 0 || !(std::abs(soft - double(pixels)) <= 1e-6 * double(pixels))))
      f.fail(fmt::format("the soft counts N_k of iteration {} add up to {:.9g}, not to the {} pixels of its photo",
                         it.iteration, soft, pixels));
    if (!it.mixture) continue;
    std::string why = covariances_problem(*it.mixture, /*components_without_prior_too=*/false);
    if (why.empty() && formulas_right) why = priors_problem(it.mixture->priors);
    if (!why.empty()) f.fail(fmt::format("in the mixture of iteration {}, {}", it.iteration, why));
  }
}

}  // namespace gmmlab
