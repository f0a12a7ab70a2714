// Times the generation path: fit + sample on the seed's ROI table (-> 2000 rows) and on a
// generated 30,000 x 15 mixed table; rows per second of sampling; peak memory.
// The reference in the same process is writing the same synthetic rows as CSV without a model
// (so "sample / write" says how much of sampling is the model rather than text output).
#include <sys/resource.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"

namespace {

using Clock = std::chrono::steady_clock;

double seconds_since(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;
}

// 8 correlated floats, 4 integers, 3 string categoricals.
std::string write_mixed_table(int64_t rows) {
  const auto path = std::filesystem::temp_directory_path() / "synthtab_bench_mixed.csv";
  std::ofstream out(path);
  for (int c = 0; c < 8; ++c) out << "f" << c << ",";
  for (int c = 0; c < 4; ++c) out << "i" << c << ",";
  out << "channel,region,segment\n";
  synthtab::Rng rng(1);
  const char* channels[] = {"google", "facebook", "linkedin", "tiktok", "email"};
  const char* regions[] = {"north", "south", "east", "west"};
  const char* segments[] = {"smb", "mid", "enterprise"};
  for (int64_t r = 0; r < rows; ++r) {
    const double base = rng.normal();
    for (int c = 0; c < 8; ++c) {
      const double v = c % 2 == 0 ? base * (c + 1) + rng.normal() : std::exp(0.5 * base + rng.normal());
      out << v << ",";
    }
    for (int c = 0; c < 4; ++c) out << static_cast<int64_t>(std::floor(50 + 20 * base + 10 * rng.normal())) + c << ",";
    const int ch = static_cast<int>(rng.below(5));
    out << channels[ch] << "," << regions[(ch + rng.below(2)) % 4] << "," << segments[rng.below(3)] << "\n";
  }
  return path.string();
}

void run_case(const char* label, const std::string& input, int64_t rows, int threads) {
  synthtab::SynthesisOptions options;
  options.fit.threads = threads;
  const auto fit_start = Clock::now();
  const auto model = synthtab::FittedModel::fit_csv(input, options);
  const double fit_seconds = seconds_since(fit_start);

  const auto out = std::filesystem::temp_directory_path() / "synthtab_bench_out.csv";
  const auto sample_start = Clock::now();
  model.write_sample_csv(out.string(), rows, 1);
  const double sample_seconds = seconds_since(sample_start);

  // Reference: the same rows written as CSV again without running the model.
  const synthtab::Table rows_table = model.sample(0, rows, 1);
  const auto write_start = Clock::now();
  synthtab::write_csv(rows_table, out.string(), model.output_format());
  const double write_seconds = seconds_since(write_start);

  std::printf(
      "%-28s threads %d  fit %7.2f s  sample %8lld rows %6.2f s (%9.0f rows/s)  "
      "sample/write-only %5.1fx  peak RSS %6.0f MB\n",
      label, threads, fit_seconds, static_cast<long long>(rows), sample_seconds,
      static_cast<double>(rows) / sample_seconds, sample_seconds / write_seconds, peak_rss_mb());
}

}  // namespace

int main(int argc, char** argv) {
  const std::string source = SYNTHTAB_SOURCE_DIR;
  const bool quick = argc > 1 && std::string(argv[1]) == "--quick";
  for (int threads : {1, 2}) run_case("ROI.csv -> 2000 rows", source + "/data/ROI.csv", 2000, threads);
  for (int threads : {1, 2}) run_case("ROI.csv -> 1,000,000 rows", source + "/data/ROI.csv", 1000000, threads);
  if (quick) return 0;
  const std::string mixed = write_mixed_table(30000);
  for (int threads : {1, 2}) run_case("30,000 x 15 mixed -> 30,000", mixed, 30000, threads);
  return 0;
}
