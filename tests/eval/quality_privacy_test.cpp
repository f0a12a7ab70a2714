// Quality score and privacy checks against the pandas/SciPy reference of
// tests/data/gen_quality_privacy_oracle.py (SDMetrics' definitions).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/test_paths.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"

namespace synthtab::eval {
namespace {

using nlohmann::json;

// Columns a, b (float; null = missing) and c (labels; null = missing) from pandas' to_json.
Table frame_table(const json& frame) {
  Table table;
  for (const char* name : {"a", "b"}) {
    Column column;
    column.name = name;
    column.type = ColumnType::Float;
    const auto& cells = frame.at(name);
    for (size_t r = 0; r < cells.size(); ++r) {
      const auto& v = cells.at(std::to_string(r));
      column.values.push_back(v.is_null() ? kMissingValue : v.get<double>());
    }
    table.columns.push_back(std::move(column));
  }
  Column c;
  c.name = "c";
  c.type = ColumnType::Categorical;
  std::map<std::string, int32_t> codes;
  const auto& cells = frame.at("c");
  for (size_t r = 0; r < cells.size(); ++r) {
    const auto& v = cells.at(std::to_string(r));
    if (v.is_null()) {
      c.codes.push_back(kMissingCode);
      continue;
    }
    const auto label = v.get<std::string>();
    auto [it, added] = codes.emplace(label, static_cast<int32_t>(c.categories.size()));
    if (added) c.categories.push_back(label);
    c.codes.push_back(it->second);
  }
  table.columns.push_back(std::move(c));
  return table;
}

json quality_privacy_oracle() {
  std::ifstream in(testing::data_path("quality_privacy_oracle.json"));
  return json::parse(in);
}

const PairTrend& pair_of(const QualityReport& report, const std::string& a, const std::string& b) {
  for (const auto& p : report.pairs)
    if (p.column_a == a && p.column_b == b) return p;
  throw std::runtime_error("no pair " + a + "," + b);
}

TEST(Quality, ShapesAndPairTrendsEqualTheReference) {
  const auto data = quality_privacy_oracle();
  for (const auto& c : data.at("cases")) {
    const Table real = frame_table(c.at("real")), synthetic = frame_table(c.at("synthetic"));
    const QualityReport report = quality(real, synthetic);
    ASSERT_EQ(report.shapes.size(), 3u);
    EXPECT_NEAR(report.shapes[0].score, c.at("ks_a").get<double>(), 1e-12);
    EXPECT_NEAR(report.shapes[1].score, c.at("ks_b").get<double>(), 1e-12);
    EXPECT_NEAR(report.shapes[2].score, c.at("tv_c").get<double>(), 1e-12);
    EXPECT_EQ(report.shapes[2].metric, "TVComplement");
    EXPECT_NEAR(pair_of(report, "a", "b").score, c.at("corr_ab").get<double>(), 1e-12);
    EXPECT_NEAR(pair_of(report, "a", "c").score, c.at("cont_ac").get<double>(), 1e-12);
    EXPECT_NEAR(pair_of(report, "b", "c").score, c.at("cont_bc").get<double>(), 1e-12);
    const double shapes = (c.at("ks_a").get<double>() + c.at("ks_b").get<double>() + c.at("tv_c").get<double>()) / 3;
    const double pairs =
        (c.at("corr_ab").get<double>() + c.at("cont_ac").get<double>() + c.at("cont_bc").get<double>()) / 3;
    EXPECT_NEAR(report.overall, (shapes + pairs) / 2, 1e-12);
  }
}

TEST(Quality, IdenticalTablesScoreOneAndAdherenceCountsOutsiders) {
  const Table real = frame_table(quality_privacy_oracle().at("cases").at(0).at("real"));
  const QualityReport same = quality(real, real);
  EXPECT_DOUBLE_EQ(same.overall, 1.0);
  EXPECT_DOUBLE_EQ(same.new_row_share, 0.0);
  Table synthetic = real;
  synthetic.columns[0].values[0] = 1e9;  // outside the real range
  synthetic.columns[2].categories.push_back("purple");
  synthetic.columns[2].codes[1] = static_cast<int32_t>(synthetic.columns[2].categories.size() - 1);
  const QualityReport changed = quality(real, synthetic);
  const double n = static_cast<double>(real.rows());
  EXPECT_DOUBLE_EQ(changed.adherence[0].score, (n - 1) / n);
  EXPECT_EQ(changed.adherence[2].metric, "CategoryAdherence");
  EXPECT_DOUBLE_EQ(changed.adherence[2].score, (n - 1) / n);
  EXPECT_DOUBLE_EQ(changed.new_row_share, 2 / n);
}

TEST(Privacy, DistancesEqualTheReference) {
  const auto data = quality_privacy_oracle();
  for (const auto& c : data.at("cases")) {
    const Table real = frame_table(c.at("real")), synthetic = frame_table(c.at("synthetic"));
    const PrivacyReport report = privacy(real, synthetic);
    if (c.contains("dcr")) {
      // The reference standardises a and b only; drop c for the Euclidean part.
      Table real_ab = real, synthetic_ab = synthetic;
      real_ab.columns.pop_back();
      synthetic_ab.columns.pop_back();
      const PrivacyReport numeric = privacy(real_ab, synthetic_ab);
      const auto expected = c.at("dcr").get<std::vector<double>>();
      ASSERT_EQ(numeric.dcr.size(), expected.size());
      for (size_t i = 0; i < expected.size(); ++i) EXPECT_NEAR(numeric.dcr[i], expected[i], 1e-9) << i;
      const auto expected_nn = c.at("real_nn").get<std::vector<double>>();
      for (size_t i = 0; i < expected_nn.size(); ++i) EXPECT_NEAR(numeric.real_nn[i], expected_nn[i], 1e-9) << i;
    }
    auto gower = c.at("gower_dcr_synthetic").get<std::vector<double>>();
    std::sort(gower.begin(), gower.end());
    const double median =
        gower.size() % 2 ? gower[gower.size() / 2] : (gower[gower.size() / 2 - 1] + gower[gower.size() / 2]) / 2;
    EXPECT_NEAR(report.baseline_synthetic_median, median, 1e-12);
  }
}

TEST(Privacy, CopiesAreFoundAndRandomRowsAreFarther) {
  const Table real = frame_table(quality_privacy_oracle().at("cases").at(0).at("real"));
  const PrivacyReport copy = privacy(real, real);
  EXPECT_EQ(copy.exact_copies, real.rows());
  EXPECT_DOUBLE_EQ(copy.exact_copy_share, 1.0);
  EXPECT_DOUBLE_EQ(copy.dcr_median, 0.0);
  EXPECT_DOUBLE_EQ(copy.baseline_protection, 0.0);
  const Table other = frame_table(quality_privacy_oracle().at("cases").at(0).at("synthetic"));
  const PrivacyReport fresh = privacy(real, other);
  EXPECT_EQ(fresh.exact_copies, 0);
  EXPECT_GT(fresh.dcr_ratio, 0.3);
  EXPECT_GT(fresh.baseline_protection, 0.2);
  EXPECT_LE(fresh.baseline_protection, 1.0);
}

TEST(Privacy, RowsWithEveryCellMissingAreNotCopies) {
  // Both tables hold an all-missing row; it identifies nobody, so only the real copy counts.
  const json frame = {
      {"a", {{"0", 1.5}, {"1", nullptr}}}, {"b", {{"0", 2.0}, {"1", nullptr}}}, {"c", {{"0", "x"}, {"1", nullptr}}}};
  const Table table = frame_table(frame);
  EXPECT_EQ(count_exact_copies(table, table), 1);
}

}  // namespace
}  // namespace synthtab::eval
