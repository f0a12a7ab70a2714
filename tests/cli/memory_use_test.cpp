// The memory estimates behind --max-memory against the peak resident memory of real runs:
// an estimate must not be below what a run really takes (or the limit would let it be killed),
// and the per-cell cost stated in README must hold.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

namespace fs = std::filesystem;
using testing::scratch_dir;
using testing::write_text;

// Peak resident bytes of `synthtab ARGS`, or -1 when it failed.
int64_t peak_rss(const std::vector<std::string>& args) {
  std::vector<char*> argv;
  std::string program = SYNTHTAB_CLI;
  argv.push_back(program.data());
  std::vector<std::string> copies = args;
  for (auto& a : copies) argv.push_back(a.data());
  argv.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::execv(program.c_str(), argv.data());
    ::_exit(127);
  }
  int status = 0;
  struct rusage usage {};
  if (::wait4(pid, &status, 0, &usage) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) return -1;
  return static_cast<int64_t>(usage.ru_maxrss) * 1024;  // KiB on Linux
}

// rows x 10 numeric columns, 5 to 6 bytes of text per cell.
fs::path table(const fs::path& dir, int rows) {
  std::string text = "a,b,c,d,e,f,g,h,i,j\n";
  for (int r = 0; r < rows; ++r)
    for (int c = 0; c < 10; ++c) {
      const int v = (r * 7919 + c * 104729) % 100003;  // "123.45": measurements, not IDs
      text += std::to_string(v / 100) + "." + std::to_string(10 + v % 90) + (c < 9 ? "," : "\n");
    }
  // Built in place: g++ 12 warns falsely (-Wrestrict) on "literal" + std::string.
  std::string name = std::to_string(rows);
  name.insert(0, 1, 't').append(".csv");
  const auto path = dir / name;
  write_text(path, text);
  return path;
}

#if defined(__SANITIZE_ADDRESS__)
constexpr bool kSanitized = true;  // shadow memory and quarantine inflate the resident size
#else
constexpr bool kSanitized = false;
#endif

TEST(MemoryUse, EstimateBoundsThePeakAndCellsCostWhatReadmeSays) {
  if (kSanitized) GTEST_SKIP() << "resident sizes mean nothing under AddressSanitizer";
  const auto dir = scratch_dir("memory-use");
  const auto small = table(dir, 20000);
  const auto large = table(dir, 200000);
  const auto out = (dir / "out.csv").string();
  const auto run = [&](const fs::path& in) {
    return peak_rss({"generate", in.string(), "--model", "copula", "-q", "-n", "1000", "-o", out});
  };
  const int64_t small_rss = run(small);
  const int64_t large_rss = run(large);
  ASSERT_GT(small_rss, 0);
  ASSERT_GT(large_rss, 0);
  const ModelMemory copula = ModelRegistry::instance().traits("copula").memory;
  const auto estimate =
      static_cast<int64_t>(fit_bytes(copula, 200000, 10, fs::file_size(large)) + sample_block_bytes(4096, 10));
  EXPECT_LE(large_rss, estimate) << "the estimate must not be below the real peak";
  EXPECT_GE(large_rss, estimate / 4) << "an estimate far above the real peak refuses tables that fit";
  // Growth per cell between 200,000 and 2,000,000 cells (README: about 27 bytes for copula).
  const double per_cell = static_cast<double>(large_rss - small_rss) / (180000.0 * 10);
  std::printf("[ memory  ] copula generate: %.1f MiB for 2e5 cells, %.1f MiB for 2e6 cells: %.1f bytes per cell\n",
              static_cast<double>(small_rss) / 1048576, static_cast<double>(large_rss) / 1048576, per_cell);
  EXPECT_GT(per_cell, 4.0);
  // The estimate charges the file's text separately from the per-cell cost.
  const double text_per_cell = static_cast<double>(fs::file_size(large) - fs::file_size(small)) / (180000.0 * 10);
  EXPECT_LE(per_cell, copula.bytes_per_cell + text_per_cell);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace synthtab
