#pragma once
// The threads behind every parallel loop of the lab: the reference's EM kernels and k-means.
// One pool for all, so a run never has two teams of threads competing for the cores.
//
// Why not `#pragma omp parallel for`: an OpenMP region ends in a barrier that waits for every
// thread of the team, including one that the operating system has not yet scheduled, and
// libgomp's idle threads spin for their turn. On a machine busy with other work (a grader
// running several submissions, a build) EM on the sample then ran 5x slower on 2 threads
// than on 1. Here idle workers sleep, chunks are claimed from a shared counter, and the
// caller waits only for chunks a worker has actually claimed: a worker that wakes late finds
// the work done and goes back to sleep.
//
// Which thread runs a chunk never changes a result: callers write each chunk's sums to their
// own slot and add the slots in chunk order.
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace gmmlab {

// The most threads the pool starts: it starts every thread it is told to, thousands of threads
// only compete for a few cores, and the OS may refuse them. The one thread-count rule: every
// count (a tool's --threads, OMP_NUM_THREADS) is bounded here.
inline constexpr int kMaxThreads = 256;

// OMP_NUM_THREADS as the pool reads it (the variable every numerical library honours): its
// first number ("8", or "8,4" for nested levels); none when it is unset or not a positive
// number. `used` is `given` bounded by kMaxThreads, so a tool can say that it was lowered.
struct EnvironmentThreads {
  long given = 0;
  int used = 0;
};
std::optional<EnvironmentThreads> omp_num_threads();

// The number of threads parallel loops use, at most kMaxThreads. 0 restores the default:
// OMP_NUM_THREADS if set, otherwise every core. Returns the number now in force.
int set_threads(int threads);
int thread_count();

class WorkerPool {
 public:
  static WorkerPool& instance() {
    static WorkerPool pool;
    return pool;
  }

  ~WorkerPool() {
    {
      std::lock_guard lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    for (std::thread& t : workers_) t.join();
  }

  // Calls body(chunk, thread) for every chunk in [0, chunks), on up to `threads` threads
  // including the caller (thread 0); `thread` < `threads` indexes per-thread scratch.
  void run(std::size_t chunks, int threads, const std::function<void(std::size_t, int)>& body) {
    if (threads <= 1 || chunks <= 1) {
      for (std::size_t c = 0; c < chunks; ++c) body(c, 0);
      return;
    }
    std::lock_guard one_job_at_a_time(run_mutex_);
    {
      std::lock_guard lock(mutex_);
      while (int(workers_.size()) < threads - 1)
        workers_.emplace_back([this, index = int(workers_.size()) + 1] { work(index); });
      job_ = &body;
      chunks_ = chunks;
      next_.store(0);
      allowed_ = threads - 1;
      open_ = true;
      ++generation_;
    }
    wake_.notify_all();
    for (std::size_t c; (c = next_.fetch_add(1)) < chunks;) body(c, 0);
    std::unique_lock lock(mutex_);
    open_ = false;  // from here a worker that wakes up stays asleep
    finished_.wait(lock, [this] { return active_ == 0; });
  }

 private:
  WorkerPool() = default;

  void work(int index) {
    std::uint64_t seen = 0;
    std::unique_lock lock(mutex_);
    for (;;) {
      wake_.wait(lock, [&] { return stop_ || (open_ && generation_ != seen); });
      if (stop_) return;
      seen = generation_;
      if (index > allowed_) continue;  // this job asked for fewer threads
      ++active_;
      const auto* job = job_;
      const std::size_t chunks = chunks_;
      lock.unlock();
      for (std::size_t c; (c = next_.fetch_add(1)) < chunks;) (*job)(c, index);
      lock.lock();
      if (--active_ == 0) finished_.notify_all();
    }
  }

  std::mutex run_mutex_;  // callers on several threads take turns
  std::mutex mutex_;      // guards everything below but next_
  std::condition_variable wake_, finished_;
  std::vector<std::thread> workers_;
  const std::function<void(std::size_t, int)>* job_ = nullptr;
  std::size_t chunks_ = 0;
  std::atomic<std::size_t> next_{0};
  std::uint64_t generation_ = 0;
  int allowed_ = 0;  // workers 1..allowed_ take part in the current job
  int active_ = 0;   // workers inside the current job
  bool open_ = false;
  bool stop_ = false;
};

// Runs body(chunk, thread) for chunk in [0, chunks) on thread_count() threads of the shared pool.
inline void parallel_chunks(std::size_t chunks, const std::function<void(std::size_t, int)>& body) {
  WorkerPool::instance().run(chunks, thread_count(), body);
}

}  // namespace gmmlab
