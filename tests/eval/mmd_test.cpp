#include "synthtab/eval/mmd.hpp"

#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/csv_reader.hpp"

namespace synthtab::eval {
namespace {

Table numeric_table(const nlohmann::json& rows) {
  Table table;
  const size_t cols = rows.at(0).size();
  for (size_t c = 0; c < cols; ++c) {
    Column column;
    column.name = std::string("x").append(std::to_string(c));
    column.type = ColumnType::Float;
    for (const auto& row : rows) column.values.push_back(row.at(c).get<double>());
    table.columns.push_back(std::move(column));
  }
  return table;
}

nlohmann::json mmd_oracle() {
  std::ifstream in(testing::data_path("mmd_oracle.json"));
  return nlohmann::json::parse(in);
}

TEST(Mmd, UnbiasedEstimateAndBandwidthEqualNumpy) {
  const auto data = mmd_oracle();
  for (const auto& c : data.at("cases")) {
    const Table real = numeric_table(c.at("real"));
    const Table synthetic = numeric_table(c.at("synthetic"));
    MmdOptions options;
    options.permutations = 0;
    const MmdResult result = mmd(real, synthetic, options);
    EXPECT_NEAR(result.bandwidth, c.at("bandwidth").get<double>(), 1e-9 * c.at("bandwidth").get<double>());
    EXPECT_NEAR(result.mmd2, c.at("mmd2_unbiased").get<double>(), 1e-9);
  }
}

TEST(Mmd, SeedCompatibleEqualsSklearnRbfKernel) {
  const auto data = mmd_oracle();
  for (const auto& c : data.at("cases")) {
    MmdOptions options;
    options.seed_compatible = true;
    const MmdResult result = mmd(numeric_table(c.at("real")), numeric_table(c.at("synthetic")), options);
    // Relative 1e-9: NumPy sums the kernel matrix pairwise, we sum blockwise.
    EXPECT_NEAR(result.mmd2, c.at("mmd2_seed").get<double>(), 1e-9 * c.at("mmd2_seed").get<double>());
  }
}

Table roi_like(int64_t rows, uint64_t seed) {
  // Spend and revenue in thousands, like ROI.csv: raw distances are huge next to gamma = 1/4.
  Rng rng(seed);
  Table table;
  for (const char* name : {"spend", "revenue", "month", "year"}) {
    Column column;
    column.name = name;
    column.type = ColumnType::Float;
    table.columns.push_back(column);
  }
  for (int64_t r = 0; r < rows; ++r) {
    table.columns[0].values.push_back(490 + 13000 * rng.uniform());
    table.columns[1].values.push_back(200 + 46000 * rng.uniform());
    table.columns[2].values.push_back(1 + static_cast<double>(rng.below(12)));
    table.columns[3].values.push_back(2021 + static_cast<double>(rng.below(2)));
  }
  return table;
}

TEST(Mmd, SeedFormulaOnRoiScaleDataIsJustOneOverNPlusOneOverM) {
  // The seed's printed 0.0531 on ROI: 1/19 + 1/2000, whatever the synthetic rows are.
  MmdOptions options;
  options.seed_compatible = true;
  const double expected = 1.0 / 19 + 1.0 / 2000;
  for (uint64_t seed : {1u, 2u, 3u}) {
    const MmdResult result = mmd(roi_like(19, 100), roi_like(2000, seed), options);
    EXPECT_NEAR(result.mmd2, expected, 2e-3) << seed;
  }
  // Even a synthetic table from a far-away distribution gets the same number.
  Table far = roi_like(2000, 9);
  for (double& v : far.columns[1].values) v *= 50;
  EXPECT_NEAR(mmd(roi_like(19, 100), far, options).mmd2, expected, 2e-3);
}

TEST(Mmd, SeedFormulaOnTheRoiFileItself) {
  const RawTable raw = read_csv(testing::data_path("ROI.csv"));
  const Table real = to_table(raw, infer_schema(raw));
  // Any 2000-row table in the columns' ranges: uniform draws, random categories.
  Table synthetic;
  Rng rng(5);
  for (const auto& column : real.columns) {
    Column c = column.empty_like();
    double lo = 1e300, hi = -1e300;
    for (double v : column.values) lo = std::min(lo, v), hi = std::max(hi, v);
    for (int r = 0; r < 2000; ++r) {
      if (column.is_categorical())
        c.codes.push_back(static_cast<int32_t>(rng.below(column.categories.size())));
      else
        c.values.push_back(lo + (hi - lo) * rng.uniform());
    }
    synthetic.columns.push_back(std::move(c));
  }
  MmdOptions options;
  options.seed_compatible = true;
  EXPECT_NEAR(mmd(real, synthetic, options).mmd2, 1.0 / 19 + 1.0 / 2000, 2e-3);
  // Ours, on the same pair, is a real statistic with a p-value.
  const MmdResult ours = mmd(real, synthetic, {});
  EXPECT_GT(ours.bandwidth, 0.0);
  EXPECT_GE(ours.pvalue, 0.0);
}

TEST(Mmd, PermutationPValueSeparatesSameFromShifted) {
  MmdOptions options;
  options.permutations = 200;
  const Table real = roi_like(200, 1);
  const MmdResult same = mmd(real, roi_like(300, 2), options);
  EXPECT_GT(same.pvalue, 0.01);
  Table shifted = roi_like(300, 3);
  for (double& v : shifted.columns[0].values) v += 4000;  // a third of the range
  const MmdResult different = mmd(real, shifted, options);
  EXPECT_LT(different.pvalue, 0.01);
  EXPECT_GT(different.mmd2, same.mmd2);
  EXPECT_EQ(different.permutations, 200);
}

TEST(Mmd, SameBitsForAnyThreadCountAndSeedDeterminism) {
  const Table real = roi_like(700, 1), synthetic = roi_like(900, 2);
  MmdOptions one;
  one.threads = 1;
  MmdOptions two = one;
  two.threads = 2;
  const MmdResult a = mmd(real, synthetic, one), b = mmd(real, synthetic, two);
  EXPECT_EQ(a.mmd2, b.mmd2);
  EXPECT_EQ(a.pvalue, b.pvalue);
}

}  // namespace
}  // namespace synthtab::eval
