#pragma once
// How the network models draw rows: in fixed global blocks of kSampleBlock rows, each block on
// one intra-op thread (the BLAS gives other last bits with other thread counts, so a row must not
// depend on how many cores the sampling machine has); parallelism comes from whole blocks side
// by side, on as many fresh threads as the caller's LibTorch threads (fit's `threads`, else all
// cores), which leaves the caller's own thread setting alone.
#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "synthtab/core/error.hpp"
#include "synthtab/core/matrix.hpp"

namespace synthtab {

inline constexpr int64_t kSampleBlock = 1024;

// What a network model's do_sample needs beyond Synthesizer::sample's checks: a fitted (or
// loaded) network, and row numbers whose last block still ends below the int64 limit.
inline void check_block_sample(const std::string& model, bool fitted, int64_t first_row, int64_t count) {
  if (!fitted) throw usage_error(model + ": sample() before fit() or load()");
  if (count > std::numeric_limits<int64_t>::max() - kSampleBlock - first_row)
    throw usage_error(model + ": rows to sample run past the end of the row numbers");
}

// Fills rows [first_row, first_row + out.rows) of `out` from `draw_block(block_first, rows)`,
// which puts the kSampleBlock rows of the block starting at global row `block_first` into `rows`
// (row-major, out.cols wide). The first exception of any block is rethrown.
template <typename DrawBlock>
void sample_in_blocks(Matrix& out, int64_t first_row, DrawBlock draw_block) {
  if (out.rows == 0) return;
  const int64_t width = out.cols;
  const int64_t last_row = first_row + out.rows - 1;
  const int64_t last_block = last_row / kSampleBlock;
  std::atomic<int64_t> next_block{first_row / kSampleBlock};
  std::exception_ptr failure;
  std::mutex failure_mutex;
  auto work = [&] {
    try {
      torch::set_num_threads(1);   // this thread's OpenMP setting
      torch::NoGradGuard no_grad;  // thread-local
      std::vector<float> rows;
      for (int64_t block = next_block++; block <= last_block; block = next_block++) {
        const int64_t block_first = block * kSampleBlock;
        draw_block(block_first, rows);
        const int64_t from = std::max(first_row, block_first);
        const int64_t to = std::min(last_row + 1, block_first + kSampleBlock);
        std::memcpy(out.row(from - first_row), rows.data() + (from - block_first) * width,
                    static_cast<size_t>((to - from) * width) * sizeof(float));
      }
    } catch (...) {
      std::lock_guard lock(failure_mutex);
      if (!failure) failure = std::current_exception();
    }
  };
  const int caller_threads = torch::get_num_threads();
  const int64_t blocks = last_block - first_row / kSampleBlock + 1;
  const auto workers = static_cast<size_t>(std::clamp<int64_t>(blocks, 1, caller_threads));
  std::vector<std::thread> pool;
  pool.reserve(workers);
  for (size_t w = 0; w < workers; ++w) pool.emplace_back(work);
  for (auto& t : pool) t.join();
  // set_num_threads(1) above also lowered LibTorch's default for new threads: restore it.
  torch::set_num_threads(caller_threads);
  if (failure) std::rethrow_exception(failure);
}

}  // namespace synthtab
