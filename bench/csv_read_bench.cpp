// Times read_csv on a generated ~100 MB CSV of mixed columns and compares it with a plain
// std::getline + split pass over the same file (a floor for any line-based reader; it neither
// handles quotes nor stores cells by column).
//
//   csv_read_bench [megabytes=100] [path=/tmp/synthtab-csv-read-bench.csv]
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/value_parse.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

// Integers, floats, dates, short labels, quoted text with delimiters and quotes, and gaps.
void generate(const std::string& path, size_t target_bytes) {
  std::ofstream out(path, std::ios::binary);
  std::mt19937_64 gen(42);
  std::uniform_int_distribution<int> id(0, 1000000), day(1, 28), month(1, 12), pick(0, 9);
  std::normal_distribution<double> normal(100.0, 30.0);
  const char* labels[] = {"red", "green", "blue", "Jos\xC3\xA9", "n/a"};
  std::string chunk = "id,amount,rate,date,label,comment,count\n";
  size_t written = 0;
  for (int64_t row = 0; written < target_bytes; ++row) {
    chunk += std::to_string(row);
    chunk += ',';
    chunk += synthtab::format_double(normal(gen));
    chunk += ',';
    chunk += pick(gen) == 0 ? "" : synthtab::format_double(normal(gen) / 1000.0);
    char date[16];
    std::snprintf(date, sizeof date, ",20%02d-%02d-%02d,", pick(gen) + 10, month(gen), day(gen));
    chunk += date;
    chunk += labels[pick(gen) % 5];
    chunk += ',';
    if (pick(gen) < 3) {
      chunk += "\"said \"\"hi\"\", then left, at ";
      chunk += std::to_string(id(gen));
      chunk += '"';
    } else {
      chunk += "plain text ";
      chunk += std::to_string(id(gen));
    }
    chunk += ',';
    chunk += std::to_string(id(gen));
    chunk += '\n';
    if (chunk.size() > (1 << 20)) {
      out << chunk;
      written += chunk.size();
      chunk.clear();
    }
  }
  out << chunk;
}

// The reference: getline and split on ',' into per-line vectors of strings.
size_t getline_split(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::string line;
  std::vector<std::string> fields;
  size_t cells = 0;
  while (std::getline(in, line)) {
    fields.clear();
    size_t start = 0;
    for (;;) {
      const size_t comma = line.find(',', start);
      fields.emplace_back(line, start, comma == std::string::npos ? std::string::npos : comma - start);
      if (comma == std::string::npos) break;
      start = comma + 1;
    }
    cells += fields.size();
  }
  return cells;
}

}  // namespace

int main(int argc, char** argv) {
  const double megabytes = argc > 1 ? std::atof(argv[1]) : 100.0;
  const std::string path = argc > 2 ? argv[2] : "/tmp/synthtab-csv-read-bench.csv";
  generate(path, static_cast<size_t>(megabytes * 1e6));
  std::ifstream probe(path, std::ios::binary | std::ios::ate);
  const double size_mb = static_cast<double>(probe.tellg()) / 1e6;

  // Warm the page cache so both passes read from memory.
  getline_split(path);

  auto start = Clock::now();
  const size_t reference_cells = getline_split(path);
  const double reference_seconds = seconds_since(start);

  start = Clock::now();
  const synthtab::RawTable table = synthtab::read_csv(path);
  const double read_seconds = seconds_since(start);

  std::printf("file: %s, %.1f MB, %lld rows x %zu columns\n", path.c_str(), size_mb,
              static_cast<long long>(table.rows()), table.columns.size());
  std::printf("read_csv:        %.3f s  %.0f MB/s\n", read_seconds, size_mb / read_seconds);
  std::printf("getline + split: %.3f s  %.0f MB/s  (%zu cells)\n", reference_seconds, size_mb / reference_seconds,
              reference_cells);
  std::printf("read_csv time / reference time: %.2f\n", read_seconds / reference_seconds);
  if (argc <= 3) std::remove(path.c_str());
  return 0;
}
