#include "synthtab/core/memory_limit.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <sstream>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"

namespace synthtab {

// evaluate of a table against an equal-size one: peak RSS 61 MiB at 1e5 cells, 136 MiB at 1e6
// (88 bytes per cell of one table), rounded up.
constexpr double kEvaluateBytesPerCell = 100;

uint64_t parse_memory_size(const std::string& text, const char* option) {
  const auto bad = [&] {
    return usage_error(fmt::format("{} expects a size such as 4G, 500M or 800K, got '{}'", option, text));
  };
  if (text.empty()) throw bad();
  char* end = nullptr;
  const double number = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || !std::isfinite(number) || number <= 0) throw bad();
  std::string unit(end);
  for (auto& c : unit) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();  // "GB", "GiB" read as G
  if (unit.size() > 1 && unit.back() == 'I') unit.pop_back();
  double scale = 1;
  if (unit == "K")
    scale = 1024.0;
  else if (unit == "M")
    scale = 1024.0 * 1024;
  else if (unit == "G")
    scale = 1024.0 * 1024 * 1024;
  else if (unit == "T")
    scale = 1024.0 * 1024 * 1024 * 1024;
  else if (!unit.empty() && unit != "B")
    throw bad();
  const double bytes = number * scale;
  if (bytes < 1 || bytes > 1.8e19) throw bad();
  return static_cast<uint64_t>(bytes);
}

uint64_t default_memory_limit() {
  std::ifstream in("/proc/meminfo");
  std::string key;
  uint64_t kib = 0;
  std::string unit;
  while (in >> key >> kib >> unit)
    if (key == "MemAvailable:") return kib * 1024 / 10 * 8;
  return 0;
}

std::string format_bytes(double bytes) {
  if (bytes >= 1024.0 * 1024 * 1024) return fmt::format("{:.1f} GiB", bytes / (1024.0 * 1024 * 1024));
  if (bytes >= 1024.0 * 1024) return fmt::format("{:.0f} MiB", bytes / (1024.0 * 1024));
  if (bytes >= 1024.0) return fmt::format("{:.0f} KiB", bytes / 1024.0);
  return fmt::format("{:.0f} bytes", bytes);
}

uint64_t fit_bytes(const ModelMemory& model, int64_t rows, int64_t cols, uint64_t file_bytes) {
  const double cells = static_cast<double>(rows) * static_cast<double>(cols);
  const double bytes =
      static_cast<double>(model.base_bytes) + static_cast<double>(file_bytes) + cells * model.bytes_per_cell;
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

uint64_t evaluate_bytes(int64_t rows, int64_t cols) {
  // Peak RSS of `evaluate` (README): the typed tables, feature matrices and forests grow with the
  // cells; distance-based checks work on bounded subsamples.
  const double bytes =
      64.0 * 1024 * 1024 + kEvaluateBytesPerCell * static_cast<double>(rows) * static_cast<double>(cols);
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

uint64_t topology_bytes(int64_t points) {
  const double pairs = 0.5 * static_cast<double>(points) * static_cast<double>(std::max<int64_t>(points - 1, 0));
  const double bytes = 200.0 * pairs;
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

uint64_t sample_block_bytes(int64_t block_rows, int64_t cols) {
  // Model-space floats (4), the decoded table (8) and slack for text: 12 bytes per cell were
  // measured for 4096 x 20000 copula cells; 16 is the margin.
  const double bytes = 16.0 * static_cast<double>(block_rows) * static_cast<double>(cols);
  return bytes >= 1.8e19 ? UINT64_MAX : static_cast<uint64_t>(bytes);
}

void check_memory(uint64_t needed, uint64_t limit, const std::string& where, int64_t rows, int64_t cols,
                  bool estimated) {
  if (limit == 0 || needed <= limit) return;
  throw Error(ErrorKind::Resource,
              fmt::format("{}needs about {} for {}{} rows x {} columns; limit is {} (`max_memory`)",
                          where.empty() ? "" : where + ": ", format_bytes(static_cast<double>(needed)),
                          estimated ? "about " : "", rows, cols, format_bytes(static_cast<double>(limit))));
}

}  // namespace synthtab
