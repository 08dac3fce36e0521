#pragma once
// The reference's kernels (reference_kernels.cpp), compiled twice: for any x86-64 and for
// AVX2. The two give the same bits (gmmlab/vector_isa.hpp); ReferenceSteps runs the one chosen.
#include <armadillo>

#include "gmmlab/mixture.hpp"
#include "gmmlab/steps.hpp"

namespace gmmlab::reference_kernels {

namespace baseline {
Posterior e_step(const arma::mat& x, const Mixture& m);
Mixture m_step(const arma::mat& x, const arma::mat& gamma);
Iteration iterate(const arma::mat& x, const Mixture& m);
}  // namespace baseline

#if defined(GMMLAB_HAS_AVX2_KERNELS)
namespace avx2 {
Posterior e_step(const arma::mat& x, const Mixture& m);
Mixture m_step(const arma::mat& x, const arma::mat& gamma);
Iteration iterate(const arma::mat& x, const Mixture& m);
}  // namespace avx2
#endif

}  // namespace gmmlab::reference_kernels
