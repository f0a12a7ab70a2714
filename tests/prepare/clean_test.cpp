// The seed's cleaning rules, their log sentences and errors. The fill choice and the ISO dates
// are checked against SciPy/pandas and Python's datetime (tests/data/prepare_oracle.json).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/prepare/clean.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

using testing::data_path;

nlohmann::json clean_oracle() {
  std::ifstream in(data_path("prepare_oracle.json"));
  return nlohmann::json::parse(in);
}

Prepared prepare_text(const std::string& text, const CleanOptions& options = {},
                      const SchemaOverrides& overrides = {}) {
  const RawTable raw = parse_csv(text, "t.csv");
  const Schema schema = infer_schema(raw, overrides);
  return clean(to_table(raw, schema), schema, options, "t.csv");
}

Prepared prepare_file(const std::string& name) {
  const RawTable raw = read_csv(data_path(name));
  const Schema schema = infer_schema(raw);
  return clean(to_table(raw, schema), schema, {}, name);
}

bool has_action(const PreparationLog& log, const std::string& sentence) {
  for (const auto& a : log.actions)
    if (a == sentence) return true;
  return false;
}

std::string find_action(const PreparationLog& log, const std::string& fragment) {
  for (const auto& a : log.actions)
    if (a.find(fragment) != std::string::npos) return a;
  return "";
}

std::string all_actions(const PreparationLog& log) {
  std::string out;
  for (const auto& a : log.actions) out += a + "\n";
  return out;
}

using testing::error_of;

void expect_close(double actual, double expected, const std::string& what) {
  EXPECT_NEAR(actual, expected, 1e-9 * std::max(1.0, std::abs(expected))) << what;
}

std::vector<double> values_of(const nlohmann::json& column) {
  std::vector<double> values;
  for (const auto& v : column.at("values")) values.push_back(v.is_null() ? kMissingValue : v.get<double>());
  return values;
}

TEST(CleanRules, FillChoiceEqualsSciPyWithZerosNegativesTiesAndWholeNumbers) {
  const auto columns = clean_oracle().at("fill_more");
  ASSERT_GE(columns.size(), 12u);
  int whole = 0, ties = 0;
  for (size_t i = 0; i < columns.size(); ++i) {
    const auto& c = columns[i];
    const FillChoice choice = choose_fill(values_of(c), c.at("whole").get<bool>());
    const std::string what = "column " + std::to_string(i);
    EXPECT_EQ(choice.use_mean, c.at("choice") == "mean") << what;
    expect_close(choice.kl_mean, c.at("kl_mean").get<double>(), what);
    expect_close(choice.kl_median, c.at("kl_median").get<double>(), what);
    expect_close(choice.fill, c.at("fill").get<double>(), what);
    whole += c.at("whole").get<bool>();
    ties += c.at("kl_mean").get<double>() == c.at("kl_median").get<double>();
  }
  EXPECT_GE(whole, 6);
  EXPECT_GE(ties, 1);  // the tie goes to the median, as the oracle's rule says
}

TEST(CleanRules, FillThroughCleanUsesTheOraclesChoiceAndSaysWhy) {
  // The oracle's first real-valued column, with an unrelated complete column beside it.
  const auto column = clean_oracle().at("fill_more")[0];
  const std::vector<double> values = values_of(column);
  std::string text = "v,k\n";
  int gaps = 0;
  for (size_t i = 0; i < values.size(); ++i) {
    gaps += std::isnan(values[i]);
    text += (std::isnan(values[i]) ? std::string() : format_double(values[i])) + (i % 2 ? ",a\n" : ",b\n");
  }
  const Prepared p = prepare_text(text);
  ASSERT_EQ(p.table.rows(), static_cast<int64_t>(values.size()));  // nothing dropped
  const Column& v = p.table.column("v");
  EXPECT_EQ(v.missing_count(), 0);
  const double fill = column.at("fill").get<double>();
  for (size_t i = 0; i < values.size(); ++i)
    if (std::isnan(values[i])) expect_close(v.values[i], fill, "filled row");
  const std::string chosen = column.at("choice").get<std::string>();
  const std::string action = find_action(p.log, "Filled ");
  EXPECT_EQ(action.rfind("Filled " + std::to_string(gaps) + " missing values of \"v\" with the " + chosen, 0), 0u)
      << action;
  EXPECT_NE(action.find("KL divergence"), std::string::npos) << action;
}

TEST(CleanRules, TieGoesToTheMedianAndTheLogSaysSo) {
  // Observed 2.5, 4.5, 6.5, 8.5: mean and median are both 5.5, so the divergences are equal.
  const Prepared tie = prepare_text("v,k\n2.5,a\n,b\n4.5,a\n6.5,b\n8.5,a\n,b\n");
  const std::string tied = find_action(tie.log, "Filled 2 missing values of \"v\"");
  EXPECT_EQ(tied.rfind("Filled 2 missing values of \"v\" with the median (5.5)", 0), 0u) << tied;
  EXPECT_NE(tied.find("as much"), std::string::npos) << tied;
  EXPECT_EQ(tie.table.column("v").values[1], 5.5);
  EXPECT_EQ(tie.table.column("v").values[5], 5.5);
}

TEST(CleanRules, IntegerGapsAreFilledWithWholeNumbersOnlyWhenContinuous) {
  // 8 distinct of 9 observed (> 75 %): continuous, filled with a rounded value.
  const Prepared p = prepare_text("n,k\n10,a\n13,b\n,a\n17,b\n20,a\n21,b\n25,a\n30,b\n31,a\n13,b\n");
  const Column& n = p.table.column("n");
  EXPECT_EQ(n.type, ColumnType::Integer);
  EXPECT_EQ(p.table.rows(), 10);
  EXPECT_EQ(n.values[2], std::round(n.values[2]));
  EXPECT_NE(find_action(p.log, "with the rounded "), "") << all_actions(p.log);
  // 11 distinct of 20 observed (55 %): not continuous, so the row with the gap is dropped.
  std::string text = "n,k\n";
  for (int i = 0; i < 20; ++i) text += std::to_string(i % 11) + (i % 2 ? ",a\n" : ",b\n");
  text += ",a\n";
  const Prepared q = prepare_text(text);
  EXPECT_EQ(q.table.rows(), 20);
  EXPECT_EQ(find_action(q.log, "Filled"), "");
  EXPECT_TRUE(has_action(q.log,
                         "Dropped 1 of 21 rows that still had missing values; 20 remain. "
                         "The gaps were in \"n\"."))
      << all_actions(q.log);
}

TEST(CleanRules, ColumnsWithMoreThan35PercentMissingAreDropped) {
  // 20 rows: 7 missing (35 %) is kept, 8 missing (40 %) is dropped.
  std::string text = "keep,drop,k\n";
  for (int i = 0; i < 20; ++i)
    text += (i < 7 ? std::string() : std::to_string(i) + ".5") + "," +
            (i < 8 ? std::string() : std::to_string(i) + ".25") + (i % 2 ? ",a\n" : ",b\n");
  const Prepared p = prepare_text(text);
  EXPECT_GE(p.table.find("keep"), 0);
  EXPECT_LT(p.table.find("drop"), 0);
  EXPECT_TRUE(has_action(p.log,
                         "Dropped column \"drop\": 40 % of its values are missing (8 of 20; "
                         "more than 35 %)."))
      << all_actions(p.log);
  EXPECT_NE(find_action(p.log, "Filled 7 missing values of \"keep\""), "");
  // The threshold is an option.
  CleanOptions strict;
  strict.max_missing_share = 0.3;
  EXPECT_LT(prepare_text(text, strict).table.find("keep"), 0);
}

TEST(CleanRules, OptionsTurnFillingAndRowDroppingOff) {
  const std::string text = "v,c\n1.5,a\n,b\n3.5,\n4.5,a\n5.5,b\n";
  CleanOptions no_fill;
  no_fill.fill_numeric = false;
  const Prepared p = prepare_text(text, no_fill);
  EXPECT_EQ(p.table.rows(), 3);
  EXPECT_EQ(find_action(p.log, "Filled"), "");
  CleanOptions keep_gaps;
  keep_gaps.drop_incomplete_rows = false;
  const Prepared q = prepare_text(text, keep_gaps);
  EXPECT_EQ(q.table.rows(), 5);
  EXPECT_EQ(q.table.column("v").missing_count(), 0);  // still filled
  EXPECT_EQ(q.table.column("c").missing_count(), 1);  // left for the model
}

TEST(CleanRules, RoiLogsEveryDecision) {
  const Prepared p = prepare_file("ROI.csv");
  const auto& log = p.log;
  EXPECT_TRUE(has_action(log,
                         "Dropped column \"Unnamed: 0\": 19 unique whole numbers in 19 rows, "
                         "so it looks like an ID."))
      << all_actions(log);
  EXPECT_TRUE(has_action(log, "Read \"Month\" as integer: 12 distinct whole numbers in 19 rows.")) << all_actions(log);
  EXPECT_TRUE(has_action(log, "Read \"Google ads\" as float: 18 distinct numbers in 19 rows.")) << all_actions(log);
  EXPECT_EQ(find_action(log, "Kept \"Year\" as categorical: 2 distinct whole numbers in 19 rows").empty(), false)
      << all_actions(log);
  EXPECT_EQ(find_action(log, "decimal comma"), "");
  EXPECT_EQ(log.actions.size(), 5u);  // one per column; nothing to fill or drop
  ASSERT_EQ(p.table.cols(), 4);
  EXPECT_EQ(p.table.rows(), 19);
}

TEST(CleanRules, MarketingCampaignsSaysItReadDecimalCommas) {
  const Prepared p = prepare_file("Marketing_campaigns.csv");
  EXPECT_TRUE(has_action(p.log, "Read numbers with a decimal comma (as in \"0,91\").")) << all_actions(p.log);
  EXPECT_EQ(p.table.cols(), 13);
  EXPECT_EQ(p.table.rows(), 39);
}

TEST(CleanRules, ConstantsAreLoggedAndKept) {
  const Prepared p = prepare_text("c,v,k\nx,1.5,a\nx,2.5,b\nx,3.5,a\nx,,b\nx,1.5,\n");
  EXPECT_TRUE(has_action(p.log, "Kept \"c\" as a constant: one distinct value (\"x\") in 5 rows."))
      << all_actions(p.log);
  EXPECT_GE(p.table.find("c"), 0);
  // A column can also become constant when rows are dropped: "g" loses its only "w".
  const Prepared q = prepare_text("g,v,k\nu,1.5,a\nu,2.5,a\nu,3.5,a\nw,4.5,\n");
  EXPECT_TRUE(has_action(q.log,
                         "After dropping rows, \"g\" holds one value only (\"u\"); it is kept "
                         "and reproduced as that value."))
      << all_actions(q.log);
}

TEST(CleanRules, NoRowLeftIsAnErrorNamingTheColumns) {
  // Each text column misses a third of its values (kept), each in other rows: no row is whole.
  const std::string message =
      error_of([] { prepare_text("a,b,c\n,x,x\n,y,y\nx,,x\ny,,y\nx,x,\ny,y,\n"); }, ErrorKind::Input);
  EXPECT_EQ(message.rfind("t.csv: no row is left: each of the 6 rows has a missing value in \"a\", "
                          "\"b\" and \"c\"",
                          0),
            0u)
      << message;
  EXPECT_NE(message.find("`drop`"), std::string::npos) << message;
}

TEST(CleanRules, NoUsableColumnIsAnErrorSayingWhy) {
  const std::string message = error_of([] { prepare_text("id,sparse\n1,\n2,\n3,\n4,x\n5,\n"); }, ErrorKind::Input);
  EXPECT_EQ(message.rfind("t.csv: no usable column is left", 0), 0u) << message;
  EXPECT_NE(message.find("\"id\": 5 unique whole numbers in 5 rows, so it looks like an ID"), std::string::npos)
      << message;
  EXPECT_NE(message.find("\"sparse\": 80 % of its values are missing"), std::string::npos) << message;
}

TEST(CleanRules, ExpandedDatesEqualPythonsIsoCalendar) {
  const auto dates = clean_oracle().at("iso");
  std::string text = "before,d,after\n";
  for (size_t i = 0; i < dates.size(); ++i)
    text += std::string(i % 2 ? "a" : "b") + "," + dates[i].at("date").get<std::string>() + "," +
            std::to_string(i % 3) + "\n";
  CleanOptions options;
  options.expand_datetimes = true;
  const Prepared p = prepare_text(text, options);
  ASSERT_EQ(p.table.cols(), 5);
  // The three parts take the date column's place.
  EXPECT_EQ(p.table.columns[0].name, "before");
  EXPECT_EQ(p.table.columns[1].name, "d_year");
  EXPECT_EQ(p.table.columns[2].name, "d_week");
  EXPECT_EQ(p.table.columns[3].name, "d_weekday");
  EXPECT_EQ(p.table.columns[4].name, "after");
  ASSERT_EQ(p.table.rows(), static_cast<int64_t>(dates.size()));
  for (int part = 1; part <= 3; ++part) EXPECT_EQ(p.table.columns[static_cast<size_t>(part)].type, ColumnType::Integer);
  for (size_t i = 0; i < dates.size(); ++i) {
    const std::string date = dates[i].at("date").get<std::string>();
    EXPECT_EQ(p.table.columns[1].values[i], dates[i].at("year").get<double>()) << date;
    EXPECT_EQ(p.table.columns[2].values[i], dates[i].at("week").get<double>()) << date;
    EXPECT_EQ(p.table.columns[3].values[i], dates[i].at("weekday").get<double>()) << date;
  }
  EXPECT_NE(find_action(p.log,
                        "Expanded the date column \"d\" into \"d_year\", \"d_week\" and "
                        "\"d_weekday\""),
            "");
}

TEST(CleanRules, ExpandedDatesKeepGapsAndAvoidNameClashes) {
  CleanOptions options;
  options.expand_datetimes = true;
  options.drop_incomplete_rows = false;
  const Prepared p = prepare_text("d,d_year\n2021-01-04,1\n,2\n2021-01-11,1\n2021-01-04,2\n", options);
  ASSERT_EQ(p.table.cols(), 4);
  EXPECT_EQ(p.table.columns[0].name, "d_year_");  // "d_year" is taken
  EXPECT_EQ(p.table.columns[3].name, "d_year");
  for (int part = 0; part < 3; ++part) EXPECT_TRUE(std::isnan(p.table.columns[static_cast<size_t>(part)].values[1]));
  EXPECT_EQ(p.table.columns[1].values[2], 2.0);  // 2021-01-11 is in ISO week 2
}

}  // namespace
}  // namespace synthtab
