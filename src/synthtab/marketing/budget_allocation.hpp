#pragma once
// Splitting a budget over channels to maximise the predicted response.
//
// The curves are S-shaped, so the problem is not concave and "equal marginal returns" alone can
// pick a minimum. Method: (1) dynamic programming over a grid of `grid_steps` equal slices of the
// budget finds the best split on the grid for any shapes (O(channels x steps^2)); (2) among the
// channels it funds, the split is refined to the exact optimum of the Lagrange conditions, equal
// marginal returns dh_c/dx = mu on each curve's diminishing-returns side, by bisection on mu; the
// refinement is kept when it predicts at least as much as the grid split.
#include <string>
#include <vector>

#include "synthtab/marketing/response_curve.hpp"

namespace synthtab::marketing {

// Per-period spends (summing to `budget`) that maximise the sum of curves[c].value(x_c).
// Throws Error(Usage) unless budget > 0 and finite and there is at least one curve.
std::vector<double> optimal_allocation(const std::vector<Curve>& curves, double budget, int grid_steps = 2000);

struct BudgetAllocation {
  double budget = 0.0;
  std::vector<std::string> channels;
  std::vector<double> current;            // mean spend per period
  std::vector<double> current_at_budget;  // the current mix scaled to the budget
  std::vector<double> optimal;
  std::vector<double> marginal_at_optimal;  // dh/dx at the optimal spend, per channel
  double predicted_current = 0.0;           // predicted response (base included)
  double predicted_current_at_budget = 0.0;
  double predicted_optimal = 0.0;
  double gain = 0.0;  // predicted_optimal - predicted_current_at_budget
  // Over the bootstrap refits (NaN without): per channel, the share in which the next unit at the
  // optimal spend returns more than 1 (a stock: over the payback periods); and the share in which
  // the optimal split predicts more than the current mix at the budget.
  std::vector<double> pays_at_optimal;
  double optimal_beats_current_share = kNaN;
};

BudgetAllocation allocate_budget(const CurveFit& fit, double budget);

}  // namespace synthtab::marketing
