// Baseline terms (trend, seasonality, controls), stock or flow, the choice among candidates by
// cross-validation, and the verdict. Oracle: tests/data/gen_curve_baseline_oracle.py (SciPy,
// statsmodels OLS).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <iterator>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "marketing/curve_tables.hpp"
#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/marketing/response_curve.hpp"
#include "synthtab/marketing/time_terms.hpp"
#include "synthtab/table/value_parse.hpp"
#include "transform/column_builders.hpp"

namespace synthtab::marketing {
namespace {

using synthtab::testing::data_path;
using synthtab::testing::error_of;
using synthtab::testing::fix_monthly_model;
using synthtab::testing::numeric_column;

const nlohmann::json& baseline_oracle() {
  static const nlohmann::json json = [] {
    std::ifstream in(data_path("curve_baseline_oracle.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

CurveOptions oracle_options() {
  CurveOptions o;
  o.spend = {"spend"};
  o.response = "revenue";
  o.time = "date";
  o.bootstrap = 0;
  return o;
}

Table oracle_table(const CurveOptions& o) { return read_curve_csv(data_path("curve_baseline.csv"), o); }

TEST(TimeTerms, MonthlyDatesGiveMonthsAndYearlyFourierColumnsAsTheOracle) {
  const auto& ref = baseline_oracle();
  std::vector<double> dates;
  for (int i = 0; i < ref.at("rows").get<int>(); ++i)
    dates.push_back(*parse_datetime(fmt::format("{}-{:02d}-01", 2020 + i / 12, i % 12 + 1), "%Y-%m-%d"));
  const TimeAxis axis = time_axis(dates, static_cast<int64_t>(dates.size()), 0.0, "date");
  EXPECT_EQ(axis.unit, "month");
  EXPECT_EQ(axis.period, 12.0);
  for (size_t i = 0; i < dates.size(); ++i) {
    EXPECT_NEAR(axis.position[i], static_cast<double>(i), 1e-12);
    EXPECT_NEAR(axis.phase[i], static_cast<double>(i % 12), 1e-12);
  }
  const BaselineTerms terms =
      baseline_terms(axis, 0, Trend::Linear, Seasonality::Fourier, Eigen::MatrixXd(dates.size(), 0), {});
  ASSERT_EQ(terms.names, ref.at("terms").get<std::vector<std::string>>());
  for (size_t j = 0; j < terms.names.size(); ++j) {
    const auto expected = ref.at("term_columns").at(terms.names[j]).get<std::vector<double>>();
    for (size_t i = 0; i < expected.size(); ++i)
      EXPECT_NEAR(terms.columns(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) * terms.scale[j],
                  expected[i], 1e-9)
          << terms.names[j] << " row " << i;
  }
  // One indicator per month but the first; a stock's terms start at its second row.
  const BaselineTerms months =
      baseline_terms(axis, 1, Trend::None, Seasonality::Month, Eigen::MatrixXd(dates.size(), 0), {});
  EXPECT_EQ(months.names.size(), 11u);
  EXPECT_EQ(months.columns.rows(), static_cast<Eigen::Index>(dates.size()) - 1);
  EXPECT_EQ(months.names.front(), "month 2");
}

TEST(TimeTerms, WeeklyAndUndatedRows) {
  std::vector<double> weeks;
  for (int i = 0; i < 10; ++i) weeks.push_back(1.7e9 + i * 7 * 86400.0);
  const TimeAxis weekly = time_axis(weeks, 10, 0.0, "week");
  EXPECT_EQ(weekly.unit, "week");
  EXPECT_NEAR(weekly.period, 365.25 / 7, 1e-12);
  EXPECT_NEAR(weekly.position[9], 9.0, 1e-12);
  const TimeAxis rows = time_axis({}, 5, 4.0, "");
  EXPECT_EQ(rows.unit, "row");
  EXPECT_EQ(rows.period, 4.0);
  EXPECT_EQ(rows.phase[4], 0.0);
  EXPECT_EQ(rows.phase[3], 3.0);
}

TEST(TimeTerms, RankCorrelationMatchesScipy) {
  for (const auto& c : baseline_oracle().at("spearman"))
    EXPECT_NEAR(rank_correlation_with_time(c.at("values").get<std::vector<double>>()), c.at("rho").get<double>(),
                1e-12);
}

TEST(CurveBaseline, LinearPartsMatchStatsmodelsOls) {
  CurveOptions o = oracle_options();
  fix_monthly_model(o);
  const CurveFit fit = fit_response_curves(oracle_table(o), o);
  const auto& ref = baseline_oracle();
  const auto& fitted = ref.at("fit");
  const auto& ols = ref.at("ols");
  EXPECT_EQ(fit.time_unit, "month");
  ASSERT_EQ(fit.channels.size(), 1u);
  const auto& p = fit.channels[0].parameters;
  EXPECT_NEAR(p[1].value, fitted.at("k").get<double>(), 1e-4 * fitted.at("k").get<double>());
  EXPECT_NEAR(p[2].value, fitted.at("a").get<double>(), 1e-4);
  EXPECT_NEAR(p[3].value, fitted.at("lambda").get<double>(), 1e-5);
  // Given those, the linear part is ordinary least squares: statsmodels' coefficients.
  EXPECT_NEAR(fit.base.value, ols.at("base").get<double>(), 1e-3);
  EXPECT_NEAR(p[0].value, ols.at("beta").get<double>(), 1e-3);
  const auto terms = ols.at("terms").get<std::vector<double>>();
  ASSERT_EQ(fit.baseline.size(), terms.size());
  for (size_t j = 0; j < terms.size(); ++j) EXPECT_NEAR(fit.baseline[j].value, terms[j], 1e-4) << fit.baseline[j].name;
  const double rss = fit.rmse * fit.rmse * static_cast<double>(fit.rows_used);
  EXPECT_NEAR(rss, fitted.at("rss").get<double>(), 1e-6 * rss);
}

// A given ridge: SciPy's penalised fit for (k, a, lambda), then scikit-learn's Ridge for the
// linear part, which the penalty pulls towards zero.
TEST(CurveBaseline, AGivenRidgeMatchesScikitLearnsRidge) {
  CurveOptions o = oracle_options();
  fix_monthly_model(o);
  const auto& ref = baseline_oracle().at("ridge");
  o.ridge = ref.at("strength").get<double>();
  const CurveFit fit = fit_response_curves(oracle_table(o), o);
  EXPECT_EQ(fit.ridge, o.ridge);
  EXPECT_TRUE(fit.ridge_trials.empty());
  const auto& p = fit.channels.at(0).parameters;
  EXPECT_NEAR(p[1].value, ref.at("k").get<double>(), 1e-4 * ref.at("k").get<double>());
  EXPECT_NEAR(p[2].value, ref.at("a").get<double>(), 1e-4);
  EXPECT_NEAR(p[3].value, ref.at("lambda").get<double>(), 1e-5);
  EXPECT_NEAR(fit.base.value, ref.at("base").get<double>(), 1e-3);
  EXPECT_NEAR(p[0].value, ref.at("beta").get<double>(), 1e-3);
  EXPECT_LT(p[0].value, ref.at("unpenalised_beta").get<double>());
  const auto terms = ref.at("terms").get<std::vector<double>>();
  ASSERT_EQ(fit.baseline.size(), terms.size());
  for (size_t j = 0; j < terms.size(); ++j) EXPECT_NEAR(fit.baseline[j].value, terms[j], 1e-4) << fit.baseline[j].name;
}

// Auto tries each strength on the chosen model's rolling origins and keeps one only when its CV
// error is 5 % below none's.
TEST(CurveBaseline, AutoRidgeKeepsAStrengthOnlyWhenItPredictsHeldOutPeriodsBetter) {
  CurveOptions o = oracle_options();
  fix_monthly_model(o);
  o.ridge.reset();
  const Table table = oracle_table(o);
  const CurveFit fit = fit_response_curves(table, o);
  ASSERT_EQ(fit.ridge_trials.size(), 1 + std::size(kRidgeStrengths));
  EXPECT_EQ(fit.ridge_trials.front().strength, 0.0);
  EXPECT_GT(fit.cv_origins, 1);
  RidgeTrial best = fit.ridge_trials.front();
  for (const RidgeTrial& t : fit.ridge_trials) {
    EXPECT_TRUE(std::isfinite(t.cv_rmse)) << t.strength;
    if (t.cv_rmse < best.cv_rmse) best = t;
  }
  const double expected = best.cv_rmse <= 0.95 * fit.ridge_trials.front().cv_rmse ? best.strength : 0.0;
  EXPECT_EQ(fit.ridge, expected);
  EXPECT_NE(fit.ridge_reason.find("auto"), std::string::npos);
  // The penalty's cost grows with its strength, so the CV error of the strongest is the largest
  // here: 60 months with little noise need no prior.
  EXPECT_GT(fit.ridge_trials.back().cv_rmse, fit.ridge_trials.front().cv_rmse);
  // Too few rows to cross-validate: none, and the reason says so.
  const Table few = oracle_table(o).slice(0, 12);
  const CurveFit small = fit_response_curves(few, o);
  EXPECT_EQ(small.ridge, 0.0);
  EXPECT_TRUE(small.ridge_trials.empty());
  EXPECT_NE(small.ridge_reason.find("too few rows"), std::string::npos);
}

TEST(CurveBaseline, ParametersAreRecoveredAndTheDecompositionAddsUp) {
  CurveOptions o = oracle_options();
  fix_monthly_model(o);
  o.bootstrap = 300;
  o.confidence = 0.9;
  const CurveFit fit = fit_response_curves(oracle_table(o), o);
  const auto& truth = baseline_oracle().at("truth");
  auto covers = [](const Estimate& e, double v) { return e.low <= v && v <= e.high; };
  EXPECT_TRUE(covers(fit.baseline[0], truth.at("trend").get<double>())) << fit.baseline[0].low;
  EXPECT_TRUE(covers(fit.baseline[1], truth.at("sin1").get<double>()));
  EXPECT_TRUE(covers(fit.channels[0].parameters[3], truth.at("lambda").get<double>()));
  EXPECT_TRUE(covers(fit.channels[0].parameters[2], truth.at("a").get<double>()));
  ASSERT_EQ(fit.decomposition.size(), 60u);
  double rss = 0.0;
  for (const auto& row : fit.decomposition) {
    ASSERT_EQ(row.channels.size(), 1u);
    EXPECT_NEAR(row.baseline + row.channels[0], row.fitted, 1e-6 * std::abs(row.fitted));
    EXPECT_GE(row.channels[0], 0.0);
    rss += (row.actual - row.fitted) * (row.actual - row.fitted);
  }
  EXPECT_NEAR(std::sqrt(rss / 60.0), fit.rmse, 1e-6 * fit.rmse);
}

TEST(CurveBaseline, AutoFindsTheTrendSeasonsAndCarryOverThatAreThere) {
  CurveOptions o = oracle_options();
  o.shape = CurveShape::Hill;  // the rest left to auto: 24 candidates are enough to choose among
  const CurveFit fit = fit_response_curves(oracle_table(o), o);
  EXPECT_EQ(fit.kind, ResponseKind::Flow);
  EXPECT_EQ(fit.adstock, Adstock::Geometric);
  EXPECT_NE(fit.trend, Trend::None);
  EXPECT_EQ(fit.seasonality, Seasonality::Fourier);
  EXPECT_GE(fit.cv_origins, 2);
  // Flow and stock (the revenue rises with time) x 2 adstocks x 3 trends x 2 seasons.
  EXPECT_EQ(fit.candidates.size(), 24u);
  int chosen = 0;
  double lowest = INFINITY;
  for (const auto& c : fit.candidates) {
    chosen += c.chosen;
    lowest = std::min(lowest, c.cv_rmse);
  }
  EXPECT_EQ(chosen, 1);
  for (const auto& c : fit.candidates) {
    if (c.chosen) {
      EXPECT_EQ(c.cv_rmse, lowest);
    }
  }
}

// Monthly recurring revenue: each month's spend adds new revenue, which stays.
Table recurring_revenue(int months, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> spend, mrr;
  double stock = 5000.0;
  for (int i = 0; i < months; ++i) {
    const double x = 1000.0 + 4000.0 * rng.uniform();
    stock += 800.0 * std::pow(x, 1.5) / (std::pow(x, 1.5) + std::pow(3000.0, 1.5)) + 60.0 * rng.normal();
    spend.push_back(x);
    mrr.push_back(stock);
  }
  Table table;
  table.columns = {numeric_column("spend", ColumnType::Float, spend),
                   numeric_column("revenue", ColumnType::Float, mrr)};
  return table;
}

TEST(CurveBaseline, ARecurringRevenueIsTakenForAStockAndItsReturnCountedOverThePayback) {
  CurveOptions o;
  o.spend = {"spend"};
  o.response = "revenue";
  o.bootstrap = 200;
  const CurveFit fit = fit_response_curves(recurring_revenue(36, 3), o);
  EXPECT_EQ(fit.kind, ResponseKind::Stock) << fit.kind_reason;
  EXPECT_NE(fit.kind_reason.find("rises with time"), std::string::npos);
  EXPECT_EQ(fit.rows_used, 36);
  EXPECT_EQ(fit.decomposition.size(), 35u);  // one change per month after the first
  const auto& ch = fit.channels[0];
  EXPECT_NEAR(ch.unit_return.value, 12.0 * ch.marginal_return.value, 1e-9 * ch.unit_return.value);
  EXPECT_NEAR(ch.unit_return.low, 12.0 * ch.marginal_return.low, 1e-9 * ch.unit_return.value);
  // The return of the next unit, counted over 12 months, holds the truth: 12 times the slope of
  // the new revenue per month at mean spend.
  auto truth = [](double x) { return 800.0 * std::pow(x, 1.5) / (std::pow(x, 1.5) + std::pow(3000.0, 1.5)); };
  const double slope = (truth(ch.mean_spend + 1.0) - truth(ch.mean_spend - 1.0)) / 2.0;
  EXPECT_LE(ch.unit_return.low, 12.0 * slope);
  EXPECT_GE(ch.unit_return.high, 12.0 * slope);
  // A flow with no growth stays a flow, and says why.
  Table flat = recurring_revenue(36, 3);
  Rng rng(5);
  for (auto& v : flat.columns[1].values) v = 5000.0 + 300.0 * rng.normal();
  const CurveFit flow = fit_response_curves(flat, o);
  EXPECT_EQ(flow.kind, ResponseKind::Flow);
  EXPECT_NE(flow.kind_reason.find("does not rise"), std::string::npos);
  for (const auto& c : flow.candidates) EXPECT_EQ(c.kind, ResponseKind::Flow);
}

TEST(CurveBaseline, AControlColumnIsFittedBesideTheSpend) {
  Rng rng(11);
  std::vector<double> spend, price, revenue;
  for (int i = 0; i < 80; ++i) {
    spend.push_back(6000.0 * rng.uniform());
    price.push_back(10.0 + 5.0 * rng.uniform());
    revenue.push_back(20000.0 - 600.0 * price.back() + 9000.0 * spend.back() / (spend.back() + 2500.0) +
                      200.0 * rng.normal());
  }
  Table table;
  table.columns = {numeric_column("spend", ColumnType::Float, spend), numeric_column("price", ColumnType::Float, price),
                   numeric_column("revenue", ColumnType::Float, revenue)};
  CurveOptions o;
  o.spend = {"spend"};
  o.response = "revenue";
  o.controls = {"price"};
  o.kind = ResponseKind::Flow;
  o.trend = Trend::None;
  o.adstock = Adstock::None;
  o.bootstrap = 200;
  const CurveFit fit = fit_response_curves(table, o);
  ASSERT_EQ(fit.baseline.size(), 1u);
  EXPECT_EQ(fit.baseline[0].name, "price");
  EXPECT_LE(fit.baseline[0].low, -600.0);
  EXPECT_GE(fit.baseline[0].high, -600.0);
  EXPECT_NEAR(fit.baseline[0].value, -600.0, 60.0);
  o.controls = {"revenue"};
  error_of([&] { fit_response_curves(table, o); }, ErrorKind::Usage);
}

TEST(CurveBaseline, TheVerdictAgreesWithTheInterval) {
  CurveOptions o;
  o.spend = {"Google ads"};
  o.response = "MRR (Monthly Recurring Revenue)";
  o.bootstrap = 100;
  o.shape = CurveShape::Logistic;  // the verdict's logic does not depend on the shape
  const Table table = read_curve_csv(data_path("ROI.csv"), o);
  int verdicts[4] = {0, 0, 0, 0};
  for (Adstock adstock : {Adstock::None, Adstock::Geometric, Adstock::Auto})
    for (ResponseKind kind : {ResponseKind::Flow, ResponseKind::Stock}) {
      o.adstock = adstock;
      o.kind = kind;
      const CurveFit fit = fit_response_curves(table, o);
      const ChannelFit& ch = fit.channels[0];
      const Estimate& r = ch.unit_return;
      SCOPED_TRACE(verdict_sentence(fit, ch));
      ++verdicts[static_cast<int>(ch.verdict)];
      switch (ch.verdict) {
        case Verdict::SpendMore:
          EXPECT_GT(r.low, 1.0);
          break;
        case Verdict::SpendLess:
          EXPECT_LT(r.high, 1.0);
          break;
        case Verdict::CannotTell:
          // The interval spans break-even, or a model about as good puts the return on its other side.
          EXPECT_TRUE((r.low <= 1.0 && r.high >= 1.0) || ch.close_disagreeing > 0);
          if (ch.close_disagreeing > 0) {
            EXPECT_LE(ch.close_low, 1.0);
            EXPECT_GE(ch.close_high, 1.0);
            EXPECT_NE(verdict_sentence(fit, ch).find("other models about as good"), std::string::npos);
          }
          EXPECT_NE(verdict_sentence(fit, ch).find("test it"), std::string::npos);
          break;
        case Verdict::NoInterval:
          ADD_FAILURE() << "a bootstrap was asked for";
      }
      // The share of draws that pay sits on the right side of a half when the interval is clear.
      if (ch.verdict == Verdict::SpendMore) {
        EXPECT_GT(ch.pays_share, 0.9);
        EXPECT_EQ(ch.close_disagreeing, 0);
        EXPECT_GT(ch.close_low, 1.0);
      }
      if (ch.verdict == Verdict::SpendLess) {
        EXPECT_LT(ch.pays_share, 0.1);
      }
    }
  EXPECT_GT(verdicts[static_cast<int>(Verdict::CannotTell)], 0);  // 19 rows cannot settle every model
  o.bootstrap = 0;
  const CurveFit point = fit_response_curves(table, o);
  EXPECT_EQ(point.channels[0].verdict, Verdict::NoInterval);
  EXPECT_NE(verdict_sentence(point, point.channels[0]).find("bootstrap is off"), std::string::npos);
}

TEST(CurveBaseline, OptionErrors) {
  CurveOptions o = oracle_options();
  o.time.clear();
  o.seasonality = Seasonality::Fourier;
  const Table table = oracle_table(oracle_options());
  EXPECT_NE(error_of([&] { fit_response_curves(table, o); }, ErrorKind::Usage).find("period"), std::string::npos);
  o.seasonality = Seasonality::None;
  o.period = 1.0;
  error_of([&] { fit_response_curves(table, o); }, ErrorKind::Usage);
  o.period = 0.0;
  o.payback_periods = 0.0;
  error_of([&] { fit_response_curves(table, o); }, ErrorKind::Usage);
  error_of([] { parse_trend("cubic"); }, ErrorKind::Usage);
  error_of([] { parse_seasonality("weekly"); }, ErrorKind::Usage);
  error_of([] { parse_response_kind("level"); }, ErrorKind::Usage);
  error_of([] { parse_ridge("-0.1"); }, ErrorKind::Usage);
  error_of([] { parse_ridge("0.1x"); }, ErrorKind::Usage);
  error_of([] { parse_ridge("nan"); }, ErrorKind::Usage);
  EXPECT_FALSE(parse_ridge("auto").has_value());
  EXPECT_EQ(parse_ridge("none"), 0.0);
  EXPECT_EQ(parse_ridge("0.03"), 0.03);
  o.ridge = -1.0;
  error_of([&] { fit_response_curves(table, o); }, ErrorKind::Usage);
}

}  // namespace
}  // namespace synthtab::marketing
