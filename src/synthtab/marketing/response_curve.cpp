#include "synthtab/marketing/response_curve.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <set>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/core/sorted_quantile.hpp"
#include "synthtab/marketing/curve_data.hpp"
#include "synthtab/marketing/curve_fitting.hpp"
#include "synthtab/marketing/curve_shapes.hpp"
#include "synthtab/marketing/model_choice.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab::marketing {

namespace {

constexpr uint64_t kBootstrapPurpose = 0x63757276655f6273;  // "curve_bs"
constexpr int kGridPoints = 81;                             // the curve's band: spends 0 to kGridReach x the largest
constexpr double kGridReach = 1.5;

// The reported numbers of a scaled parameter vector: base, each baseline coefficient (per unit of
// its term), then per channel (beta, location, steepness[, lambda]) on the adstocked spend as
// defined, then per channel the marginal return at mean spend (twice: the second is scaled to the
// return of a unit in money) and the return of the next `step` units; then per channel the curve
// and its marginal return on the grid of spends (grid_of).
struct Reported {
  std::vector<double> values;
  std::vector<Curve> curves;  // steady state, raw units
};

std::vector<double> grid_of(const CurveData& data, int c) {
  std::vector<double> grid;
  const double top = kGridReach * data.x_scale[static_cast<size_t>(c)];
  for (int g = 0; g < kGridPoints; ++g) grid.push_back(top * g / (kGridPoints - 1));
  return grid;
}

Reported report_of(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p, double step) {
  Reported out;
  out.values.push_back(data.y_shift + data.y_scale * p[0]);
  for (int j = 0; j < spec.baseline; ++j)
    out.values.push_back(data.y_scale * p[1 + j] / data.baseline_scale[static_cast<size_t>(j)]);
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
    marginals.push_back(curve.marginal(mean));  // again, for the return of a unit in money
    marginals.push_back(curve.value(mean + step) - curve.value(mean));
    out.curves.push_back(curve);
  }
  out.values.insert(out.values.end(), marginals.begin(), marginals.end());
  for (int c = 0; c < spec.channels; ++c) {
    const Curve& curve = out.curves[static_cast<size_t>(c)];
    for (double x : grid_of(data, c)) out.values.push_back(curve.value(x));
    for (double x : grid_of(data, c)) out.values.push_back(curve.marginal(x));
  }
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
  if (o.ridge && !(*o.ridge >= 0.0 && std::isfinite(*o.ridge)))
    throw usage_error("the ridge strength must be 0 (none) or a positive number");
  for (const auto& c : o.controls)
    if (c == o.response || seen.count(c) || c == o.time)
      throw usage_error("control column '" + c + "' is also a spend, the response or the time column");
  if (!(o.period >= 0.0) || !std::isfinite(o.period) || (o.period > 0.0 && o.period < 2.0))
    throw usage_error("the seasonal period must be 0 (from the dates) or at least 2 periods");
  if (!(o.payback_periods > 0.0) || !std::isfinite(o.payback_periods))
    throw usage_error("the payback periods must be a positive number");
}

// The fit's settings, row counts, general notes and goodness of fit.
void describe_fit(CurveFit& fit, const ChosenModel& chosen, const TimeAxis& axis, const CurveOptions& options) {
  const Candidate& c = chosen.candidate;
  const CurveData& data = chosen.data;
  fit.response = options.response;
  fit.spend = options.spend;
  fit.shape = c.shape;
  fit.loss = options.loss;
  fit.loss_scale = chosen.fit.loss_scale * data.y_scale;
  fit.adstock = c.adstock;
  fit.kind = c.kind;
  fit.kind_reason = chosen.kind_reason;
  fit.trend = c.trend;
  fit.seasonality = c.seasonality;
  fit.time_unit = axis.unit;
  fit.payback_periods = options.payback_periods;
  fit.candidates = chosen.candidates;
  fit.cv_origins = chosen.cv_origins;
  fit.ridge = chosen.fit.spec.ridge;
  fit.ridge_reason = chosen.ridge_reason;
  fit.ridge_trials = chosen.ridge_trials;
  fit.order = options.time.empty() ? "rows in table order" : "rows ordered by '" + options.time + "'";
  fit.rows_used = data.n + chosen.first;
  fit.rows_dropped = data.dropped;
  fit.confidence = options.confidence;
  fit.marginal_step = options.marginal_step;
  fit.notes = chosen.notes;
  if (data.dropped)
    fit.notes.insert(fit.notes.begin(),
                     fmt::format("{} row{} with a missing spend{}{} dropped", data.dropped,
                                 data.dropped == 1 ? "" : "s", options.controls.empty() ? "" : ", control",
                                 options.time.empty() ? " or response" : ", response or time"));
  const bool uses_time = c.adstock == Adstock::Geometric || c.kind == ResponseKind::Stock || c.trend != Trend::None ||
                         c.seasonality != Seasonality::None;
  if (uses_time && options.time.empty())
    fit.notes.emplace_back("no time column given: rows are taken in table order, one period each");

  double tss = 0.0;
  const double mean = data.y.mean();
  for (int64_t i = 0; i < data.n; ++i) tss += (data.y[i] - mean) * (data.y[i] - mean);
  tss *= data.y_scale * data.y_scale;
  fit.r2 = 1.0 - chosen.fit.rss / tss;
  fit.rmse = std::sqrt(chosen.fit.rss / static_cast<double>(data.n));
  fit.aicc = chosen.fit.aicc;
}

// Each row's target split into base plus baseline terms and each channel's contribution.
std::vector<DecompositionRow> decomposition_of(const ChosenModel& chosen, const TimeAxis& axis,
                                               const std::vector<double>& dates) {
  const Spec& spec = chosen.fit.spec;
  const CurveData& data = chosen.data;
  const Eigen::VectorXd& p = chosen.fit.result.params;
  Eigen::VectorXd baseline = Eigen::VectorXd::Constant(data.n, p[0]);
  if (spec.baseline > 0) baseline += data.baseline * p.segment(1, spec.baseline);
  std::vector<Eigen::VectorXd> channels, levels;
  for (int c = 0; c < spec.channels; ++c) {
    channels.push_back(channel_values(spec, data, p, c));
    levels.push_back(channel_level(spec, data, p, c) * data.x_scale[static_cast<size_t>(c)]);
  }
  std::vector<DecompositionRow> rows;
  for (int64_t i = 0; i < data.n; ++i) {
    DecompositionRow row;
    const auto at = static_cast<size_t>(i + chosen.first);
    row.period = dates.empty() ? std::to_string(at + 1) : format_datetime(dates[at], "%Y-%m-%d");
    row.position = axis.position[at];
    for (const auto& level : levels) row.levels.push_back(level[i]);
    row.actual = data.y_shift + data.y_scale * data.y[i];
    row.baseline = data.y_shift + data.y_scale * baseline[i];
    row.fitted = row.baseline;
    for (const auto& ch : channels) {
      row.channels.push_back(data.y_scale * ch[i]);
      row.fitted += row.channels.back();
    }
    rows.push_back(std::move(row));
  }
  return rows;
}

// The reported numbers of each residual-bootstrap refit (empty without bootstrap): refits start
// from the point estimate, resample b from its own derived seed, so the draws do not depend on
// the threads.
std::vector<Reported> bootstrap_draws(const ShapeFit& chosen, const CurveData& data, const CurveOptions& options) {
  std::vector<Reported> draws(static_cast<size_t>(options.bootstrap));
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
    draws[static_cast<size_t>(b)] = report_of(spec, data, result.params, options.marginal_step);
  });
  return draws;
}

// Hands out the reported numbers one after another, in report_of's order, each with its
// percentile interval over the bootstrap draws; `scaled` multiplies the number and its draws.
class Estimates {
 public:
  Estimates(const Reported& point, const std::vector<Reported>& draws, double confidence)
      : point_(point), draws_(draws), confidence_(confidence) {}

  Estimate next(const std::string& name, double scaled = 1.0) {
    Estimate e{name, scaled * point_.values[slot_], kNaN, kNaN};
    if (!draws_.empty()) {
      std::vector<double> v;
      v.reserve(draws_.size());
      for (const auto& d : draws_)
        if (std::isfinite(d.values[slot_])) v.push_back(scaled * d.values[slot_]);
      std::sort(v.begin(), v.end());
      const double tail = (1.0 - confidence_) / 2.0;
      e.low = sorted_quantile(v, tail);
      e.high = sorted_quantile(v, 1.0 - tail);
    }
    ++slot_;
    return e;
  }

  // The share of the draws of the number handed out last, times `scaled`, above `level`.
  double share_above(double level, double scaled = 1.0) const {
    int64_t finite = 0, above = 0;
    for (const auto& d : draws_) {
      const double v = scaled * d.values[slot_ - 1];
      if (!std::isfinite(v)) continue;
      ++finite;
      above += v > level ? 1 : 0;
    }
    return finite > 0 ? static_cast<double>(above) / static_cast<double>(finite) : kNaN;
  }

 private:
  const Reported& point_;
  const std::vector<Reported>& draws_;
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
                       const CurveOptions& options, Estimates& estimates, double unit) {
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
  ch.break_even = unit == 1.0 ? ch.curve.break_even() : ch.curve.spend_for_marginal(1.0 / unit);
  return ch;
}

}  // namespace

namespace {

// Each channel's point return of the next unit under every close candidate: when one puts it on
// the other side of break-even from the chosen model's interval, the data cannot tell.
void weigh_close_candidates(CurveFit& fit, const ChosenModel& chosen, const CurveOptions& options) {
  for (size_t c = 0; c < fit.channels.size(); ++c) {
    ChannelFit& ch = fit.channels[c];
    ch.close_candidates = static_cast<int>(chosen.close.size());
    ch.close_low = ch.close_high = ch.unit_return.value;
    for (const CloseRival& rival : chosen.close) {
      const double unit = rival.candidate.kind == ResponseKind::Stock ? options.payback_periods : 1.0;
      const Curve curve = report_of(rival.spec, rival.data, rival.params, options.marginal_step).curves[c];
      const double value = unit * curve.marginal(rival.data.x_mean[c]);
      ch.close_low = std::min(ch.close_low, value);
      ch.close_high = std::max(ch.close_high, value);
      const bool other_side =
          (ch.verdict == Verdict::SpendMore && value < 1.0) || (ch.verdict == Verdict::SpendLess && value > 1.0);
      ch.close_disagreeing += other_side ? 1 : 0;
    }
    if (ch.close_disagreeing > 0) ch.verdict = Verdict::CannotTell;
  }
}

}  // namespace

const char* to_string(Verdict verdict) {
  switch (verdict) {
    case Verdict::SpendMore:
      return "spend more";
    case Verdict::SpendLess:
      return "spend less";
    case Verdict::CannotTell:
      return "the data cannot tell";
    case Verdict::NoInterval:
      return "no interval";
  }
  return "?";
}

std::string Candidate::label() const {
  std::string out = fmt::format("{}, {}", to_string(kind), to_string(shape));
  if (adstock == Adstock::Geometric) out += ", adstock";
  if (trend != Trend::None) out += fmt::format(", {} trend", to_string(trend));
  if (seasonality != Seasonality::None) out += fmt::format(", {} seasonality", to_string(seasonality));
  return out;
}

CurveFit fit_response_curves(const Table& table, const CurveOptions& options) {
  check_options(options);
  // More rows than the simplest candidate has parameters, and at least 5.
  const Spec simplest{CurveShape::Hill, options.adstock == Adstock::Geometric, static_cast<int>(options.spend.size())};
  const CurveRows rows = curve_rows(table, options, std::max(5, simplest.params() + 1));
  const TimeAxis axis = time_axis(rows.dates, rows.n, options.period, options.time);
  const ChosenModel chosen = choose_model(rows, axis, options);
  const Spec& spec = chosen.fit.spec;
  const CurveData& data = chosen.data;
  const Eigen::VectorXd& p = chosen.fit.result.params;
  CurveFit fit;
  describe_fit(fit, chosen, axis, options);
  fit.decomposition = decomposition_of(chosen, axis, rows.dates);

  const Reported point = report_of(spec, data, p, options.marginal_step);
  const std::vector<Reported> draws = bootstrap_draws(chosen.fit, data, options);
  Estimates estimates(point, draws, options.confidence);
  fit.base = estimates.next("base");
  for (const auto& name : data.baseline_names) fit.baseline.push_back(estimates.next(name));
  fit.bootstrap = options.bootstrap;
  // A unit added to a stock stays: its return is counted over the payback periods.
  const double unit = fit.kind == ResponseKind::Stock ? options.payback_periods : 1.0;
  for (int c = 0; c < spec.channels; ++c) {
    fit.channels.push_back(channel_fit(spec, data, point, c, options, estimates, unit));
    note_bounds(spec, p, c, fit.channels.back().spend, fit.notes);
  }
  for (auto& ch : fit.channels) {
    ch.marginal_return = estimates.next("marginal return at mean spend");
    ch.unit_return = estimates.next("return of the next unit at mean spend", unit);
    ch.pays_share = estimates.share_above(1.0, unit);
    ch.marginal_return_step =
        estimates.next(fmt::format("return of the next {} at mean spend", format_number(options.marginal_step)));
    const Estimate& r = ch.unit_return;
    ch.verdict = std::isnan(r.low) ? Verdict::NoInterval
                 : r.low > 1.0     ? Verdict::SpendMore
                 : r.high < 1.0    ? Verdict::SpendLess
                                   : Verdict::CannotTell;
  }
  for (int c = 0; c < spec.channels; ++c) {
    ChannelFit& ch = fit.channels[static_cast<size_t>(c)];
    ch.grid = grid_of(data, c);
    for (double x : ch.grid)
      ch.grid_response.push_back(estimates.next(fmt::format("response at {}", format_number(x))));
    for (double x : ch.grid)
      ch.grid_return.push_back(estimates.next(fmt::format("return of the next unit at {}", format_number(x)), unit));
  }
  for (const Reported& d : draws)
    for (size_t c = 0; c < fit.channels.size(); ++c) fit.channels[c].curve_draws.push_back(d.curves[c]);
  weigh_close_candidates(fit, chosen, options);
  return fit;
}

}  // namespace synthtab::marketing
