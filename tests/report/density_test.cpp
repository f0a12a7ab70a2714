// The report's chart helpers against NumPy / SciPy (tests/data/gen_report_density_oracle.py).
#include <gtest/gtest.h>

#include <cmath>
#include <nlohmann/json.hpp>

#include "support/point_clouds.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/report/density.hpp"

namespace synthtab::report {
namespace {

std::vector<double> doubles(const nlohmann::json& j) { return j.get<std::vector<double>>(); }

void expect_near_all(const std::vector<double>& got, const std::vector<double>& want, double rel,
                     const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  for (size_t i = 0; i < got.size(); ++i)
    EXPECT_NEAR(got[i], want[i], rel * std::max(1e-300, std::fabs(want[i])) + 1e-300) << what << " at " << i;
}

TEST(ReportDensity, MatchesScipyAndNumpy) {
  const auto oracle = testing::read_oracle("report_density_oracle.json");
  ASSERT_GE(oracle["cases"].size(), 5u);
  for (const auto& c : oracle["cases"]) {
    const std::string name = c["name"];
    const std::vector<double> values = doubles(c["values"]);
    const std::vector<double> grid = linspace(c["lo"], c["hi"], c["points"]);
    expect_near_all(grid, doubles(c["grid"]), 1e-15, name + " linspace");
    const auto bandwidth = scott_bandwidth(values);
    ASSERT_TRUE(bandwidth.has_value()) << name;
    EXPECT_NEAR(*bandwidth, c["bandwidth"].get<double>(), 1e-12 * c["bandwidth"].get<double>()) << name;
    expect_near_all(gaussian_kde(values, grid), doubles(c["kde"]), 1e-10, name + " kde");
    expect_near_all(gaussian_kde(values, grid, 2.0 * *bandwidth), doubles(c["kde_wide"]), 1e-10,
                    name + " kde, given bandwidth");
    expect_near_all(equal_edges(c["lo"], c["hi"], c["bins"]), doubles(c["equal_edges"]), 1e-15, name + " equal edges");
    const Histogram h = histogram(values, doubles(c["edges"]));
    EXPECT_EQ(h.counts, c["hist_counts"].get<std::vector<int64_t>>()) << name;
    expect_near_all(h.density, doubles(c["hist_density"]), 1e-13, name + " density");
  }
  const auto& k = oracle["constant"];
  expect_near_all(equal_edges(k["lo"], k["hi"], k["bins"]), doubles(k["equal_edges"]), 0, "constant");
}

TEST(ReportDensity, DegenerateInputsGiveNoCurve) {
  const std::vector<double> grid = {0.0, 1.0};
  EXPECT_TRUE(gaussian_kde(std::vector<double>{3.0, 3.0, 3.0}, grid).empty());  // SciPy raises here
  EXPECT_TRUE(gaussian_kde(std::vector<double>{3.0}, grid).empty());
  EXPECT_TRUE(gaussian_kde(std::vector<double>{}, grid).empty());
  // Missing values are left out first.
  const std::vector<double> with_nan = {1.0, NAN, 2.0, 4.0};
  const std::vector<double> without = {1.0, 2.0, 4.0};
  EXPECT_EQ(gaussian_kde(with_nan, grid), gaussian_kde(without, grid));
  const Histogram h = histogram(with_nan, {0.0, 2.0, 4.0});
  EXPECT_EQ(h.counts, (std::vector<int64_t>{1, 2}));  // 2 and 4 go right; 4 closes the last bin
  EXPECT_THROW(histogram(without, {1.0}), Error);
  EXPECT_THROW(linspace(0, 1, 1), Error);
}

TEST(ReportDensity, ThinningIsDeterministicAndUniform) {
  const auto all = thin_indexes(10, 20, 1);
  EXPECT_EQ(all.size(), 10u);
  EXPECT_EQ(all.front(), 0);
  EXPECT_EQ(all.back(), 9);
  const auto a = thin_indexes(100000, 2000, 7), b = thin_indexes(100000, 2000, 7), c = thin_indexes(100000, 2000, 8);
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
  ASSERT_EQ(a.size(), 2000u);
  EXPECT_TRUE(std::is_sorted(a.begin(), a.end()));
  EXPECT_EQ(std::adjacent_find(a.begin(), a.end()), a.end());  // no index twice
  // A uniform subset: about a fifth of the picks fall in each fifth of the range.
  for (int part = 0; part < 5; ++part) {
    const auto n = std::count_if(a.begin(), a.end(), [&](int64_t i) { return i / 20000 == part; });
    EXPECT_NEAR(static_cast<double>(n), 400.0, 80.0) << part;
  }
}

}  // namespace
}  // namespace synthtab::report
