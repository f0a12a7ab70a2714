#include "synthtab/models/copula_marginals.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include <boost/math/distributions/beta.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <boost/math/distributions/lognormal.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/special_functions/digamma.hpp>
#include <boost/math/special_functions/trigamma.hpp>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

// Margin of the fixed location (lognormal, gamma) and support (beta) of the parametric families,
// as a share of the training range: keeps the extremes at a finite density.
constexpr double kSupportMargin = 0.01;

// Largest shape parameter of the gamma and beta families. Fits of real data stay far below it
// (a shape grows with the rows, not past them); beyond it Boost's inverse incomplete beta and
// gamma take seconds, and near 1e300 they overflow an int and never return, so a model file
// with such a shape is refused and a fit that reaches it falls to another family.
constexpr double kMaxShape = 1e6;

// Boost computes double quantiles in long double by default: ten times slower (the inverse
// incomplete beta and gamma were 95 % of drawing a parametric copula's rows) for results that
// differ by under 2e-14 relatively on shapes from 0.05 to 3000. In double, the inverse incomplete
// beta's root finding gives up in the far tail (beta(2, 0.5) beyond u = 1 - 1e-8, a draw in 10^8;
// found by the model-file fuzzer), and Boost's default policy throws there: its last estimate is
// kept instead, as SciPy does (its beta.ppf warns and returns 1.0 there).
using InDouble =
    boost::math::policies::policy<boost::math::policies::promote_double<false>,
                                  boost::math::policies::evaluation_error<boost::math::policies::ignore_error>>;

struct Moments {
  double mean = 0.0, variance = 0.0;  // population variance (the MLE)
};
Moments moments(const std::vector<double>& v) {
  Moments m;
  for (double x : v) m.mean += x;
  m.mean /= static_cast<double>(v.size());
  for (double x : v) m.variance += (x - m.mean) * (x - m.mean);
  m.variance /= static_cast<double>(v.size());
  return m;
}

Marginal fit_normal(const std::vector<double>& v) {
  const Moments m = moments(v);
  const double sd = std::sqrt(m.variance);
  const auto n = static_cast<double>(v.size());
  const double loglik = -0.5 * n * std::log(2.0 * M_PI * m.variance) - 0.5 * n;
  return {"normal", {m.mean, sd}, 4.0 - 2.0 * loglik};
}

Marginal fit_uniform(double low, double high, size_t n) {
  return {"uniform", {low, high - low}, 4.0 + 2.0 * static_cast<double>(n) * std::log(high - low)};
}

Marginal fit_lognormal(const std::vector<double>& v, double loc) {
  std::vector<double> logs;
  for (double x : v) logs.push_back(std::log(x - loc));
  const Moments m = moments(logs);
  const double sigma = std::sqrt(m.variance);
  double loglik = 0.0;
  for (double y : logs)
    loglik += -y - std::log(sigma * std::sqrt(2.0 * M_PI)) - (y - m.mean) * (y - m.mean) / (2.0 * m.variance);
  return {"lognormal", {loc, sigma, std::exp(m.mean)}, 4.0 - 2.0 * loglik};
}

// Gamma with a fixed location: the shape k solves log k - digamma(k) = log(mean) - mean(log)
// (Newton on log k, from Minka's approximation); scale = mean / k.
Marginal fit_gamma(const std::vector<double>& v, double loc) {
  double mean = 0.0, mean_log = 0.0;
  for (double x : v) mean += x - loc, mean_log += std::log(x - loc);
  const auto n = static_cast<double>(v.size());
  mean /= n;
  mean_log /= n;
  const double s = std::log(mean) - mean_log;
  double k = (3.0 - s + std::sqrt((s - 3.0) * (s - 3.0) + 24.0 * s)) / (12.0 * s);
  for (int i = 0; i < 100; ++i) {
    const double f = std::log(k) - boost::math::digamma(k) - s;
    const double slope = 1.0 / k - boost::math::trigamma(k);
    const double next = k - f / slope;
    const double step = std::abs(next - k);
    k = next > 0.0 ? next : k / 2.0;
    if (step < 1e-12 * k) break;
  }
  const double scale = mean / k;
  double loglik = 0.0;
  for (double x : v) loglik += (k - 1.0) * std::log(x - loc) - (x - loc) / scale;
  loglik -= n * (std::lgamma(k) + k * std::log(scale));
  return {"gamma", {k, loc, scale}, 4.0 - 2.0 * loglik};
}

// Beta on a fixed support [loc, loc + scale]: a, b solve digamma(a) - digamma(a + b) = mean log x
// and digamma(b) - digamma(a + b) = mean log(1 - x) (Newton from the method of moments).
Marginal fit_beta(const std::vector<double>& v, double loc, double scale) {
  double g1 = 0.0, g2 = 0.0, mean = 0.0, square = 0.0;
  for (double value : v) {
    const double x = (value - loc) / scale;
    g1 += std::log(x), g2 += std::log1p(-x), mean += x, square += x * x;
  }
  const auto n = static_cast<double>(v.size());
  g1 /= n, g2 /= n, mean /= n;
  const double variance = std::max(square / n - mean * mean, 1e-12);
  const double common = std::max(mean * (1.0 - mean) / variance - 1.0, 1e-3);
  double a = std::max(mean * common, 1e-3), b = std::max((1.0 - mean) * common, 1e-3);
  for (int i = 0; i < 200; ++i) {
    const double dab = boost::math::digamma(a + b), tab = boost::math::trigamma(a + b);
    const double f1 = boost::math::digamma(a) - dab - g1, f2 = boost::math::digamma(b) - dab - g2;
    const double j11 = boost::math::trigamma(a) - tab, j22 = boost::math::trigamma(b) - tab, j12 = -tab;
    const double det = j11 * j22 - j12 * j12;
    double da = (j22 * f1 - j12 * f2) / det, db = (j11 * f2 - j12 * f1) / det;
    // Halve the step until both stay positive.
    while (a - da <= 0.0 || b - db <= 0.0) da /= 2.0, db /= 2.0;
    a -= da, b -= db;
    if (std::abs(da) < 1e-12 * a && std::abs(db) < 1e-12 * b) break;
  }
  const double log_beta = std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b);
  const double loglik = n * ((a - 1.0) * g1 + (b - 1.0) * g2 - log_beta - std::log(scale));
  return {"beta", {a, b, loc, scale}, 4.0 - 2.0 * loglik};
}

size_t parameter_count(const std::string& family) {
  if (family == "empirical") return 0;
  if (family == "lognormal" || family == "gamma") return 3;
  if (family == "beta") return 4;
  return 2;  // normal, uniform
}

}  // namespace

bool valid_parameters(const Marginal& m) {
  if (m.parameters.size() != parameter_count(m.family)) return false;
  for (double p : m.parameters)
    if (!std::isfinite(p)) return false;
  const auto& p = m.parameters;
  if (m.family == "normal") return p[1] > 0.0;
  if (m.family == "uniform") return p[1] > 0.0;
  if (m.family == "lognormal") return p[1] > 0.0 && p[2] > 0.0;
  const auto shape_in_range = [](double shape) { return shape > 0.0 && shape <= kMaxShape; };
  if (m.family == "gamma") return shape_in_range(p[0]) && p[2] > 0.0;
  if (m.family == "beta") return shape_in_range(p[0]) && shape_in_range(p[1]) && p[3] > 0.0;
  return true;
}

Marginal fit_marginal_family(const std::vector<double>& values, const std::string& family) {
  if (values.size() < 2) throw Error(ErrorKind::Input, "a parametric marginal needs at least 2 values");
  const auto [lo_it, hi_it] = std::minmax_element(values.begin(), values.end());
  const double low = *lo_it, high = *hi_it;
  if (!(high > low)) throw Error(ErrorKind::Input, "a parametric marginal needs at least 2 distinct values");
  const double margin = kSupportMargin * (high - low);
  if (family == "normal") return fit_normal(values);
  if (family == "uniform") return fit_uniform(low, high, values.size());
  if (family == "lognormal") return fit_lognormal(values, low - margin);
  if (family == "gamma") return fit_gamma(values, low - margin);
  if (family == "beta") return fit_beta(values, low - margin, high - low + 2.0 * margin);
  throw Error(ErrorKind::Usage,
              "unknown marginal family '" + family + "'; known: normal, uniform, lognormal, gamma, beta");
}

Marginal fit_parametric_marginal(const std::vector<double>& values) {
  std::vector<Marginal> candidates;
  for (const char* family : {"normal", "uniform", "lognormal", "gamma", "beta"})
    candidates.push_back(fit_marginal_family(values, family));
  const Marginal* best = nullptr;
  for (const auto& c : candidates)
    if (valid_parameters(c) && std::isfinite(c.aic) && (best == nullptr || c.aic < best->aic)) best = &c;
  return best != nullptr ? *best : candidates.front();
}

double marginal_quantile(const Marginal& m, double u) {
  const auto& p = m.parameters;
  if (m.family == "normal")
    return boost::math::quantile(boost::math::normal_distribution<double, InDouble>(p[0], p[1]), u);
  if (m.family == "uniform") return p[0] + u * p[1];
  if (m.family == "lognormal")
    return p[0] + boost::math::quantile(boost::math::lognormal_distribution<double, InDouble>(std::log(p[2]), p[1]), u);
  if (m.family == "gamma")
    return p[1] + boost::math::quantile(boost::math::gamma_distribution<double, InDouble>(p[0], p[2]), u);
  if (m.family == "beta")
    return p[2] + p[3] * boost::math::quantile(boost::math::beta_distribution<double, InDouble>(p[0], p[1]), u);
  throw std::logic_error("marginal_quantile: no quantile function for family " + m.family);
}

}  // namespace synthtab
