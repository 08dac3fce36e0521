// Hostile submission (slow compile): minutes of constant evaluation, for the tests that stop or
// kill the grader while the compiler runs and then look for the compiler, and for the compile's
// time limit. Each loop stays under GCC's -fconstexpr-loop-limit (262144 iterations), so only
// the far larger -fconstexpr-ops-limit (2^33 operations, minutes) would end it on its own.
namespace gmmlab_hostile {
constexpr unsigned long long spin() {
  unsigned long long x = 1;
  for (unsigned long long i = 0; i < 200000; ++i)
    for (unsigned long long j = 0; j < 200000; ++j) x = x * 6364136223846793005ULL + (j ^ (x >> 7));
  return x;
}
static_assert(spin() != 0);
}  // namespace gmmlab_hostile
