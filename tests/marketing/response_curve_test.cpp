#include "synthtab/marketing/response_curve.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/marketing/budget_allocation.hpp"
#include "synthtab/marketing/curve_report.hpp"

namespace synthtab::marketing {
namespace {

using synthtab::testing::data_path;
using synthtab::testing::error_of;

const nlohmann::json& oracle() {
  static const nlohmann::json json = [] {
    std::ifstream in(data_path("marketing_oracle.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

Column numeric(const std::string& name, std::vector<double> values) {
  Column c;
  c.name = name;
  c.type = ColumnType::Float;
  c.values = std::move(values);
  return c;
}

double hill(double x, double beta, double k, double a) {
  return x <= 0 ? 0.0 : beta * std::pow(x, a) / (std::pow(x, a) + std::pow(k, a));
}

double logistic(double x, double beta, double m, double s) {
  auto g = [](double z) { return 1.0 / (1.0 + std::exp(-z)); };
  return beta * (g(s * (x - m)) - g(-s * m)) / (1.0 - g(-s * m));
}

// One model, as fitted before candidates were compared: a flow, no adstock, trend or seasons.
CurveOptions options_for(std::vector<std::string> spend, CurveShape shape, int bootstrap = 0) {
  CurveOptions o;
  o.spend = std::move(spend);
  o.response = "response";
  o.shape = shape;
  o.bootstrap = bootstrap;
  o.kind = ResponseKind::Flow;
  o.adstock = Adstock::None;
  o.trend = Trend::None;
  o.seasonality = Seasonality::None;
  return o;
}

// ---- agreement with SciPy ----------------------------------------------------------------

TEST(ResponseCurve, MatchesScipyLeastSquares) {
  for (const auto& c : oracle().at("cases")) {
    SCOPED_TRACE(c.at("name").get<std::string>());
    Table table;
    std::vector<std::string> names;
    const auto spend = c.at("spend").get<std::vector<std::vector<double>>>();
    for (size_t j = 0; j < spend.size(); ++j) {
      names.push_back("spend" + std::to_string(j));
      table.columns.push_back(numeric(names.back(), spend[j]));
    }
    const auto y = c.at("response").get<std::vector<double>>();
    table.columns.push_back(numeric("response", y));
    CurveOptions o = options_for(names, parse_curve_shape(c.at("shape")));
    if (c.at("loss") == "soft_l1") {
      o.loss = Loss::SoftL1;
      o.loss_scale = c.at("f_scale").get<double>();
    }
    const CurveFit fit = fit_response_curves(table, o);
    const double range = *std::max_element(y.begin(), y.end()) - *std::min_element(y.begin(), y.end());
    EXPECT_NEAR(fit.r2, c.at("r2").get<double>(), 1e-6);
    EXPECT_NEAR(fit.rmse, c.at("rmse").get<double>(), 1e-6 * range);
    EXPECT_NEAR(fit.base.value, c.at("params").at("base").get<double>(), 1e-4 * range);
    for (size_t j = 0; j < spend.size(); ++j) {
      const auto& ref = c.at("params").at("channels").at(j);
      const auto xs = ref.at("curve_x").get<std::vector<double>>();
      const auto ys = ref.at("curve_y").get<std::vector<double>>();
      for (size_t i = 0; i < xs.size(); ++i)
        EXPECT_NEAR(fit.channels[j].curve.value(xs[i]), ys[i], 1e-4 * range) << "x = " << xs[i];
      EXPECT_NEAR(fit.channels[j].saturation, ref.at("beta").get<double>(), 1e-3 * ref.at("beta").get<double>());
    }
  }
}

// ---- recovering known curves: bootstrap interval coverage ---------------------------------

struct Truth {
  CurveShape shape;
  double base, beta, location, steepness, noise;
};

Table simulate(const Truth& t, int n, uint64_t seed, double max_spend = 10000.0) {
  Rng rng(seed);
  std::vector<double> x(static_cast<size_t>(n)), y(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) {
    x[static_cast<size_t>(i)] = max_spend * rng.uniform();
    const double f = t.shape == CurveShape::Hill ? hill(x[static_cast<size_t>(i)], t.beta, t.location, t.steepness)
                                                 : logistic(x[static_cast<size_t>(i)], t.beta, t.location, t.steepness);
    y[static_cast<size_t>(i)] = t.base + f + t.noise * rng.normal();
  }
  Table table;
  table.columns.push_back(numeric("spend", x));
  table.columns.push_back(numeric("response", y));
  return table;
}

// Share of seeds whose 95 % interval holds the true value, per parameter (base, beta, loc, steep)
// and for the curve's value at mean spend's marginal return.
std::vector<double> coverage(const Truth& t, int seeds, int n) {
  std::vector<double> hits(4, 0.0);
  for (int s = 0; s < seeds; ++s) {
    CurveOptions o = options_for({"spend"}, t.shape, 400);
    o.seed = 1000 + static_cast<uint64_t>(s);
    const CurveFit fit = fit_response_curves(simulate(t, n, 77 + static_cast<uint64_t>(s)), o);
    const double truth[4] = {t.base, t.beta, t.location, t.steepness};
    const Estimate* e[4] = {&fit.base, &fit.channels[0].parameters[0], &fit.channels[0].parameters[1],
                            &fit.channels[0].parameters[2]};
    for (int j = 0; j < 4; ++j) hits[static_cast<size_t>(j)] += e[j]->low <= truth[j] && truth[j] <= e[j]->high;
  }
  for (double& h : hits) h /= seeds;
  return hits;
}

// Observed (40 seeds, 60 rows, nominal 95 %): see docs/marketing.md.
TEST(ResponseCurve, HillIntervalsCoverTrueParameters) {
  const Truth truth{CurveShape::Hill, 2000, 30000, 4000, 2.5, 1500};
  const auto hits = coverage(truth, 40, 60);
  const char* names[4] = {"base", "beta", "k", "a"};
  for (int j = 0; j < 4; ++j) {
    std::printf("hill coverage %s: %.3f\n", names[j], hits[static_cast<size_t>(j)]);
    EXPECT_GE(hits[static_cast<size_t>(j)], 0.85) << names[j];
  }
}

TEST(ResponseCurve, LogisticIntervalsCoverTrueParameters) {
  const Truth truth{CurveShape::Logistic, 1000, 20000, 5000, 0.001, 1000};
  const auto hits = coverage(truth, 40, 60);
  const char* names[4] = {"base", "beta", "m", "s"};
  for (int j = 0; j < 4; ++j) {
    std::printf("logistic coverage %s: %.3f\n", names[j], hits[static_cast<size_t>(j)]);
    EXPECT_GE(hits[static_cast<size_t>(j)], 0.85) << names[j];
  }
}

TEST(ResponseCurve, BootstrapIsIdenticalForAnyThreadCount) {
  const Table table = simulate({CurveShape::Hill, 2000, 30000, 4000, 2.5, 1500}, 40, 5);
  CurveOptions o = options_for({"spend"}, CurveShape::Auto, 200);
  o.threads = 1;
  const CurveFit one = fit_response_curves(table, o);
  o.threads = 2;
  const CurveFit two = fit_response_curves(table, o);
  o.threads = 5;
  const CurveFit five = fit_response_curves(table, o);
  for (size_t j = 0; j < 3; ++j) {
    EXPECT_EQ(one.channels[0].parameters[j].low, two.channels[0].parameters[j].low);
    EXPECT_EQ(one.channels[0].parameters[j].high, five.channels[0].parameters[j].high);
  }
  EXPECT_EQ(one.channels[0].marginal_return.low, five.channels[0].marginal_return.low);
}

TEST(ResponseCurve, AutoKeepsTheShapeWithLowerCrossValidationError) {
  for (const auto& truth : {Truth{CurveShape::Logistic, 1000, 20000, 5000, 0.0015, 500},
                            Truth{CurveShape::Hill, 500, 12000, 3000, 0.8, 300}}) {
    const CurveFit fit = fit_response_curves(simulate(truth, 80, 9), options_for({"spend"}, CurveShape::Auto));
    EXPECT_EQ(fit.shape, truth.shape);
    ASSERT_EQ(fit.candidates.size(), 2u);
    EXPECT_EQ(fit.cv_origins, 12);  // at most 12 origins, spread over the last 40 rows
    const auto& chosen = fit.candidates[fit.candidates[0].chosen ? 0 : 1];
    const auto& rival = fit.candidates[fit.candidates[0].chosen ? 1 : 0];
    EXPECT_TRUE(chosen.chosen && !rival.chosen);
    EXPECT_EQ(chosen.shape, fit.shape);
    EXPECT_LT(chosen.cv_rmse, rival.cv_rmse);
    EXPECT_DOUBLE_EQ(fit.aicc, chosen.aicc);
    const CurveFit other = fit_response_curves(
        simulate(truth, 80, 9),
        options_for({"spend"}, truth.shape == CurveShape::Hill ? CurveShape::Logistic : CurveShape::Hill));
    EXPECT_LT(fit.aicc, other.aicc);
  }
}

// ---- derived quantities, checked against their definitions --------------------------------

TEST(Curve, DerivedQuantitiesMatchTheirDefinitions) {
  const Curve hill_curve{CurveShape::Hill, 30000, 4000, 2.5};
  // Inflection = max of the numerical derivative.
  double best_x = 0, best = -1;
  for (double x = 1; x < 20000; x += 0.5) {
    const double d = (hill_curve.value(x + 1e-3) - hill_curve.value(x - 1e-3)) / 2e-3;
    if (d > best) best = d, best_x = x;
  }
  EXPECT_NEAR(hill_curve.inflection(), best_x, 1.0);
  EXPECT_NEAR(hill_curve.peak_marginal(), best, 1e-6 * best);
  EXPECT_NEAR(hill_curve.value(hill_curve.spend_for_share(0.9)), 27000, 1e-6);
  const double be = hill_curve.break_even();
  EXPECT_GT(be, hill_curve.inflection());
  EXPECT_NEAR((hill_curve.value(be + 1e-3) - hill_curve.value(be - 1e-3)) / 2e-3, 1.0, 1e-6);
  const Curve flat{CurveShape::Hill, 100, 4000, 2.5};  // never returns 1 per unit
  EXPECT_TRUE(std::isnan(flat.break_even()));
  const Curve logistic_curve{CurveShape::Logistic, 20000, 5000, 0.001};
  EXPECT_NEAR(logistic_curve.value(0), 0.0, 1e-9);
  EXPECT_NEAR(logistic_curve.value(1e7), 20000, 1e-6);
  EXPECT_DOUBLE_EQ(logistic_curve.inflection(), 5000);
  EXPECT_NEAR(logistic_curve.value(logistic_curve.spend_for_share(0.9)), 18000, 1e-6);
  EXPECT_NEAR(logistic_curve.marginal(3000), (logistic_curve.value(3000.001) - logistic_curve.value(2999.999)) / 0.002,
              1e-6);
}

TEST(ResponseCurve, ReportsMarginalReturnsAtMeanSpend) {
  const Table table = simulate({CurveShape::Hill, 2000, 30000, 4000, 2.5, 1500}, 40, 11);
  const CurveFit fit = fit_response_curves(table, options_for({"spend"}, CurveShape::Hill));
  const auto& ch = fit.channels[0];
  double mean = 0;
  for (double v : table.columns[0].values) mean += v;
  mean /= 40;
  EXPECT_NEAR(ch.mean_spend, mean, 1e-9 * mean);
  EXPECT_NEAR(ch.marginal_return_step.value, ch.curve.value(mean + 1000) - ch.curve.value(mean), 1e-9);
  EXPECT_NEAR(ch.marginal_return.value, ch.curve.marginal(mean), 1e-12);
  EXPECT_NEAR(ch.curve.value(mean) + fit.base.value, fit.predict({mean}), 1e-9);
}

// ---- data problems ------------------------------------------------------------------------

Table small_table(std::vector<double> spend, std::vector<double> response) {
  Table t;
  t.columns.push_back(numeric("spend", std::move(spend)));
  t.columns.push_back(numeric("response", std::move(response)));
  return t;
}

TEST(ResponseCurveErrors, FlatResponse) {
  const auto msg = error_of(
      [] {
        fit_response_curves(small_table({1, 2, 3, 4, 5, 6}, {7, 7, 7, 7, 7, 7}),
                            options_for({"spend"}, CurveShape::Hill));
      },
      ErrorKind::Input);
  EXPECT_NE(msg.find("response column 'response' has the same value (7) in all 6 rows"), std::string::npos) << msg;
}

TEST(ResponseCurveErrors, SingleSpendValue) {
  const auto msg = error_of(
      [] {
        fit_response_curves(small_table({5, 5, 5, 5, 5, 5}, {1, 2, 3, 4, 5, 6}),
                            options_for({"spend"}, CurveShape::Hill));
      },
      ErrorKind::Input);
  EXPECT_NE(msg.find("spend column 'spend' has a single distinct value (5) in the 6 rows used"), std::string::npos)
      << msg;
}

TEST(ResponseCurveErrors, NegativeSpend) {
  const auto msg = error_of(
      [] {
        fit_response_curves(small_table({1, 2, -3, 4, 5, 6}, {1, 2, 3, 4, 5, 6}),
                            options_for({"spend"}, CurveShape::Hill));
      },
      ErrorKind::Input);
  EXPECT_NE(msg.find("spend column 'spend' has a negative value (-3) in data row 3"), std::string::npos) << msg;
}

TEST(ResponseCurveErrors, TooFewRowsSaysHowManyAreNeeded) {
  const auto nan = kMissingValue;
  const auto msg = error_of(
      [&] {
        fit_response_curves(small_table({1, 2, 3, nan, 5, 6}, {1, 2, 3, 4, nan, 6}),
                            options_for({"spend"}, CurveShape::Hill));
      },
      ErrorKind::Input);
  EXPECT_NE(msg.find("needs at least 5 rows with the spend and response present, got 4 (2 dropped for "
                     "missing values)"),
            std::string::npos)
      << msg;
}

TEST(ResponseCurveErrors, NonNumericColumns) {
  Table t = small_table({1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 6});
  Column text;
  text.name = "channel";
  text.type = ColumnType::Categorical;
  text.categories = {"tv", "web"};
  text.codes = {0, 1, 0, 1, 0, 1};
  t.columns.push_back(text);
  auto msg = error_of([&] { fit_response_curves(t, options_for({"channel"}, CurveShape::Hill)); }, ErrorKind::Input);
  EXPECT_NE(msg.find("column 'channel' is not numeric: it holds text such as 'tv'"), std::string::npos) << msg;
  msg = error_of([&] { fit_response_curves(t, options_for({"nope"}, CurveShape::Hill)); }, ErrorKind::Usage);
  EXPECT_NE(msg.find("nope"), std::string::npos) << msg;
  // Numbers that inference took for categories are read as numbers.
  Column few;
  few.name = "few";
  few.type = ColumnType::Categorical;
  few.categories = {"0", "1000", "2000"};
  few.codes = {0, 1, 2, 0, 1, 2, 0, 1, 2};
  Table t2;
  t2.columns.push_back(few);
  t2.columns.push_back(numeric("response", {10, 900, 1500, 12, 1000, 1400, 8, 950, 1600}));
  EXPECT_NO_THROW(fit_response_curves(t2, options_for({"few"}, CurveShape::Hill)));
}

TEST(ResponseCurveErrors, ZerosAreAllowedAndMissingRowsDroppedAndCounted) {
  Rng rng(3);
  std::vector<double> x, y;
  for (int i = 0; i < 40; ++i) {
    x.push_back(i < 8 ? 0.0 : 10000 * rng.uniform());  // 8 periods without spend
    y.push_back(2000 + hill(x.back(), 30000, 4000, 2.5) + 1500 * rng.normal());
  }
  x[10] = kMissingValue;
  y[20] = y[21] = kMissingValue;
  const CurveFit fit = fit_response_curves(small_table(x, y), options_for({"spend"}, CurveShape::Hill));
  EXPECT_EQ(fit.rows_used, 37);
  EXPECT_EQ(fit.rows_dropped, 3);
  ASSERT_FALSE(fit.notes.empty());
  EXPECT_EQ(fit.notes.front(), "3 rows with a missing spend or response dropped");
  EXPECT_GT(fit.r2, 0.8);
  EXPECT_NEAR(fit.base.value, 2000, 1500);  // the zero-spend rows pin the base
}

TEST(ResponseCurveErrors, BadOptions) {
  const Table t = small_table({1, 2, 3, 4, 5, 6}, {1, 2, 3, 4, 5, 7});
  error_of([&] { fit_response_curves(t, options_for({}, CurveShape::Hill)); }, ErrorKind::Usage);
  error_of([&] { fit_response_curves(t, options_for({"response"}, CurveShape::Hill)); }, ErrorKind::Usage);
  error_of([&] { fit_response_curves(t, options_for({"spend", "spend"}, CurveShape::Hill)); }, ErrorKind::Usage);
  auto o = options_for({"spend"}, CurveShape::Hill);
  o.confidence = 1.5;
  error_of([&] { fit_response_curves(t, o); }, ErrorKind::Usage);
  error_of([] { parse_curve_shape("s-curve"); }, ErrorKind::Usage);
  error_of([] { optimal_allocation({Curve{}}, -5); }, ErrorKind::Usage);
}

// ---- budget allocation -------------------------------------------------------------------

TEST(Budget, EqualsTheAnalyticOptimumOfTwoConcaveCurves) {
  // h_c = b_c x / (x + k_c): h_c' = b_c k_c / (x + k_c)^2 = mu gives x_c = sqrt(b_c k_c / mu) - k_c,
  // and sum x_c = B gives sqrt(1 / mu) = (B + k1 + k2) / (sqrt(b1 k1) + sqrt(b2 k2)).
  const double b1 = 50000, k1 = 3000, b2 = 20000, k2 = 1000, B = 8000;
  const double r1 = std::sqrt(b1 * k1), r2 = std::sqrt(b2 * k2);
  const double x1 = (B + k1 + k2) * r1 / (r1 + r2) - k1;
  const auto x = optimal_allocation({Curve{CurveShape::Hill, b1, k1, 1.0}, Curve{CurveShape::Hill, b2, k2, 1.0}}, B);
  EXPECT_NEAR(x[0], x1, 1e-6 * B);
  EXPECT_NEAR(x[1], B - x1, 1e-6 * B);
  EXPECT_NEAR(x[0] + x[1], B, 1e-9 * B);
}

TEST(Budget, SCurvesMatchABruteForceScan) {
  const std::vector<Curve> curves{Curve{CurveShape::Hill, 30000, 4000, 2.5},
                                  Curve{CurveShape::Logistic, 15000, 2000, 0.002}};
  for (double B : {1500.0, 4000.0, 9000.0, 20000.0}) {
    SCOPED_TRACE(B);
    const auto x = optimal_allocation(curves, B);
    double best = -1;
    for (int i = 0; i <= 200000; ++i) {
      const double a = B * i / 200000.0;
      best = std::max(best, curves[0].value(a) + curves[1].value(B - a));
    }
    const double got = curves[0].value(x[0]) + curves[1].value(x[1]);
    EXPECT_GE(got, best - 1e-6 * best);
    EXPECT_NEAR(x[0] + x[1], B, 1e-9 * B);
    if (x[0] > 0 && x[1] > 0) {  // an interior optimum has equal marginal returns
      EXPECT_NEAR(curves[0].marginal(x[0]), curves[1].marginal(x[1]), 1e-6 * curves[0].marginal(x[0]));
    }
  }
}

TEST(Budget, ReportsCurrentAndOptimalAllocations) {
  Rng rng(4);
  std::vector<double> x1, x2, y;
  for (int i = 0; i < 80; ++i) {
    x1.push_back(10000 * rng.uniform());
    x2.push_back(5000 * rng.uniform());
    y.push_back(3000 + hill(x1.back(), 25000, 5000, 2.0) + hill(x2.back(), 10000, 1500, 1.5) + 500 * rng.normal());
  }
  Table t;
  t.columns = {numeric("tv", x1), numeric("web", x2), numeric("response", y)};
  const CurveFit fit = fit_response_curves(t, options_for({"tv", "web"}, CurveShape::Hill, 100));
  const BudgetAllocation a = allocate_budget(fit, 9000);
  EXPECT_NEAR(a.optimal[0] + a.optimal[1], 9000, 1e-6);
  EXPECT_NEAR(a.current_at_budget[0] + a.current_at_budget[1], 9000, 1e-6);
  EXPECT_NEAR(a.current[0], fit.channels[0].mean_spend, 1e-9);
  EXPECT_GE(a.gain, 0.0);
  EXPECT_NEAR(a.predicted_optimal, fit.predict(a.optimal), 1e-9);
  EXPECT_NEAR(a.marginal_at_optimal[0], a.marginal_at_optimal[1], 1e-6 * a.marginal_at_optimal[0]);
  // Over the bootstrap refits: the share in which each channel's next unit at its optimal spend
  // pays, and in which the optimal split beats the current mix (80 clean rows: nearly all).
  ASSERT_EQ(a.pays_at_optimal.size(), 2u);
  for (size_t c = 0; c < 2; ++c) {
    const auto& draws = fit.channels[c].curve_draws;
    ASSERT_EQ(draws.size(), 100u);
    int pays = 0;
    for (const Curve& curve : draws) pays += curve.marginal(a.optimal[c]) > 1.0;
    EXPECT_DOUBLE_EQ(a.pays_at_optimal[c], pays / 100.0);
    // The refits' curves spread around the point estimate's.
    std::vector<double> betas;
    for (const Curve& curve : draws) betas.push_back(curve.beta);
    std::sort(betas.begin(), betas.end());
    EXPECT_LT(betas[5], fit.channels[c].curve.beta);
    EXPECT_GT(betas[94], fit.channels[c].curve.beta);
  }
  EXPECT_GT(a.optimal_beats_current_share, 0.9);
  EXPECT_LE(a.optimal_beats_current_share, 1.0);
  // One channel: one split, nothing to compare.
  const CurveFit one = fit_response_curves(t, options_for({"tv"}, CurveShape::Hill, 20));
  EXPECT_TRUE(std::isnan(allocate_budget(one, 9000).optimal_beats_current_share));
}

// ---- adstock -----------------------------------------------------------------------------

Table adstock_series(double lambda, int n, uint64_t seed, bool shuffle) {
  Rng rng(seed);
  std::vector<double> x, y, t;
  double carried = 0;
  for (int i = 0; i < n; ++i) {
    const double spend = rng.uniform() < 0.2 ? 0.0 : 6000 * rng.uniform();
    carried = spend + lambda * carried;
    x.push_back(spend);
    y.push_back(1000 + hill(carried, 20000, 5000, 2.0) + 300 * rng.normal());
    t.push_back(i);
  }
  if (shuffle)
    for (int i = n - 1; i > 0; --i) {
      const auto j = static_cast<size_t>(rng.below(static_cast<uint64_t>(i + 1)));
      std::swap(x[static_cast<size_t>(i)], x[j]);
      std::swap(y[static_cast<size_t>(i)], y[j]);
      std::swap(t[static_cast<size_t>(i)], t[j]);
    }
  Table table;
  table.columns = {numeric("spend", x), numeric("response", y), numeric("week", t)};
  return table;
}

TEST(Adstock, RecoversAKnownDecay) {
  for (double lambda : {0.3, 0.6}) {
    SCOPED_TRACE(lambda);
    CurveOptions o = options_for({"spend"}, CurveShape::Hill, 200);
    o.adstock = Adstock::Geometric;
    o.time = "week";
    const CurveFit fit = fit_response_curves(adstock_series(lambda, 100, 17, true), o);
    const Estimate& l = fit.channels[0].parameters[3];
    EXPECT_EQ(l.name, "lambda");
    EXPECT_NEAR(l.value, lambda, 0.05);
    EXPECT_LE(l.low, lambda);
    EXPECT_GE(l.high, lambda);
    const Estimate& k = fit.channels[0].parameters[1];  // on the adstocked spend, as generated
    EXPECT_LE(k.low, 5000);
    EXPECT_GE(k.high, 5000);
    // Rows out of order with a time column fit exactly like rows in order.
    o.time.clear();
    o.bootstrap = 0;
    const CurveFit ordered = fit_response_curves(adstock_series(lambda, 100, 17, false), o);
    EXPECT_NEAR(ordered.channels[0].adstock, l.value, 1e-6);
  }
}

// ---- the bundled example and the report -------------------------------------------------

TEST(ResponseCurve, RoiCsv) {
  CurveOptions o;
  o.spend = {"Google ads"};
  o.response = "MRR (Monthly Recurring Revenue)";
  o.shape = CurveShape::Hill;
  o.kind = ResponseKind::Flow;
  o.adstock = Adstock::None;
  o.trend = Trend::None;
  const Table table = read_curve_csv(data_path("ROI.csv"), o);
  const CurveReport report = analyse_response(table, nullptr, o);
  const auto& ref = oracle().at("cases").at(5);
  ASSERT_EQ(ref.at("name"), "roi_hill");
  EXPECT_NEAR(report.real.r2, ref.at("r2").get<double>(), 1e-6);
  std::printf("%s", format_report(report).c_str());
  o.shape = CurveShape::Auto;
  o.adstock = Adstock::Geometric;
  std::printf("%s", format_report(analyse_response(table, nullptr, o, 6000.0)).c_str());
}

TEST(CurveReport, SyntheticRowsBesideRealOnes) {
  const Truth truth{CurveShape::Hill, 2000, 30000, 4000, 2.5, 1500};
  const Table real = simulate(truth, 30, 1);
  const Table synthetic = simulate(truth, 1000, 2);
  CurveOptions o = options_for({"spend"}, CurveShape::Hill, 200);
  const CurveReport report = analyse_response(real, &synthetic, o, 5000.0);
  ASSERT_TRUE(report.synthetic.has_value());
  EXPECT_EQ(report.synthetic->rows_used, 1000);
  ASSERT_EQ(report.interval_ratios.size(), 6u);
  for (const auto& r : report.interval_ratios) {
    EXPECT_NEAR(r.ratio, r.synthetic_width / r.real_width, 1e-12);
    EXPECT_LT(r.ratio, 1.0) << r.parameter;  // 1000 rows pin the curve down far better than 30
  }
  const nlohmann::json json = to_json(report);
  EXPECT_EQ(json.at("real").at("shape"), "hill");
  EXPECT_EQ(json.at("synthetic").at("rows_used"), 1000);
  EXPECT_EQ(json.at("interval_width_ratios").size(), 6u);
  EXPECT_TRUE(json.at("budget").contains("gain"));
  // One candidate: nothing to cross-validate, and NaN is written as null.
  EXPECT_TRUE(json.at("real").at("candidates").at(0).at("cv_rmse").is_null());
  const std::string text = format_report(report);
  EXPECT_NE(text.find("Synthetic rows"), std::string::npos);
  EXPECT_NE(text.find("Budget 5000"), std::string::npos);
}

}  // namespace
}  // namespace synthtab::marketing
