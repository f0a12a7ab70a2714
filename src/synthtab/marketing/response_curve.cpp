#include "synthtab/marketing/response_curve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/marketing/curve_data.hpp"
#include "synthtab/marketing/curve_shapes.hpp"

namespace synthtab::marketing {

namespace {

constexpr uint64_t kStartsPurpose = 0x63757276655f7374;     // "curve_st"
constexpr uint64_t kBootstrapPurpose = 0x63757276655f6273;  // "curve_bs"
constexpr double kMaxLambda = 0.95;

// Bounds in scaled units (spend / max spend, response / range).
constexpr double kBetaMax = 10.0;
constexpr Bound kHillK{0.02, 5.0}, kHillA{0.5, 6.0}, kLogisticM{0.0, 3.0}, kLogisticS{0.5, 60.0};

struct Spec {
  CurveShape shape = CurveShape::Hill;
  bool adstock = false;
  int channels = 1;
  int block() const { return adstock ? 4 : 3; }
  int params() const { return 1 + channels * block(); }
  int index(int channel) const { return 1 + channel * block(); }
};

std::vector<Bound> bounds_of(const Spec& spec) {
  std::vector<Bound> b{Bound{}};
  for (int c = 0; c < spec.channels; ++c) {
    b.push_back({0.0, kBetaMax});
    b.push_back(spec.shape == CurveShape::Hill ? kHillK : kLogisticM);
    b.push_back(spec.shape == CurveShape::Hill ? kHillA : kLogisticS);
    if (spec.adstock) b.push_back({0.0, kMaxLambda});
  }
  return b;
}

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

// Model minus y, and its Jacobian.
void evaluate(const Spec& spec, const CurveData& data, const Eigen::VectorXd& y, const Eigen::VectorXd& p,
              Eigen::VectorXd& r, Eigen::MatrixXd* J) {
  const Eigen::Index n = data.n;
  r.setConstant(n, p[0]);
  r -= y;
  if (J) {
    J->setZero(n, spec.params());
    J->col(0).setOnes();
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

LeastSquaresProblem problem_of(const Spec& spec, const CurveData& data, const Eigen::VectorXd& y) {
  LeastSquaresProblem problem;
  problem.residuals = static_cast<int>(data.n);
  problem.bounds = bounds_of(spec);
  problem.evaluate = [&spec, &data, &y](const Eigen::VectorXd& p, Eigen::VectorXd& r, Eigen::MatrixXd* J) {
    evaluate(spec, data, y, p, r, J);
  };
  return problem;
}

// Fills base and the betas of `p` by least squares given its other parameters (betas kept in
// their bounds).
void fit_linear_part(const Spec& spec, const CurveData& data, Eigen::VectorXd& p) {
  const Eigen::Index n = data.n;
  Eigen::MatrixXd design(n, 1 + spec.channels);
  design.col(0).setOnes();
  Eigen::VectorXd level(n), d_lambda(n);
  for (int c = 0; c < spec.channels; ++c) {
    const int i = spec.index(c);
    if (spec.adstock)
      adstock_series(data.x.col(c), p[i + 3], level, d_lambda);
    else
      level = data.x.col(c);
    for (Eigen::Index t = 0; t < n; ++t)
      design(t, 1 + c) = curve_terms(spec.shape, 1.0, p[i + 1], p[i + 2], level[t]).f;
  }
  const Eigen::VectorXd coef = design.colPivHouseholderQr().solve(data.y);
  Eigen::VectorXd offset = data.y;
  for (int c = 0; c < spec.channels; ++c) {
    const double beta = std::isfinite(coef[1 + c]) ? std::clamp(coef[1 + c], 0.05, kBetaMax) : 1.0;
    p[spec.index(c)] = beta;
    offset -= beta * design.col(1 + c);
  }
  p[0] = offset.mean();
}

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

Eigen::VectorXd fitted_values(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p) {
  Eigen::VectorXd r(data.n);
  const Eigen::VectorXd zero = Eigen::VectorXd::Zero(data.n);
  evaluate(spec, data, zero, p, r, nullptr);
  return r;
}

double median_of(std::vector<double> v) {
  if (v.empty()) return kNaN;
  const size_t h = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h), v.end());
  double m = v[h];
  if (v.size() % 2 == 0) m = 0.5 * (m + *std::max_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(h)));
  return m;
}

// Percentile (linear interpolation, numpy's default) of sorted values.
double percentile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return kNaN;
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<size_t>(std::floor(pos));
  const size_t j = std::min(i + 1, sorted.size() - 1);
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[j] - sorted[i]);
}

// The reported numbers of a scaled parameter vector: base, then per channel
// (beta, location, steepness[, lambda]) on the adstocked spend as defined, then per channel the
// marginal return at mean spend and of the next `step` units.
struct Reported {
  std::vector<double> values;
  std::vector<Curve> curves;  // steady state, raw units
};

Reported report_of(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p, double step) {
  Reported out;
  out.values.push_back(data.y_shift + data.y_scale * p[0]);
  std::vector<double> marginals;
  for (int c = 0; c < spec.channels; ++c) {
    const int i = spec.index(c);
    const double sx = data.x_scale[static_cast<size_t>(c)];
    const double lambda = spec.adstock ? p[i + 3] : 0.0;
    Curve curve{spec.shape, data.y_scale * p[i], 0.0, 0.0};
    if (spec.shape == CurveShape::Hill) {
      curve.location = p[i + 1] * sx;
      curve.steepness = p[i + 2];
      out.values.insert(out.values.end(), {curve.beta, curve.location / (1.0 - lambda), curve.steepness});
    } else {
      curve.location = p[i + 1] * sx;
      curve.steepness = p[i + 2] / sx;
      out.values.insert(out.values.end(),
                        {curve.beta, curve.location / (1.0 - lambda), curve.steepness * (1.0 - lambda)});
    }
    if (spec.adstock) out.values.push_back(lambda);
    const double mean = data.x_mean[static_cast<size_t>(c)];
    marginals.push_back(curve.marginal(mean));
    marginals.push_back(curve.value(mean + step) - curve.value(mean));
    out.curves.push_back(curve);
  }
  out.values.insert(out.values.end(), marginals.begin(), marginals.end());
  return out;
}

struct ShapeFit {
  Spec spec;
  LeastSquaresResult result;
  double rss = 0.0;  // raw units
  double aicc = kNaN;
  double loss_scale = 0.0;  // scaled units
};

ShapeFit fit_shape(CurveShape shape, const CurveData& data, const CurveOptions& options) {
  ShapeFit fit;
  fit.spec = {shape, options.adstock == Adstock::Geometric, static_cast<int>(options.spend.size())};
  const auto starts = starts_of(fit.spec, data, options.random_starts, options.seed);
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

void check_options(const CurveOptions& o) {
  if (o.spend.empty()) throw usage_error("give at least one spend column");
  if (o.response.empty()) throw usage_error("give the response column");
  std::set<std::string> seen;
  for (const auto& s : o.spend) {
    if (!seen.insert(s).second) throw usage_error("spend column '" + s + "' is given twice");
    if (s == o.response) throw usage_error("column '" + s + "' cannot be both a spend and the response");
  }
  if (!o.time.empty() && (o.time == o.response || seen.count(o.time)))
    throw usage_error("time column '" + o.time + "' is also a spend or the response column");
  if (o.bootstrap < 0) throw usage_error("bootstrap resamples must be 0 or more");
  if (!(o.confidence > 0.0 && o.confidence < 1.0)) throw usage_error("confidence must be between 0 and 1 (e.g. 0.95)");
  if (!(o.loss_scale >= 0.0) || !std::isfinite(o.loss_scale))
    throw usage_error("loss scale must be 0 (automatic) or a positive number");
  if (!(o.marginal_step > 0.0) || !std::isfinite(o.marginal_step))
    throw usage_error("the marginal step must be a positive number of spend units");
  if (o.random_starts < 0) throw usage_error("random starts must be 0 or more");
}

// The requested shape, or with Auto the better of the two by AICc (by RSS when either AICc is
// undefined); both AICc go to `fit`.
ShapeFit choose_shape(const CurveData& data, const CurveOptions& options, CurveFit& fit) {
  if (options.shape != CurveShape::Auto) return fit_shape(options.shape, data, options);
  ShapeFit hill = fit_shape(CurveShape::Hill, data, options);
  ShapeFit logistic = fit_shape(CurveShape::Logistic, data, options);
  fit.aicc_hill = hill.aicc;
  fit.aicc_logistic = logistic.aicc;
  const bool pick_logistic =
      std::isfinite(hill.aicc) && std::isfinite(logistic.aicc) ? logistic.aicc < hill.aicc : logistic.rss < hill.rss;
  return pick_logistic ? std::move(logistic) : std::move(hill);
}

// The fit's settings, row counts, general notes and goodness of fit.
void describe_fit(CurveFit& fit, const ShapeFit& chosen, const CurveData& data, const CurveOptions& options) {
  const bool adstock = options.adstock == Adstock::Geometric;
  fit.response = options.response;
  fit.spend = options.spend;
  fit.shape = chosen.spec.shape;
  fit.loss = options.loss;
  fit.loss_scale = chosen.loss_scale * data.y_scale;
  fit.adstock = options.adstock;
  if (adstock) fit.order = options.time.empty() ? "rows in table order" : "rows ordered by '" + options.time + "'";
  fit.rows_used = data.n;
  fit.rows_dropped = data.dropped;
  fit.confidence = options.confidence;
  fit.marginal_step = options.marginal_step;
  if (data.dropped)
    fit.notes.insert(fit.notes.begin(),
                     fmt::format("{} row{} with a missing spend, response{} dropped", data.dropped,
                                 data.dropped == 1 ? "" : "s", options.time.empty() ? "" : " or time"));
  if (adstock && options.time.empty())
    fit.notes.push_back("adstock: no time column given; rows are taken in table order");

  double tss = 0.0;
  const double mean = data.y.mean();
  for (int64_t i = 0; i < data.n; ++i) tss += (data.y[i] - mean) * (data.y[i] - mean);
  tss *= data.y_scale * data.y_scale;
  fit.r2 = 1.0 - chosen.rss / tss;
  fit.rmse = std::sqrt(chosen.rss / static_cast<double>(data.n));
  fit.aicc = chosen.aicc;
}

// The reported numbers of each residual-bootstrap refit (empty without bootstrap): refits start
// from the point estimate, resample b from its own derived seed, so the draws do not depend on
// the threads.
std::vector<std::vector<double>> bootstrap_draws(const ShapeFit& chosen, const CurveData& data,
                                                 const CurveOptions& options) {
  std::vector<std::vector<double>> draws(static_cast<size_t>(options.bootstrap));
  if (options.bootstrap <= 0) return draws;
  const Spec& spec = chosen.spec;
  const Eigen::VectorXd& p = chosen.result.params;
  const int64_t n = data.n;
  if (n <= spec.params()) throw Error(ErrorKind::Input, "too few rows for bootstrap intervals");
  const Eigen::VectorXd fitted = fitted_values(spec, data, p);
  Eigen::VectorXd residuals = data.y - fitted;
  residuals.array() -= residuals.mean();
  residuals *= std::sqrt(static_cast<double>(n) / static_cast<double>(n - spec.params()));
  LeastSquaresOptions ls;
  ls.loss = options.loss;
  ls.loss_scale = options.loss == Loss::Squares ? 1.0 : chosen.loss_scale;
  parallel_for(options.bootstrap, options.threads, [&](int64_t b) {
    Rng rng(derive_seed(options.seed, kBootstrapPurpose, static_cast<uint64_t>(b)));
    CurveData resample = data;
    for (int64_t i = 0; i < n; ++i)
      resample.y[i] = fitted[i] + residuals[static_cast<Eigen::Index>(rng.below(static_cast<uint64_t>(n)))];
    const LeastSquaresProblem problem = problem_of(spec, resample, resample.y);
    const LeastSquaresResult result = solve_least_squares(problem, p, ls);
    draws[static_cast<size_t>(b)] = report_of(spec, data, result.params, options.marginal_step).values;
  });
  return draws;
}

// Hands out the reported numbers one after another, in report_of's order, each with its
// percentile interval over the bootstrap draws.
class Estimates {
 public:
  Estimates(const Reported& point, const std::vector<std::vector<double>>& draws, double confidence)
      : point_(point), draws_(draws), confidence_(confidence) {}

  Estimate next(const std::string& name) {
    Estimate e{name, point_.values[slot_], kNaN, kNaN};
    if (!draws_.empty()) {
      std::vector<double> v;
      v.reserve(draws_.size());
      for (const auto& d : draws_)
        if (std::isfinite(d[slot_])) v.push_back(d[slot_]);
      std::sort(v.begin(), v.end());
      const double tail = (1.0 - confidence_) / 2.0;
      e.low = percentile(v, tail);
      e.high = percentile(v, 1.0 - tail);
    }
    ++slot_;
    return e;
  }

 private:
  const Reported& point_;
  const std::vector<std::vector<double>>& draws_;
  double confidence_;
  size_t slot_ = 0;
};

// A note for each parameter of channel c within 0.1 % of its bounds' width of a bound.
void note_bounds(const Spec& spec, const Eigen::VectorXd& p, int c, const std::string& spend,
                 std::vector<std::string>& notes) {
  static const char* const kNames[2][4] = {{"beta", "k", "a", "lambda"}, {"beta", "m", "s", "lambda"}};
  const auto bounds = bounds_of(spec);
  const bool hill = spec.shape == CurveShape::Hill;
  const int i = spec.index(c);
  for (int j = 0; j < spec.block(); ++j) {
    const Bound& b = bounds[static_cast<size_t>(i + j)];
    const double v = p[i + j], width = b.high - b.low;
    const bool low = v <= b.low + 1e-3 * width, high = v >= b.high - 1e-3 * width;
    if (!low && !high) continue;
    std::string why;
    if (high && (j == 0 || j == 1))
      why =
          ": the data show no saturation within the observed spend, so the saturation level "
          "and the spend reaching it are extrapolations";
    if (j == 3 && low) continue;  // lambda = 0 (no carry-over) is an ordinary answer
    notes.push_back(
        fmt::format("'{}': {} is at its {} bound{}", spend, kNames[hill ? 0 : 1][j], low ? "lower" : "upper", why));
  }
}

// Channel c's curve, parameters (taken from `estimates`) and the numbers derived from its curve;
// the marginal returns come later, after every channel's parameters.
ChannelFit channel_fit(const Spec& spec, const CurveData& data, const Reported& point, int c,
                       const CurveOptions& options, Estimates& estimates) {
  ChannelFit ch;
  ch.spend = options.spend[static_cast<size_t>(c)];
  ch.curve = point.curves[static_cast<size_t>(c)];
  const bool hill = spec.shape == CurveShape::Hill;
  for (const char* name : {"beta", hill ? "k" : "m", hill ? "a" : "s"}) ch.parameters.push_back(estimates.next(name));
  if (spec.adstock) {
    ch.parameters.push_back(estimates.next("lambda"));
    ch.adstock = ch.parameters.back().value;
  }
  ch.mean_spend = data.x_mean[static_cast<size_t>(c)];
  ch.max_spend = data.x_scale[static_cast<size_t>(c)];
  ch.response_at_mean = ch.curve.value(ch.mean_spend);
  ch.inflection = ch.curve.inflection();
  ch.saturation = ch.curve.beta;
  ch.saturation_spend = ch.curve.spend_for_share(0.9);
  ch.peak_marginal = ch.curve.peak_marginal();
  ch.break_even = ch.curve.break_even();
  return ch;
}

}  // namespace

CurveFit fit_response_curves(const Table& table, const CurveOptions& options) {
  check_options(options);
  // More rows than the curve has parameters (the same count for both shapes), and at least 5.
  const Spec counting{CurveShape::Hill, options.adstock == Adstock::Geometric, static_cast<int>(options.spend.size())};
  CurveFit fit;
  const CurveData data = curve_data(table, options, std::max(5, counting.params() + 1), fit.notes);

  const ShapeFit chosen = choose_shape(data, options, fit);
  const Spec& spec = chosen.spec;
  const Eigen::VectorXd& p = chosen.result.params;
  describe_fit(fit, chosen, data, options);

  const Reported point = report_of(spec, data, p, options.marginal_step);
  const std::vector<std::vector<double>> draws = bootstrap_draws(chosen, data, options);
  Estimates estimates(point, draws, options.confidence);
  fit.base = estimates.next("base");
  fit.bootstrap = options.bootstrap;
  for (int c = 0; c < spec.channels; ++c) {
    fit.channels.push_back(channel_fit(spec, data, point, c, options, estimates));
    note_bounds(spec, p, c, fit.channels.back().spend, fit.notes);
  }
  for (auto& ch : fit.channels) {
    ch.marginal_return = estimates.next("marginal return at mean spend");
    ch.marginal_return_step =
        estimates.next(fmt::format("return of the next {} at mean spend", format_number(options.marginal_step)));
  }
  return fit;
}

}  // namespace synthtab::marketing
