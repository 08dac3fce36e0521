#include "gmmlab/reference.hpp"

#include <cmath>

#include "gmmlab/vector_isa.hpp"
#include "gmmlab/worker_pool.hpp"
#include "reference_kernels.hpp"

namespace gmmlab {

// One setting for the whole lab, so that --threads, OMP_NUM_THREADS and k-means all agree.
int set_reference_threads(int threads) { return set_threads(threads); }

arma::mat ReferenceSteps::zscore(const arma::mat& raw) const {
  arma::mat z(raw.n_rows, raw.n_cols);
  for (arma::uword j = 0; j < raw.n_cols; ++j) {
    // The column in place, not a copy: at 12 MP a copy is 96 MB more at the Z-score's peak.
    const arma::vec column(const_cast<double*>(raw.colptr(j)), raw.n_rows, false, true);
    if (column.n_elem == 0 || column.max() == column.min()) {  // constant: no spread to divide by
      z.col(j).zeros();
      continue;
    }
    const double mean = arma::mean(column);
    // The squared deviations are summed from the output column, which holds them until it is
    // overwritten: no N-long temporary (same values, same order, same result).
    arma::vec out(z.colptr(j), z.n_rows, false, true);
    out = arma::square(column - mean);
    const double std_population = std::sqrt(arma::mean(out));
    out = (column - mean) / std_population;
  }
  return z;
}

// Each step runs the kernels built for the instructions chosen now (gmmlab/vector_isa.hpp).
Posterior ReferenceSteps::e_step(const arma::mat& x, const Mixture& m) const {
#if defined(GMMLAB_HAS_AVX2_KERNELS)
  if (vector_isa() == VectorIsa::avx2) return reference_kernels::avx2::e_step(x, m);
#endif
  return reference_kernels::baseline::e_step(x, m);
}

Mixture ReferenceSteps::m_step(const arma::mat& x, const arma::mat& gamma) const {
#if defined(GMMLAB_HAS_AVX2_KERNELS)
  if (vector_isa() == VectorIsa::avx2) return reference_kernels::avx2::m_step(x, gamma);
#endif
  return reference_kernels::baseline::m_step(x, gamma);
}

Iteration ReferenceSteps::iterate(const arma::mat& x, const Mixture& m) const {
#if defined(GMMLAB_HAS_AVX2_KERNELS)
  if (vector_isa() == VectorIsa::avx2) return reference_kernels::avx2::iterate(x, m);
#endif
  return reference_kernels::baseline::iterate(x, m);
}

}  // namespace gmmlab
