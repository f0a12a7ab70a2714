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

CurveOptions options_for(std::vector<std::string> spend, CurveShape shape, int bootstrap = 0) {
  CurveOptions o;
  o.spend = std::move(spend);
  o.response = "response";
  o.shape = shape;
  o.bootstrap = bootstrap;
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
      EXPECT_NEAR(fit.channels[j].saturation, ref.at("beta").get<double>(),
                  1e-3 * ref.at("beta").get<double>());
    }
  }
}

}  // namespace
}  // namespace synthtab::marketing
