#pragma once
// The complete implementation of the lab's three exercises, written for speed: pixels are
// processed in fixed blocks (no N x K matrix in a full iteration, no per-pixel allocation
// or virtual call), in parallel on a pool of sleeping worker threads, and the blocks' partial
// sums are added in a fixed order so the answer does not depend on the number of threads.
#include "gmmlab/steps.hpp"

namespace gmmlab {

class ReferenceSteps final : public Steps {
 public:
  std::string_view name() const override { return "reference"; }
  arma::mat zscore(const arma::mat& raw) const override;
  Posterior e_step(const arma::mat& x, const Mixture& m) const override;
  Mixture m_step(const arma::mat& x, const arma::mat& gamma) const override;
  // E-step and M-step in one pass over the pixels: the responsibilities of a block are used
  // for the M-step's sums while still in cache, then dropped.
  Iteration iterate(const arma::mat& x, const Mixture& m) const override;
};

// Sets the number of threads the reference (and every parallel loop of the lab: see
// gmmlab/worker_pool.hpp) uses; 0: OMP_NUM_THREADS if set, otherwise every core. Returns the
// number now in force.
int set_reference_threads(int threads);

}  // namespace gmmlab
