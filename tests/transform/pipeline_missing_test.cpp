// The pipeline's missing-value indicators (PipelineOptions::model_missing).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/pipeline.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::categorical_column;
using testing::numeric_column;

Table gappy_table() {
  const double nan = kMissingValue;
  Table table;
  table.columns.push_back(numeric_column("x", ColumnType::Float, {1.5, 2.5, 3.5, 4.5, 5.5, 6.5}));
  table.columns.push_back(numeric_column("y", ColumnType::Integer, {10, nan, 30, nan, 50, 60}));
  table.columns.push_back(categorical_column("c", {"a", "b", "", "a", "", "b"}));
  table.columns.push_back(numeric_column("k", ColumnType::Float, {7, 7, nan, 7, 7, 7}));  // constant with a gap
  return table;
}

TEST(PipelineMissing, IndicatorsFollowTheirColumnsAndRoundTrip) {
  const Table table = gappy_table();
  PipelineOptions options;
  options.model_missing = true;
  Pipeline pipeline;
  pipeline.fit(table, options);
  // x; y + indicator; c + indicator; k (constant: no model column) + indicator.
  ASSERT_EQ(pipeline.width(), 6);
  const auto layout = pipeline.layout();
  EXPECT_FALSE(layout[0].missing_indicator);
  EXPECT_TRUE(layout[2].missing_indicator);
  EXPECT_EQ(layout[2].source, "y");
  EXPECT_EQ(layout[2].kind, ModelColumnKind::Categorical);
  EXPECT_EQ(layout[2].categories, 2);
  EXPECT_TRUE(layout[4].missing_indicator);
  EXPECT_EQ(layout[4].source, "c");
  EXPECT_TRUE(layout[5].missing_indicator);
  EXPECT_EQ(layout[5].source, "k");
  EXPECT_TRUE(pipeline.has_missing_indicator(1));
  EXPECT_FALSE(pipeline.has_missing_indicator(0));

  const Matrix m = pipeline.transform(table);
  for (int64_t r = 0; r < 6; ++r) {
    EXPECT_EQ(m(r, 2), table.columns[1].is_missing(r) ? 1.0f : -1.0f);
    EXPECT_EQ(m(r, 4), table.columns[2].is_missing(r) ? 1.0f : -1.0f);
    EXPECT_FALSE(std::isnan(m(r, 1)));  // the value column holds an observed value instead
  }
  Rng rng(1);
  const Table back = pipeline.inverse(m, rng);
  for (size_t c = 0; c < table.columns.size(); ++c)
    for (int64_t r = 0; r < 6; ++r) {
      ASSERT_EQ(back.columns[c].is_missing(r), table.columns[c].is_missing(r)) << c << ", " << r;
      if (table.columns[c].is_missing(r)) continue;
      if (table.columns[c].is_categorical())
        EXPECT_EQ(back.columns[c].codes[static_cast<size_t>(r)], table.columns[c].codes[static_cast<size_t>(r)]);
      else
        EXPECT_NEAR(back.columns[c].values[static_cast<size_t>(r)], table.columns[c].values[static_cast<size_t>(r)],
                    1e-6);
    }

  // Saved and loaded: the same layout and the same inverse.
  Pipeline loaded;
  loaded.load(pipeline.save());
  EXPECT_EQ(loaded.width(), 6);
  EXPECT_TRUE(loaded.layout()[5].missing_indicator);
  Rng again(1);
  EXPECT_EQ(loaded.inverse(m, again).columns[2].codes, back.columns[2].codes);
}

TEST(PipelineMissing, OffByDefaultAndRefusesABadFlag) {
  Pipeline plain;
  plain.fit(gappy_table());
  EXPECT_EQ(plain.width(), 3);                          // no indicators
  EXPECT_THROW(plain.transform(gappy_table()), Error);  // the transformers refuse missing values
  PipelineOptions options;
  options.model_missing = true;
  Pipeline pipeline;
  pipeline.fit(gappy_table(), options);
  auto state = nlohmann::json::parse(pipeline.save());
  state["columns"][1]["missing_indicator"] = "yes";
  Pipeline target;
  try {
    target.load(state.dump());
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::ModelFile);
    EXPECT_NE(std::string(e.what()).find("missing_indicator"), std::string::npos);
  }
}

}  // namespace
}  // namespace synthtab
