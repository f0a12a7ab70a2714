#include "synthtab/eval/two_sample_tests.hpp"
#include "synthtab/eval/kolmogorov.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <fstream>
#include <limits>
#include <nlohmann/json.hpp>
#include <random>
#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab::eval {
namespace {

// SciPy 1.10.1's values on generated cases (tests/data/gen_two_sample_oracle.py).
const nlohmann::json& two_sample_tests_oracle() {
  static const nlohmann::json json = [] {
    std::ifstream in(testing::data_path("two_sample_oracle.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

// A case names {"sample": name, "len": n}: the first n values of a stored sample.
std::vector<double> input(const nlohmann::json& ref) {
  const auto& all = two_sample_tests_oracle().at("samples").at(ref.at("sample").get<std::string>());
  const size_t n = ref.at("len").get<size_t>();
  std::vector<double> out;
  out.reserve(n);
  for (size_t i = 0; i < n; ++i) out.push_back(all.at(i).get<double>());
  return out;
}

std::string describe(const nlohmann::json& c) {
  std::string s;
  for (const char* key : {"a", "b", "x", "y"})
    if (c.contains(key))
      s += std::string(key) + "=" + c.at(key).at("sample").get<std::string>() + "[" +
           std::to_string(c.at(key).at("len").get<size_t>()) + "] ";
  return s;
}

// Relative 1e-6; a zero expectation must be met to 1e-12 absolute.
void expect_close(double ours, double expected, const std::string& what) {
  if (std::isinf(expected)) {
    EXPECT_EQ(ours, expected) << what;
    return;
  }
  EXPECT_NEAR(ours, expected, std::max(1e-6 * std::fabs(expected), 1e-12)) << what;
}

// p-values: relative 1e-6 while SciPy's value is above 1e-200; below that both must be tiny
// (neither implementation is meant to be accurate that far into the tail).
void expect_pvalue(double ours, double expected, const std::string& what) {
  if (expected > 1e-200)
    EXPECT_NEAR(ours, expected, 1e-6 * expected) << what;
  else
    EXPECT_LE(ours, 1e-190) << what << " (SciPy " << expected << ")";
}

TEST(TwoSampleTests, OracleHasEnoughCases) {
  const auto& o = two_sample_tests_oracle();
  size_t cases = 0;
  for (const char* key : {"ks", "welch", "mwu", "wilcoxon", "chi2_homogeneity", "chi2_goodness"})
    cases += o.at(key).size();
  EXPECT_GE(cases, 60u);
  EXPECT_GE(o.at("kstwo_sf").size(), 300u);
}

TEST(TwoSampleTests, KsEqualsScipy) {
  int exact = 0, asymptotic = 0;
  for (const auto& c : two_sample_tests_oracle().at("ks")) {
    const auto a = input(c.at("a")), b = input(c.at("b"));
    const TestResult r = ks_2samp(a, b);
    const std::string what = "ks " + describe(c);
    expect_close(r.statistic, c.at("statistic").get<double>(), what);
    expect_pvalue(r.pvalue, c.at("pvalue").get<double>(), what);
    EXPECT_EQ(r.method, c.at("exact").get<bool>() ? "exact" : "asymptotic") << what;
    (r.method == "exact" ? exact : asymptotic)++;
  }
  EXPECT_GE(exact, 20);
  EXPECT_GE(asymptotic, 10);
}

TEST(TwoSampleTests, KolmogorovDistributionsEqualScipy) {
  for (const auto& c : two_sample_tests_oracle().at("kstwo_sf")) {
    const int64_t n = c.at("n").get<int64_t>();
    const double x = c.at("x").get<double>();
    expect_pvalue(kolmogorov_finite_sf(n, x), c.at("sf").get<double>(),
                  "kstwo.sf n=" + std::to_string(n) + " x=" + std::to_string(x));
  }
  for (const auto& c : two_sample_tests_oracle().at("kolmogorov_sf")) {
    const double x = c.at("x").get<double>();
    expect_pvalue(kolmogorov_sf(x), c.at("sf").get<double>(), "kolmogorov x=" + std::to_string(x));
  }
  for (const auto& c : two_sample_tests_oracle().at("smirnov_sf")) {
    const int64_t n = c.at("n").get<int64_t>();
    const double d = c.at("d").get<double>();
    expect_pvalue(smirnov_sf(n, d), c.at("sf").get<double>(),
                  "smirnov n=" + std::to_string(n) + " d=" + std::to_string(d));
  }
}

TEST(TwoSampleTests, WelchEqualsScipy) {
  for (const auto& c : two_sample_tests_oracle().at("welch")) {
    const auto a = input(c.at("a")), b = input(c.at("b"));
    const TestResult r = welch_ttest(a, b);
    const std::string what = "welch " + describe(c);
    expect_close(r.statistic, c.at("statistic").get<double>(), what);
    expect_pvalue(r.pvalue, c.at("pvalue").get<double>(), what);
    expect_close(r.dof, c.at("df").get<double>(), what);
    EXPECT_EQ(r.method.rfind("exact", 0), 0u) << what;
  }
}

TEST(TwoSampleTests, MannWhitneyEqualsScipy) {
  int exact = 0;
  for (const auto& c : two_sample_tests_oracle().at("mwu")) {
    const auto a = input(c.at("a")), b = input(c.at("b"));
    const TestResult r = mann_whitney_u(a, b);
    const std::string what = "mwu " + describe(c);
    expect_close(r.statistic, c.at("statistic").get<double>(), what);
    expect_pvalue(r.pvalue, c.at("pvalue").get<double>(), what);
    const bool is_exact = r.method == "exact";
    EXPECT_EQ(is_exact, c.at("exact").get<bool>()) << what << " " << r.method;
    exact += is_exact;
  }
  EXPECT_GE(exact, 8);
}

TEST(TwoSampleTests, WilcoxonEqualsScipy) {
  int exact = 0;
  for (const auto& c : two_sample_tests_oracle().at("wilcoxon")) {
    const auto x = input(c.at("x")), y = input(c.at("y"));
    const TestResult r = wilcoxon_signed_rank(x, y);
    const std::string what = "wilcoxon " + describe(c);
    expect_close(r.statistic, c.at("statistic").get<double>(), what);
    expect_pvalue(r.pvalue, c.at("pvalue").get<double>(), what);
    EXPECT_EQ(r.method, c.at("exact").get<bool>() ? "exact" : "asymptotic") << what;
    exact += r.method == "exact";
  }
  EXPECT_GE(exact, 5);
}

TEST(TwoSampleTests, ChiSquareHomogeneityEqualsScipy) {
  for (const auto& c : two_sample_tests_oracle().at("chi2_homogeneity")) {
    const auto r = c.at("real").get<std::vector<double>>(), s = c.at("synthetic").get<std::vector<double>>();
    const TestResult t = chi_square_homogeneity(r, s);
    const std::string what = "chi2_contingency " + c.at("real").dump() + c.at("synthetic").dump();
    expect_close(t.statistic, c.at("statistic").get<double>(), what);
    expect_pvalue(t.pvalue, c.at("pvalue").get<double>(), what);
    EXPECT_EQ(t.dof, c.at("dof").get<double>()) << what;
    EXPECT_EQ(t.method.find("Yates") != std::string::npos, t.dof == 1) << what;
  }
}

TEST(TwoSampleTests, ChiSquareGoodnessEqualsScipy) {
  for (const auto& c : two_sample_tests_oracle().at("chi2_goodness")) {
    const auto o = c.at("observed").get<std::vector<double>>(), p = c.at("probabilities").get<std::vector<double>>();
    const TestResult t = chi_square_goodness(o, p);
    const std::string what = "chisquare " + c.at("observed").dump() + c.at("probabilities").dump();
    expect_close(t.statistic, c.at("statistic").get<double>(), what);
    expect_pvalue(t.pvalue, c.at("pvalue").get<double>(), what);
    EXPECT_EQ(t.dof, c.at("dof").get<double>()) << what;
  }
}

// ---- edge cases ------------------------------------------------------------------------------

template <typename F>
void expect_input_error(F&& f, const std::string& needle) {
  try {
    f();
    ADD_FAILURE() << "no error; expected one mentioning '" << needle << "'";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();
    EXPECT_NE(std::string(e.what()).find(needle), std::string::npos) << e.what();
  }
}

TEST(TwoSampleTests, EmptyOrNonFiniteSamplesAreRefused) {
  const std::vector<double> some{1.0, 2.0, 3.0}, none;
  const std::vector<double> with_nan{1.0, std::numeric_limits<double>::quiet_NaN()};
  expect_input_error([&] { ks_2samp(none, some); }, "empty");
  expect_input_error([&] { ks_2samp(some, none); }, "empty");
  expect_input_error([&] { welch_ttest(none, some); }, "empty");
  expect_input_error([&] { mann_whitney_u(some, none); }, "empty");
  expect_input_error([&] { wilcoxon_signed_rank(none, none); }, "empty");
  expect_input_error([&] { ks_2samp(with_nan, some); }, "not finite");
  expect_input_error([&] { mann_whitney_u(some, with_nan); }, "missing values");
}

TEST(TwoSampleTests, TTestNeedsTwoValuesPerSample) {
  const std::vector<double> one{1.0}, some{1.0, 2.0, 3.0};
  expect_input_error([&] { welch_ttest(one, some); }, "at least 2");
  expect_input_error([&] { welch_ttest(some, one); }, "at least 2");
}

TEST(TwoSampleTests, TTestOnConstantSamplesSaysWhy) {
  const std::vector<double> two{2.0, 2.0, 2.0}, also_two{2.0, 2.0}, five{5.0, 5.0, 5.0, 5.0};
  // SciPy: nan, nan.
  const TestResult same = welch_ttest(two, also_two);
  EXPECT_TRUE(std::isnan(same.statistic));
  EXPECT_TRUE(std::isnan(same.pvalue));
  EXPECT_EQ(same.method.rfind("undefined:", 0), 0u) << same.method;
  // SciPy: -inf, 0.0.
  const TestResult differ = welch_ttest(two, five);
  EXPECT_EQ(differ.statistic, -std::numeric_limits<double>::infinity());
  EXPECT_EQ(differ.pvalue, 0.0);
  EXPECT_EQ(differ.method.rfind("degenerate:", 0), 0u) << differ.method;
}

TEST(TwoSampleTests, WilcoxonEdgeCases) {
  const std::vector<double> x{1.0, 2.0, 3.0}, y{1.0, 2.0};
  expect_input_error([&] { wilcoxon_signed_rank(x, y); }, "differ in length");
  expect_input_error([&] { wilcoxon_signed_rank(x, x); }, "every difference");
}

TEST(TwoSampleTests, ChiSquareEdgeCases) {
  const std::vector<double> real{10, 0, 5}, empty{0, 0, 0}, two{1, 2};
  expect_input_error([&] { chi_square_homogeneity(real, empty); }, "synthetic column has no counts");
  EXPECT_THROW(chi_square_homogeneity(real, two), Error);
  const std::vector<double> negative{1, -1, 3};
  expect_input_error([&] { chi_square_homogeneity(real, negative); }, "non-negative");
  // A single category left after dropping the both-zero ones: SciPy's dof-0 case.
  const std::vector<double> a{0, 7, 0}, b{0, 3, 0};
  const TestResult one = chi_square_homogeneity(a, b);
  EXPECT_EQ(one.statistic, 0.0);
  EXPECT_EQ(one.pvalue, 1.0);
  EXPECT_EQ(one.dof, 0.0);
  // Counts where the expected probability is 0: SciPy's statistic is inf.
  const std::vector<double> obs{5, 1}, probs{1.0, 0.0};
  const TestResult inf = chi_square_goodness(obs, probs);
  EXPECT_TRUE(std::isinf(inf.statistic));
  EXPECT_EQ(inf.pvalue, 0.0);
  EXPECT_EQ(inf.method.rfind("degenerate:", 0), 0u);
  expect_input_error([&] { chi_square_goodness(empty, real); }, "no observed counts");
}

TEST(TwoSampleTests, IdenticalSamplesGivePValueOne) {
  const std::vector<double> a{0.3, 1.7, 2.2, 5.0, 5.0, 9.1};
  EXPECT_EQ(ks_2samp(a, a).pvalue, 1.0);
  EXPECT_EQ(ks_2samp(a, a).statistic, 0.0);
  EXPECT_EQ(mann_whitney_u(a, a).pvalue, 1.0);
  EXPECT_EQ(welch_ttest(a, a).pvalue, 1.0);
}

// The per-column tests must stay cheap on realistic sizes (they are sort-based).
TEST(TwoSampleTests, LargeSamplesAreFast) {
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> a(20000), b(20000), c(2000);
  for (auto& v : a) v = normal(gen);
  for (auto& v : b) v = normal(gen) + 0.01;
  for (auto& v : c) v = normal(gen);
  const auto start = std::chrono::steady_clock::now();
  const TestResult ks = ks_2samp(a, c);
  const TestResult mwu = mann_whitney_u(a, b);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(ks.method, "asymptotic");
  EXPECT_EQ(mwu.method, "asymptotic");
  EXPECT_GT(ks.pvalue, 0.0);
  EXPECT_GT(mwu.pvalue, 0.0);
  // Milliseconds in a release build; generous for sanitizer builds on a shared machine.
  EXPECT_LT(seconds, 1.0);
}

}  // namespace
}  // namespace synthtab::eval
