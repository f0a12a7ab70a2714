#include "synthtab/transform/quantile_transformer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "synthtab/core/error.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::numeric_column;

nlohmann::json load_oracle() {
  std::ifstream in(std::string(SYNTHTAB_TEST_DATA) + "/transform_oracle.json");
  EXPECT_TRUE(in.good()) << "tests/data/transform_oracle.json is missing";
  return nlohmann::json::parse(in);
}

Column oracle_column(const nlohmann::json& c) {
  std::vector<double> values;
  for (const auto& v : c["values"]) values.push_back(v.is_null() ? kMissingValue : v.get<double>());
  const auto type = c["type"] == "integer" ? ColumnType::Integer : ColumnType::Float;
  return numeric_column(c["name"].get<std::string>(), type, std::move(values));
}

Column without_missing(Column column) {
  std::erase_if(column.values, [](double v) { return std::isnan(v); });
  return column;
}

Matrix one_column(const std::vector<double>& values) {
  Matrix m(static_cast<int64_t>(values.size()), 1);
  for (size_t i = 0; i < values.size(); ++i) m(static_cast<int64_t>(i), 0) = static_cast<float>(values[i]);
  return m;
}

TEST(QuantileTransformer, MatchesScikitLearnForwardAndInverse) {
  const nlohmann::json oracle = load_oracle();
  ASSERT_GE(oracle["cases"].size(), 12u);
  for (const auto& c : oracle["cases"]) {
    SCOPED_TRACE(c["name"].get<std::string>());
    const Column column = oracle_column(c);
    QuantileTransformer transformer(c["q"].get<int>());
    transformer.fit(column);

    const auto expected_quantiles = c["quantiles"].get<std::vector<double>>();
    ASSERT_EQ(transformer.quantiles().size(), expected_quantiles.size());
    for (size_t i = 0; i < expected_quantiles.size(); ++i)
      EXPECT_NEAR(transformer.quantiles()[i], expected_quantiles[i],
                  1e-12 * std::max(1.0, std::abs(expected_quantiles[i])));

    const Column present = without_missing(column);
    Matrix out(present.size(), 1);
    transformer.transform(present, out, 0);
    const auto expected = c["transformed"].get<std::vector<double>>();
    ASSERT_EQ(static_cast<size_t>(out.rows), expected.size());
    for (int64_t r = 0; r < out.rows; ++r)
      EXPECT_NEAR(out(r, 0), expected[static_cast<size_t>(r)], 1e-6) << "row " << r;

    if (c["type"] == "float") {  // decimal places of the training values, as Python writes them
      EXPECT_EQ(transformer.decimals(), c["decimals"].is_null() ? -1 : c["decimals"].get<int>());
    }
    const auto probes = c["probes"].get<std::vector<double>>();
    const auto expected_inverse = c["inverse"].get<std::vector<double>>();
    Rng rng(1);
    const Column back = transformer.inverse(one_column(probes), 0, rng);
    ASSERT_EQ(back.values.size(), expected_inverse.size());
    const double range = expected_quantiles.back() - expected_quantiles.front();
    for (size_t i = 0; i < probes.size(); ++i)
      EXPECT_NEAR(back.values[i], expected_inverse[i], 1e-9 * range) << "probe " << probes[i];
  }
}

TEST(QuantileTransformer, QuantileCountFollowsTheSeedOptions) {
  std::vector<double> values(19);
  for (size_t i = 0; i < values.size(); ++i) values[i] = static_cast<double>(i * i);
  const Column column = numeric_column("spend", ColumnType::Float, values);

  QuantileTransformer vanilla;  // min(100, rows)
  vanilla.fit(column);
  EXPECT_EQ(vanilla.quantiles().size(), 19u);

  QuantileTransformer wgan(0, 0.7);  // int(0.7 * 19) = 13
  wgan.fit(column);
  EXPECT_EQ(wgan.quantiles().size(), 13u);

  QuantileTransformer tiny_share(0, 0.01);  // at least two quantiles
  tiny_share.fit(column);
  EXPECT_EQ(tiny_share.quantiles().size(), 2u);

  QuantileTransformer capped(500);
  capped.fit(column);
  EXPECT_EQ(capped.quantiles().size(), 19u);

  EXPECT_THROW(QuantileTransformer(1), Error);
  EXPECT_THROW(QuantileTransformer(-3), Error);
  EXPECT_THROW(QuantileTransformer(0, 1.5), Error);
  EXPECT_THROW(QuantileTransformer(0, std::nan("")), Error);
}

TEST(QuantileTransformer, IntegerColumnsRoundTripExactly) {
  std::mt19937_64 gen(7);
  std::poisson_distribution<int> poisson(30.0);
  std::vector<double> values;
  for (int i = 0; i < 500; ++i) values.push_back(poisson(gen) * 1000 - 7);
  for (int i = 0; i < 50; ++i) values.push_back(i * 20'011);  // a sparse, distinct tail
  const Column column = numeric_column("count", ColumnType::Integer, values);
  QuantileTransformer transformer(100);
  transformer.fit(column);
  ASSERT_EQ(transformer.resolution(), 1.0);

  Matrix model(column.size(), 1);
  transformer.transform(column, model, 0);
  Rng rng(3);
  const Column back = transformer.inverse(model, 0, rng);
  EXPECT_EQ(back.name, "count");
  EXPECT_EQ(back.type, ColumnType::Integer);
  EXPECT_EQ(back.values, column.values);
}

TEST(QuantileTransformer, FloatColumnsRoundTripToFloatPrecision) {
  std::mt19937_64 gen(11);
  std::normal_distribution<double> normal(250.0, 40.0);
  std::vector<double> values;
  for (int i = 0; i < 80; ++i) values.push_back(normal(gen));
  const Column column = numeric_column("price", ColumnType::Float, values);
  QuantileTransformer transformer(100);  // q >= the number of distinct values
  transformer.fit(column);
  EXPECT_EQ(transformer.resolution(), 0.0);

  Matrix model(column.size(), 1);
  transformer.transform(column, model, 0);
  Rng rng(3);
  const Column back = transformer.inverse(model, 0, rng);
  for (size_t i = 0; i < values.size(); ++i)
    EXPECT_NEAR(back.values[i], values[i], 1e-6 * std::abs(values[i])) << "row " << i;
}

TEST(QuantileTransformer, DatetimesComeBackAtTheTrainingResolution) {
  // Whole days a few years apart: float model values alone would be minutes off.
  std::vector<double> days;
  for (int i = 0; i < 40; ++i) days.push_back(86400.0 * (17000 + 3 * i * i));
  const Column column = numeric_column("day", ColumnType::Datetime, days);
  QuantileTransformer transformer;
  transformer.fit(column);
  EXPECT_EQ(transformer.resolution(), 86400.0);
  Matrix model(column.size(), 1);
  transformer.transform(column, model, 0);
  Rng rng(5);
  const Column back = transformer.inverse(model, 0, rng);
  EXPECT_EQ(back.values, days);
  EXPECT_EQ(back.datetime_format, column.datetime_format);

  // Any model value comes back as a whole day.
  const Column between = transformer.inverse(one_column({-0.4321, 0.1234, 0.999}), 0, rng);
  for (double v : between.values) EXPECT_EQ(std::fmod(v, 86400.0), 0.0) << v;

  const Column seconds = numeric_column("t", ColumnType::Datetime, {1'600'000'000, 1'600'000'007, 1'600'003'600});
  QuantileTransformer by_second;
  by_second.fit(seconds);
  EXPECT_EQ(by_second.resolution(), 1.0);
}

TEST(QuantileTransformer, InverseClipsOutOfRangeModelValues) {
  const Column column = numeric_column("x", ColumnType::Float, {3.5, 10.0, 4.25, 8.0, 6.0});
  QuantileTransformer transformer;
  transformer.fit(column);
  Rng rng(1);
  const Column back = transformer.inverse(one_column({1.5, -7.0, 1e30, -1e30, 1.0, -1.0}), 0, rng);
  EXPECT_EQ(back.values, (std::vector<double>{10.0, 3.5, 10.0, 3.5, 10.0, 3.5}));

  Matrix inf(2, 1);
  inf(0, 0) = std::numeric_limits<float>::infinity();
  inf(1, 0) = -std::numeric_limits<float>::infinity();
  EXPECT_EQ(transformer.inverse(inf, 0, rng).values, (std::vector<double>{10.0, 3.5}));
}

TEST(QuantileTransformer, ValuesOutsideTheFittedRangeMapToTheEnds) {
  const Column column = numeric_column("x", ColumnType::Float, {1, 2, 3, 4});
  QuantileTransformer transformer;
  transformer.fit(column);
  const Column unseen = numeric_column("x", ColumnType::Float, {-100, 0.5, 4.5, 1e300});
  Matrix out(4, 1);
  transformer.transform(unseen, out, 0);
  EXPECT_EQ(out(0, 0), -1.0f);
  EXPECT_EQ(out(1, 0), -1.0f);
  EXPECT_EQ(out(2, 0), 1.0f);
  EXPECT_EQ(out(3, 0), 1.0f);
}

TEST(QuantileTransformer, MissingValuesAreIgnoredByFitAndRefusedByTransform) {
  const Column column = numeric_column("x", ColumnType::Float, {1, kMissingValue, 3, 2});
  QuantileTransformer transformer;
  transformer.fit(column);
  EXPECT_EQ(transformer.quantiles(), (std::vector<double>{1, 2, 3}));
  Matrix out(4, 1);
  try {
    transformer.transform(column, out, 0);
    FAIL() << "a missing value was transformed";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("column 'x' has missing values"), std::string::npos);
  }
  const Column empty = numeric_column("e", ColumnType::Float, {kMissingValue, kMissingValue});
  EXPECT_THROW(transformer.fit(empty), Error);
  const Column infinite = numeric_column("i", ColumnType::Float, {1, HUGE_VAL});
  EXPECT_THROW(transformer.fit(infinite), Error);
}

TEST(QuantileTransformer, ModelNanBecomesMissing) {
  QuantileTransformer transformer;
  transformer.fit(numeric_column("x", ColumnType::Integer, {1, 2, 3}));
  Rng rng(1);
  const Column back = transformer.inverse(one_column({std::nan(""), 0.0}), 0, rng);
  EXPECT_TRUE(std::isnan(back.values[0]));
  EXPECT_EQ(back.values[1], 2.0);
}

TEST(QuantileTransformer, SaveLoadGivesAnIdenticalInverse) {
  std::mt19937_64 gen(5);
  std::lognormal_distribution<double> skewed(2.0, 1.5);
  std::vector<double> values;
  for (int i = 0; i < 300; ++i) values.push_back(skewed(gen));
  QuantileTransformer fitted(100);
  fitted.fit(numeric_column("revenue", ColumnType::Float, values));

  QuantileTransformer loaded;
  loaded.load(fitted.save());
  EXPECT_EQ(loaded.quantiles(), fitted.quantiles());  // exact: doubles round-trip
  EXPECT_EQ(loaded.minmax_scale(), fitted.minmax_scale());
  EXPECT_EQ(loaded.minmax_offset(), fitted.minmax_offset());
  EXPECT_EQ(loaded.save(), fitted.save());

  std::vector<double> probes;
  for (int i = 0; i <= 200; ++i) probes.push_back(-1.2 + 0.012 * i);
  Rng rng(2);
  EXPECT_EQ(loaded.inverse(one_column(probes), 0, rng).values, fitted.inverse(one_column(probes), 0, rng).values);
}

TEST(QuantileTransformer, LoadRefusesMalformedState) {
  QuantileTransformer fitted;
  fitted.fit(numeric_column("x", ColumnType::Float, {1, 2, 3, 5}));
  nlohmann::json good = nlohmann::json::parse(fitted.save());

  std::vector<nlohmann::json> bad(9, good);
  bad[0]["quantiles"] = nlohmann::json::array();
  bad[1]["quantiles"] = {3.0, 2.0};
  bad[2]["quantiles"] = {1.0, nullptr};
  bad[3]["scale"] = 0.0;
  bad[4].erase("offset");
  bad[5]["column"]["type"] = "complex";
  bad[6]["column"] = {{"name", "x"}, {"type", "categorical"}, {"categories", {"a"}}};
  bad[7]["resolution"] = -1;
  bad[8]["resolution"] = 1e-320;  // 5 / 1e-320 is infinite: every drawn value was (the fuzzer's find)
  for (const auto& state : bad) {
    QuantileTransformer t;
    try {
      t.load(state.dump());
      ADD_FAILURE() << "accepted " << state.dump();
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::ModelFile) << state.dump();
    }
  }
  QuantileTransformer t;
  EXPECT_THROW(t.load("{\"column\": "), Error);
  EXPECT_THROW(t.load("[1, 2]"), Error);
}

TEST(QuantileTransformer, DescribesOneContinuousColumn) {
  QuantileTransformer transformer;
  transformer.fit(numeric_column("spend", ColumnType::Float, {1, 2}));
  EXPECT_EQ(transformer.name(), "quantile");
  EXPECT_EQ(transformer.width(), 1);
  const ModelColumn described = transformer.describe(0);
  EXPECT_EQ(described.kind, ModelColumnKind::Continuous);
  EXPECT_EQ(described.source, "spend");
}

}  // namespace
}  // namespace synthtab
