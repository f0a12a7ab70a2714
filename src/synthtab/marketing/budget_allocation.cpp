#include "synthtab/marketing/budget_allocation.hpp"

#include <algorithm>
#include <cmath>

#include "synthtab/core/error.hpp"

namespace synthtab::marketing {

namespace {

double total_of(const std::vector<Curve>& curves, const std::vector<double>& x) {
  double sum = 0.0;
  for (size_t c = 0; c < curves.size(); ++c) sum += curves[c].value(x[c]);
  return sum;
}

// Equal marginal returns among the funded channels, or an empty vector when the conditions have
// no solution on the channels' diminishing-returns sides.
std::vector<double> refine(const std::vector<Curve>& curves, const std::vector<double>& grid, double budget,
                           double slice) {
  std::vector<size_t> active;
  for (size_t c = 0; c < curves.size(); ++c)
    if (grid[c] > 0.0) active.push_back(c);
  if (active.size() <= 1) return {};
  double mu_high = std::numeric_limits<double>::infinity();
  for (size_t c : active) {
    if (grid[c] + slice < curves[c].inflection()) return {};  // funded on its rising side
    mu_high = std::min(mu_high, curves[c].peak_marginal());
  }
  if (!std::isfinite(mu_high)) mu_high = 1e300;
  auto spent = [&](double mu, std::vector<double>* x) {
    double sum = 0.0;
    for (size_t c : active) {
      const double v = curves[c].spend_for_marginal(mu);
      if (x) (*x)[c] = v;
      sum += std::isfinite(v) ? v : std::numeric_limits<double>::infinity();
    }
    return sum;
  };
  if (!(spent(mu_high, nullptr) <= budget)) return {};
  double mu_low = mu_high;
  for (int i = 0; i < 2000 && spent(mu_low, nullptr) < budget; ++i) mu_low *= 0.5;
  if (spent(mu_low, nullptr) < budget) return {};
  // Bisection in log(mu): spent() falls as mu rises.
  for (int i = 0; i < 200; ++i) {
    const double mid = std::sqrt(mu_low * mu_high);
    if (!(mid > mu_low && mid < mu_high)) break;
    (spent(mid, nullptr) >= budget ? mu_low : mu_high) = mid;
  }
  std::vector<double> x(curves.size(), 0.0);
  const double sum = spent(std::sqrt(mu_low * mu_high), &x);
  if (!std::isfinite(sum)) return {};
  // Spread the bisection's last rounding so the spends add up to the budget exactly.
  for (size_t c : active) x[c] = std::max(0.0, x[c] + (budget - sum) / static_cast<double>(active.size()));
  return x;
}

}  // namespace

std::vector<double> optimal_allocation(const std::vector<Curve>& curves, double budget, int grid_steps) {
  if (curves.empty()) throw usage_error("a budget needs at least one channel");
  if (!(budget > 0.0) || !std::isfinite(budget))
    throw usage_error("the budget must be a positive number, got " + std::to_string(budget));
  if (grid_steps < 1) throw usage_error("the budget grid needs at least one step");
  const size_t channels = curves.size();
  if (channels == 1) return {budget};
  const auto steps = static_cast<size_t>(grid_steps);
  const double slice = budget / static_cast<double>(grid_steps);
  std::vector<std::vector<double>> value(channels, std::vector<double>(steps + 1));
  for (size_t c = 0; c < channels; ++c)
    for (size_t j = 0; j <= steps; ++j) value[c][j] = curves[c].value(static_cast<double>(j) * slice);
  // best[j]: the best total of the channels so far with j slices; choice[c][j]: channel c's share.
  std::vector<double> best = value[0], next(steps + 1);
  std::vector<std::vector<uint32_t>> choice(channels, std::vector<uint32_t>(steps + 1, 0));
  for (size_t j = 0; j <= steps; ++j) choice[0][j] = static_cast<uint32_t>(j);
  for (size_t c = 1; c < channels; ++c) {
    for (size_t j = 0; j <= steps; ++j) {
      double top = -std::numeric_limits<double>::infinity();
      uint32_t arg = 0;
      for (size_t i = 0; i <= j; ++i) {
        const double v = value[c][i] + best[j - i];
        if (v > top) {
          top = v;
          arg = static_cast<uint32_t>(i);
        }
      }
      next[j] = top;
      choice[c][j] = arg;
    }
    best.swap(next);
  }
  std::vector<double> grid(channels, 0.0);
  size_t left = steps;
  for (size_t c = channels; c-- > 0;) {
    const uint32_t i = choice[c][left];
    grid[c] = static_cast<double>(i) * slice;
    left -= i;
  }
  const std::vector<double> exact = refine(curves, grid, budget, slice);
  if (!exact.empty() && total_of(curves, exact) >= total_of(curves, grid)) return exact;
  return grid;
}

BudgetAllocation allocate_budget(const CurveFit& fit, double budget) {
  BudgetAllocation out;
  out.budget = budget;
  std::vector<Curve> curves;
  double current_total = 0.0;
  for (const auto& ch : fit.channels) {
    curves.push_back(ch.curve);
    out.channels.push_back(ch.spend);
    out.current.push_back(ch.mean_spend);
    current_total += ch.mean_spend;
  }
  out.optimal = optimal_allocation(curves, budget);
  for (size_t c = 0; c < curves.size(); ++c) {
    out.current_at_budget.push_back(out.current[c] * budget / current_total);
    out.marginal_at_optimal.push_back(curves[c].marginal(out.optimal[c]));
  }
  out.predicted_current = fit.predict(out.current);
  out.predicted_current_at_budget = fit.predict(out.current_at_budget);
  out.predicted_optimal = fit.predict(out.optimal);
  out.gain = out.predicted_optimal - out.predicted_current_at_budget;
  const size_t draws = fit.channels.empty() ? 0 : fit.channels.front().curve_draws.size();
  int64_t beats = 0, counted = 0;
  std::vector<int64_t> pays(curves.size(), 0);
  for (size_t d = 0; d < draws; ++d) {
    double optimal = 0.0, current = 0.0;
    for (size_t c = 0; c < curves.size(); ++c) {
      const Curve& curve = fit.channels[c].curve_draws[d];
      pays[c] += fit.unit() * curve.marginal(out.optimal[c]) > 1.0 ? 1 : 0;
      optimal += curve.value(out.optimal[c]);
      current += curve.value(out.current_at_budget[c]);
    }
    if (!std::isfinite(optimal) || !std::isfinite(current)) continue;
    ++counted;
    beats += optimal > current ? 1 : 0;
  }
  for (size_t c = 0; c < curves.size(); ++c)
    out.pays_at_optimal.push_back(draws ? static_cast<double>(pays[c]) / static_cast<double>(draws) : kNaN);
  // One channel has one split: nothing to compare.
  if (counted > 0 && curves.size() > 1)
    out.optimal_beats_current_share = static_cast<double>(beats) / static_cast<double>(counted);
  return out;
}

}  // namespace synthtab::marketing
