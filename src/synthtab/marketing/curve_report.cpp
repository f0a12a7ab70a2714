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
    CurveOptions synthetic_options = options;
    synthetic_options.adstock = Adstock::None;
    synthetic_options.time.clear();
    // The same shape as the real fit, so that parameters can be compared one to one.
    synthetic_options.shape = report.real.shape;
    report.synthetic = fit_response_curves(*synthetic, synthetic_options);
    if (options.adstock != Adstock::None)
      report.synthetic->notes.push_back("adstock not fitted on synthetic rows: they have no time order");
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
    });
  }
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
      {"aicc_hill", number(fit.aicc_hill)},
      {"aicc_logistic", number(fit.aicc_logistic)},
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
                        {"marginal_return_at_optimal", number(a.marginal_at_optimal[c])}});
  return {{"budget", a.budget},
          {"channels", channels},
          {"predicted_current", a.predicted_current},
          {"predicted_current_at_budget", a.predicted_current_at_budget},
          {"predicted_optimal", a.predicted_optimal},
          {"gain", a.gain}};
}

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
  return out;
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

void format_fit(std::string& out, const CurveFit& fit, const std::string& title) {
  const int percent = static_cast<int>(std::lround(fit.confidence * 100));
  out += fmt::format("{}: response '{}', {} curve{}, {}\n", title, fit.response, to_string(fit.shape),
                     fit.adstock == Adstock::Geometric ? " with geometric adstock (" + fit.order + ")" : "",
                     to_string(fit.loss));
  out += fmt::format("  rows used {}, dropped {}; R^2 {}, RMSE {}, AICc {}", fit.rows_used, fit.rows_dropped,
                     num(fit.r2), num(fit.rmse), num(fit.aicc));
  if (!std::isnan(fit.aicc_hill))
    out += fmt::format(" (hill {}, logistic {})", num(fit.aicc_hill), num(fit.aicc_logistic));
  out += "\n";
  if (fit.bootstrap > 0)
    out += fmt::format("  intervals: {} % percentile, residual bootstrap of {} resamples\n", percent, fit.bootstrap);
  row(out, "base (response at zero spend)", num(fit.base.value), interval(fit.base));
  for (const auto& ch : fit.channels) {
    out += fmt::format("  channel '{}'\n", ch.spend);
    for (const auto& p : ch.parameters) row(out, "  " + p.name, num(p.value), interval(p));
    row(out, "  mean spend per period", num(ch.mean_spend));
    row(out, "  response from this channel at mean spend", num(ch.response_at_mean));
    row(out, "  return of the next unit at mean spend", num(ch.marginal_return.value), interval(ch.marginal_return));
    row(out, std::string("  return of the next ").append(num(fit.marginal_step)).append(" at mean spend"),
        num(ch.marginal_return_step.value), interval(ch.marginal_return_step));
    row(out, "  inflection (returns start to diminish)", num(ch.inflection));
    row(out, "  saturation level (beta)", num(ch.saturation));
    row(out, "  spend reaching 90 % of saturation", num(ch.saturation_spend));
    row(out, "  highest return of a unit (at inflection)", num(ch.peak_marginal));
    if (std::isnan(ch.break_even))
      row(out, "  break-even spend (next unit returns 1)", "never",
          "(a unit never returns more than " + num(ch.peak_marginal) + ")");
    else
      row(out, "  break-even spend (next unit returns 1)", num(ch.break_even),
          ch.mean_spend < ch.break_even ? "(mean spend is below: spending more pays)"
                                        : "(mean spend is above: the last units do not pay back)");
  }
  for (const auto& note : fit.notes) out += "  note: " + note + "\n";
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
    out += fmt::format("  {:<28} {:>14} {:>16} {:>14} {:>16}\n", "channel", "current (mean)", "current mix at B",
                       "optimal", "return of next");
    for (size_t c = 0; c < b.channels.size(); ++c)
      out += fmt::format("  {:<28} {:>14} {:>16} {:>14} {:>16}\n", b.channels[c], num(b.current[c]),
                         num(b.current_at_budget[c]), num(b.optimal[c]), num(b.marginal_at_optimal[c]));
    out += fmt::format(
        "  predicted response: current {}, current mix at budget {}, optimal {} "
        "(gain {})\n",
        num(b.predicted_current), num(b.predicted_current_at_budget), num(b.predicted_optimal), num(b.gain));
  }
  return out;
}

}  // namespace synthtab::marketing
