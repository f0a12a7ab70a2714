#include "synthtab/marketing/response_curve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/marketing/curve_shapes.hpp"
#include "synthtab/table/value_parse.hpp"

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

// The rows used, in model order, rescaled.
struct Data {
  int64_t n = 0;
  Eigen::MatrixXd x;  // n x channels, spend / x_scale
  Eigen::VectorXd y;  // (response - y_shift) / y_scale
  std::vector<double> x_scale, x_mean;
  double y_shift = 0.0, y_scale = 1.0;
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
void evaluate(const Spec& spec, const Data& data, const Eigen::VectorXd& y, const Eigen::VectorXd& p,
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

LeastSquaresProblem problem_of(const Spec& spec, const Data& data, const Eigen::VectorXd& y) {
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
void fit_linear_part(const Spec& spec, const Data& data, Eigen::VectorXd& p) {
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

std::vector<Eigen::VectorXd> starts_of(const Spec& spec, const Data& data, int random_starts, uint64_t seed) {
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

LeastSquaresResult fit_from_starts(const Spec& spec, const Data& data, const std::vector<Eigen::VectorXd>& starts,
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

Eigen::VectorXd fitted_values(const Spec& spec, const Data& data, const Eigen::VectorXd& p) {
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

Reported report_of(const Spec& spec, const Data& data, const Eigen::VectorXd& p, double step) {
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

ShapeFit fit_shape(CurveShape shape, const Data& data, const CurveOptions& options) {
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

// A column as numbers: numeric columns as they are, categorical columns whose labels are all
// numbers (e.g. a spend column with few distinct values) parsed; anything else is an error.
std::vector<double> numbers_of(const Column& column, const char* role, bool allow_dates) {
  if (column.type == ColumnType::Datetime && !allow_dates)
    throw Error(ErrorKind::Input,
                fmt::format("column '{}' holds dates; a {} column must hold numbers", column.name, role));
  if (column.is_numeric()) return column.values;
  std::vector<double> label_values;
  for (const auto& label : column.categories) {
    const auto v = parse_number(label, '.');
    if (!v)
      throw Error(ErrorKind::Input, fmt::format("column '{}' is not numeric: it holds text such as '{}'; a {} column "
                                                "must hold numbers",
                                                column.name, label, role));
    label_values.push_back(*v);
  }
  std::vector<double> out(column.codes.size(), kMissingValue);
  for (size_t r = 0; r < out.size(); ++r)
    if (column.codes[r] != kMissingCode) out[r] = label_values[static_cast<size_t>(column.codes[r])];
  return out;
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

std::string format_number(double v) { return fmt::format("{:.6g}", v); }

}  // namespace

CurveFit fit_response_curves(const Table& table, const CurveOptions& options) {
  check_options(options);
  const int channels = static_cast<int>(options.spend.size());
  const bool adstock = options.adstock == Adstock::Geometric;

  std::vector<std::vector<double>> spend;
  for (const auto& name : options.spend) spend.push_back(numbers_of(table.column(name), "spend", false));
  const std::vector<double> response = numbers_of(table.column(options.response), "response", false);
  std::vector<double> time;
  if (!options.time.empty()) time = numbers_of(table.column(options.time), "time", true);

  // Complete rows; negative spend is an error wherever it appears.
  std::vector<int64_t> rows;
  int64_t dropped = 0;
  for (int64_t r = 0; r < table.rows(); ++r) {
    bool complete = std::isfinite(response[static_cast<size_t>(r)]) &&
                    (time.empty() || std::isfinite(time[static_cast<size_t>(r)]));
    for (int c = 0; c < channels; ++c) {
      const double v = spend[static_cast<size_t>(c)][static_cast<size_t>(r)];
      if (v < 0.0)
        throw Error(ErrorKind::Input, fmt::format("spend column '{}' has a negative value ({}) in data row {}; spend "
                                                  "must be zero or more",
                                                  options.spend[static_cast<size_t>(c)], format_number(v), r + 1));
      complete = complete && std::isfinite(v);
    }
    if (complete)
      rows.push_back(r);
    else
      ++dropped;
  }
  if (!time.empty())
    std::stable_sort(rows.begin(), rows.end(), [&time](int64_t a, int64_t b) {
      return time[static_cast<size_t>(a)] < time[static_cast<size_t>(b)];
    });

  const Spec counting{CurveShape::Hill, adstock, channels};
  const int64_t needed = std::max(5, counting.params() + 1);
  const auto n = static_cast<int64_t>(rows.size());
  if (n < needed)
    throw Error(ErrorKind::Input,
                fmt::format("too few rows: a response curve of '{}' on {} spend column{}{} needs at "
                            "least {} rows with the spend and response present, got {}{}",
                            options.response, channels, channels == 1 ? "" : "s", adstock ? " with adstock" : "",
                            needed, n, dropped ? fmt::format(" ({} dropped for missing values)", dropped) : ""));

  Data data;
  data.n = n;
  data.x.resize(n, channels);
  data.y.resize(n);
  double y_min = std::numeric_limits<double>::infinity(), y_max = -y_min;
  for (int64_t i = 0; i < n; ++i) {
    const double v = response[static_cast<size_t>(rows[static_cast<size_t>(i)])];
    y_min = std::min(y_min, v);
    y_max = std::max(y_max, v);
  }
  if (!(y_max > y_min))
    throw Error(ErrorKind::Input, fmt::format("response column '{}' has the same value ({}) in all {} rows used: a "
                                              "response curve needs the response to vary",
                                              options.response, format_number(y_min), n));
  data.y_shift = y_min;
  data.y_scale = y_max - y_min;
  for (int64_t i = 0; i < n; ++i)
    data.y[i] = (response[static_cast<size_t>(rows[static_cast<size_t>(i)])] - y_min) / data.y_scale;

  CurveFit fit;
  for (int c = 0; c < channels; ++c) {
    const auto& column = spend[static_cast<size_t>(c)];
    std::set<double> distinct;
    double max = 0.0, sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double v = column[static_cast<size_t>(rows[static_cast<size_t>(i)])];
      distinct.insert(v);
      max = std::max(max, v);
      sum += v;
    }
    const auto& name = options.spend[static_cast<size_t>(c)];
    if (distinct.size() == 1)
      throw Error(ErrorKind::Input, fmt::format("spend column '{}' has a single distinct value ({}) in the {} rows "
                                                "used: the shape of a response curve cannot be estimated from one "
                                                "spend level",
                                                name, format_number(*distinct.begin()), n));
    if (distinct.size() == 2)
      fit.notes.push_back(
          fmt::format("spend column '{}' has only 2 distinct values: the curve's "
                      "shape is barely identified; read it with care",
                      name));
    data.x_scale.push_back(max);
    data.x_mean.push_back(sum / static_cast<double>(n));
    for (int64_t i = 0; i < n; ++i) data.x(i, c) = column[static_cast<size_t>(rows[static_cast<size_t>(i)])] / max;
  }

  // Fit the shape(s).
  ShapeFit chosen;
  if (options.shape == CurveShape::Auto) {
    ShapeFit hill = fit_shape(CurveShape::Hill, data, options);
    ShapeFit logistic = fit_shape(CurveShape::Logistic, data, options);
    fit.aicc_hill = hill.aicc;
    fit.aicc_logistic = logistic.aicc;
    const bool pick_logistic =
        std::isfinite(hill.aicc) && std::isfinite(logistic.aicc) ? logistic.aicc < hill.aicc : logistic.rss < hill.rss;
    chosen = pick_logistic ? std::move(logistic) : std::move(hill);
  } else {
    chosen = fit_shape(options.shape, data, options);
  }
  const Spec& spec = chosen.spec;
  const Eigen::VectorXd& p = chosen.result.params;

  fit.response = options.response;
  fit.spend = options.spend;
  fit.shape = spec.shape;
  fit.loss = options.loss;
  fit.loss_scale = chosen.loss_scale * data.y_scale;
  fit.adstock = options.adstock;
  if (adstock) fit.order = options.time.empty() ? "rows in table order" : "rows ordered by '" + options.time + "'";
  fit.rows_used = n;
  fit.rows_dropped = dropped;
  fit.confidence = options.confidence;
  fit.marginal_step = options.marginal_step;
  if (dropped)
    fit.notes.insert(fit.notes.begin(), fmt::format("{} row{} with a missing spend, response{} dropped", dropped,
                                                    dropped == 1 ? "" : "s", time.empty() ? "" : " or time"));
  if (adstock && options.time.empty())
    fit.notes.push_back("adstock: no time column given; rows are taken in table order");

  {
    double tss = 0.0;
    const double mean = data.y.mean();
    for (int64_t i = 0; i < n; ++i) tss += (data.y[i] - mean) * (data.y[i] - mean);
    tss *= data.y_scale * data.y_scale;
    fit.r2 = 1.0 - chosen.rss / tss;
    fit.rmse = std::sqrt(chosen.rss / static_cast<double>(n));
    fit.aicc = chosen.aicc;
  }

  // Bootstrap.
  const Reported point = report_of(spec, data, p, options.marginal_step);
  std::vector<std::vector<double>> draws(static_cast<size_t>(options.bootstrap));
  if (options.bootstrap > 0) {
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
      Data resample = data;
      for (int64_t i = 0; i < n; ++i)
        resample.y[i] = fitted[i] + residuals[static_cast<Eigen::Index>(rng.below(static_cast<uint64_t>(n)))];
      const LeastSquaresProblem problem = problem_of(spec, resample, resample.y);
      const LeastSquaresResult result = solve_least_squares(problem, p, ls);
      draws[static_cast<size_t>(b)] = report_of(spec, data, result.params, options.marginal_step).values;
    });
  }
  size_t slot = 0;
  auto estimate = [&](const std::string& name) {
    Estimate e{name, point.values[slot], kNaN, kNaN};
    if (!draws.empty()) {
      std::vector<double> v;
      v.reserve(draws.size());
      for (const auto& d : draws)
        if (std::isfinite(d[slot])) v.push_back(d[slot]);
      std::sort(v.begin(), v.end());
      const double tail = (1.0 - options.confidence) / 2.0;
      e.low = percentile(v, tail);
      e.high = percentile(v, 1.0 - tail);
    }
    ++slot;
    return e;
  };
  fit.base = estimate("base");
  fit.bootstrap = options.bootstrap;
  const auto bounds = bounds_of(spec);
  for (int c = 0; c < channels; ++c) {
    ChannelFit ch;
    ch.spend = options.spend[static_cast<size_t>(c)];
    ch.curve = point.curves[static_cast<size_t>(c)];
    const bool hill = spec.shape == CurveShape::Hill;
    for (const char* name : {"beta", hill ? "k" : "m", hill ? "a" : "s"}) ch.parameters.push_back(estimate(name));
    if (adstock) {
      ch.parameters.push_back(estimate("lambda"));
      ch.adstock = ch.parameters.back().value;
    }
    const int i = spec.index(c);
    static const char* const kNames[2][4] = {{"beta", "k", "a", "lambda"}, {"beta", "m", "s", "lambda"}};
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
      fit.notes.push_back(fmt::format("'{}': {} is at its {} bound{}", ch.spend, kNames[hill ? 0 : 1][j],
                                      low ? "lower" : "upper", why));
    }
    ch.mean_spend = data.x_mean[static_cast<size_t>(c)];
    ch.max_spend = data.x_scale[static_cast<size_t>(c)];
    ch.response_at_mean = ch.curve.value(ch.mean_spend);
    ch.inflection = ch.curve.inflection();
    ch.saturation = ch.curve.beta;
    ch.saturation_spend = ch.curve.spend_for_share(0.9);
    ch.peak_marginal = ch.curve.peak_marginal();
    ch.break_even = ch.curve.break_even();
    fit.channels.push_back(std::move(ch));
  }
  for (auto& ch : fit.channels) {
    ch.marginal_return = estimate("marginal return at mean spend");
    ch.marginal_return_step =
        estimate(fmt::format("return of the next {} at mean spend", format_number(options.marginal_step)));
  }
  return fit;
}

}  // namespace synthtab::marketing
