// Drawing the copula's rows given some of their values, exactly: the latent normal vector given
// the held columns' scores. A continuous value fixes its column's score (the inverse of its
// marginal); a discrete value fixes an interval of the score, drawn from the normal truncated to
// it given the other held scores (Gibbs sweeps when several discrete columns are held). The other
// columns follow the conditional normal: mean A z_held, covariance R_rest - A R_held,rest with
// A = R_rest,held R_held^-1.
#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/copula_latent.hpp"
#include "synthtab/models/gaussian_copula.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kConditionalRowStream = 0x636f6e646974;  // "condit"
// Sweeps over the held discrete scores when there are several (one is drawn exactly at once).
constexpr int kGibbsSweeps = 20;
constexpr double kTail = 1e-12;

double truncated_normal(double mean, double sd, double low, double high, Rng& rng) {
  const double a = normal_cdf((low - mean) / sd);
  const double b = normal_cdf((high - mean) / sd);
  const double u = std::clamp(a + (b - a) * rng.uniform(), kTail, 1.0 - kTail);
  return std::clamp(mean + sd * normal_quantile(u), low, high);
}

struct HeldScore {
  size_t column = 0;
  bool discrete = false;
  double score = 0.0;            // continuous: the fixed score
  double low = 0.0, high = 0.0;  // discrete: the value's interval of scores
};

}  // namespace

Matrix GaussianCopula::do_sample_given(int64_t first_row, int64_t count, uint64_t seed,
                                       const std::vector<GivenValue>& given) const {
  const auto n = static_cast<size_t>(cols_);
  std::vector<char> is_held(n, 0);
  std::vector<HeldScore> held;
  for (const GivenValue& g : given) {
    if (g.column < 0 || g.column >= cols_)
      throw usage_error(fmt::format("the copula has no model column {}", g.column));
    const auto c = static_cast<size_t>(g.column);
    if (is_held[c]) throw usage_error(fmt::format("model column {} is given twice", c));
    is_held[c] = 1;
    const auto& sorted = sorted_[c];
    HeldScore h{.column = c, .discrete = discrete_[c] != 0};
    const auto size = static_cast<double>(sorted.size());
    if (h.discrete) {
      // A discrete column's values are grouped, each value's run in the order of its interval
      // (categories reordered by the fit: not ascending).
      const auto from = std::find(sorted.begin(), sorted.end(), g.value);
      if (from == sorted.end())
        throw usage_error(fmt::format("model column {}: {:g} is not a value the model learnt", c, g.value));
      const auto to = std::find_if(from, sorted.end(), [&](float v) { return v != g.value; });
      h.low = from == sorted.begin() ? -INFINITY : normal_quantile(static_cast<double>(from - sorted.begin()) / size);
      h.high = to == sorted.end() ? INFINITY : normal_quantile(static_cast<double>(to - sorted.begin()) / size);
    } else {
      if (!std::isfinite(g.value) || g.value < sorted.front() || g.value > sorted.back())
        throw usage_error(fmt::format("model column {}: {:g} lies outside the values the model learnt ({:g} to {:g})",
                                      c, g.value, sorted.front(), sorted.back()));
      // The share u at which the marginal takes the value: the inverse of value_at, found by
      // bisection (value_at never decreases in u).
      double lo = kTail, hi = 1.0 - kTail;
      for (int step = 0; step < 80; ++step) {
        const double mid = 0.5 * (lo + hi);
        (value_at(c, mid) < g.value ? lo : hi) = mid;
      }
      h.score = normal_quantile(0.5 * (lo + hi));
    }
    held.push_back(h);
  }
  std::vector<size_t> rest;
  for (size_t c = 0; c < n; ++c)
    if (!is_held[c]) rest.push_back(c);
  const size_t k = held.size(), m = rest.size();
  const std::vector<double> flat = correlation();
  const auto r = [&](size_t i, size_t j) { return flat[i * n + j]; };
  Eigen::MatrixXd held_corr(k, k), cross(m, k), rest_corr(m, m);
  for (size_t i = 0; i < k; ++i)
    for (size_t j = 0; j < k; ++j) held_corr(i, j) = r(held[i].column, held[j].column);
  for (size_t i = 0; i < m; ++i) {
    for (size_t j = 0; j < k; ++j) cross(i, j) = r(rest[i], held[j].column);
    for (size_t j = 0; j < m; ++j) rest_corr(i, j) = r(rest[i], rest[j]);
  }
  const Eigen::MatrixXd precision = held_corr.ldlt().solve(Eigen::MatrixXd::Identity(k, k));
  const Eigen::MatrixXd a = cross * precision;
  Eigen::MatrixXd conditional = rest_corr - a * cross.transpose();
  // Rounding can leave a (near) singular covariance slightly indefinite; a tiny ridge repairs it.
  Eigen::LLT<Eigen::MatrixXd> factor(conditional);
  for (double ridge = 1e-10; factor.info() != Eigen::Success && ridge < 1.0; ridge *= 10)
    factor.compute(conditional + ridge * Eigen::MatrixXd::Identity(m, m));
  const Eigen::MatrixXd lower = factor.matrixL();
  const bool several_discrete =
      std::count_if(held.begin(), held.end(), [](const HeldScore& h) { return h.discrete; }) > 1;

  Matrix out(count, cols_);
  Eigen::VectorXd z(k), e(m);
  for (int64_t i = 0; i < count; ++i) {
    Rng rng(derive_seed(seed, kConditionalRowStream, static_cast<uint64_t>(first_row + i)));
    for (size_t j = 0; j < k; ++j)
      z(j) = held[j].discrete ? truncated_normal(0.0, 1.0, held[j].low, held[j].high, rng) : held[j].score;
    // Each discrete score given the other held scores: mean -(1/P_jj) sum_{l != j} P_jl z_l,
    // variance 1/P_jj.
    for (int sweep = 0; sweep < (several_discrete ? kGibbsSweeps : 1); ++sweep)
      for (size_t j = 0; j < k; ++j) {
        if (!held[j].discrete) continue;
        const double p = precision(static_cast<Eigen::Index>(j), static_cast<Eigen::Index>(j));
        const double mean = -(precision.row(static_cast<Eigen::Index>(j)).dot(z) - p * z(j)) / p;
        z(j) = truncated_normal(mean, std::sqrt(1.0 / p), held[j].low, held[j].high, rng);
      }
    for (size_t j = 0; j < m; ++j) e(j) = rng.normal();
    const Eigen::VectorXd latent = a * z + lower * e;
    for (size_t j = 0; j < m; ++j)
      out(i, static_cast<int64_t>(rest[j])) = static_cast<float>(value_at(rest[j], normal_cdf(latent(j))));
    for (const GivenValue& g : given) out(i, g.column) = g.value;
  }
  return out;
}

}  // namespace synthtab
