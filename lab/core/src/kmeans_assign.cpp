// k-means' assignment kernel, compiled twice (lab/core/CMakeLists.txt): as it is, for any
// x86-64, and with GMMLAB_KERNEL_AVX2 for AVX2. Everything it includes comes before the
// target pragma, so only this file's own code (and fast_math's internal helpers) is built for
// AVX2, and no shared inline function can be.
#include <algorithm>
#include <cmath>

#include "kmeans_assign.hpp"

#include "gmmlab/fast_math.hpp"  // last: it switches the AVX2 build of this file to AVX2

namespace gmmlab::kmeans_kernels::GMMLAB_KERNEL_ISA {

// The assignment of one chunk: four pixels at a time, all K squared distances computed with the
// pixels in registers (a loop per pixel over components does not vectorise by itself), then
// one pass per component for its count and sums, masked by the labels.
GMMLAB_KMEANS_ASSIGN_CHUNK {
  using detail::load;
  using detail::splat;
  using detail::v4;
  using detail::v4i;
  constexpr arma::uword kMaxDims = 4;
  const arma::uword d = x.n_cols;
  const arma::uword padded = (m + detail::kLanes - 1) / detail::kLanes * detail::kLanes;
  // The chunk's columns, copied zero-padded to whole vectors: no load reads past the data.
  std::vector<const double*> cols(d);
  for (arma::uword j = 0; j < d; ++j) {
    double* p = scratch + j * kChunk;
    std::copy_n(x.colptr(j) + first, m, p);
    std::fill(p + m, p + padded, 0.0);
    cols[j] = p;
  }
  double* best_label = scratch + d * kChunk;  // as doubles, to compare in vectors
  for (arma::uword i = 0; i < padded; i += detail::kLanes) {
    v4 xi[kMaxDims];
    for (arma::uword j = 0; j < std::min(d, kMaxDims); ++j) xi[j] = load(cols[j] + i);
    v4 best = splat(INFINITY), best_c = splat(0);
    for (arma::uword c = 0; c < k; ++c) {
      const double* centre = &centres[c * d];
      // Squared distance summed over channels in channel order, as a per-pixel loop would.
      v4 dist = {};
      for (arma::uword j = 0; j < d; ++j) {
        const v4 diff = (j < kMaxDims ? xi[j] : load(cols[j] + i)) - centre[j];
        dist += diff * diff;
      }
      // Strictly closer: ties go to the lower index.
      const v4i closer = dist < best;
      best = closer ? dist : best;
      best_c = closer ? splat(double(c)) : best_c;
    }
    detail::store(best_label + i, best_c);
  }
  bool changed = false;
  for (arma::uword i = 0; i < m; ++i) {
    const arma::uword nearest = arma::uword(best_label[i]);
    changed = changed || nearest != label[i];
    label[i] = nearest;
  }
  for (arma::uword i = m; i < padded; ++i) best_label[i] = -1;  // padding belongs to no cluster
  // Per component: its count, then its d sums (k * d sums first, then k counts, in `out`).
  for (arma::uword c = 0; c < k; ++c) {
    const v4 mine = splat(double(c));
    v4 count = {};
    v4 sum[kMaxDims] = {};
    for (arma::uword i = 0; i < padded; i += detail::kLanes) {
      const v4i member = load(best_label + i) == mine;
      count += member ? splat(1) : v4{};
      for (arma::uword j = 0; j < std::min(d, kMaxDims); ++j) sum[j] += member ? load(cols[j] + i) : v4{};
    }
    out[k * d + c] += detail::lane_sum(count);
    for (arma::uword j = 0; j < std::min(d, kMaxDims); ++j) out[c * d + j] += detail::lane_sum(sum[j]);
    for (arma::uword j = kMaxDims; j < d; ++j)  // more than four channels: plain loop
      for (arma::uword i = 0; i < m; ++i) out[c * d + j] += label[i] == c ? cols[j][i] : 0.0;
  }
  return changed;
}

}  // namespace gmmlab::kmeans_kernels::GMMLAB_KERNEL_ISA
