#include "synthtab/marketing/least_squares.hpp"

#include <algorithm>
#include <cmath>

namespace synthtab::marketing {

const char* to_string(Loss loss) {
  switch (loss) {
    case Loss::Squares:
      return "least squares";
    case Loss::SoftL1:
      return "soft L1";
    case Loss::Huber:
      return "Huber";
  }
  return "?";
}

namespace {

bool finite(double v) { return std::isfinite(v); }

// p(u) and dp/du for one parameter.
double to_param(double u, const Bound& b, double* derivative) {
  const bool lo = finite(b.low), hi = finite(b.high);
  if (lo && hi) {
    if (derivative) *derivative = (b.high - b.low) * std::cos(u) / 2.0;
    return b.low + (b.high - b.low) * (1.0 + std::sin(u)) / 2.0;
  }
  const double root = std::sqrt(u * u + 1.0);
  if (lo) {
    if (derivative) *derivative = u / root;
    return b.low - 1.0 + root;
  }
  if (hi) {
    if (derivative) *derivative = -u / root;
    return b.high + 1.0 - root;
  }
  if (derivative) *derivative = 1.0;
  return u;
}

double to_free(double p, const Bound& b) {
  const bool lo = finite(b.low), hi = finite(b.high);
  if (lo && hi) {
    // A hair inside: at the bound itself cos(u) = 0 and the parameter could never move.
    const double margin = 1e-4 * (b.high - b.low);
    p = std::clamp(p, b.low + margin, b.high - margin);
    return std::asin(std::clamp(2.0 * (p - b.low) / (b.high - b.low) - 1.0, -1.0, 1.0));
  }
  if (lo) {
    p = std::max(p, b.low + 1e-4);
    const double t = p - b.low + 1.0;
    return std::sqrt(t * t - 1.0);
  }
  if (hi) {
    p = std::min(p, b.high - 1e-4);
    const double t = b.high - p + 1.0;
    return std::sqrt(t * t - 1.0);
  }
  return p;
}

// rho'(z) for z = (r / c)^2: the IRLS weight.
double weight(double r, Loss loss, double scale) {
  if (loss == Loss::Squares) return 1.0;
  const double z = (r / scale) * (r / scale);
  if (loss == Loss::SoftL1) return 1.0 / std::sqrt(1.0 + z);
  return z <= 1.0 ? 1.0 : 1.0 / std::sqrt(z);
}

}  // namespace

double robust_cost(const Eigen::VectorXd& r, Loss loss, double scale) {
  if (loss == Loss::Squares) return 0.5 * r.squaredNorm();
  double sum = 0.0;
  for (Eigen::Index i = 0; i < r.size(); ++i) {
    const double z = (r[i] / scale) * (r[i] / scale);
    const double rho = loss == Loss::SoftL1 ? 2.0 * (std::sqrt(1.0 + z) - 1.0)
                       : z <= 1.0           ? z
                                            : 2.0 * std::sqrt(z) - 1.0;
    sum += rho;
  }
  return 0.5 * scale * scale * sum;
}

namespace {

// Levenberg–Marquardt in the free variables; parameters with a finite `fixed` value are held
// there (an active bound). The state is that of the current point: free variables u, parameters
// p with their derivatives dp/du, residuals r, Jacobian J and cost.
class LevenbergMarquardt {
 public:
  LevenbergMarquardt(const LeastSquaresProblem& problem, const Eigen::VectorXd& start, const std::vector<double>& fixed,
                     const LeastSquaresOptions& options)
      : problem_(problem),
        fixed_(fixed),
        options_(options),
        n_(static_cast<Eigen::Index>(start.size())),
        u_(n_),
        p_(n_),
        dpdu_(n_),
        p_new_(n_),
        r_(problem.residuals),
        r_new_(problem.residuals),
        w_(problem.residuals),
        J_(problem.residuals, n_) {
    for (Eigen::Index j = 0; j < n_; ++j) u_[j] = to_free(start[j], problem_.bounds[static_cast<size_t>(j)]);
    evaluate_at_u();
  }

  LeastSquaresResult run() {
    LeastSquaresResult result;
    for (int iteration = 0; iteration < options_.max_iterations; ++iteration) {
      result.iterations = iteration + 1;
      const Eigen::MatrixXd Ju = J_ * dpdu_.asDiagonal();
      for (Eigen::Index i = 0; i < r_.size(); ++i) w_[i] = weight(r_[i], options_.loss, options_.loss_scale);
      const Eigen::MatrixXd A = Ju.transpose() * w_.asDiagonal() * Ju;
      const Eigen::VectorXd g = Ju.transpose() * (w_.asDiagonal() * r_);
      if (!g.allFinite() || g.lpNorm<Eigen::Infinity>() <= 1e-15 * std::max(1.0, cost_)) {
        result.converged = g.allFinite();
        break;
      }
      if (damping_ < 0) damping_ = 1e-3 * std::max(A.diagonal().maxCoeff(), 1e-12);
      if (!descend(A, g, result.converged)) {
        result.converged = true;  // no step lowers the cost: a (possibly bound-limited) minimum
        break;
      }
      if (result.converged) break;
    }
    result.params = p_;
    result.cost = cost_;
    return result;
  }

 private:
  void params_of(const Eigen::VectorXd& free, Eigen::VectorXd& out, Eigen::VectorXd* d) const {
    for (Eigen::Index j = 0; j < n_; ++j) {
      const double held = fixed_[static_cast<size_t>(j)];
      if (std::isfinite(held)) {
        out[j] = held;
        if (d) (*d)[j] = 0.0;
      } else {
        out[j] = to_param(free[j], problem_.bounds[static_cast<size_t>(j)], d ? &(*d)[j] : nullptr);
      }
    }
  }

  // p, dp/du, r, J and the cost at u.
  void evaluate_at_u() {
    params_of(u_, p_, &dpdu_);
    problem_.evaluate(p_, r_, &J_);
    cost_ = robust_cost(r_, options_.loss, options_.loss_scale);
  }

  // A failed step: more damping, growing faster each time; false once it passes 1e16.
  bool more_damping() {
    damping_ *= grow_;
    grow_ *= 2.0;
    return !(damping_ > 1e16);
  }

  // Damped steps from the current point until one lowers the cost (the point moves there; true)
  // or the damping passes 1e16 (false). Sets `converged` when the accepted step changed little.
  bool descend(const Eigen::MatrixXd& A, const Eigen::VectorXd& g, bool& converged) {
    for (;;) {
      Eigen::MatrixXd M = A;
      // Marquardt's scaling by diag(A), floored so a flat direction still gets damped.
      for (Eigen::Index j = 0; j < n_; ++j) M(j, j) += damping_ * std::max(A(j, j), 1e-12);
      const Eigen::VectorXd step = M.ldlt().solve(-g);
      if (!step.allFinite()) {
        if (!more_damping()) return false;
        continue;
      }
      const Eigen::VectorXd u_new = u_ + step;
      params_of(u_new, p_new_, nullptr);
      problem_.evaluate(p_new_, r_new_, nullptr);
      const double cost_new = robust_cost(r_new_, options_.loss, options_.loss_scale);
      const double predicted = -(step.dot(g) + 0.5 * step.dot(A * step));
      if (std::isfinite(cost_new) && cost_new < cost_) {
        const double gain = predicted > 0 ? (cost_ - cost_new) / predicted : 1.0;
        // Nielsen's damping update.
        damping_ *= std::max(1.0 / 3.0, 1.0 - std::pow(2.0 * gain - 1.0, 3));
        grow_ = 2.0;
        const double change = cost_ - cost_new;
        u_ = u_new;
        evaluate_at_u();
        if (change <= options_.cost_tolerance * std::max(cost_, 1e-300) ||
            step.lpNorm<Eigen::Infinity>() <= 1e-12 * (1.0 + u_.lpNorm<Eigen::Infinity>())) {
          converged = true;
        }
        return true;
      }
      if (!more_damping()) return false;
    }
  }

  const LeastSquaresProblem& problem_;
  const std::vector<double>& fixed_;
  const LeastSquaresOptions& options_;
  const Eigen::Index n_;
  Eigen::VectorXd u_, p_, dpdu_, p_new_;
  Eigen::VectorXd r_, r_new_, w_;
  Eigen::MatrixXd J_;
  double cost_ = 0.0;
  double damping_ = -1.0, grow_ = 2.0;
};

LeastSquaresResult levenberg_marquardt(const LeastSquaresProblem& problem, const Eigen::VectorXd& start,
                                       const std::vector<double>& fixed, const LeastSquaresOptions& options) {
  return LevenbergMarquardt(problem, start, fixed, options).run();
}

}  // namespace

LeastSquaresResult solve_least_squares(const LeastSquaresProblem& problem, const Eigen::VectorXd& start,
                                       const LeastSquaresOptions& options) {
  const size_t n = static_cast<size_t>(start.size());
  std::vector<double> fixed(n, std::numeric_limits<double>::quiet_NaN());
  LeastSquaresResult best = levenberg_marquardt(problem, start, fixed, options);
  // The transform's gradient vanishes at a bound, so a parameter heading there only creeps
  // towards it and the search can stop short. Polish: hold the parameters that ended near a
  // bound exactly on it, refit the others, keep whichever is lower.
  bool any = false;
  for (size_t j = 0; j < n; ++j) {
    const Bound& b = problem.bounds[j];
    if (!std::isfinite(b.low) || !std::isfinite(b.high)) continue;
    const double v = best.params[static_cast<Eigen::Index>(j)], margin = 1e-2 * (b.high - b.low);
    if (v <= b.low + margin)
      fixed[j] = b.low;
    else if (v >= b.high - margin)
      fixed[j] = b.high;
    any = any || std::isfinite(fixed[j]);
  }
  if (!any) return best;
  LeastSquaresResult held = levenberg_marquardt(problem, best.params, fixed, options);
  if (held.cost < best.cost) {
    held.iterations += best.iterations;
    return held;
  }
  return best;
}

}  // namespace synthtab::marketing
