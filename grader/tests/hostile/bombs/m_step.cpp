// Hostile submission (compile bomb): constant evaluation that keeps the compiler busy for
// minutes without memory to speak of. The compile's time limit (--compile-timeout) ends it.
namespace gmmlab_hostile {
constexpr unsigned long long spin(unsigned long long n) {
  unsigned long long x = 1;
  for (unsigned long long i = 0; i < n; ++i) x = x * 6364136223846793005ULL + (i ^ (x >> 7));
  return x;
}
static_assert(spin(1ULL << 40) != 0);
}  // namespace gmmlab_hostile
