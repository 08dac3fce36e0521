#pragma once
// k-means' assignment kernel (kmeans_assign.cpp), compiled twice: for any x86-64 and for AVX2.
// The two give the same bits (gmmlab/vector_isa.hpp); assign_chunk runs the one chosen.
#include <armadillo>
#include <vector>

#include "gmmlab/vector_isa.hpp"

namespace gmmlab::kmeans_kernels {

// Pixels per chunk: the unit of work of one thread, and of the fixed order of the sums.
inline constexpr arma::uword kChunk = 4096;

// The assignment of the m pixels from `first`: each pixel's nearest centre into `label` (K
// centres of d coordinates, centre c's contiguous in `centres`), each cluster's count and sums
// added to `out` (k * d sums, then k counts), with `scratch` of (d + 1) * kChunk doubles.
// Returns whether a label changed.
#define GMMLAB_KMEANS_ASSIGN_CHUNK                                                                                \
  bool assign_chunk(const arma::mat& x, const std::vector<double>& centres, arma::uword k, arma::uword first, \
                    arma::uword m, arma::uword* label, double* scratch, double* out)
namespace baseline {
GMMLAB_KMEANS_ASSIGN_CHUNK;
}
#if defined(GMMLAB_HAS_AVX2_KERNELS)
namespace avx2 {
GMMLAB_KMEANS_ASSIGN_CHUNK;
}
#endif

inline bool assign_chunk(const arma::mat& x, const std::vector<double>& centres, arma::uword k, arma::uword first,
                         arma::uword m, arma::uword* label, double* scratch, double* out) {
#if defined(GMMLAB_HAS_AVX2_KERNELS)
  if (vector_isa() == VectorIsa::avx2) return avx2::assign_chunk(x, centres, k, first, m, label, scratch, out);
#endif
  return baseline::assign_chunk(x, centres, k, first, m, label, scratch, out);
}

}  // namespace gmmlab::kmeans_kernels
