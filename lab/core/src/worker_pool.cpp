#include "gmmlab/worker_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace gmmlab {

namespace {

int default_threads() {
  if (const char* env = std::getenv("OMP_NUM_THREADS")) {
    char* end = nullptr;
    const long n = std::strtol(env, &end, 10);
    if (end != env && n > 0) return int(std::min(n, 1024L));
  }
  return int(std::max(1u, std::thread::hardware_concurrency()));
}

std::atomic<int>& setting() {
  static std::atomic<int> threads{default_threads()};
  return threads;
}

}  // namespace

int set_threads(int threads) {
  setting().store(threads > 0 ? threads : default_threads());
  return setting().load();
}

int thread_count() { return setting().load(); }

}  // namespace gmmlab
