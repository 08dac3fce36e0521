#include "gmmlab/worker_pool.hpp"

#include <algorithm>
#include <cstdlib>
#include <string>

namespace gmmlab {

namespace {

int default_threads() {
  if (const auto env = omp_num_threads()) return env->used;
  return std::min(kMaxThreads, int(std::max(1u, std::thread::hardware_concurrency())));
}

std::atomic<int>& setting() {
  static std::atomic<int> threads{default_threads()};
  return threads;
}

}  // namespace

std::optional<EnvironmentThreads> omp_num_threads() {
  const char* env = std::getenv("OMP_NUM_THREADS");
  if (env == nullptr) return std::nullopt;
  char* end = nullptr;
  const long n = std::strtol(env, &end, 10);
  if (end == env || n <= 0) return std::nullopt;
  return EnvironmentThreads{n, int(std::min<long>(n, kMaxThreads))};
}

int set_threads(int threads) {
  setting().store(threads > 0 ? std::min(threads, kMaxThreads) : default_threads());
  return setting().load();
}

int thread_count() { return setting().load(); }

}  // namespace gmmlab
