// A model's rows at planned spends, set beside the response curve (engine/planned_spend.hpp).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>
#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/engine/planned_spend.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::error_of;
using testing::numeric_column;

const std::string kSpend = "Google ads";
const std::string kResponse = "MRR (Monthly Recurring Revenue)";

FittedModel roi_model(const std::string& name) {
  SynthesisOptions options;
  options.model = name;
  options.fit.seed = 3;
  options.fit.threads = 1;
  return FittedModel::fit_csv(data_path("ROI.csv"), options);
}

marketing::CurveOptions roi_curve_options() {
  marketing::CurveOptions o;
  o.spend = {kSpend};
  o.response = kResponse;
  return o;
}

// Nearest-rank percentiles 10, 30, 50, 70 and 90 of the observed values, without repeats; missing
// values are not spends.
TEST(PlannedSpend, PlannedSpendsAreObservedPercentiles) {
  EXPECT_EQ(planned_spends_of(numeric_column("s", ColumnType::Float, {11, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10})),
            (std::vector<double>{2, 4, 6, 8, 10}));
  // Ranks 0.4, 1.2, 2, 2.8 and 3.6 of 5 values round to 0, 1, 2, 3 and 4.
  EXPECT_EQ(planned_spends_of(numeric_column("s", ColumnType::Float, {1, 1, 1, 1, 2})), (std::vector<double>{1, 2}));
  const Column with_missing = numeric_column("s", ColumnType::Float, {5, std::nan(""), 7});
  EXPECT_EQ(planned_spends_of(with_missing), (std::vector<double>{5, 7}));
  EXPECT_TRUE(planned_spends_of(numeric_column("s", ColumnType::Float, {})).empty());
}

TEST(PlannedSpend, TheCopulasRowsHoldEachSpendAndAreSummarisedAsDrawn) {
  FittedModel model = roi_model("copula");
  const Table real = marketing::read_curve_csv(data_path("ROI.csv"), roi_curve_options());
  model.set_conditions({{"Year", "2022"}});
  const marketing::PlannedSpends planned = draw_at_planned_spends(model, real, {kSpend}, kResponse, 400, 11);
  EXPECT_EQ(planned.model, "copula");
  EXPECT_TRUE(planned.unavailable.empty());
  const std::vector<double> spends = planned_spends_of(real.column(kSpend));
  ASSERT_EQ(planned.points.size(), spends.size());
  // The caller's conditions are back.
  ASSERT_EQ(model.conditions().size(), 1u);
  EXPECT_EQ(model.conditions()[0].column, "Year");
  model.set_conditions({});
  for (size_t i = 0; i < spends.size(); ++i) {
    const marketing::PlannedSpend& p = planned.points[i];
    EXPECT_EQ(p.channel, kSpend);
    EXPECT_EQ(p.spend, spends[i]);
    EXPECT_EQ(p.rows, 400);
    // The same rows drawn directly: every one holds the spend, and the summary is theirs.
    model.set_conditions({{kSpend, fmt::format("{}", spends[i])}});
    const Table rows = model.sample(0, 400, 11);
    for (double v : rows.column(kSpend).values) EXPECT_EQ(v, spends[i]);
    std::vector<double> response = rows.column(kResponse).values;
    std::sort(response.begin(), response.end());
    double mean = 0.0;
    for (double v : response) mean += v / 400.0;
    EXPECT_NEAR(p.mean, mean, 1e-9 * std::abs(mean));
    // Type 7 quantiles: the median of 400 values is the mean of the 200th and 201st.
    EXPECT_DOUBLE_EQ(p.median, 0.5 * (response[199] + response[200]));
    EXPECT_DOUBLE_EQ(p.p5, response[19] + 0.95 * (response[20] - response[19]));
    EXPECT_LE(p.p5, p.p25);
    EXPECT_LE(p.p25, p.median);
    EXPECT_LE(p.median, p.p75);
    EXPECT_LE(p.p75, p.p95);
  }
}

TEST(PlannedSpend, AModelThatCannotHoldARealSpendSaysWhy) {
  FittedModel model = roi_model("cart");
  const Table real = marketing::read_curve_csv(data_path("ROI.csv"), roi_curve_options());
  const marketing::PlannedSpends planned = draw_at_planned_spends(model, real, {kSpend}, kResponse, 100, 1);
  EXPECT_TRUE(planned.points.empty());
  EXPECT_NE(planned.unavailable.find("the cart model cannot hold 'Google ads'"), std::string::npos)
      << planned.unavailable;
  EXPECT_TRUE(model.conditions().empty());
  EXPECT_NE(error_of([&] { draw_at_planned_spends(model, real, {kSpend}, "Revenue", 100, 1); }, ErrorKind::Usage)
                .find("no response column 'Revenue'"),
            std::string::npos);
  EXPECT_NE(error_of([&] { draw_at_planned_spends(model, real, {"TV"}, kResponse, 100, 1); }, ErrorKind::Usage)
                .find("no spend column 'TV'"),
            std::string::npos);
  error_of([&] { draw_at_planned_spends(model, real, {kSpend}, kResponse, 0, 1); }, ErrorKind::Usage);
}

TEST(PlannedSpend, AGivenPlanIsDrawnInItsOrder) {
  FittedModel model = roi_model("copula");
  const Table real = marketing::read_curve_csv(data_path("ROI.csv"), roi_curve_options());
  const std::vector<PlannedValue> plan = {parse_planned_value("Google ads = 6000", {kSpend}),
                                          parse_planned_value("Google ads=2500,5", {kSpend})};
  EXPECT_EQ(plan[1].second, 2500.5);
  const marketing::PlannedSpends planned = draw_at_planned_spends(model, real, {kSpend}, kResponse, 200, 2, plan);
  ASSERT_EQ(planned.points.size(), 2u);
  EXPECT_EQ(planned.points[0].spend, 6000.0);
  EXPECT_EQ(planned.points[1].spend, 2500.5);
  // Beyond the largest real spend the copula cannot hold it, and says so.
  const marketing::PlannedSpends beyond =
      draw_at_planned_spends(model, real, {kSpend}, kResponse, 200, 2, {{kSpend, 1e6}});
  EXPECT_TRUE(beyond.points.empty());
  EXPECT_NE(beyond.unavailable.find("outside the values the model learnt"), std::string::npos) << beyond.unavailable;
  EXPECT_NE(error_of([] { parse_planned_value("TV=5", {kSpend}); }, ErrorKind::Usage).find("not one of the spend"),
            std::string::npos);
  error_of([] { parse_planned_value("Google ads=many", {kSpend}); }, ErrorKind::Usage);
  error_of([] { parse_planned_value("Google ads", {kSpend}); }, ErrorKind::Usage);
  error_of([&] { draw_at_planned_spends(model, real, {kSpend}, kResponse, 10, 2, {{"TV", 5.0}}); }, ErrorKind::Usage);
}

}  // namespace
}  // namespace synthtab
