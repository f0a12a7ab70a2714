// Coverage of the next-dollar return's interval on monthly data simulated with a known trend,
// seasonality, adstock and Hill curve: 200 data sets each of 24 and 60 months. A statistical study
// of ~25 s: it runs in the Release suite and is skipped under AddressSanitizer, where it would take
// minutes and test no memory access the other curve tests do not.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "marketing/curve_tables.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/marketing/response_curve.hpp"
#include "synthtab/table/value_parse.hpp"
#include "transform/column_builders.hpp"

namespace synthtab::marketing {
namespace {

using synthtab::testing::fix_monthly_model;
using synthtab::testing::numeric_column;

struct MonthlyTruth {
  double base = 2000.0, trend = 30.0, season = 300.0;  // season: amplitude of sin(2 pi month / 12)
  double beta = 5000.0, k = 3000.0, a = 2.0, lambda = 0.5, noise = 200.0;
  // The steady-state next-dollar return at spend x: dh/dx of beta x^a / (x^a + k^a).
  double marginal(double x) const {
    const double xa = std::pow(x, a), ka = std::pow(k, a);
    return beta * a * std::pow(x, a - 1.0) * ka / ((xa + ka) * (xa + ka));
  }
};

// Monthly rows from January 2020: y = base + trend t + season sin + beta hill((1 - lambda) a_t) + noise.
Table simulate_months(const MonthlyTruth& truth, int months, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> date, spend, revenue;
  double carried = 0.0;
  for (int t = 0; t < months; ++t) {
    const double x = 500.0 + 5500.0 * rng.uniform();
    carried = x + truth.lambda * carried;
    const double level = (1.0 - truth.lambda) * carried;
    const double curve =
        truth.beta * std::pow(level, truth.a) / (std::pow(level, truth.a) + std::pow(truth.k, truth.a));
    const double month = t % 12;
    revenue.push_back(truth.base + truth.trend * t + truth.season * std::sin(2.0 * M_PI * month / 12.0) + curve +
                      truth.noise * rng.normal());
    spend.push_back(x);
    date.push_back(static_cast<double>(days_from_civil(2020 + t / 12, t % 12 + 1, 1)) * 86400.0);
  }
  Table table;
  table.columns = {numeric_column("date", ColumnType::Datetime, date),
                   numeric_column("spend", ColumnType::Float, spend),
                   numeric_column("revenue", ColumnType::Float, revenue)};
  return table;
}

struct ReturnCoverage {
  double share = 0.0;  // of data sets whose 90 % interval holds the true return
  double median_lambda = 0.0;
  double median_trend = 0.0;
  double median_return_ratio = 0.0;  // estimate / truth
};

ReturnCoverage return_coverage(const MonthlyTruth& truth, int months, int data_sets) {
  CurveOptions o;
  o.spend = {"spend"};
  o.response = "revenue";
  o.time = "date";
  fix_monthly_model(o);
  o.bootstrap = 200;
  o.confidence = 0.9;
  int hits = 0;
  std::vector<double> lambdas, trends, ratios;
  for (int s = 0; s < data_sets; ++s) {
    o.seed = 100 + static_cast<uint64_t>(s);
    const CurveFit fit = fit_response_curves(simulate_months(truth, months, 5000 + static_cast<uint64_t>(s)), o);
    const ChannelFit& ch = fit.channels[0];
    const double true_return = truth.marginal(ch.mean_spend);
    hits += ch.unit_return.low <= true_return && true_return <= ch.unit_return.high;
    lambdas.push_back(ch.adstock);
    trends.push_back(fit.baseline[0].value);
    ratios.push_back(ch.unit_return.value / true_return);
  }
  auto median = [](std::vector<double> v) {
    std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
    return v[v.size() / 2];
  };
  return {static_cast<double>(hits) / data_sets, median(lambdas), median(trends), median(ratios)};
}

void check_coverage(int months) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "a statistical study: run in the Release suite";
#endif
  const MonthlyTruth truth;
  const ReturnCoverage c = return_coverage(truth, months, 200);
  std::printf(
      "%d months: 90 %% interval covers the true next-dollar return in %.1f %% of 200 data sets; median "
      "lambda %.3f, trend %.1f, return / truth %.3f\n",
      months, 100.0 * c.share, c.median_lambda, c.median_trend, c.median_return_ratio);
  EXPECT_GE(c.share, 0.85);
  EXPECT_LE(c.share, 0.95);
  EXPECT_NEAR(c.median_lambda, truth.lambda, 0.05);
  EXPECT_NEAR(c.median_trend, truth.trend, 0.2 * truth.trend);
  EXPECT_NEAR(c.median_return_ratio, 1.0, 0.15);
}

TEST(CurveCoverage, TwentyFourMonths) { check_coverage(24); }

TEST(CurveCoverage, SixtyMonths) { check_coverage(60); }

}  // namespace
}  // namespace synthtab::marketing
