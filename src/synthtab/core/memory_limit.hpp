#pragma once
// The memory a run may use (--max-memory) and what a table of a given size needs.
//
// Needs are estimates from measured peak resident memory (README, "Resource limits"): a run
// that would exceed its limit fails early with Error(Resource) naming the size and the limit,
// instead of being killed by the kernel's OOM killer after minutes of work.
#include <cstdint>
#include <string>

namespace synthtab {

// "4G", "500M", "1.5GiB", "800k", "123456" (bytes; K/M/G/T are powers of 1024). Throws
// Error(Usage) naming `option` for anything else, or for 0.
uint64_t parse_memory_size(const std::string& text, const char* option = "--max-memory");

// 80 % of MemAvailable in /proc/meminfo, or 0 (no limit) where that is unknown.
uint64_t default_memory_limit();

// "1.5 GiB", "512 MiB", "900 KiB", "12 bytes".
std::string format_bytes(double bytes);

// Peak bytes per table cell while fitting `model` (measured; see README).
double fit_bytes_per_cell(const std::string& model);
// Fixed cost of a run of `model` (program, libraries; LibTorch for the network models).
uint64_t fit_base_bytes(const std::string& model);
// Bytes a fit of rows x cols from a file of `file_bytes` needs.
uint64_t fit_bytes(const std::string& model, int64_t rows, int64_t cols, uint64_t file_bytes);
// Bytes `evaluate` needs for one of its two tables of rows x cols.
uint64_t evaluate_bytes(int64_t rows, int64_t cols);
// Bytes persistent homology (evaluate --topology) needs for a cloud of `points` points: every
// pairwise distance, and the H1 reduction's columns (measured on 10-dimensional uniform points:
// 440 MiB at 2,000 points, 3.1 GiB at 6,000, about 200 bytes per pair).
uint64_t topology_bytes(int64_t points);
// Bytes one block of sampled rows holds (model-space rows, decoded table, text).
uint64_t sample_block_bytes(int64_t block_rows, int64_t cols);

// Throws Error(Resource): "WHERE: needs about X for N rows x M columns; limit is Y (--max-memory)".
// `limit` 0 = no limit. `estimated` adds "about" to the row count.
void check_memory(uint64_t needed, uint64_t limit, const std::string& where, int64_t rows, int64_t cols,
                  bool estimated);

}  // namespace synthtab
