#pragma once
// The detector applied to a whole implementation, for `gmmlab trace compare`: the same words
// as the grader's feedback, from the same library.
#include <string>

#include "gmmlab/steps.hpp"

namespace gmmlab::mistakes {

// The known mistakes seen in `steps`' first E-step from `start` and in its M-step on the
// reference's gamma, one line each ("E-step, gamma: This looks like a known mistake: ..."); empty
// when none is recognised or the steps throw (an unwritten exercise is reported elsewhere).
std::string known_mistakes_report(const Steps& steps, const arma::mat& x, const Mixture& start);

// One E-step from `start` with every mean moved `distance` (60) standard deviations of the
// Z-scored data away, where every a_nk is far below exp's underflow: exp without the
// log-sum-exp shift gives NaN there even though it works from the bundled photos' starts.
// A NaN or infinite gamma is reported as gamma's fault, with the detector's hint.
struct FarStartResult {
  bool agrees = true;
  std::string report;  // one or two lines
};
FarStartResult far_start_check(const Steps& steps, const arma::mat& x, const Mixture& start, double rtol,
                               double atol);

}  // namespace gmmlab::mistakes
