#pragma once
// Bounded, optionally robust, non-linear least squares (Levenberg–Marquardt).
//
// Bounds are handled by a change of variables (as MINUIT and lmfit do), so the inner solver is
// unconstrained and a parameter can still reach its bound exactly:
//   [lo, hi]   p = lo + (hi - lo) (1 + sin u) / 2
//   [lo, inf)  p = lo - 1 + sqrt(u^2 + 1)        (-inf, hi]  p = hi + 1 - sqrt(u^2 + 1)
// Cost, as scipy.optimize.least_squares defines it: 0.5 * sum c^2 rho((r_i / c)^2), with
// rho(z) = z (squares), 2 (sqrt(1 + z) - 1) (soft L1) or z if z <= 1 else 2 sqrt(z) - 1 (Huber),
// c = loss_scale. Robust losses use iteratively reweighted normal equations (J' W J, J' W r with
// W = rho'(z)), a descent direction for the robust cost; a step is kept only if the cost falls.
#include <Eigen/Dense>
#include <functional>
#include <limits>
#include <vector>

namespace synthtab::marketing {

enum class Loss { Squares, SoftL1, Huber };
const char* to_string(Loss loss);

struct Bound {
  double low = -std::numeric_limits<double>::infinity();
  double high = std::numeric_limits<double>::infinity();
};

struct LeastSquaresProblem {
  int residuals = 0;
  // Fills r (size `residuals`) and, when J is not null, the Jacobian dr/dp (residuals x params).
  std::function<void(const Eigen::VectorXd& p, Eigen::VectorXd& r, Eigen::MatrixXd* J)> evaluate;
  std::vector<Bound> bounds;  // one per parameter
};

struct LeastSquaresOptions {
  Loss loss = Loss::Squares;
  double loss_scale = 1.0;
  int max_iterations = 300;
  double cost_tolerance = 1e-13;  // relative change of the cost that ends the search
};

struct LeastSquaresResult {
  Eigen::VectorXd params;
  double cost = 0.0;  // robust cost at params
  int iterations = 0;
  bool converged = false;
};

// Starts from `start` (moved a hair inside its bounds, where the transform has a gradient).
LeastSquaresResult solve_least_squares(const LeastSquaresProblem& problem, const Eigen::VectorXd& start,
                                       const LeastSquaresOptions& options = {});

// The robust cost of residuals r under `loss` (see above).
double robust_cost(const Eigen::VectorXd& r, Loss loss, double scale);

}  // namespace synthtab::marketing
