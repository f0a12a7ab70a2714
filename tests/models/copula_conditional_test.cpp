// The copula's rows drawn given values, against the Gaussian-copula formula computed here by
// quadrature from the training values (an independent path: no sampling, none of the model's
// own marginal code).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/gaussian_copula.hpp"

namespace synthtab {
namespace {

constexpr double kPi = 3.14159265358979323846;

double phi(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2 * kPi); }
double big_phi(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double big_phi_inverse(double p) {
  double lo = -40, hi = 40;
  for (int i = 0; i < 200; ++i) (big_phi(0.5 * (lo + hi)) < p ? lo : hi) = 0.5 * (lo + hi);
  return 0.5 * (lo + hi);
}

// Hazen-interpolated quantile of sorted training values, and its inverse.
double hazen_quantile(const std::vector<double>& sorted, double u) {
  const double n = static_cast<double>(sorted.size());
  const double position = std::clamp(u * n - 0.5, 0.0, n - 1);
  const auto lo = static_cast<size_t>(position);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (position - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}
double hazen_share(const std::vector<double>& sorted, double x) {
  const auto hi = static_cast<size_t>(std::upper_bound(sorted.begin(), sorted.end(), x) - sorted.begin());
  const size_t lo = hi - 1;
  const double position = static_cast<double>(lo) + (x - sorted[lo]) / (sorted[hi] - sorted[lo]);
  return (position + 0.5) / static_cast<double>(sorted.size());
}

// x skewed, y bounded, both driven by z1; c a code in {-1, 0, 1} cut from z1 as well.
Matrix conditional_table(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  Matrix m(rows, 3);
  for (int64_t r = 0; r < rows; ++r) {
    const double z1 = rng.normal(), z2 = rng.normal();
    m(r, 0) = static_cast<float>(std::exp(0.8 * z1 + 0.6 * rng.normal()));
    m(r, 1) = static_cast<float>(std::tanh(0.5 * (0.7 * z1 + 0.71 * z2)));
    m(r, 2) = z1 < -0.3 ? -1.0F : z1 < 0.6 ? 0.0F : 1.0F;
  }
  return m;
}

std::vector<ModelColumn> conditional_layout() {
  return {{ModelColumnKind::Continuous, 0, "x"},
          {ModelColumnKind::Continuous, 0, "y"},
          {ModelColumnKind::Categorical, 3, "c"}};
}

std::vector<double> sorted_column(const Matrix& m, int64_t c) {
  std::vector<double> v;
  for (int64_t r = 0; r < m.rows; ++r) v.push_back(m(r, c));
  std::sort(v.begin(), v.end());
  return v;
}

// E[g(Y)] for the latent score of Y normal with `mean` and `sd`: a trapezoid rule on +-9 sd.
template <typename G>
double latent_expectation(const std::vector<double>& y_sorted, double mean, double sd, G g) {
  constexpr int kSteps = 4000;
  double sum = 0.0;
  const double step = 18.0 / kSteps;
  for (int i = 0; i <= kSteps; ++i) {
    const double t = -9.0 + i * step;
    const double weight = (i == 0 || i == kSteps ? 0.5 : 1.0) * phi(t) * step;
    sum += weight * g(hazen_quantile(y_sorted, big_phi(mean + sd * t)));
  }
  return sum;
}

struct Moments {
  double mean = 0.0, variance = 0.0;
};

Moments column_moments(const Matrix& m, int64_t c) {
  Moments out;
  for (int64_t r = 0; r < m.rows; ++r) out.mean += m(r, c);
  out.mean /= static_cast<double>(m.rows);
  for (int64_t r = 0; r < m.rows; ++r) out.variance += (m(r, c) - out.mean) * (m(r, c) - out.mean);
  out.variance /= static_cast<double>(m.rows - 1);
  return out;
}

GaussianCopula fitted_conditional_copula(const Matrix& data) {
  GaussianCopula copula;
  FitOptions options;
  options.seed = 3;
  copula.fit(data, conditional_layout(), options);
  return copula;
}

TEST(CopulaConditional, AContinuousValueGivesTheConditionalNormalsMoments) {
  const Matrix data = conditional_table(400, 11);
  const GaussianCopula copula = fitted_conditional_copula(data);
  const std::vector<double> x = sorted_column(data, 0), y = sorted_column(data, 1);
  const double rho = copula.correlation()[0 * 3 + 1];
  ASSERT_GT(rho, 0.3);
  for (double share : {0.2, 0.5, 0.85}) {
    const double given = hazen_quantile(x, share);
    // Y's latent score given X's: normal with mean rho z_x and variance 1 - rho^2.
    const double z = big_phi_inverse(hazen_share(x, given));
    const double sd = std::sqrt(1 - rho * rho);
    const double mean = latent_expectation(y, rho * z, sd, [](double v) { return v; });
    const double variance = latent_expectation(y, rho * z, sd, [&](double v) { return (v - mean) * (v - mean); });
    const int64_t n = 40000;
    const Matrix rows = copula.sample_given(0, n, 7, {{0, static_cast<float>(given)}});
    for (int64_t r = 0; r < n; ++r) ASSERT_EQ(rows(r, 0), static_cast<float>(given));
    const Moments drawn = column_moments(rows, 1);
    EXPECT_NEAR(drawn.mean, mean, 4 * std::sqrt(variance / n)) << "x at its " << share << " quantile";
    EXPECT_NEAR(drawn.variance, variance, 4 * variance * std::sqrt(2.0 / n)) << "x at its " << share << " quantile";
    // Away from x's median, far beyond the noise from the unconditional mean, so the test can fail.
    if (share == 0.5) continue;
    const Moments free = column_moments(copula.sample(0, n, 7), 1);
    EXPECT_GT(std::abs(free.mean - mean), 10 * std::sqrt(variance / n));
  }
}

TEST(CopulaConditional, ADiscreteValueGivesTheTruncatedNormalsMoments) {
  const Matrix data = conditional_table(400, 12);
  const GaussianCopula copula = fitted_conditional_copula(data);
  const std::vector<double> c = sorted_column(data, 2), y = sorted_column(data, 1);
  const double rho = copula.correlation()[2 * 3 + 1];
  const double n_rows = static_cast<double>(c.size());
  const double below = static_cast<double>(std::lower_bound(c.begin(), c.end(), 0.0) - c.begin()) / n_rows;
  const double through = static_cast<double>(std::upper_bound(c.begin(), c.end(), 0.0) - c.begin()) / n_rows;
  // c = 0 holds the latent score of c in [Phi^-1(below), Phi^-1(through)]: E[Y] over that
  // truncated normal, then Y's latent given it.
  const double low = big_phi_inverse(below), high = big_phi_inverse(through);
  const double sd = std::sqrt(1 - rho * rho);
  constexpr int kSteps = 2000;
  double mass = 0.0, mean = 0.0, square = 0.0;
  for (int i = 0; i <= kSteps; ++i) {
    const double z = low + (high - low) * i / kSteps;
    const double w = (i == 0 || i == kSteps ? 0.5 : 1.0) * phi(z) * (high - low) / kSteps;
    mass += w;
    mean += w * latent_expectation(y, rho * z, sd, [](double v) { return v; });
    square += w * latent_expectation(y, rho * z, sd, [](double v) { return v * v; });
  }
  mean /= mass;
  const double variance = square / mass - mean * mean;
  const int64_t n = 40000;
  const Matrix rows = copula.sample_given(0, n, 9, {{2, 0.0F}});
  for (int64_t r = 0; r < n; ++r) ASSERT_EQ(rows(r, 2), 0.0F);
  const Moments drawn = column_moments(rows, 1);
  EXPECT_NEAR(drawn.mean, mean, 4 * std::sqrt(variance / n));
  EXPECT_NEAR(drawn.variance, variance, 4 * variance * std::sqrt(2.0 / n));
}

TEST(CopulaConditional, RowsDependOnlyOnTheSeedAndTheirIndex) {
  const Matrix data = conditional_table(200, 13);
  const GaussianCopula copula = fitted_conditional_copula(data);
  const std::vector<GivenValue> given = {{2, 1.0F}, {0, static_cast<float>(sorted_column(data, 0)[120])}};
  const Matrix whole = copula.sample_given(0, 100, 5, given);
  const Matrix tail = copula.sample_given(60, 40, 5, given);
  for (int64_t r = 0; r < 40; ++r)
    for (int64_t c = 0; c < 3; ++c) EXPECT_EQ(whole(60 + r, c), tail(r, c));
  const Matrix other = copula.sample_given(0, 100, 6, given);
  EXPECT_NE(whole(0, 1), other(0, 1));
}

TEST(CopulaConditional, RefusesValuesItCannotHold) {
  const Matrix data = conditional_table(200, 14);
  const GaussianCopula copula = fitted_conditional_copula(data);
  const std::vector<double> x = sorted_column(data, 0);
  EXPECT_THROW(copula.sample_given(0, 1, 1, {{0, static_cast<float>(x.back() * 2)}}), Error);  // beyond the values
  EXPECT_THROW(copula.sample_given(0, 1, 1, {{2, 0.5F}}), Error);                              // not a category
  EXPECT_THROW(copula.sample_given(0, 1, 1, {{3, 0.0F}}), Error);                              // no such column
  EXPECT_THROW(copula.sample_given(0, 1, 1, {{2, 0.0F}, {2, 1.0F}}), Error);                   // held twice
  EXPECT_TRUE(copula.can_condition());
}

}  // namespace
}  // namespace synthtab
