// Hostile submission (slow compile): minutes of constant evaluation, for the tests that stop or
// kill the grader while the compiler runs and then look for the compiler.
namespace gmmlab_hostile {
constexpr unsigned long long spin(unsigned long long n) {
  unsigned long long x = 1;
  for (unsigned long long i = 0; i < n; ++i) x = x * 6364136223846793005ULL + (i ^ (x >> 7));
  return x;
}
static_assert(spin(1ULL << 40) != 0);
}  // namespace gmmlab_hostile
