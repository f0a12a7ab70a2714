#pragma once
// The normal scale under the Gaussian copula: the normal distribution, the bivariate normal
// probability and the tetrachoric correlation of two binary columns, and a discrete column's
// values as intervals of the normal scale (which shrink its correlations by a known factor).
#include <vector>

namespace synthtab {

// Latent correlations are kept inside +-this: a correlation of exactly 1 makes the factor singular.
inline constexpr double kMaxCorrelation = 0.999;

double normal_cdf(double z);
double normal_quantile(double p);
double normal_pdf(double z);
// P(X < a, Y < b) for standard normals with correlation rho (|rho| < 1).
double bivariate_normal_cdf(double a, double b, double rho);
// The latent normal correlation (within +-kMaxCorrelation) under which two binary columns,
// thresholded at their shares p_a, p_b of the lower value, are both low with probability p_both.
double tetrachoric(double p_a, double p_b, double p_both);

// A discrete column's value (grouped, one run per value) as an interval of the normal scale:
// its share of the rows and the mean of a standard normal over its interval.
struct NormalInterval {
  float value;
  double share;
  double mean;
};
std::vector<NormalInterval> normal_intervals(const std::vector<float>& grouped);
// The variance of the interval means, sum_k p_k m_k^2 (1 for a continuous column).
double discreteness_factor(const std::vector<float>& grouped);
// Distinct values of a sorted column.
int distinct_count(const std::vector<float>& sorted);
// Per column: whether the copula reads its correlations from interval-mean scores: the discrete
// columns and the continuous ones with a spike (one value in at least 10 % of the rows, and in 2).
std::vector<char> interval_scored(const std::vector<std::vector<float>>& sorted, const std::vector<char>& discrete);

}  // namespace synthtab
