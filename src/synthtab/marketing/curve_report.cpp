#include "synthtab/marketing/curve_report.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>

#include "synthtab/core/error.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/magnitude.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab::marketing {

namespace {

// "a, b, c" (the first 20 names; a wide table would fill the screen).
std::string column_list(const RawTable& raw) {
  std::string out;
  const size_t shown = std::min<size_t>(raw.names.size(), 20);
  for (size_t i = 0; i < shown; ++i) out += (i ? ", " : "") + raw.names[i];
  if (shown < raw.names.size()) out += fmt::format(", ... ({} in all)", raw.names.size());
  return out;
}

// The curve's own messages: a missing `spend`, `response` or `time` column, or text in a column
// that must hold numbers (the generic ones suggest `numeric`, which curves have no use for).
void check_curve_columns(const RawTable& raw, const std::string& path, const CurveOptions& options) {
  auto require = [&](const std::string& option, const std::string& name) {
    if (std::find(raw.names.begin(), raw.names.end(), name) == raw.names.end())
      throw usage_error(
          fmt::format("{} '{}': no such column in {}; columns are: {}", option, name, path, column_list(raw)));
  };
  for (const auto& spend : options.spend) require("`spend`", spend);
  if (!options.response.empty()) require("`response`", options.response);
  if (!options.time.empty()) require("`time`", options.time);
  for (const auto& control : options.controls) require("`controls`", control);
  auto numbers_only = [&](const std::string& name, const char* role) {
    const auto c = static_cast<size_t>(std::find(raw.names.begin(), raw.names.end(), name) - raw.names.begin());
    const RawColumn& column = raw.columns[c];
    for (int64_t r = 0; r < column.size() && !column.holds_numbers(); ++r) {
      const auto cell = trim(column.cell(r));
      // Text under either decimal mark; a number in the other mark is left to the common check.
      if (is_missing_marker(cell) || parse_number(cell, '.') || parse_number(cell, ',')) continue;
      throw input_error(path, raw.line_of(r), static_cast<int64_t>(c) + 1,
                        fmt::format("column '{}' holds text at line {} ('{}'): {} must be numbers", name,
                                    raw.line_of(r), cell.substr(0, 40), role));
    }
  };
  for (const auto& spend : options.spend) numbers_only(spend, "spend columns");
  if (!options.response.empty()) numbers_only(options.response, "the response column's values");
  for (const auto& control : options.controls) numbers_only(control, "control columns");
}

}  // namespace

Table read_curve_csv(const std::string& path, const CurveOptions& options, const CsvReadOptions& csv) {
  return curve_table(read_csv(path, csv), options);
}

Table curve_table(const RawTable& raw, const CurveOptions& options) {
  const std::string& path = raw.source;
  check_curve_columns(raw, path, options);
  SchemaOverrides overrides;
  overrides.numeric = options.spend;
  overrides.numeric.insert(overrides.numeric.end(), options.controls.begin(), options.controls.end());
  if (!options.response.empty()) overrides.numeric.push_back(options.response);
  Schema schema = infer_schema(raw, overrides);
  if (!options.time.empty()) {
    const auto it = std::find_if(schema.columns.begin(), schema.columns.end(),
                                 [&](const ColumnSchema& c) { return c.name == options.time; });
    if (it == schema.columns.end()) throw usage_error(fmt::format("{}: no time column '{}'", path, options.time));
    // An index or running number is a fine time order even though inference would drop it as an ID.
    if (it->role == ColumnRole::Id || it->role == ColumnRole::Dropped) it->role = ColumnRole::Float;
  }
  Table table = to_table(raw, schema);
  check_squarable(table, raw, path, "the curve fit squares residuals and spends");
  return table;
}

CurveReport analyse_response(const Table& real, const Table* synthetic, const CurveOptions& options,
                             std::optional<double> budget) {
  CurveReport report;
  report.real = fit_response_curves(real, options);
  if (budget) report.budget = allocate_budget(report.real, *budget);
  if (synthetic) {
    // Synthetic rows have no time order: no adstock, trend, seasonality or stock; the same shape
    // as the real fit, so that parameters can be compared one to one.
    CurveOptions synthetic_options = options;
    synthetic_options.adstock = Adstock::None;
    synthetic_options.kind = ResponseKind::Flow;
    synthetic_options.trend = Trend::None;
    synthetic_options.seasonality = Seasonality::None;
    synthetic_options.time.clear();
    synthetic_options.shape = report.real.shape;
    report.synthetic = fit_response_curves(*synthetic, synthetic_options);
    const CurveFit& real = report.real;
    if (real.adstock != Adstock::None || real.kind != ResponseKind::Flow || real.trend != Trend::None ||
        real.seasonality != Seasonality::None)
      report.synthetic->notes.push_back(
          "synthetic rows have no time order: fitted as a flow without adstock, trend or seasonality, so their "
          "figures are not those of the real model");
    if (report.real.bootstrap > 0) {
      auto add = [&](const std::string& channel, const Estimate& r, const Estimate& s) {
        const double rw = r.high - r.low, sw = s.high - s.low;
        report.interval_ratios.push_back({channel, r.name, rw, sw, rw > 0 ? sw / rw : kNaN});
      };
      add("", report.real.base, report.synthetic->base);
      for (size_t c = 0; c < report.real.channels.size(); ++c) {
        const auto& rc = report.real.channels[c];
        const auto& sc = report.synthetic->channels[c];
        for (size_t j = 0; j < std::min<size_t>(3, rc.parameters.size()); ++j)
          add(rc.spend, rc.parameters[j], sc.parameters[j]);
        add(rc.spend, rc.marginal_return, sc.marginal_return);
        add(rc.spend, rc.marginal_return_step, sc.marginal_return_step);
      }
    }
  }
  return report;
}

namespace {

nlohmann::json number(double v) {
  if (!std::isfinite(v)) return nullptr;
  return v;
}

nlohmann::json to_json(const Estimate& e) {
  return {{"name", e.name}, {"value", number(e.value)}, {"low", number(e.low)}, {"high", number(e.high)}};
}

// A band: the values, lows and highs of estimates on a grid, as three arrays.
nlohmann::json estimates_json(const std::vector<Estimate>& band) {
  nlohmann::json value = nlohmann::json::array(), low = value, high = value;
  for (const auto& e : band) {
    value.push_back(number(e.value));
    low.push_back(number(e.low));
    high.push_back(number(e.high));
  }
  return {{"value", value}, {"low", low}, {"high", high}};
}

}  // namespace

nlohmann::json to_json(const CurveFit& fit) {
  nlohmann::json channels = nlohmann::json::array();
  for (const auto& ch : fit.channels) {
    nlohmann::json parameters = nlohmann::json::array();
    for (const auto& p : ch.parameters) parameters.push_back(to_json(p));
    channels.push_back({
        {"spend", ch.spend},
        {"parameters", parameters},
        {"adstock_lambda", ch.adstock},
        {"steady_state_curve",
         {{"beta", ch.curve.beta},
          {fit.shape == CurveShape::Hill ? "k" : "m", ch.curve.location},
          {fit.shape == CurveShape::Hill ? "a" : "s", ch.curve.steepness}}},
        {"mean_spend", ch.mean_spend},
        {"max_spend", ch.max_spend},
        {"response_at_mean", number(ch.response_at_mean)},
        {"marginal_return", to_json(ch.marginal_return)},
        {"marginal_return_step", to_json(ch.marginal_return_step)},
        {"inflection_spend", number(ch.inflection)},
        {"saturation", number(ch.saturation)},
        {"saturation_spend_90", number(ch.saturation_spend)},
        {"peak_marginal_return", number(ch.peak_marginal)},
        {"break_even_spend", number(ch.break_even)},
        {"unit_return", to_json(ch.unit_return)},
        {"pays_share", number(ch.pays_share)},
        {"verdict", to_string(ch.verdict)},
        {"close_candidates", ch.close_candidates},
        {"close_candidates_disagreeing", ch.close_disagreeing},
        {"close_candidates_return_low", number(ch.close_low)},
        {"close_candidates_return_high", number(ch.close_high)},
        {"grid", ch.grid},
        {"grid_response", estimates_json(ch.grid_response)},
        {"grid_return", estimates_json(ch.grid_return)},
        {"verdict_text", verdict_sentence(fit, ch)},
    });
  }
  nlohmann::json baseline = nlohmann::json::array();
  for (const auto& b : fit.baseline) baseline.push_back(to_json(b));
  nlohmann::json candidates = nlohmann::json::array();
  for (const auto& c : fit.candidates)
    candidates.push_back({{"label", c.label()},
                          {"kind", to_string(c.kind)},
                          {"shape", to_string(c.shape)},
                          {"adstock", to_string(c.adstock)},
                          {"trend", to_string(c.trend)},
                          {"seasonality", to_string(c.seasonality)},
                          {"parameters", c.parameters},
                          {"cv_rmse", number(c.cv_rmse)},
                          {"aicc", number(c.aicc)},
                          {"chosen", c.chosen}});
  nlohmann::json ridge_trials = nlohmann::json::array();
  for (const auto& t : fit.ridge_trials)
    ridge_trials.push_back({{"strength", t.strength}, {"cv_rmse", number(t.cv_rmse)}});
  nlohmann::json decomposition = nlohmann::json::array();
  for (const auto& row : fit.decomposition)
    decomposition.push_back({{"period", row.period},
                             {"position", row.position},
                             {"levels", row.levels},
                             {"actual", number(row.actual)},
                             {"fitted", number(row.fitted)},
                             {"baseline", number(row.baseline)},
                             {"channels", row.channels}});
  return {
      {"response", fit.response},
      {"shape", to_string(fit.shape)},
      {"loss", to_string(fit.loss)},
      {"loss_scale", number(fit.loss == Loss::Squares ? kNaN : fit.loss_scale)},
      {"adstock", to_string(fit.adstock)},
      {"order", fit.order},
      {"base", to_json(fit.base)},
      {"channels", channels},
      {"rows_used", fit.rows_used},
      {"rows_dropped", fit.rows_dropped},
      {"r2", number(fit.r2)},
      {"rmse", number(fit.rmse)},
      {"aicc", number(fit.aicc)},
      {"kind", to_string(fit.kind)},
      {"kind_reason", fit.kind_reason},
      {"trend", to_string(fit.trend)},
      {"seasonality", to_string(fit.seasonality)},
      {"time_unit", fit.time_unit},
      {"payback_periods", fit.payback_periods},
      {"baseline", baseline},
      {"candidates", candidates},
      {"cv_origins", fit.cv_origins},
      {"ridge", fit.ridge},
      {"ridge_reason", fit.ridge_reason},
      {"ridge_trials", ridge_trials},
      {"decomposition", decomposition},
      {"bootstrap", fit.bootstrap},
      {"confidence", fit.confidence},
      {"marginal_step", fit.marginal_step},
      {"notes", fit.notes},
  };
}

nlohmann::json to_json(const BudgetAllocation& a) {
  nlohmann::json channels = nlohmann::json::array();
  for (size_t c = 0; c < a.channels.size(); ++c)
    channels.push_back({{"spend", a.channels[c]},
                        {"current", a.current[c]},
                        {"current_at_budget", a.current_at_budget[c]},
                        {"optimal", a.optimal[c]},
                        {"marginal_return_at_optimal", number(a.marginal_at_optimal[c])},
                        {"pays_at_optimal_share", number(a.pays_at_optimal[c])}});
  return {{"budget", a.budget},
          {"channels", channels},
          {"predicted_current", a.predicted_current},
          {"predicted_current_at_budget", a.predicted_current_at_budget},
          {"predicted_optimal", a.predicted_optimal},
          {"gain", a.gain},
          {"optimal_beats_current_share", number(a.optimal_beats_current_share)}};
}

namespace {

// The curve's response at a planned spend of its channel.
double planned_curve(const CurveFit& fit, const PlannedSpend& p) {
  const auto at = std::find(fit.spend.begin(), fit.spend.end(), p.channel);
  return curve_response_at(fit, static_cast<size_t>(at - fit.spend.begin()), p.spend);
}

}  // namespace

nlohmann::json to_json(const CurveReport& report) {
  nlohmann::json out{{"real", to_json(report.real)}};
  if (report.synthetic) {
    out["synthetic"] = to_json(*report.synthetic);
    nlohmann::json ratios = nlohmann::json::array();
    for (const auto& r : report.interval_ratios)
      ratios.push_back({{"channel", r.channel},
                        {"parameter", r.parameter},
                        {"real_width", number(r.real_width)},
                        {"synthetic_width", number(r.synthetic_width)},
                        {"ratio", number(r.ratio)}});
    out["interval_width_ratios"] = ratios;
  }
  if (report.budget) out["budget"] = to_json(*report.budget);
  if (report.planned) {
    nlohmann::json points = nlohmann::json::array();
    for (const auto& p : report.planned->points) {
      points.push_back({{"channel", p.channel},
                        {"spend", p.spend},
                        {"curve", number(planned_curve(report.real, p))},
                        {"rows", p.rows},
                        {"mean", number(p.mean)},
                        {"p5", number(p.p5)},
                        {"p25", number(p.p25)},
                        {"median", number(p.median)},
                        {"p75", number(p.p75)},
                        {"p95", number(p.p95)}});
    }
    out["planned_spends"] = {
        {"model", report.planned->model}, {"points", points}, {"unavailable", report.planned->unavailable}};
  }
  return out;
}

double curve_response_at(const CurveFit& fit, size_t channel, double spend) {
  if (channel >= fit.channels.size()) return kNaN;
  std::vector<double> spends;
  for (const auto& ch : fit.channels) spends.push_back(ch.mean_spend);
  spends[channel] = spend;
  return fit.predict(spends);
}

namespace {

// At least 4 significant digits, no exponent for everyday magnitudes.
std::string num(double v) {
  if (std::isnan(v)) return "-";
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  const double a = std::abs(v);
  if (a != 0.0 && (a < 1e-3 || a >= 1e12)) return fmt::format("{:.4g}", v);
  const int digits = a == 0.0 ? 0 : std::max(0, 3 - static_cast<int>(std::floor(std::log10(a))));
  return fmt::format("{:.{}f}", v, digits);
}

std::string interval(const Estimate& e) {
  if (std::isnan(e.low)) return "";
  std::string out = "[";
  out.append(num(e.low)).append(", ").append(num(e.high)).append("]");
  return out;
}

void row(std::string& out, const std::string& label, const std::string& value, const std::string& extra = "") {
  out += fmt::format("  {:<44} {:>14}  {}\n", label, value, extra);
  while (!out.empty() && out[out.size() - 2] == ' ') out.erase(out.size() - 2, 1);  // no trailing blanks
}

// "month", "week", "day", or "period" for rows without dates.
std::string period_word(const CurveFit& fit) { return fit.time_unit == "row" ? "period" : fit.time_unit; }

// The candidates, best cross-validation error first (the first 12: the rest are in the JSON).
void format_candidates(std::string& out, const CurveFit& fit) {
  if (fit.candidates.size() < 2) return;
  std::vector<Candidate> sorted = fit.candidates;
  std::stable_sort(sorted.begin(), sorted.end(), [&fit](const Candidate& a, const Candidate& b) {
    const double x = fit.cv_origins ? a.cv_rmse : a.aicc, y = fit.cv_origins ? b.cv_rmse : b.aicc;
    return std::isfinite(x) && (!std::isfinite(y) || x < y);
  });
  if (fit.cv_origins)
    out += fmt::format(
        "  candidates, by cross-validation error (RMSE of {} one-step-ahead predictions of the response; AICc "
        "compares candidates of one kind only)\n",
        fit.cv_origins);
  else
    out += "  candidates, by AICc (too few rows to cross-validate)\n";
  const size_t shown = std::min<size_t>(sorted.size(), 12);
  for (size_t i = 0; i < shown; ++i) {
    const Candidate& c = sorted[i];
    out += fmt::format("  {} {:<52} CV error {:>10}  AICc {:>8}  {} parameters\n", c.chosen ? "*" : " ", c.label(),
                       num(c.cv_rmse), num(c.aicc), c.parameters);
  }
  if (shown < sorted.size()) out += fmt::format("    ... and {} more (all in the JSON)\n", sorted.size() - shown);
}

// Mean contribution per period of the baseline and each channel, as shares of the fitted target.
void format_decomposition(std::string& out, const CurveFit& fit) {
  if (fit.decomposition.empty()) return;
  const double n = static_cast<double>(fit.decomposition.size());
  double baseline = 0.0, fitted = 0.0;
  std::vector<double> channels(fit.channels.size(), 0.0);
  for (const auto& row : fit.decomposition) {
    baseline += row.baseline / n;
    fitted += row.fitted / n;
    for (size_t c = 0; c < channels.size(); ++c) channels[c] += row.channels[c] / n;
  }
  const bool stock = fit.kind == ResponseKind::Stock;
  out += fmt::format("  where the {} comes from (mean per {}{})\n", stock ? "change per period" : "response",
                     period_word(fit), fitted != 0.0 ? ", share of the fitted value" : "");
  auto line = [&](const std::string& label, double v) {
    row(out, "  " + label, num(v), fitted != 0.0 ? fmt::format("{:.0f} %", 100.0 * v / fitted) : "");
  };
  line("baseline (base and baseline terms)", baseline);
  for (size_t c = 0; c < channels.size(); ++c) line("'" + fit.channels[c].spend + "'", channels[c]);
}

void format_fit(std::string& out, const CurveFit& fit, const std::string& title) {
  const int percent = static_cast<int>(std::lround(fit.confidence * 100));
  const bool stock = fit.kind == ResponseKind::Stock;
  out += fmt::format("{}: response '{}'\n", title, fit.response);
  out += fmt::format("  response kind: {}{}. Why: {}.\n", to_string(fit.kind),
                     stock ? ", modelled by its change per period" : "", fit.kind_reason);
  std::string terms;
  if (fit.trend != Trend::None) terms += fmt::format("{} trend", to_string(fit.trend));
  if (fit.seasonality != Seasonality::None)
    terms += fmt::format("{}{} seasonality", terms.empty() ? "" : ", ", to_string(fit.seasonality));
  for (const auto& b : fit.baseline)
    if (b.name.rfind("trend") == std::string::npos && b.name.rfind("season", 0) != 0 && b.name.rfind("month ", 0) != 0)
      terms += fmt::format("{}control '{}'", terms.empty() ? "" : ", ", b.name);
  out += fmt::format("  model: {} curve{}; baseline terms: {}; {}; {}\n", to_string(fit.shape),
                     fit.adstock == Adstock::Geometric ? " with geometric adstock" : "", terms.empty() ? "none" : terms,
                     to_string(fit.loss), fit.order);
  out += fmt::format("  rows used {}, dropped {}; R^2 {}, RMSE {}, AICc {}\n", fit.rows_used, fit.rows_dropped,
                     num(fit.r2), num(fit.rmse), num(fit.aicc));
  format_candidates(out, fit);
  out += fmt::format("  ridge (small-data regularisation): {} ({})\n",
                     fit.ridge > 0.0 ? fmt::format("strength {:g}", fit.ridge) : "none", fit.ridge_reason);
  if (fit.bootstrap > 0)
    out += fmt::format("  intervals: {} % percentile, residual bootstrap of {} resamples\n", percent, fit.bootstrap);
  const std::string at = fit.baseline.empty() ? "" : ", average period";
  row(out, stock ? "base (change at zero spend" + at + ")" : "base (response at zero spend" + at + ")",
      num(fit.base.value), interval(fit.base));
  if (!fit.baseline.empty()) out += "  baseline terms\n";
  for (const auto& b : fit.baseline) {
    const bool trend = b.name == "trend";
    row(out, "  " + b.name + (trend ? " (per " + (period_word(fit)) + ")" : ""), num(b.value), interval(b));
  }
  for (const auto& ch : fit.channels) {
    out += fmt::format("  channel '{}'\n", ch.spend);
    for (const auto& p : ch.parameters) row(out, "  " + p.name, num(p.value), interval(p));
    row(out, "  mean spend per period", num(ch.mean_spend));
    row(out, stock ? "  change from this channel at mean spend" : "  response from this channel at mean spend",
        num(ch.response_at_mean));
    row(out, stock ? "  change from the next unit at mean spend" : "  return of the next unit at mean spend",
        num(ch.marginal_return.value), interval(ch.marginal_return));
    if (stock)
      row(out, fmt::format("  return of the next unit over {:g} {}s", fit.payback_periods, period_word(fit)),
          num(ch.unit_return.value), interval(ch.unit_return));
    row(out, std::string("  return of the next ").append(num(fit.marginal_step)).append(" at mean spend"),
        num(ch.marginal_return_step.value), interval(ch.marginal_return_step));
    row(out, "  inflection (returns start to diminish)", num(ch.inflection));
    row(out, "  saturation level (beta)", num(ch.saturation));
    row(out, "  spend reaching 90 % of saturation", num(ch.saturation_spend));
    row(out, "  highest return of a unit (at inflection)", num(ch.peak_marginal));
    const std::string break_even =
        stock ? "  break-even spend (returns 1 over the payback)" : "  break-even spend (next unit returns 1)";
    if (std::isnan(ch.break_even))
      row(out, break_even, "never", "(a unit never returns 1)");
    else
      row(out, break_even, num(ch.break_even),
          ch.mean_spend < ch.break_even ? "(mean spend is below it)" : "(mean spend is above it)");
    out += "    verdict: " + verdict_sentence(fit, ch) + "\n";
  }
  format_decomposition(out, fit);
  for (const auto& note : fit.notes) out += "  note: " + note + "\n";
}

}  // namespace

std::string verdict_sentence(const CurveFit& fit, const ChannelFit& channel) {
  const Estimate& r = channel.unit_return;
  const int percent = static_cast<int>(std::lround(fit.confidence * 100));
  const std::string over =
      fit.kind == ResponseKind::Stock ? fmt::format(" over {:g} {}s", fit.payback_periods, period_word(fit)) : "";
  const std::string pays = std::isnan(channel.pays_share) ? ""
                                                          : fmt::format("; it pays in {:.0f} % of the bootstrap draws",
                                                                        100.0 * channel.pays_share);
  switch (channel.verdict) {
    case Verdict::SpendMore:
      return fmt::format("spend more: the next unit returns {} to {}{} ({} % interval), above break-even (1){}",
                         num(r.low), num(r.high), over, percent, pays);
    case Verdict::SpendLess:
      return fmt::format("spend less: the next unit returns {} to {}{} ({} % interval), below break-even (1){}",
                         num(r.low), num(r.high), over, percent, pays);
    case Verdict::CannotTell:
      if (channel.close_disagreeing > 0)
        return fmt::format(
            "the data cannot tell: this model's next unit returns {} to {}{} ({} % interval), but {} of the {} "
            "other models about as good on held-out periods (CV error within 10 %) put it on the other side of "
            "break-even (1): the estimates of these {} models run from {} to {}; test it",
            num(r.low), num(r.high), over, percent, channel.close_disagreeing, channel.close_candidates,
            channel.close_candidates + 1,
            // A return under a millionth of a unit is a curve flat at its end: nothing.
            std::abs(channel.close_low) < 1e-6 ? "0" : num(channel.close_low), num(channel.close_high));
      return fmt::format(
          "the data cannot tell: the next unit returns between {} and {}{} ({} % interval) and break-even (1) is "
          "inside; test it{}",
          num(r.low), num(r.high), over, percent, pays);
    case Verdict::NoInterval:
      break;
  }
  return fmt::format(
      "none without an interval (the bootstrap is off): the next unit returns {}{} by the point estimate", num(r.value),
      over);
}

namespace {

// The synthetic response at each planned spend beside the curve's.
void format_planned(std::string& out, const CurveReport& report) {
  const PlannedSpends& planned = *report.planned;
  if (!planned.unavailable.empty()) {
    out += fmt::format("\nSynthetic rows at planned spends: not drawn: {}\n", planned.unavailable);
    return;
  }
  const int64_t rows = planned.points.empty() ? 0 : planned.points.front().rows;
  const bool stock = report.real.kind == ResponseKind::Stock;
  out += fmt::format(
      "\nSynthetic rows at planned spends ({}: {} rows at each, the spend held and every other column drawn "
      "given it)\n",
      planned.model, rows);
  out += fmt::format("  {:<28} {:>12} {:>14} {:>16} {:>26} {:>12}\n", "channel", "spend",
                     stock ? "curve (change)" : "curve", "synthetic median", "synthetic 5 % to 95 %", "mean");
  for (const auto& p : planned.points) {
    out += fmt::format("  {:<28} {:>12} {:>14} {:>16} {:>26} {:>12}\n", p.channel, num(p.spend),
                       num(planned_curve(report.real, p)), num(p.median), num(p.p5) + " to " + num(p.p95), num(p.mean));
  }
  out += stock ? "  (the curve gives the change per period at each spend; the synthetic rows give the level)\n"
               : "  (the synthetic rows keep the real rows' association of spend and response, time and all; the "
                 "curve is the spend's own effect in an average period)\n";
}

}  // namespace

std::string format_report(const CurveReport& report) {
  std::string out;
  format_fit(out, report.real, "Real rows");
  if (report.synthetic) {
    out += "\n";
    format_fit(out, *report.synthetic, "Synthetic rows");
    if (!report.interval_ratios.empty()) {
      out += "\n  interval width, synthetic / real (below 1: the synthetic rows claim more certainty)\n";
      for (const auto& r : report.interval_ratios)
        row(out, "  " + (r.channel.empty() ? std::string() : "'" + r.channel + "' ") + r.parameter, num(r.ratio));
    }
  }
  if (report.budget) {
    const auto& b = *report.budget;
    out += fmt::format("\nBudget {} per period\n", num(b.budget));
    auto share = [](double v) { return std::isnan(v) ? std::string("-") : fmt::format("{:.0f} %", 100.0 * v); };
    out += fmt::format("  {:<28} {:>14} {:>16} {:>14} {:>16} {:>18} {:>18}\n", "channel", "current (mean)",
                       "current mix at B", "optimal", "return of next", "pays at mean", "pays at optimal");
    for (size_t c = 0; c < b.channels.size(); ++c)
      out += fmt::format("  {:<28} {:>14} {:>16} {:>14} {:>16} {:>18} {:>18}\n", b.channels[c], num(b.current[c]),
                         num(b.current_at_budget[c]), num(b.optimal[c]), num(b.marginal_at_optimal[c]),
                         share(report.real.channels[c].pays_share), share(b.pays_at_optimal[c]));
    out +=
        "  (pays: the share of the bootstrap draws in which the next unit, at today's mean spend or at the optimal "
        "one, returns more than 1)\n";
    out += fmt::format(
        "  predicted response: current {}, current mix at budget {}, optimal {} "
        "(gain {}; the optimal split predicts more than the current mix in {} of the draws)\n",
        num(b.predicted_current), num(b.predicted_current_at_budget), num(b.predicted_optimal), num(b.gain),
        share(b.optimal_beats_current_share));
  }
  if (report.planned) format_planned(out, report);
  return out;
}

}  // namespace synthtab::marketing
