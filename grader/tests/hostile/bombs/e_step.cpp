// Hostile submission (compile bomb): a constant table that costs the compiler gigabytes to
// evaluate. The compile's memory limit (--compile-memory) ends it.
#include <array>
namespace gmmlab_hostile {
constexpr std::array<long, (1 << 27)> fill() {
  std::array<long, (1 << 27)> a{};
  for (long i = 0; i < long(a.size()); ++i) a[std::size_t(i)] = i * i;
  return a;
}
constexpr auto table = fill();
static_assert(table[5] == 25);
}  // namespace gmmlab_hostile
