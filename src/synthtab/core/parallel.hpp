#pragma once
// A minimal static work split over threads. Callers write results into per-task slots and
// combine them in task order, so results are identical for any thread count.
#include <algorithm>
#include <cstdint>
#include <thread>
#include <vector>

namespace synthtab {

// 0 = all cores.
inline int resolve_threads(int threads) {
  if (threads > 0) return threads;
  return static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

// Runs f(task) for every task in [0, tasks) on up to `threads` threads.
template <typename F>
void parallel_for(int64_t tasks, int threads, F&& f) {
  const int n = static_cast<int>(std::min<int64_t>(resolve_threads(threads), tasks));
  if (n <= 1) {
    for (int64_t t = 0; t < tasks; ++t) f(t);
    return;
  }
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(n));
  for (int w = 0; w < n; ++w)
    pool.emplace_back([&f, w, n, tasks] {
      for (int64_t t = w; t < tasks; t += n) f(t);
    });
  for (auto& worker : pool) worker.join();
}

}  // namespace synthtab
