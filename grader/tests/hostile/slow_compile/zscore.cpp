// Hostile submission (slow compile): minutes of constant evaluation, for the tests that stop or
// kill the grader while the compiler runs and then look for the compiler, and for the compile's
// time limit. GCC bounds each constant evaluation (-fconstexpr-loop-limit, 262144 iterations of
// one loop; -fconstexpr-ops-limit, 2^25 operations, a few seconds), so the minutes come from
// 64 evaluations, each of a million iterations and each under both limits; distinct arguments
// keep GCC from reusing one result.
namespace gmmlab_hostile {
constexpr unsigned long long spin(unsigned long long seed) {
  unsigned long long x = seed;
  for (unsigned long long i = 0; i < 1000; ++i)
    for (unsigned long long j = 0; j < 1000; ++j) x = x * 6364136223846793005ULL + (j ^ (x >> 7));
  return x;
}
#define GMMLAB_SPIN(n) static_assert(spin(n) != 0);
#define GMMLAB_SPIN8(n) GMMLAB_SPIN(n##0) GMMLAB_SPIN(n##1) GMMLAB_SPIN(n##2) GMMLAB_SPIN(n##3) \
  GMMLAB_SPIN(n##4) GMMLAB_SPIN(n##5) GMMLAB_SPIN(n##6) GMMLAB_SPIN(n##7)
GMMLAB_SPIN8(1) GMMLAB_SPIN8(2) GMMLAB_SPIN8(3) GMMLAB_SPIN8(4)
GMMLAB_SPIN8(5) GMMLAB_SPIN8(6) GMMLAB_SPIN8(7) GMMLAB_SPIN8(8)
}  // namespace gmmlab_hostile
