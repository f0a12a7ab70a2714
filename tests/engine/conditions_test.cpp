// Rows drawn given values through the whole model (preparation, pipeline, rules, copies).
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

using testing::data_path;

SynthesisOptions conditions_options(const std::string& model) {
  SynthesisOptions options;
  options.model = model;
  options.fit.seed = 5;
  options.fit.threads = 1;
  return options;
}

void expect_refused(FittedModel& model, const std::vector<Condition>& conditions, const std::string& fragment) {
  try {
    model.set_conditions(conditions);
    ADD_FAILURE() << "accepted; expected: " << fragment;
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find(fragment), std::string::npos) << e.what();
  }
}

TEST(Conditions, ParsesColumnEqualsValue) {
  const std::vector<std::string> columns = {"Google ads", "a=b", "Year"};
  const Condition plain = parse_condition(" Google ads = 12000 ", columns);
  EXPECT_EQ(plain.column, "Google ads");
  EXPECT_EQ(plain.value, "12000");
  const Condition named = parse_condition("a=b=3", columns);  // the name that exists wins
  EXPECT_EQ(named.column, "a=b");
  EXPECT_EQ(named.value, "3");
  EXPECT_THROW(parse_condition("Google ads", columns), Error);
  EXPECT_THROW(parse_condition("=3", columns), Error);
  EXPECT_THROW(parse_condition("Year=", columns), Error);
}

TEST(Conditions, EveryRowHoldsTheValuesAndTheRestFollowsThem) {
  FittedModel model = FittedModel::fit_csv(data_path("ROI.csv"), conditions_options("copula"));
  const Table free = model.sample(0, 2000, 9);
  model.set_conditions({{"Google ads", "12000"}, {"Year", "2022"}});
  const Table held = model.sample(0, 2000, 9);
  const Column& spend = held.column("Google ads");
  const Column& year = held.column("Year");
  const auto& revenue = held.column("MRR (Monthly Recurring Revenue)").values;
  double held_mean = 0.0, free_mean = 0.0;
  for (int64_t r = 0; r < held.rows(); ++r) {
    ASSERT_EQ(spend.values[static_cast<size_t>(r)], 12000.0);
    ASSERT_EQ(year.categories[static_cast<size_t>(year.codes[static_cast<size_t>(r)])], "2022");
    held_mean += revenue[static_cast<size_t>(r)] / 2000.0;
    free_mean += free.column("MRR (Monthly Recurring Revenue)").values[static_cast<size_t>(r)] / 2000.0;
  }
  // Spend and revenue rise together in ROI.csv: a high spend means a higher revenue.
  EXPECT_GT(held_mean, free_mean * 1.3);
  // Any split of the rows gives the same rows.
  const Table tail = model.sample(1500, 500, 9);
  EXPECT_EQ(tail.column("MRR (Monthly Recurring Revenue)").values[0], revenue[1500]);
  // No conditions: the rows as before.
  model.set_conditions({});
  const Table again_rows = model.sample(0, 10, 9);
  const auto& again = again_rows.column("Google ads").values;
  for (size_t i = 0; i < again.size(); ++i) EXPECT_EQ(again[i], free.column("Google ads").values[i]);
}

TEST(Conditions, RefusesWhatTheModelCannotHold) {
  FittedModel model = FittedModel::fit_csv(data_path("ROI.csv"), conditions_options("copula"));
  expect_refused(model, {{"Nope", "1"}}, "has no such column");
  expect_refused(model, {{"Google ads", "1000000"}}, "outside the values the model learnt");
  expect_refused(model, {{"Google ads", "lots"}}, "expected a number");
  expect_refused(model, {{"Month", "2.5"}}, "expected a whole number");
  expect_refused(model, {{"Year", "1999"}}, "not one of its categories");
  expect_refused(model, {{"Year", "2021"}, {"Year", "2022"}}, "held twice");
  EXPECT_TRUE(model.conditions().empty());  // a refused set leaves none
  FittedModel cart = FittedModel::fit_csv(data_path("ROI.csv"), conditions_options("cart"));
  expect_refused(cart, {{"Google ads", "5000"}}, "but not a real number");
}

TEST(Conditions, AModelThatCannotConditionDrawsAgainUntilTheRowsHoldTheValues) {
  for (const std::string name : {"cart", "bayesnet"}) {
    FittedModel model = FittedModel::fit_csv(data_path("ROI.csv"), conditions_options(name));
    model.set_conditions({{"Year", "2021"}, {"Month", "3"}});
    // ROI.csv has 19 months: 2021's March is 1 of them, and the model's rows hold it about as often.
    EXPECT_GT(model.held_acceptance(), 0.01) << name;
    EXPECT_LT(model.held_acceptance(), 0.3) << name;
    const Table rows = model.sample(0, 3000, 4);
    const Column& year = rows.column("Year");
    for (int64_t r = 0; r < rows.rows(); ++r) {
      ASSERT_EQ(year.categories[static_cast<size_t>(year.codes[static_cast<size_t>(r)])], "2021") << name;
      ASSERT_EQ(rows.column("Month").values[static_cast<size_t>(r)], 3.0) << name;
    }
    // Row by row: any split gives the same rows.
    EXPECT_EQ(model.sample(2000, 1000, 4).column("Google ads").values[0], rows.column("Google ads").values[2000]);
    // A value the model's rows (almost) never hold is refused, not drawn for ever.
    expect_refused(model, {{"Month", "13"}}, "too rare to hold that way");
  }
}

TEST(Conditions, ADateIsHeldAsTheColumnWritesDates) {
  const std::string dates = std::string(SYNTHTAB_SOURCE_DIR) + "/tests/constraints/dates.csv";
  FittedModel model = FittedModel::fit_csv(dates, conditions_options("copula"));
  model.set_conditions({{"start", "2024-06-15"}});
  const Table rows = model.sample(0, 300, 2);
  const double held = parse_datetime("2024-06-15", "%Y-%m-%d").value();
  for (int64_t r = 0; r < rows.rows(); ++r) {
    ASSERT_EQ(rows.column("start").values[static_cast<size_t>(r)], held);
    ASSERT_GE(rows.column("end").values[static_cast<size_t>(r)], held);  // start <= end still holds
  }
  expect_refused(model, {{"start", "15/06/2024"}}, "expected a date written as the column's are (1970-01-01)");
  expect_refused(model, {{"start", "2031-03-15"}}, "the nearest it can hold is 2024-10-25");
}

TEST(Conditions, AColumnARuleComputesCannotBeHeldButItsInputsCan) {
  const std::string shares = std::string(SYNTHTAB_SOURCE_DIR) + "/tests/constraints/shares.csv";
  FittedModel model = FittedModel::fit_csv(shares, conditions_options("copula"));
  const std::vector<std::string> computed = model.rules().computed_columns();
  ASSERT_EQ(computed.size(), 1u);  // the largest share is what the others leave
  expect_refused(model, {{computed[0], "0.5"}}, "a business rule computes this column");
  const std::string other = computed[0] == "a" ? "b" : "a";
  model.set_conditions({{other, "0.2"}});
  const Table rows = model.sample(0, 500, 3);
  for (int64_t r = 0; r < rows.rows(); ++r) {
    const auto i = static_cast<size_t>(r);
    EXPECT_EQ(rows.column(other).values[i], 0.2);
    EXPECT_NEAR(rows.column("a").values[i] + rows.column("b").values[i] + rows.column("c").values[i], 1.0, 1e-9);
  }
}

}  // namespace
}  // namespace synthtab
