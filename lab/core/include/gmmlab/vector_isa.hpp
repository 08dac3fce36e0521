#pragma once
// Which vector instructions the lab's kernels run (the reference's E- and M-step, k-means'
// assignment). A portable build (the default) compiles each kernel twice, for any x86-64 (SSE2)
// and for AVX2 with FMA, and picks one when the program starts: AVX2 where the CPU has it. The
// kernels use fixed four-lane vector types, no contraction (-ffp-contract=off) and fused
// multiply-adds only where written (fast_math.hpp's fmadd, exact on both), so both give the
// same bits on every input: the choice changes the speed only (tests compare the two).
namespace gmmlab {

enum class VectorIsa { baseline, avx2 };

// "baseline" (any x86-64: SSE2) or "avx2" (AVX2 and FMA, x86-64 CPUs since 2013-2015).
const char* vector_isa_name(VectorIsa isa);

// Whether this CPU, and this build, can run the kernels compiled for `isa`.
bool vector_isa_available(VectorIsa isa);

// The instructions the kernels use now: the best available, unless set_vector_isa chose.
VectorIsa vector_isa();

// For tests and the benchmark, which compare the two. Throws gmmlab::Error when `isa` is not
// available here.
void set_vector_isa(VectorIsa isa);

}  // namespace gmmlab
