#pragma once
// The memory a run may use (`max_memory`) and what a table of a given size needs.
//
// Needs are estimates from measured peak resident memory (README, "Resource limits"): a run
// that would exceed its limit fails early with Error(Resource) naming the size and the limit,
// instead of being killed by the kernel's OOM killer after minutes of work.
#include <cstdint>
#include <string>

namespace synthtab {

// "4G", "500M", "1.5GiB", "800k", "123456" (bytes; K/M/G/T are powers of 1024). Throws
// Error(Usage) naming `option` for anything else, or for 0.
uint64_t parse_memory_size(const std::string& text, const char* option = "`max_memory`");

// 80 % of MemAvailable in /proc/meminfo, or 0 (no limit) where that is unknown.
uint64_t default_memory_limit();

// "1.5 GiB", "512 MiB", "900 KiB", "12 bytes".
std::string format_bytes(double bytes);

// What fitting a model costs in memory: each model states its own (models/registry.hpp).
struct ModelMemory {
  // Peak RSS of `generate` per cell: 27 bytes (copula; wgan 28) on 10 two-decimal columns from
  // 1e6 to 1e7 cells, but 54 to 57 on bench/large_tables.py's table (integers, a column with
  // missing cells, many distinct values) at 4.5e6 to 6e7 cells. Rounded up from the larger.
  double bytes_per_cell = 64;
  uint64_t base_bytes = 16ULL * 1024 * 1024;  // program and libraries
};
// Bytes a fit of rows x cols from a file of `file_bytes` needs.
uint64_t fit_bytes(const ModelMemory& model, int64_t rows, int64_t cols, uint64_t file_bytes);
// Bytes `evaluate` needs for one of its two tables of rows x cols.
uint64_t evaluate_bytes(int64_t rows, int64_t cols);
// Bytes persistent homology (the evaluation's topology) needs for a cloud of `points` points: every
// pairwise distance, and the H1 reduction's columns (measured on 10-dimensional uniform points:
// 440 MiB at 2,000 points, 3.1 GiB at 6,000, about 200 bytes per pair).
uint64_t topology_bytes(int64_t points);
// Bytes one block of sampled rows holds (model-space rows, decoded table, text).
uint64_t sample_block_bytes(int64_t block_rows, int64_t cols);

// Throws Error(Resource): "WHERE: needs about X for N rows x M columns; limit is Y (`max_memory`)".
// `limit` 0 = no limit. `estimated` adds "about" to the row count.
void check_memory(uint64_t needed, uint64_t limit, const std::string& where, int64_t rows, int64_t cols,
                  bool estimated);

}  // namespace synthtab
