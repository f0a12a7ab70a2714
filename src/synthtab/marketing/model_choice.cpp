#include "synthtab/marketing/model_choice.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <iterator>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"

namespace synthtab::marketing {

namespace {

// A response that rises with time this steadily (Spearman's rank correlation with time) may be a
// stock; cross-validation then decides.
constexpr double kGrowthCorrelation = 0.6;

template <typename T>
std::vector<T> choices(T given, std::vector<T> all) {
  if (given != all.back()) return {given};  // the last of `all` is Auto
  all.pop_back();
  return all;
}

struct Kinds {
  std::vector<ResponseKind> kinds;
  double growth = 0.0;  // rank correlation of the response with time
};

Kinds kinds_of(const CurveRows& rows, const CurveOptions& options) {
  Kinds out;
  out.growth = rank_correlation_with_time(rows.response);
  if (options.kind != ResponseKind::Auto) {
    out.kinds = {options.kind};
    return out;
  }
  const bool never_negative = std::all_of(rows.response.begin(), rows.response.end(), [](double v) { return v >= 0; });
  out.kinds = {ResponseKind::Flow};
  if (out.growth >= kGrowthCorrelation && never_negative) out.kinds.push_back(ResponseKind::Stock);
  return out;
}

std::vector<Seasonality> seasonalities_of(const TimeAxis& axis, int64_t n, const CurveOptions& options,
                                          std::vector<std::string>& notes) {
  if (options.seasonality == Seasonality::None) return {Seasonality::None};
  if (!(axis.period > 0.0)) {
    if (options.seasonality != Seasonality::Auto)
      throw usage_error(
          fmt::format("seasonality '{}' needs the length of a season: give a `time` column of dates or "
                      "a `period` (periods per cycle, e.g. 12 for monthly rows)",
                      to_string(options.seasonality)));
    notes.emplace_back(
        "seasonality: not fitted, since no seasonal period is known (give a `time` column of dates, or a `period`)");
    return {Seasonality::None};
  }
  if (options.seasonality != Seasonality::Auto) return {options.seasonality};
  if (static_cast<double>(n) < 2.0 * axis.period) {
    notes.push_back(fmt::format("seasonality: not fitted, since {} rows are fewer than two cycles of {} {}s", n,
                                format_number(axis.period), axis.unit));
    return {Seasonality::None};
  }
  return {Seasonality::None, Seasonality::Fourier};
}

// The rows of one (kind, trend, seasonality); the shape and adstock do not change them.
struct DataSet {
  ResponseKind kind;
  Trend trend;
  Seasonality seasonality;
  CurveData data;
};

struct Trial {
  Candidate candidate;
  Spec spec;
  size_t data_set = 0;
  ShapeFit fit;
};

int64_t first_row(ResponseKind kind) { return kind == ResponseKind::Stock ? 1 : 0; }

// At most this many origins per candidate, spread evenly up to the last row: past a dozen, more
// one-step-ahead errors barely move a candidate's rank and cost a fit each.
constexpr int64_t kMaxOrigins = 12;

std::vector<int64_t> origins_of(int64_t first_origin, int64_t n) {
  std::vector<int64_t> out;
  const int64_t span = n - 1 - first_origin;
  const int64_t count = std::min(kMaxOrigins, span + 1);
  for (int64_t i = 0; i < count; ++i)
    out.push_back(first_origin + (count == 1 ? 0 : (i * span + (count - 1) / 2) / (count - 1)));
  return out;
}

// One-step-ahead RMSE of the response over the origins: each fit on the rows before its origin,
// the first from the grid of starts, each later one from the fit before it (which saw only
// earlier rows, so no held-out row shapes a fit).
double cv_rmse(const Trial& trial, const CurveData& data, int64_t first, const std::vector<int64_t>& origins,
               const CurveOptions& options) {
  double sum = 0.0;
  Eigen::VectorXd previous;
  for (const int64_t origin : origins) {
    const int64_t at = origin - first;  // the origin's row in the trial's data
    const ShapeFit fit = fit_spec(trial.spec, first_rows(data, at), options, 0, previous.size() ? &previous : nullptr);
    previous = fit.result.params;
    const double predicted = fitted_values(trial.spec, first_rows(data, at + 1), previous)[at];
    const double error = (predicted - data.y[at]) * data.y_scale;  // a stock's change error is its level's
    sum += error * error;
  }
  return std::sqrt(sum / static_cast<double>(origins.size()));
}

// A CV error in a sentence: whole units from 1,000 on, else 4 significant digits.
std::string plain_number(double v) {
  return std::abs(v) >= 1000.0 ? fmt::format("{:.0f}", v) : fmt::format("{:.4g}", v);
}

std::string why_kind(const Kinds& kinds, const std::vector<Trial>& trials, const Candidate& chosen,
                     const CurveOptions& options, int origins) {
  if (options.kind != ResponseKind::Auto) return "as given";
  const std::string growth = fmt::format("rank correlation {:.2f} with time", kinds.growth);
  if (kinds.kinds.size() == 1)
    return fmt::format("it does not rise steadily with time ({}; a stock needs {:.1f} or more)", growth,
                       kGrowthCorrelation);
  double best[2] = {kNaN, kNaN};  // lowest CV error as a flow, as a stock
  for (const auto& t : trials) {
    double& b = best[t.candidate.kind == ResponseKind::Stock ? 1 : 0];
    if (std::isnan(b) || t.candidate.cv_rmse < b) b = t.candidate.cv_rmse;
  }
  if (origins == 0)
    return fmt::format("it rises with time ({}), so it is taken to accumulate (too few rows to cross-validate)",
                       growth);
  const bool stock = chosen.kind == ResponseKind::Stock;
  const auto plain = plain_number;
  return fmt::format(
      "it rises with time ({}), and modelling {} predicts held-out periods better: CV error {} "
      "against {} as a {}",
      growth, stock ? "its change per period" : "it as it is", plain(best[stock ? 1 : 0]), plain(best[stock ? 0 : 1]),
      stock ? "flow" : "stock");
}

// A ridge strength is kept only when its CV error is this much lower than without one.
constexpr double kRidgeGain = 0.05;

// The ridge strength of the chosen model: as given, or the one of kRidgeStrengths (or none) with
// the lowest CV error; the chosen fit is refitted with it.
void choose_ridge(ChosenModel& out, Trial& chosen, const std::vector<int64_t>& origins, const CurveOptions& options) {
  if (options.ridge) {
    out.ridge_reason = *options.ridge > 0.0 ? "as given" : "the default";
    return;
  }
  if (origins.empty()) {
    out.ridge_reason = "auto: too few rows to cross-validate its strength";
    return;
  }
  if (!std::isfinite(chosen.candidate.cv_rmse))
    chosen.candidate.cv_rmse = cv_rmse(chosen, out.data, out.first, origins, options);
  out.ridge_trials.push_back({0.0, chosen.candidate.cv_rmse});
  std::vector<RidgeTrial> tried(std::size(kRidgeStrengths));
  parallel_for(static_cast<int64_t>(tried.size()), options.threads, [&](int64_t i) {
    Trial trial = chosen;
    trial.spec.ridge = kRidgeStrengths[i];
    tried[static_cast<size_t>(i)] = {trial.spec.ridge, cv_rmse(trial, out.data, out.first, origins, options)};
  });
  out.cv_origins = static_cast<int>(origins.size());
  RidgeTrial best = out.ridge_trials.front();
  for (const RidgeTrial& t : tried) {
    out.ridge_trials.push_back(t);
    if (t.cv_rmse < best.cv_rmse * (1.0 - 1e-9)) best = t;
  }
  // A penalty biases the fit and the bootstrap keeps its strength fixed, so a gain within the
  // noise of a dozen held-out errors is not worth intervals that are too narrow.
  if (best.cv_rmse > (1.0 - kRidgeGain) * out.ridge_trials.front().cv_rmse) best = out.ridge_trials.front();
  if (best.strength == 0.0) {
    out.ridge_reason = fmt::format("auto: no strength predicts held-out periods {:.0f} % better; CV error {} without",
                                   100.0 * kRidgeGain, plain_number(best.cv_rmse));
    return;
  }
  Spec spec = chosen.spec;
  spec.ridge = best.strength;
  out.fit = fit_spec(spec, out.data, options, options.random_starts);
  out.ridge_reason = fmt::format("auto: it predicts held-out periods better, CV error {} against {} without",
                                 plain_number(best.cv_rmse), plain_number(out.ridge_trials.front().cv_rmse));
}

}  // namespace

ChosenModel choose_model(const CurveRows& rows, const TimeAxis& axis, const CurveOptions& options) {
  ChosenModel out;
  const Kinds kinds = kinds_of(rows, options);
  const auto seasonalities = seasonalities_of(axis, rows.n, options, out.notes);
  const auto trends = choices(options.trend, {Trend::None, Trend::Linear, Trend::Log, Trend::Auto});
  const auto shapes = choices(options.shape, {CurveShape::Hill, CurveShape::Logistic, CurveShape::Auto});
  const auto adstocks = choices(options.adstock, {Adstock::None, Adstock::Geometric, Adstock::Auto});

  std::vector<DataSet> sets;
  for (ResponseKind kind : kinds.kinds)
    for (Trend trend : trends)
      for (Seasonality seasonality : seasonalities) {
        const int64_t first = first_row(kind);
        const BaselineTerms terms = baseline_terms(axis, first, trend, seasonality, rows.controls, options.controls);
        std::vector<std::string> scratch;
        try {
          sets.push_back({kind, trend, seasonality,
                          curve_data(rows, first, kind == ResponseKind::Stock, terms, options,
                                     sets.empty() ? out.notes : scratch)});
        } catch (const Error&) {
          if (options.kind == ResponseKind::Stock || kind == ResponseKind::Flow) throw;
          // A stock whose changes do not vary (or spends that do not, without the first row) is
          // simply not a candidate when the kind was left to auto.
        }
      }

  std::vector<Trial> trials;
  for (size_t s = 0; s < sets.size(); ++s)
    for (CurveShape shape : shapes)
      for (Adstock adstock : adstocks) {
        const auto& set = sets[s];
        Spec spec{shape, adstock == Adstock::Geometric, static_cast<int>(rows.spend.cols()),
                  static_cast<int>(set.data.baseline.cols()), options.ridge.value_or(0.0)};
        if (set.data.n < spec.params() + 2) continue;  // AICc needs n > q + 1
        Candidate c{set.kind, shape, adstock, set.trend, set.seasonality, spec.params()};
        trials.push_back({c, spec, s, {}});
      }
  if (trials.empty())
    throw Error(ErrorKind::Input, fmt::format("too few rows: {} rows of '{}' leave no degrees of freedom for a curve "
                                              "with these baseline terms and controls",
                                              rows.n, options.response));

  // Every candidate is judged on the same origins: from half the rows on, and late enough that
  // the largest has two more training rows than parameters.
  int64_t first_origin = (rows.n + 1) / 2;
  for (const auto& t : trials) first_origin = std::max(first_origin, t.spec.params() + 2 + first_row(t.candidate.kind));
  const bool can_cross_validate = rows.n - first_origin >= 2;
  const bool cross_validate = trials.size() > 1 && can_cross_validate;
  const std::vector<int64_t> origins = can_cross_validate ? origins_of(first_origin, rows.n) : std::vector<int64_t>{};
  if (cross_validate) out.cv_origins = static_cast<int>(origins.size());

  parallel_for(static_cast<int64_t>(trials.size()), options.threads, [&](int64_t i) {
    Trial& t = trials[static_cast<size_t>(i)];
    const CurveData& data = sets[t.data_set].data;
    t.fit = fit_spec(t.spec, data, options, options.random_starts);
    t.candidate.aicc = t.fit.aicc;
    if (cross_validate) t.candidate.cv_rmse = cv_rmse(t, data, first_row(t.candidate.kind), origins, options);
  });

  // The lowest CV error (or, without CV, the lowest AICc of the detected kind); ties go to the
  // simpler candidate, then to the earlier one, so the choice is deterministic.
  const ResponseKind preferred = kinds.kinds.back();
  size_t best = trials.size();
  auto score = [&](const Trial& t) { return cross_validate ? t.candidate.cv_rmse : t.candidate.aicc; };
  for (size_t i = 0; i < trials.size(); ++i) {
    const Trial& t = trials[i];
    if (!cross_validate && t.candidate.kind != preferred) continue;
    if (!std::isfinite(score(t)) && best < trials.size()) continue;
    if (best == trials.size()) {
      best = i;
      continue;
    }
    const double a = score(t), b = score(trials[best]);
    if (a < b * (1.0 - 1e-9) || (a <= b * (1.0 + 1e-9) && t.spec.params() < trials[best].spec.params())) best = i;
  }
  if (best == trials.size()) best = 0;
  trials[best].candidate.chosen = true;
  out.data = sets[trials[best].data_set].data;
  out.fit = trials[best].fit;
  out.first = first_row(trials[best].candidate.kind);
  choose_ridge(out, trials[best], origins, options);
  for (const auto& t : trials) out.candidates.push_back(t.candidate);
  out.candidate = trials[best].candidate;
  out.kind_reason = why_kind(kinds, trials, out.candidate, options, out.cv_origins);
  if (cross_validate)
    for (size_t i = 0; i < trials.size(); ++i)
      if (i != best && trials[i].candidate.cv_rmse <= (1.0 + kCloseCandidates) * out.candidate.cv_rmse)
        out.close.push_back(
            {trials[i].candidate, trials[i].spec, sets[trials[i].data_set].data, trials[i].fit.result.params});
  return out;
}

}  // namespace synthtab::marketing
