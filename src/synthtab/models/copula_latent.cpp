#include "synthtab/models/copula_latent.hpp"

#include <algorithm>
#include <cmath>

#include <boost/math/special_functions/erf.hpp>

namespace synthtab {

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double normal_quantile(double p) { return -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p); }
double normal_pdf(double z) { return std::exp(-0.5 * z * z) / std::sqrt(2.0 * M_PI); }

// P(X < a, Y < b) for standard normals with correlation rho (|rho| < 1), by Plackett's identity
// dPhi2/drho = phi2(a, b; rho): Phi(a) Phi(b) plus the integral of the bivariate density from 0
// to rho (Gauss-Legendre, 4 panels of 8 nodes; the integrand is smooth for |rho| <= 0.999).
double bivariate_normal_cdf(double a, double b, double rho) {
  static const double nodes[8] = {-0.9602898564975363, -0.7966664774136267, -0.5255324099163290, -0.1834346424956498,
                                  0.1834346424956498,  0.5255324099163290,  0.7966664774136267,  0.9602898564975363};
  static const double weights[8] = {0.1012285362903763, 0.2223810344533745, 0.3137066458778873, 0.3626837833783620,
                                    0.3626837833783620, 0.3137066458778873, 0.2223810344533745, 0.1012285362903763};
  double integral = 0.0;
  constexpr int kPanels = 4;
  const double width = rho / kPanels;
  for (int p = 0; p < kPanels; ++p) {
    const double mid = width * (p + 0.5);
    for (int k = 0; k < 8; ++k) {
      const double r = mid + 0.5 * width * nodes[k];
      const double one_minus = 1.0 - r * r;
      const double density =
          std::exp(-(a * a - 2.0 * r * a * b + b * b) / (2.0 * one_minus)) / (2.0 * M_PI * std::sqrt(one_minus));
      integral += 0.5 * width * weights[k] * density;
    }
  }
  return normal_cdf(a) * normal_cdf(b) + integral;
}

// The tetrachoric correlation: the latent normal correlation under which two binary columns,
// thresholded at their shares p_a, p_b of the lower value, are both low with probability
// p_both. Bisection: Phi2 grows with rho.
double tetrachoric(double p_a, double p_b, double p_both) {
  const double a = normal_quantile(p_a), b = normal_quantile(p_b);
  double lo = -kMaxCorrelation, hi = kMaxCorrelation;
  if (p_both <= bivariate_normal_cdf(a, b, lo)) return lo;
  if (p_both >= bivariate_normal_cdf(a, b, hi)) return hi;
  for (int i = 0; i < 50; ++i) {
    const double mid = 0.5 * (lo + hi);
    (bivariate_normal_cdf(a, b, mid) < p_both ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

// A discrete column's values (grouped, one run per value) as intervals of the normal scale:
// each value's share of the rows and the mean of a standard normal over its interval,
// E[Z | t_{k-1} < Z < t_k] = (phi(t_{k-1}) - phi(t_k)) / p_k.
std::vector<NormalInterval> normal_intervals(const std::vector<float>& grouped) {
  std::vector<NormalInterval> out;
  const auto n = static_cast<double>(grouped.size());
  double below = 0.0;
  for (size_t i = 0; i < grouped.size();) {
    size_t j = i;
    while (j < grouped.size() && grouped[j] == grouped[i]) ++j;
    const double share = static_cast<double>(j - i) / n;
    const double lo = below <= 0.0 ? 0.0 : normal_pdf(normal_quantile(below));
    const double hi = below + share >= 1.0 ? 0.0 : normal_pdf(normal_quantile(below + share));
    out.push_back({grouped[i], share, (lo - hi) / share});
    below += share;
    i = j;
  }
  return out;
}

// The variance of the interval means, sum_k p_k m_k^2 (1 for a continuous column): scores that
// are interval means correlate with anything sqrt of this much less than the latent normal does.
double discreteness_factor(const std::vector<float>& grouped) {
  double factor = 0.0;
  for (const auto& interval : normal_intervals(grouped)) factor += interval.share * interval.mean * interval.mean;
  return factor;
}

int distinct_count(const std::vector<float>& sorted) {
  int count = 0;
  for (size_t i = 0; i < sorted.size(); ++i) count += i == 0 || sorted[i] != sorted[i - 1];
  return count;
}

// A continuous column whose most common value holds at least this share of its present values
// (and two of them) has a spike: zeros of a share that is often empty, a floor of a measurement.
// Its scores for the correlations are interval means, as a discrete column's are, with the same
// correction: random tie-breaking spread the spike's rows over its interval, so two columns
// whose spikes fall in the same rows looked barely related, and their spikes were drawn
// together too rarely (the marketing table's age shares: all four 0 in 22 % of rows against 38 %).
// 0.1 was chosen on the benchmark's tuning half (docs/models.md).
constexpr double kSpikeShare = 0.1;

namespace {

bool has_spike(const std::vector<float>& sorted) {
  size_t largest = 0;
  for (size_t i = 0; i < sorted.size();) {
    size_t j = i;
    while (j < sorted.size() && sorted[j] == sorted[i]) ++j;
    largest = std::max(largest, j - i);
    i = j;
  }
  return largest >= 2 && static_cast<double>(largest) >= kSpikeShare * static_cast<double>(sorted.size());
}

}  // namespace

// Per column: whether its correlations are read from interval-mean scores (discrete columns and
// continuous ones with a spike).
std::vector<char> interval_scored(const std::vector<std::vector<float>>& sorted, const std::vector<char>& discrete) {
  std::vector<char> out(discrete);
  for (size_t c = 0; c < sorted.size(); ++c)
    if (!out[c] && has_spike(sorted[c])) out[c] = 1;
  return out;
}

}  // namespace synthtab
