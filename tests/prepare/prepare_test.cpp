// Type inference and the seed's preparation rules.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/prepare/clean.hpp"
#include "synthtab/prepare/infer_schema.hpp"

namespace synthtab {
namespace {

using testing::data_path;

const ColumnSchema& role_of(const Schema& schema, const std::string& name) {
  for (const auto& c : schema.columns)
    if (c.name == name) return c;
  throw std::runtime_error("no column " + name);
}

RawTable csv(const std::string& text) { return parse_csv(text, "t.csv"); }

using testing::error_of;

TEST(InferSchema, RoiColumns) {
  const RawTable raw = read_csv(data_path("ROI.csv"));
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(role_of(schema, "Unnamed: 0").role, ColumnRole::Id);
  EXPECT_EQ(role_of(schema, "Google ads").role, ColumnRole::Float);
  EXPECT_EQ(role_of(schema, "MRR (Monthly Recurring Revenue)").role, ColumnRole::Float);
  EXPECT_EQ(role_of(schema, "Month").role, ColumnRole::Integer);
  EXPECT_EQ(role_of(schema, "Year").role, ColumnRole::Categorical);
  EXPECT_EQ(schema.decimal, '.');
  const Table table = to_table(raw, schema);
  ASSERT_EQ(table.cols(), 4);  // the ID is left out
  const Column& year = table.columns[3];
  EXPECT_EQ(year.categories, (std::vector<std::string>{"2021", "2022"}));
  EXPECT_DOUBLE_EQ(table.columns[0].values[0], 490.0);
  EXPECT_DOUBLE_EQ(table.columns[1].values[18], 46571.6);
}

TEST(InferSchema, MarketingCampaignsUsesDecimalComma) {
  const RawTable raw = read_csv(data_path("Marketing_campaigns.csv"));
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(schema.decimal, ',');
  const Table table = to_table(raw, schema);
  ASSERT_EQ(table.cols(), 13);
  const Column& roas = table.columns[static_cast<size_t>(table.find("ROAS"))];
  EXPECT_DOUBLE_EQ(roas.values[0], 0.91);
  EXPECT_DOUBLE_EQ(table.columns[static_cast<size_t>(table.find("Cost"))].values[0], 909.28);
  EXPECT_EQ(role_of(schema, "year").role, ColumnRole::Categorical);  // 3 distinct years
  EXPECT_EQ(role_of(schema, "Cost").role, ColumnRole::Float);        // floats are never IDs
}

TEST(InferSchema, KindsOfColumns) {
  const Schema schema =
      infer_schema(csv("name,when,city,flag,score,const\n"
                       "ann,2023-01-05,Paris,1,3.5,7\n"
                       "bob,2023-02-10,Lyon,0,4.25,7\n"
                       "cy,2023-03-15,Paris,1,NA,7\n"
                       "dee,2023-04-20,Nice,0,2,7\n"));
  EXPECT_EQ(role_of(schema, "name").role, ColumnRole::Id);  // unique text
  EXPECT_EQ(role_of(schema, "when").role, ColumnRole::Datetime);
  EXPECT_EQ(role_of(schema, "when").datetime_format, "%Y-%m-%d");
  EXPECT_EQ(role_of(schema, "city").role, ColumnRole::Categorical);
  EXPECT_EQ(role_of(schema, "flag").role, ColumnRole::Categorical);
  EXPECT_EQ(role_of(schema, "score").role, ColumnRole::Float);
  EXPECT_EQ(role_of(schema, "const").role, ColumnRole::Constant);
}

TEST(InferSchema, MissingMarkersAreNotValues) {
  const RawTable raw = csv("x,y\n1.5,a\nNA,b\nNaN,a\nnull,?\nNone,\n2.5,b\n,a\n3.5,a\n");
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(role_of(schema, "x").role, ColumnRole::Float);
  const Table table = to_table(raw, schema);
  EXPECT_EQ(table.columns[0].missing_count(), 5);  // NA, NaN, null, None and the empty cell
  EXPECT_EQ(table.columns[1].missing_count(), 2);
  EXPECT_EQ(table.columns[1].categories, (std::vector<std::string>{"a", "b"}));
}

TEST(InferSchema, SkewedUniqueIntegersAreNotAnId) {
  // Unique whole numbers spread like a measurement (skew > 0.2), not like a counter.
  std::string text = "amount,other\n";
  for (int i = 1; i <= 30; ++i) text += std::to_string(i * i * i) + "," + std::to_string(i % 3) + "\n";
  EXPECT_EQ(role_of(infer_schema(csv(text)), "amount").role, ColumnRole::Integer);
  std::string counter = "id,other\n";
  for (int i = 1; i <= 30; ++i) counter += std::to_string(100 + i) + "," + std::to_string(i % 3) + "\n";
  EXPECT_EQ(role_of(infer_schema(csv(counter)), "id").role, ColumnRole::Id);
}

TEST(InferSchema, OverridesWinAndAreChecked) {
  const RawTable raw = read_csv(data_path("ROI.csv"));
  SchemaOverrides o;
  o.categorical = {"Month"};
  o.numeric = {"Year"};
  o.drop = {"Google ads"};
  const Schema schema = infer_schema(raw, o);
  EXPECT_EQ(role_of(schema, "Month").role, ColumnRole::Categorical);
  EXPECT_EQ(role_of(schema, "Year").role, ColumnRole::Integer);
  EXPECT_TRUE(role_of(schema, "Year").forced);
  EXPECT_EQ(role_of(schema, "Google ads").role, ColumnRole::Dropped);
  SchemaOverrides unknown;
  unknown.drop = {"Revenue"};
  const std::string message = error_of([&] { infer_schema(raw, unknown); }, ErrorKind::Usage);
  EXPECT_NE(message.find("\"Revenue\""), std::string::npos) << message;
  EXPECT_NE(message.find("\"Month\""), std::string::npos) << message;  // lists the columns
}

TEST(InferSchema, ForcedNumericOnTextNamesTheCell) {
  SchemaOverrides o;
  o.numeric = {"m"};
  const std::string message = error_of([&] { infer_schema(csv("a,m\n1,2\n3,May\n"), o); }, ErrorKind::Input);
  EXPECT_NE(message.find("t.csv:3:2"), std::string::npos) << message;
  EXPECT_NE(message.find("\"May\""), std::string::npos) << message;
  EXPECT_NE(message.find("expected a number"), std::string::npos) << message;
}

TEST(InferSchema, MixedDateFormatsFallBackToCategorical) {
  const Schema schema = infer_schema(csv("d,x\n2023-01-05,1\n05/02/2023,2\n2023-03-01,3\n2023-04-01,1\n"));
  EXPECT_EQ(role_of(schema, "d").role, ColumnRole::Id);  // unique text, not one date format
  const Schema one_format = infer_schema(csv("d,x\n05/01/2023,1\n25/02/2023,2\n05/01/2023,3\n01/04/2023,1\n"));
  EXPECT_EQ(role_of(one_format, "d").role, ColumnRole::Datetime);
  EXPECT_EQ(role_of(one_format, "d").datetime_format, "%d/%m/%Y");  // 25 cannot be a month
}

TEST(InferSchema, SkewEqualsPandas) {
  std::ifstream in(data_path("prepare_oracle.json"));
  const auto oracle = nlohmann::json::parse(in);
  for (const auto& c : oracle.at("skew")) {
    const double expected = c.at("skew").get<double>();
    EXPECT_NEAR(sample_skewness(c.at("values").get<std::vector<double>>()), expected,
                1e-9 * std::max(1.0, std::abs(expected)));
  }
}

TEST(Clean, FillChoiceEqualsTheSeedsRule) {
  std::ifstream in(data_path("prepare_oracle.json"));
  const auto oracle = nlohmann::json::parse(in);
  for (const auto& c : oracle.at("fill")) {
    std::vector<double> values;
    for (const auto& v : c.at("values")) values.push_back(v.is_null() ? kMissingValue : v.get<double>());
    const FillChoice choice = choose_fill(values);
    EXPECT_EQ(choice.use_mean, c.at("choice") == "mean");
    EXPECT_NEAR(choice.fill, c.at("fill").get<double>(), 1e-9 * std::abs(c.at("fill").get<double>()));
    EXPECT_NEAR(choice.kl_mean, c.at("kl_mean").get<double>(), 1e-9 * std::max(1.0, c.at("kl_mean").get<double>()));
    EXPECT_NEAR(choice.kl_median, c.at("kl_median").get<double>(),
                1e-9 * std::max(1.0, c.at("kl_median").get<double>()));
  }
}

Prepared prepare(const std::string& text, CleanOptions options = {}) {
  const RawTable raw = csv(text);
  const Schema schema = infer_schema(raw);
  return clean(to_table(raw, schema), schema, options, "t.csv");
}

bool log_has(const PreparationLog& log, const std::string& fragment) {
  for (const auto& a : log.actions)
    if (a.find(fragment) != std::string::npos) return true;
  return false;
}

TEST(Clean, DropsSparseColumnsFillsNumbersDropsIncompleteRows) {
  const Prepared p = prepare(
      "amount,sparse,kind\n"
      "1.5,1,a\n2.5,,b\n,,a\n4.5,,b\n5.5,2,\n6.5,,a\n7.25,3,b\n8.5,,a\n");
  ASSERT_EQ(p.table.cols(), 2);  // "sparse" is 62 % missing
  EXPECT_TRUE(log_has(p.log, "Dropped column \"sparse\": 62 % of its values are missing"));
  EXPECT_TRUE(log_has(p.log, "Filled 1 missing value of \"amount\""));
  EXPECT_EQ(p.table.rows(), 7);  // the row with no "kind" is dropped
  EXPECT_TRUE(log_has(p.log, "Dropped 1 of 8 rows that still had missing values; 7 remain."));
  EXPECT_EQ(p.table.columns[0].missing_count(), 0);
}

TEST(Clean, LogsEveryColumnDecision) {
  const RawTable raw = read_csv(data_path("ROI.csv"));
  const Schema schema = infer_schema(raw);
  const Prepared p = clean(to_table(raw, schema), schema, {}, "ROI.csv");
  EXPECT_TRUE(log_has(p.log, "Dropped column \"Unnamed: 0\""));
  EXPECT_TRUE(log_has(p.log, "looks like an ID"));
  EXPECT_TRUE(log_has(p.log, "\"Year\" as categorical"));
  EXPECT_EQ(p.table.rows(), 19);
}

TEST(Clean, ExpandsDatesIntoIsoYearWeekWeekday) {
  CleanOptions options;
  options.expand_datetimes = true;
  // Expected values from Python's datetime.date.isocalendar().
  const Prepared p = prepare("d,x\n2021-01-03,1\n2024-12-30,2\n2020-12-31,1\n2015-06-15,2\n1999-01-01,1\n", options);
  ASSERT_EQ(p.table.cols(), 4);
  EXPECT_EQ(p.table.columns[0].name, "d_year");
  EXPECT_EQ(p.table.columns[1].name, "d_week");
  EXPECT_EQ(p.table.columns[2].name, "d_weekday");
  EXPECT_EQ(p.table.columns[0].values, (std::vector<double>{2020, 2025, 2020, 2015, 1998}));
  EXPECT_EQ(p.table.columns[1].values, (std::vector<double>{53, 1, 53, 25, 53}));
  EXPECT_EQ(p.table.columns[2].values, (std::vector<double>{7, 1, 4, 1, 5}));
}

TEST(Clean, NothingLeftIsAClearError) {
  const std::string message = error_of([] { prepare("id,empty\n1,\n2,\n3,\n4,\n"); }, ErrorKind::Input);
  EXPECT_NE(message.find("no usable column"), std::string::npos) << message;
  EXPECT_NE(message.find("\"empty\""), std::string::npos) << message;
}

}  // namespace
}  // namespace synthtab
