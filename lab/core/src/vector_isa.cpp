#include "gmmlab/vector_isa.hpp"

#include <fmt/format.h>

#include <atomic>

#include "gmmlab/errors.hpp"

namespace gmmlab {

namespace {

VectorIsa best_available() {
  return vector_isa_available(VectorIsa::avx2) ? VectorIsa::avx2 : VectorIsa::baseline;
}

std::atomic<VectorIsa>& chosen() {
  static std::atomic<VectorIsa> isa{best_available()};
  return isa;
}

}  // namespace

const char* vector_isa_name(VectorIsa isa) {
  switch (isa) {
    case VectorIsa::baseline: return "baseline";
    case VectorIsa::avx2: return "avx2";
  }
  return "?";
}

bool vector_isa_available(VectorIsa isa) {
  switch (isa) {
    case VectorIsa::baseline: return true;
    case VectorIsa::avx2:
#if defined(GMMLAB_HAS_AVX2_KERNELS)
      return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#else
      return false;
#endif
  }
  return false;
}

VectorIsa vector_isa() { return chosen().load(std::memory_order_relaxed); }

void set_vector_isa(VectorIsa isa) {
  if (!vector_isa_available(isa))
    throw Error(fmt::format("this CPU or build cannot run the {} kernels", vector_isa_name(isa)));
  chosen().store(isa, std::memory_order_relaxed);
}

}  // namespace gmmlab
