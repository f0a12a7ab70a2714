#include "synthtab/transform/pipeline.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <nlohmann/json.hpp>
#include <random>

#include "support/tables.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/transform/quantile_transformer.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::categorical_column;
using testing::numeric_column;

// A table like the ROI example plus a label column, a date and a constant.
Table mixed_table(int rows) {
  std::mt19937_64 gen(42);
  std::lognormal_distribution<double> spend(8.0, 0.7);
  std::uniform_int_distribution<int> month(1, 12);
  std::uniform_int_distribution<int> channel(0, 2);
  const char* channels[] = {"search", "social", "video"};
  std::vector<double> spends, months, days, years;
  std::vector<std::string> labels;
  for (int r = 0; r < rows; ++r) {
    spends.push_back(std::round(spend(gen) * 100.0) / 100.0);
    months.push_back(month(gen));
    days.push_back(1'609'459'200.0 + 86400.0 * (r * 7 % 365));
    years.push_back(2021);
    labels.push_back(channels[channel(gen)]);
  }
  Table table;
  table.columns.push_back(numeric_column("Google ads", ColumnType::Float, spends));
  table.columns.push_back(numeric_column("Month", ColumnType::Integer, months));
  table.columns.push_back(categorical_column("Channel", labels));
  table.columns.push_back(numeric_column("Day", ColumnType::Datetime, days));
  table.columns.push_back(numeric_column("Year", ColumnType::Integer, years));
  return table;
}

using testing::expect_same_table;

TEST(Pipeline, PicksOneTransformerPerColumnAndDescribesTheLayout) {
  const Table table = mixed_table(60);
  Pipeline pipeline;
  pipeline.fit(table);
  EXPECT_EQ(pipeline.width(), 4);  // the constant year has no model column
  const auto layout = pipeline.layout();
  ASSERT_EQ(layout.size(), 4u);
  EXPECT_EQ(layout[0].source, "Google ads");
  EXPECT_EQ(layout[0].kind, ModelColumnKind::Continuous);
  EXPECT_EQ(layout[1].source, "Month");
  EXPECT_EQ(layout[2].source, "Channel");
  EXPECT_EQ(layout[2].kind, ModelColumnKind::Categorical);
  EXPECT_EQ(layout[2].categories, 3);
  EXPECT_EQ(layout[3].source, "Day");
  EXPECT_EQ(pipeline.prototype().cols(), 5);
  EXPECT_EQ(pipeline.prototype().rows(), 0);

  const nlohmann::json saved = nlohmann::json::parse(pipeline.save());
  std::vector<std::string> kinds;
  for (const auto& c : saved["columns"]) kinds.push_back(c["transformer"]);
  EXPECT_EQ(kinds, (std::vector<std::string>{"quantile", "quantile", "categorical", "quantile", "constant"}));
}

TEST(Pipeline, MixedTableRoundTrips) {
  const Table table = mixed_table(60);  // 60 rows: the default q = 60 >= distinct values
  Pipeline pipeline;
  pipeline.fit(table);
  const Matrix model = pipeline.transform(table);
  ASSERT_EQ(model.rows, 60);
  ASSERT_EQ(model.cols, 4);
  for (float v : model.data) {
    EXPECT_GE(v, -1.0f);
    EXPECT_LE(v, 1.0f);
  }
  Rng rng(9);
  expect_same_table(pipeline.inverse(model, rng), table, 1e-6);
}

TEST(Pipeline, EachNumericColumnKeepsItsOwnScaler) {
  // The seed refitted one scaler per column and kept the last one: here `len` would come back
  // on the `dose` scale. ToothGrowth-like columns with very different ranges.
  Table table;
  table.columns.push_back(numeric_column("len", ColumnType::Float, {4.2, 11.5, 7.3, 5.8, 6.4, 10.0, 11.2, 33.9}));
  table.columns.push_back(numeric_column("dose", ColumnType::Float, {0.5, 0.5, 1.0, 1.0, 2.0, 2.0, 0.5, 2.0}));
  Pipeline pipeline;
  pipeline.fit(table);
  Rng rng(1);
  expect_same_table(pipeline.inverse(pipeline.transform(table), rng), table, 1e-6);
}

TEST(Pipeline, QuantileOptionsReachTheTransformers) {
  const Table table = mixed_table(19);
  Pipeline pipeline;
  pipeline.fit(table, PipelineOptions{0, 0.7});
  QuantileTransformer spend;
  const nlohmann::json saved = nlohmann::json::parse(pipeline.save());
  spend.load(saved["columns"][0]["state"].dump());
  EXPECT_EQ(spend.quantiles().size(), 13u);  // int(0.7 * 19)

  pipeline.fit(table, PipelineOptions{5, 0.0});
  spend.load(nlohmann::json::parse(pipeline.save())["columns"][0]["state"].dump());
  EXPECT_EQ(spend.quantiles().size(), 5u);
}

TEST(Pipeline, InverseClipsModelValuesIntoTheRealRange) {
  const Table table = mixed_table(40);
  Pipeline pipeline;
  pipeline.fit(table);
  Matrix wild(2, pipeline.width());
  for (int64_t c = 0; c < wild.cols; ++c) {
    wild(0, c) = 1.5f;
    wild(1, c) = -7.0f;
  }
  Rng rng(1);
  const Table back = pipeline.inverse(wild, rng);
  for (size_t i : {0u, 1u, 3u}) {
    const auto& real = table.columns[i].values;
    const auto [low, high] = std::minmax_element(real.begin(), real.end());
    EXPECT_EQ(back.columns[i].values[0], *high) << table.columns[i].name;
    EXPECT_EQ(back.columns[i].values[1], *low) << table.columns[i].name;
  }
  EXPECT_EQ(back.columns[2].codes, (std::vector<int32_t>{2, 0}));
  EXPECT_EQ(back.columns[4].values, (std::vector<double>{2021, 2021}));
}

TEST(Pipeline, SaveLoadGivesAnIdenticalInverse) {
  const Table table = mixed_table(120);
  Pipeline fitted;
  fitted.fit(table, PipelineOptions{0, 0.7});
  Pipeline loaded;
  loaded.load(fitted.save());
  EXPECT_EQ(loaded.save(), fitted.save());
  EXPECT_EQ(loaded.width(), fitted.width());
  EXPECT_EQ(loaded.prototype().cols(), fitted.prototype().cols());

  std::mt19937_64 gen(3);
  std::uniform_real_distribution<float> model_value(-1.1f, 1.1f);
  Matrix samples(500, fitted.width());
  for (float& v : samples.data) v = model_value(gen);
  Rng a(1), b(1);
  expect_same_table(loaded.inverse(samples, a), fitted.inverse(samples, b), 0.0);
  EXPECT_EQ(loaded.transform(table).data, fitted.transform(table).data);
}

TEST(Pipeline, LoadRefusesMalformedState) {
  Pipeline fitted;
  fitted.fit(mixed_table(30));
  const nlohmann::json good = nlohmann::json::parse(fitted.save());
  std::vector<nlohmann::json> bad(7, good);
  bad[0]["version"] = 99;
  bad[1]["format"] = "something else";
  bad[2]["columns"][0]["transformer"] = "warp";
  bad[3]["columns"][1]["name"] = "Google ads";
  bad[4]["columns"][2]["state"]["codes"] = {0, 7};
  bad[5]["columns"][0].erase("state");
  bad[6]["columns"][3]["state"]["quantiles"] = "many";
  for (const auto& state : bad) {
    Pipeline p;
    try {
      p.load(state.dump());
      ADD_FAILURE() << "accepted a malformed state";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile) << e.what();
    }
  }
  const std::string text = fitted.save();
  Pipeline truncated;
  EXPECT_THROW(truncated.load(text.substr(0, text.size() / 2)), Error);
  // A failed load leaves the pipeline as it was.
  Pipeline kept;
  kept.load(text);
  EXPECT_THROW(kept.load(bad[4].dump()), Error);
  EXPECT_EQ(kept.save(), text);
}

TEST(Pipeline, TransformFindsColumnsByNameAndRefusesMissingValues) {
  const Table table = mixed_table(30);
  Pipeline pipeline;
  pipeline.fit(table);
  Table reordered;
  for (auto it = table.columns.rbegin(); it != table.columns.rend(); ++it) reordered.columns.push_back(*it);
  EXPECT_EQ(pipeline.transform(reordered).data, pipeline.transform(table).data);

  Table missing_column = table;
  missing_column.columns.erase(missing_column.columns.begin() + 1);
  EXPECT_THROW(pipeline.transform(missing_column), Error);

  Table with_gap = table;
  with_gap.columns[0].values[3] = kMissingValue;
  try {
    pipeline.transform(with_gap);
    FAIL();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("Google ads"), std::string::npos);
  }

  Matrix wrong_width(3, pipeline.width() + 1);
  Rng rng(1);
  EXPECT_THROW(pipeline.inverse(wrong_width, rng), Error);
}

TEST(Pipeline, FitRefusesEmptyColumnsAndDuplicateNames) {
  Table empty;
  empty.columns.push_back(numeric_column("x", ColumnType::Float, {kMissingValue}));
  Pipeline pipeline;
  EXPECT_THROW(pipeline.fit(empty), Error);
  Table twice;
  twice.columns.push_back(numeric_column("x", ColumnType::Float, {1, 2}));
  twice.columns.push_back(numeric_column("x", ColumnType::Float, {1, 2}));
  EXPECT_THROW(pipeline.fit(twice), Error);
}

}  // namespace
}  // namespace synthtab
