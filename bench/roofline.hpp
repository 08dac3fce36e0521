#pragma once
// This machine's ceiling for EM on images. Per pixel and component an iteration needs about
// 44 floating-point operations and one exp(): the Mahalanobis distance through the Cholesky
// factor, then the weighted first and second moments. The floor of an iteration is that
// work at the measured peak rates, as if nothing else (memory, branches, the log per pixel,
// the reduction) cost anything.
#include "gmmlab/vector_isa.hpp"

namespace gmmlab::bench {

inline constexpr double kFlopsPerPixelComponent = 44;

struct Roofline {
  int threads = 1;
  double flops_per_second = 0;  // all threads together, a register-resident FMA loop
  double exps_per_second = 0;   // all threads together, the reference's vectorised exp

  // Seconds per EM iteration at these rates for `pixels` x `components`.
  double floor_seconds(double pixels, double components) const {
    return pixels * components * (kFlopsPerPixelComponent / flops_per_second + 1 / exps_per_second);
  }
};

// Takes about a second and a half per call; built for each set of instructions the kernels
// can run (roofline.cpp), and measured for the one they run now.
namespace baseline {
Roofline measure_roofline(int threads);
}
#if defined(GMMLAB_HAS_AVX2_KERNELS)
namespace avx2 {
Roofline measure_roofline(int threads);
}
#endif
inline Roofline measure_roofline(int threads) {
#if defined(GMMLAB_HAS_AVX2_KERNELS)
  if (vector_isa() == VectorIsa::avx2) return avx2::measure_roofline(threads);
#endif
  return baseline::measure_roofline(threads);
}

}  // namespace gmmlab::bench
