// Memory limit sizes and the early refusal of a table that would not fit.
#include "synthtab/core/memory_limit.hpp"

#include <gtest/gtest.h>

#include <string>

#include "support/errors.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

TEST(MemoryLimit, ParsesSizesInPowersOf1024) {
  EXPECT_EQ(parse_memory_size("123"), 123u);
  EXPECT_EQ(parse_memory_size("800K"), 800u * 1024);
  EXPECT_EQ(parse_memory_size("500M"), 500u * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("500m"), 500u * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("4G"), 4ull * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("4GB"), 4ull * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("4GiB"), 4ull * 1024 * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("1.5G"), 3ull * 512 * 1024 * 1024);
  EXPECT_EQ(parse_memory_size("2T"), 2ull * 1024 * 1024 * 1024 * 1024);
}

TEST(MemoryLimit, RefusesSizesThatAreNotSizes) {
  for (const char* text : {"", "0", "-1G", "4X", "G", "nan", "inf", "1e30T", "4 G"}) {
    try {
      parse_memory_size(text);
      ADD_FAILURE() << "accepted '" << text << "'";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Usage) << text;
      EXPECT_EQ(std::string(e.what()),
                std::string("`max_memory` expects a size such as 4G, 500M or 800K, got '") + text + "'");
    }
  }
}

TEST(MemoryLimit, DefaultIsMostOfTheAvailableMemory) {
  const uint64_t limit = default_memory_limit();
  // Linux always has MemAvailable; any machine that runs the tests has more than 64 MiB free.
  EXPECT_GT(limit, 64ull * 1024 * 1024);
  EXPECT_LT(limit, 1ull << 50);
}

TEST(MemoryLimit, FormatsBytesReadably) {
  EXPECT_EQ(format_bytes(12), "12 bytes");
  EXPECT_EQ(format_bytes(900 * 1024.0), "900 KiB");
  EXPECT_EQ(format_bytes(512 * 1024.0 * 1024), "512 MiB");
  EXPECT_EQ(format_bytes(1.5 * 1024 * 1024 * 1024), "1.5 GiB");
}

TEST(MemoryLimit, EstimatesGrowLinearlyWithCells) {
  const ModelMemory model{64.0, 16ULL * 1024 * 1024};
  const uint64_t base = fit_bytes(model, 0, 0, 0);
  EXPECT_EQ(base, model.base_bytes);
  EXPECT_EQ(fit_bytes(model, 1000, 10, 0) - base, static_cast<uint64_t>(10000 * model.bytes_per_cell));
  EXPECT_EQ(fit_bytes(model, 2000, 10, 0) - base, 2 * (fit_bytes(model, 1000, 10, 0) - base));
  EXPECT_EQ(fit_bytes(model, 1000, 10, 555) - fit_bytes(model, 1000, 10, 0), 555u);  // the text
  EXPECT_EQ(fit_bytes(ModelMemory{80.0, 0}, 1000, 10, 0), 800000u);
  // Sizes far beyond memory saturate instead of wrapping around.
  EXPECT_EQ(fit_bytes(model, int64_t{1} << 40, int64_t{1} << 40, 0), UINT64_MAX);
  EXPECT_EQ(sample_block_bytes(4096, 20000), 16ull * 4096 * 20000);
}

TEST(MemoryLimit, CheckNamesTheNeedTheSizeAndTheLimit) {
  EXPECT_NO_THROW(check_memory(100, 0, "t.csv", 1, 1, false));    // no limit
  EXPECT_NO_THROW(check_memory(100, 100, "t.csv", 1, 1, false));  // exactly at the limit
  try {
    check_memory(3ull << 30, 1ull << 30, "t.csv", 1000000, 20, true);
    ADD_FAILURE() << "no error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Resource);
    EXPECT_EQ(std::string(e.what()),
              "t.csv: needs about 3.0 GiB for about 1000000 rows x 20 columns; limit is 1.0 GiB (`max_memory`)");
  }
}

}  // namespace
}  // namespace synthtab
