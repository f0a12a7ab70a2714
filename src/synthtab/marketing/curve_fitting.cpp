#include "synthtab/marketing/curve_fitting.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include "synthtab/core/rng.hpp"
#include "synthtab/marketing/curve_shapes.hpp"

namespace synthtab::marketing {

namespace {

constexpr uint64_t kStartsPurpose = 0x63757276655f7374;  // "curve_st"
constexpr double kMaxLambda = 0.95;

// Bounds in scaled units (spend / max spend, response / range).
constexpr double kBetaMax = 10.0;
constexpr Bound kHillK{0.02, 5.0}, kHillA{0.5, 6.0}, kLogisticM{0.0, 3.0}, kLogisticS{0.5, 60.0};

// Normalised adstock (1 - lambda) a_t, in the scale of the spend, and its derivative in lambda.
void adstock_series(const Eigen::VectorXd& x, double lambda, Eigen::VectorXd& level, Eigen::VectorXd& d_lambda) {
  double a_prev = 0.0, d_prev = 0.0;
  for (Eigen::Index t = 0; t < x.size(); ++t) {
    const double a = x[t] + lambda * a_prev;
    const double d = a_prev + lambda * d_prev;
    level[t] = (1.0 - lambda) * a;
    d_lambda[t] = -a + (1.0 - lambda) * d;
    a_prev = a;
    d_prev = d;
  }
}

// Model minus y, and its Jacobian; then the ridge's penalty rows (Spec).
void evaluate(const Spec& spec, const CurveData& data, const Eigen::VectorXd& y, const Eigen::VectorXd& p,
              Eigen::VectorXd& r, Eigen::MatrixXd* J) {
  const Eigen::Index n = data.n;
  r.setConstant(n + spec.penalty_rows(), p[0]);
  r.head(n) -= y;
  if (spec.baseline > 0) r.head(n) += data.baseline * p.segment(1, spec.baseline);
  if (J) {
    J->setZero(n + spec.penalty_rows(), spec.params());
    J->col(0).head(n).setOnes();
    if (spec.baseline > 0) J->block(0, 1, n, spec.baseline) = data.baseline;
  }
  if (spec.penalty_rows() > 0) {
    const double root = std::sqrt(spec.ridge);
    for (int j = 0; j < spec.penalty_rows(); ++j) {
      const int at = j < spec.baseline ? 1 + j : spec.index(j - spec.baseline);
      r[n + j] = root * p[at];
      if (J) (*J)(n + j, at) = root;
    }
  }
  Eigen::VectorXd level(n), d_lambda(n);
  for (int c = 0; c < spec.channels; ++c) {
    const int i = spec.index(c);
    if (spec.adstock) {
      adstock_series(data.x.col(c), p[i + 3], level, d_lambda);
    } else {
      level = data.x.col(c);
    }
    for (Eigen::Index t = 0; t < n; ++t) {
      const Terms terms = curve_terms(spec.shape, p[i], p[i + 1], p[i + 2], level[t]);
      r[t] += terms.f;
      if (J) {
        (*J)(t, i) = terms.d_beta;
        (*J)(t, i + 1) = terms.d_location;
        (*J)(t, i + 2) = terms.d_steepness;
        // A zero adstock level has a zero lambda derivative (all earlier spend was zero).
        if (spec.adstock) (*J)(t, i + 3) = d_lambda[t] == 0.0 ? 0.0 : terms.d_x * d_lambda[t];
      }
    }
  }
}

// Least squares of `design` on `y` with every column but the first (the intercept) penalised by
// `ridge`, as the extra rows of evaluate() do.
Eigen::VectorXd ridge_solve(const Eigen::MatrixXd& design, const Eigen::VectorXd& y, double ridge) {
  if (!(ridge > 0.0)) return design.colPivHouseholderQr().solve(y);
  const Eigen::Index n = design.rows(), k = design.cols();
  Eigen::MatrixXd augmented = Eigen::MatrixXd::Zero(n + k - 1, k);
  augmented.topRows(n) = design;
  augmented.bottomRightCorner(k - 1, k - 1).diagonal().setConstant(std::sqrt(ridge));
  Eigen::VectorXd target = Eigen::VectorXd::Zero(n + k - 1);
  target.head(n) = y;
  return augmented.colPivHouseholderQr().solve(target);
}

// Fills base, the baseline coefficients and the betas of `p` by least squares given its other
// parameters (betas kept in their bounds).
void fit_linear_part(const Spec& spec, const CurveData& data, Eigen::VectorXd& p) {
  const Eigen::Index n = data.n;
  const int b = spec.baseline;
  Eigen::MatrixXd design(n, 1 + b + spec.channels);
  design.col(0).setOnes();
  if (b > 0) design.middleCols(1, b) = data.baseline;
  Eigen::VectorXd level(n), d_lambda(n);
  for (int c = 0; c < spec.channels; ++c) {
    const int i = spec.index(c);
    if (spec.adstock)
      adstock_series(data.x.col(c), p[i + 3], level, d_lambda);
    else
      level = data.x.col(c);
    for (Eigen::Index t = 0; t < n; ++t)
      design(t, 1 + b + c) = curve_terms(spec.shape, 1.0, p[i + 1], p[i + 2], level[t]).f;
  }
  const Eigen::VectorXd coef = ridge_solve(design, data.y, spec.ridge);
  Eigen::VectorXd offset = data.y;
  for (int c = 0; c < spec.channels; ++c) {
    const double beta = std::isfinite(coef[1 + b + c]) ? std::clamp(coef[1 + b + c], 0.05, kBetaMax) : 1.0;
    p[spec.index(c)] = beta;
    offset -= beta * design.col(1 + b + c);
  }
  // With the betas clamped, base and the baseline coefficients are refitted on what is left.
  if (b > 0) {
    const Eigen::VectorXd rest = ridge_solve(design.leftCols(1 + b), offset, spec.ridge);
    p.head(1 + b) = rest.allFinite() ? rest : Eigen::VectorXd::Zero(1 + b);
  } else {
    p[0] = offset.mean();
  }
}

}  // namespace

std::vector<Bound> bounds_of(const Spec& spec) {
  std::vector<Bound> b(static_cast<size_t>(1 + spec.baseline), Bound{});
  for (int c = 0; c < spec.channels; ++c) {
    b.push_back({0.0, kBetaMax});
    b.push_back(spec.shape == CurveShape::Hill ? kHillK : kLogisticM);
    b.push_back(spec.shape == CurveShape::Hill ? kHillA : kLogisticS);
    if (spec.adstock) b.push_back({0.0, kMaxLambda});
  }
  return b;
}

LeastSquaresProblem problem_of(const Spec& spec, const CurveData& data, const Eigen::VectorXd& y) {
  LeastSquaresProblem problem;
  problem.residuals = static_cast<int>(data.n) + spec.penalty_rows();
  problem.bounds = bounds_of(spec);
  problem.evaluate = [&spec, &data, &y](const Eigen::VectorXd& p, Eigen::VectorXd& r, Eigen::MatrixXd* J) {
    evaluate(spec, data, y, p, r, J);
  };
  return problem;
}

Eigen::VectorXd fitted_values(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p) {
  Eigen::VectorXd r;
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(data.n);
  evaluate(spec, data, zero, p, r, nullptr);
  return r.head(data.n);
}

Eigen::VectorXd channel_level(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p, int c) {
  if (!spec.adstock) return data.x.col(c);
  Eigen::VectorXd level(data.n), d_lambda(data.n);
  adstock_series(data.x.col(c), p[spec.index(c) + 3], level, d_lambda);
  return level;
}

Eigen::VectorXd channel_values(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p, int c) {
  const int i = spec.index(c);
  const Eigen::VectorXd level = channel_level(spec, data, p, c);
  Eigen::VectorXd out(data.n);
  for (Eigen::Index t = 0; t < data.n; ++t) out[t] = curve_terms(spec.shape, p[i], p[i + 1], p[i + 2], level[t]).f;
  return out;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return kNaN;
  const size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  double m = v[h];
  if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h)));
  return m;
}

namespace {

std::vector<Eigen::VectorXd> starts_of(const Spec& spec, const CurveData& data, int random_starts, uint64_t seed) {
  std::vector<double> locations, steepnesses;
  if (spec.shape == CurveShape::Hill) {
    locations = {0.25, 0.6, 1.2};
    steepnesses = {1.0, 2.0, 3.5};
  } else {
    locations = {0.25, 0.6, 1.0};
    steepnesses = {4.0, 10.0, 25.0};
  }
  const std::vector<double> lambdas = spec.adstock ? std::vector<double>{0.1, 0.4, 0.7} : std::vector<double>{0.0};
  std::vector<Eigen::VectorXd> starts;
  for (double lambda : lambdas)
    for (double location : locations)
      for (double steepness : steepnesses) {
        Eigen::VectorXd p(spec.params());
        for (int c = 0; c < spec.channels; ++c) {
          const int i = spec.index(c);
          p[i + 1] = location;
          p[i + 2] = steepness;
          if (spec.adstock) p[i + 3] = lambda;
        }
        fit_linear_part(spec, data, p);
        starts.push_back(p);
      }
  Rng rng(derive_seed(seed, kStartsPurpose, static_cast<uint64_t>(spec.shape)));
  const auto bounds = bounds_of(spec);
  auto log_uniform = [&rng](const Bound& b) {
    const double lo = std::max(b.low, 0.05);
    return lo * std::exp(rng.uniform() * std::log(b.high / lo));
  };
  for (int s = 0; s < random_starts; ++s) {
    Eigen::VectorXd p(spec.params());
    for (int c = 0; c < spec.channels; ++c) {
      const int i = spec.index(c);
      p[i + 1] = log_uniform(bounds[static_cast<size_t>(i + 1)]);
      p[i + 2] = log_uniform(bounds[static_cast<size_t>(i + 2)]);
      if (spec.adstock) p[i + 3] = 0.9 * rng.uniform();
    }
    fit_linear_part(spec, data, p);
    starts.push_back(p);
  }
  return starts;
}

LeastSquaresResult fit_from_starts(const Spec& spec, const CurveData& data, const std::vector<Eigen::VectorXd>& starts,
                                   const LeastSquaresOptions& ls) {
  const LeastSquaresProblem problem = problem_of(spec, data, data.y);
  LeastSquaresResult best;
  best.cost = std::numeric_limits<double>::infinity();
  for (const auto& start : starts) {
    LeastSquaresResult result = solve_least_squares(problem, start, ls);
    // Strictly lower (beyond rounding) so the earliest start wins ties: deterministic.
    if (result.cost < best.cost * (1.0 - 1e-12)) best = std::move(result);
  }
  return best;
}

}  // namespace

ShapeFit fit_spec(const Spec& spec, const CurveData& data, const CurveOptions& options, int random_starts,
                  const Eigen::VectorXd* warm_start) {
  ShapeFit fit;
  fit.spec = spec;
  const auto starts =
      warm_start ? std::vector<Eigen::VectorXd>{*warm_start} : starts_of(fit.spec, data, random_starts, options.seed);
  LeastSquaresOptions ls;
  fit.result = fit_from_starts(fit.spec, data, starts, ls);
  if (options.loss != Loss::Squares) {
    double scale = options.loss_scale / data.y_scale;
    if (options.loss_scale == 0.0) {
      // 1.4826 MAD of the least-squares residuals: the noise scale, robust to the outliers.
      const Eigen::VectorXd r = fitted_values(fit.spec, data, fit.result.params) - data.y;
      std::vector<double> abs_dev(r.data(), r.data() + r.size());
      const double med = median_of(abs_dev);
      for (double& v : abs_dev) v = std::abs(v - med);
      scale = 1.4826 * median_of(abs_dev);
      if (!(scale > 0.0)) scale = 1e-6;
    }
    ls.loss = options.loss;
    ls.loss_scale = scale;
    fit.loss_scale = scale;
    auto robust_starts = starts;
    robust_starts.insert(robust_starts.begin(), fit.result.params);
    fit.result = fit_from_starts(fit.spec, data, robust_starts, ls);
  }
  const Eigen::VectorXd r = fitted_values(fit.spec, data, fit.result.params) - data.y;
  fit.rss = r.squaredNorm() * data.y_scale * data.y_scale;
  const double n = static_cast<double>(data.n);
  const double q = fit.spec.params() + 1.0;
  if (n - q - 1.0 > 0.0)
    fit.aicc = n * std::log(std::max(fit.rss, 1e-300) / n) + 2.0 * q + 2.0 * q * (q + 1.0) / (n - q - 1.0);
  return fit;
}

}  // namespace synthtab::marketing
