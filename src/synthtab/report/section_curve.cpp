// The S-curve page (curve_page.hpp): per channel the fitted curve with its band and the real
// months, the return of the next unit against break-even, the verdict, the month-by-month
// decomposition, and the candidates compared.
#include <fmt/format.h>

#include <cmath>

#include "synthtab/core/rng.hpp"
#include "synthtab/report/curve_page.hpp"
#include "synthtab/report/density.hpp"
#include "synthtab/report/page.hpp"

namespace synthtab::report {

namespace {

using marketing::ChannelFit;
using marketing::CurveFit;
using marketing::Estimate;
using marketing::ResponseKind;
using marketing::Verdict;

constexpr const char* kBandColour = "rgba(31,95,153,0.18)";
constexpr const char* kMarkerColour = "#555555";
constexpr const char* kBreakEvenColour = "#b03030";

std::string period_word(const CurveFit& fit) { return fit.time_unit == "row" ? "period" : fit.time_unit; }

json values_of(const std::vector<Estimate>& band, double Estimate::*member) {
  std::vector<double> out;
  for (const auto& e : band) out.push_back(e.*member);
  return nums(out);
}

// A band (low to high, filled) under a line (the point estimates).
void add_band(json& data, const std::vector<double>& x, const std::vector<Estimate>& band, const std::string& name,
              const std::string& band_name) {
  if (!band.empty() && std::isfinite(band.front().low)) {
    data.push_back({{"type", "scatter"},
                    {"mode", "lines"},
                    {"x", nums(x)},
                    {"y", values_of(band, &Estimate::low)},
                    {"line", {{"width", 0}}},
                    {"hoverinfo", "skip"},
                    {"showlegend", false}});
    data.push_back({{"type", "scatter"},
                    {"mode", "lines"},
                    {"x", nums(x)},
                    {"y", values_of(band, &Estimate::high)},
                    {"fill", "tonexty"},
                    {"fillcolor", kBandColour},
                    {"line", {{"width", 0}}},
                    {"name", band_name}});
  }
  data.push_back({{"type", "scatter"},
                  {"mode", "lines"},
                  {"x", nums(x)},
                  {"y", values_of(band, &Estimate::value)},
                  {"line", {{"color", kRealColour}, {"width", 2.5}}},
                  {"name", name}});
}

// A vertical line across the plot at x, labelled.
json vertical(double x, const std::string& label, const char* colour) {
  return {{"type", "line"},
          {"xref", "x"},
          {"yref", "paper"},
          {"x0", x},
          {"x1", x},
          {"y0", 0},
          {"y1", 1},
          {"line", {{"color", colour}, {"width", 1.5}, {"dash", "dot"}}},
          {"label", {{"text", label}}}};
}

json vertical_markers(const ChannelFit& ch) {
  json shapes = json::array();
  shapes.push_back(vertical(ch.mean_spend, "today's average", kMarkerColour));
  if (std::isfinite(ch.break_even) && ch.break_even <= ch.grid.back())
    shapes.push_back(vertical(ch.break_even, "break-even", kBreakEvenColour));
  return shapes;
}

std::string verdict_box(const CurveFit& fit, const ChannelFit& ch) {
  const Level level = ch.verdict == Verdict::SpendMore   ? Level::Good
                      : ch.verdict == Verdict::SpendLess ? Level::Poor
                                                         : Level::Fair;
  return fmt::format("<p class=\"verdict {}\"><strong>Verdict for {}:</strong> {}.</p>\n", level_class(level),
                     esc(ch.spend), esc(marketing::verdict_sentence(fit, ch)));
}

// The channel's curve with its band, and each real period's part from this channel at its spend
// level (its response less the baseline and the other channels).
std::string curve_chart(Page& page, const CurveFit& fit, size_t c) {
  const ChannelFit& ch = fit.channels[c];
  const bool stock = fit.kind == ResponseKind::Stock;
  json data = json::array();
  add_band(data, ch.grid, ch.grid_response, "fitted curve", fmt::format("{:.0f} % interval", fit.confidence * 100));
  std::vector<double> x, y;
  std::vector<std::string> text;
  for (const auto& row : fit.decomposition) {
    double part = row.actual - row.baseline;
    for (size_t j = 0; j < row.channels.size(); ++j)
      if (j != c) part -= row.channels[j];
    x.push_back(row.levels[c]);
    y.push_back(part);
    text.push_back(row.period);
  }
  data.push_back({{"type", "scatter"},
                  {"mode", "markers"},
                  {"x", nums(x)},
                  {"y", nums(y)},
                  {"text", text},
                  {"marker", {{"color", kSyntheticColour}, {"size", 8}}},
                  {"name", fmt::format("real {}s", period_word(fit))}});
  const std::string x_title =
      ch.adstock > 0.0 ? "spend per " + period_word(fit) + " (with carry-over: the steady spend of equal weight)"
                       : "spend per " + period_word(fit);
  json layout = {{"title", fmt::format("{} from '{}' at each spend", stock ? "Change per period" : "Response",
                                       short_name(ch.spend, 40))},
                 {"xaxis", axis(x_title)},
                 {"yaxis", axis(stock ? "change of the response" : "response from this channel")},
                 {"shapes", vertical_markers(ch)}};
  return page.chart(data, layout, 380);
}

// The return of the next unit at each spend, its band, and break-even (1).
std::string return_chart(Page& page, const CurveFit& fit, const ChannelFit& ch) {
  json data = json::array();
  add_band(data, ch.grid, ch.grid_return, "return of the next unit", "interval");
  json shapes = vertical_markers(ch);
  shapes.push_back({{"type", "line"},
                    {"xref", "paper"},
                    {"yref", "y"},
                    {"x0", 0},
                    {"x1", 1},
                    {"y0", 1},
                    {"y1", 1},
                    {"line", {{"color", kBreakEvenColour}, {"width", 1.5}}},
                    {"label", {{"text", "break-even: a unit returns 1"}, {"textposition", "end"}}}});
  const std::string over =
      fit.kind == ResponseKind::Stock ? fmt::format(" (over {:g} {}s)", fit.payback_periods, period_word(fit)) : "";
  json layout = {{"title", "What the next unit of spend returns" + over},
                 {"xaxis", axis("spend per " + period_word(fit))},
                 {"yaxis", axis("return of the next unit")},
                 {"shapes", shapes}};
  return page.chart(data, layout, 340);
}

// Each period's fitted response as baseline plus channels, stacked, beside the actual value.
std::string decomposition_chart(Page& page, const CurveFit& fit) {
  std::vector<std::string> periods;
  std::vector<double> baseline, actual;
  std::vector<std::vector<double>> channels(fit.channels.size());
  for (const auto& row : fit.decomposition) {
    periods.push_back(row.period);
    baseline.push_back(row.baseline);
    actual.push_back(row.actual);
    for (size_t c = 0; c < channels.size(); ++c) channels[c].push_back(row.channels[c]);
  }
  json data = json::array();
  data.push_back({{"type", "bar"},
                  {"x", periods},
                  {"y", nums(baseline)},
                  {"name", "baseline"},
                  {"marker", {{"color", kRandomColour}}}});
  static const char* const kChannelColours[] = {"#1f5f99", "#e8833a", "#3a9e5c", "#8e5ab5", "#c44e52", "#937860"};
  for (size_t c = 0; c < channels.size(); ++c)
    data.push_back({{"type", "bar"},
                    {"x", periods},
                    {"y", nums(channels[c])},
                    {"name", short_name(fit.channels[c].spend, 30)},
                    {"marker", {{"color", kChannelColours[c % 6]}}}});
  data.push_back({{"type", "scatter"},
                  {"mode", "lines+markers"},
                  {"x", periods},
                  {"y", nums(actual)},
                  {"name", "actual"},
                  {"line", {{"color", "#222222"}, {"width", 1.5}}}});
  const bool stock = fit.kind == ResponseKind::Stock;
  json layout = {{"title", stock ? "Where each period's change came from" : "Where each period's response came from"},
                 {"barmode", "relative"},
                 {"xaxis", axis(period_word(fit))},
                 {"yaxis", axis(stock ? "change of the response" : "response")}};
  return page.chart(data, layout, 380);
}

// The synthetic rows' response at each spend beside the real rows' (raw values, no time terms).
std::string synthetic_chart(Page& page, const CurveFit& fit, const ChannelFit& ch, const Table& real,
                            const Table& synthetic) {
  json data = json::array();
  auto add = [&](const Table& rows, const std::string& name, const char* colour, uint64_t stream, int size) {
    const Column* x = find_column(rows, ch.spend);
    const Column* y = find_column(rows, fit.response);
    if (!x || !y || !x->is_numeric() || !y->is_numeric()) return;
    std::vector<double> xs, ys;
    for (int64_t r : thin_indexes(rows.rows(), kScatterPoints, derive_seed(42, kThinStream, stream))) {
      xs.push_back(x->values[static_cast<size_t>(r)]);
      ys.push_back(y->values[static_cast<size_t>(r)]);
    }
    data.push_back({{"type", "scatter"},
                    {"mode", "markers"},
                    {"x", nums(xs)},
                    {"y", nums(ys)},
                    {"name", name},
                    {"marker", {{"color", colour}, {"size", size}, {"opacity", 0.6}}}});
  };
  add(synthetic, "synthetic rows", kSyntheticColour, 2, 5);
  add(real, "real rows", kRealColour, 1, 9);
  json layout = {{"title", "The response at each spend: synthetic rows beside the real ones"},
                 {"xaxis", axis("spend")},
                 {"yaxis", axis("response")},
                 {"shapes", vertical_markers(ch)}};
  return page.chart(data, layout, 380);
}

// The model's rows at each planned spend of channel c as box plots (median, quartiles, whiskers at
// 5 % and 95 %), beside the fitted response with the other channels at their average.
std::string planned_chart(Page& page, const marketing::CurveReport& report, size_t c) {
  const CurveFit& fit = report.real;
  const ChannelFit& ch = fit.channels[c];
  std::vector<double> x, q1, median, q3, low, high, mean;
  for (const auto& p : report.planned->points) {
    if (p.channel != ch.spend || p.rows == 0) continue;
    x.push_back(p.spend);
    q1.push_back(p.p25);
    median.push_back(p.median);
    q3.push_back(p.p75);
    low.push_back(p.p5);
    high.push_back(p.p95);
    mean.push_back(p.mean);
  }
  if (x.empty()) return "";
  const bool stock = fit.kind == ResponseKind::Stock;
  json data = json::array();
  data.push_back({{"type", "box"},
                  {"x", nums(x)},
                  {"q1", nums(q1)},
                  {"median", nums(median)},
                  {"q3", nums(q3)},
                  {"lowerfence", nums(low)},
                  {"upperfence", nums(high)},
                  {"mean", nums(mean)},
                  {"width", 0.03 * ch.grid.back()},
                  {"marker", {{"color", kSyntheticColour}}},
                  {"name", fmt::format("{} rows at the spend (whiskers 5 % to 95 %)", report.planned->model)}});
  if (!stock) {
    std::vector<double> curve;
    for (double spend : ch.grid) curve.push_back(marketing::curve_response_at(fit, c, spend));
    data.push_back({{"type", "scatter"},
                    {"mode", "lines"},
                    {"x", nums(ch.grid)},
                    {"y", nums(curve)},
                    {"line", {{"color", kRealColour}, {"width", 2}}},
                    {"name", "fitted response, average period"}});
  }
  json layout = {
      {"title", fmt::format("What if '{}' were set? The model's rows at planned spends", short_name(ch.spend, 40))},
      {"xaxis", axis("spend per " + period_word(fit))},
      {"yaxis", axis("response")},
      {"shapes", vertical_markers(ch)}};
  std::string out = page.chart(data, layout, 380);
  out += fmt::format(
      "<p>Each box is {} rows the {} model draws with the spend held at that value and every other "
      "column drawn given it. They keep the real rows' association of spend and response, time and all; {}</p>\n",
      report.planned->points.front().rows, esc(report.planned->model),
      stock ? "this response is a stock, so the rows show its level while the curve above models its change."
            : "the line is the curve's own effect of the spend in an average period. Where they part, something "
              "beside the spend (a trend, the seasons) moved with it in the real rows.");
  if (ch.adstock > 0.0 && !stock)
    out +=
        "<p>With carry-over the line is the response once the spend has been held period after period; a "
        "row is one period at that spend, whatever came before it, so at high spends the line can sit above "
        "the boxes.</p>\n";
  return out;
}

std::string candidates_table(const CurveFit& fit) {
  std::vector<std::vector<std::string>> rows;
  std::vector<marketing::Candidate> sorted = fit.candidates;
  std::stable_sort(sorted.begin(), sorted.end(), [](const auto& a, const auto& b) {
    return std::isfinite(a.cv_rmse) && (!std::isfinite(b.cv_rmse) || a.cv_rmse < b.cv_rmse);
  });
  for (const auto& c : sorted)
    rows.push_back({c.chosen ? "<strong>chosen</strong>" : "", esc(c.label()), show(c.cv_rmse), show(c.aicc),
                    std::to_string(c.parameters)});
  return table({"", "candidate", "CV error", "AICc", "parameters"}, rows);
}

std::string parameters_table(const CurveFit& fit) {
  std::vector<std::vector<std::string>> rows;
  auto add = [&](const std::string& what, const Estimate& e) {
    rows.push_back({esc(what), show(e.value), std::isnan(e.low) ? "" : show(e.low) + " to " + show(e.high)});
  };
  add("base", fit.base);
  for (const auto& b : fit.baseline) add(b.name, b);
  for (const auto& ch : fit.channels) {
    for (const auto& p : ch.parameters) add("'" + ch.spend + "' " + p.name, p);
    add("'" + ch.spend + "' return of the next unit at average spend", ch.unit_return);
  }
  return table({"figure", "estimate", fmt::format("{:.0f} % interval", fit.confidence * 100)}, rows);
}

}  // namespace

void curve_section(Page& page, const marketing::CurveReport& report, const Table& real, const Table* synthetic) {
  const CurveFit& fit = report.real;
  const bool stock = fit.kind == ResponseKind::Stock;
  page.html += "<section id=\"curve\"><h2>Where the next dollar goes</h2>\n";
  page.html += fmt::format(
      "<p>Response <strong>{}</strong>, a <strong>{}</strong>{}: {}. Model: {} curve{}{}, chosen among {} "
      "candidates{}. R&sup2; {}, {} rows. {}.</p>\n",
      esc(fit.response), marketing::to_string(fit.kind), stock ? " (modelled by its change per period)" : "",
      esc(fit.kind_reason), marketing::to_string(fit.shape),
      fit.adstock == marketing::Adstock::Geometric ? " with carry-over" : "",
      fit.trend != marketing::Trend::None ? fmt::format(", a {} trend", marketing::to_string(fit.trend)) : "",
      fit.candidates.size(),
      fit.cv_origins ? fmt::format(" by their errors on {} held-out {}s", fit.cv_origins, period_word(fit)) : "",
      show(fit.r2), fit.rows_used,
      fit.ridge > 0.0 ? fmt::format("A ridge of strength {} pulls the saturation levels and baseline terms towards "
                                    "zero ({}); the intervals do not count that pull, so they are narrower than "
                                    "the data alone support",
                                    show(fit.ridge), esc(fit.ridge_reason))
                      : fmt::format("No ridge ({})", esc(fit.ridge_reason)));
  for (size_t c = 0; c < fit.channels.size(); ++c) {
    const ChannelFit& ch = fit.channels[c];
    page.html += fmt::format("<h3>{}</h3>\n", esc(ch.spend));
    page.html += verdict_box(fit, ch);
    page.html += curve_chart(page, fit, c);
    page.html += return_chart(page, fit, ch);
    if (synthetic) {
      if (fit.kind == ResponseKind::Flow && fit.baseline.empty())
        page.html += synthetic_chart(page, fit, ch, real, *synthetic);
      else
        page.html += left_out(
            "Synthetic rows are not drawn here: they have no time order, and this model explains the response "
            "with time (a trend, seasons or a stock's change), so their raw values do not sit on its curve.");
    }
    if (report.planned) {
      if (!report.planned->unavailable.empty())
        page.html += left_out("Rows at planned spends are not drawn: " + report.planned->unavailable + ".");
      else
        page.html += planned_chart(page, report, c);
    }
  }
  page.html += decomposition_chart(page, fit);
  page.html += numbers("Every candidate compared, best first", candidates_table(fit));
  page.html += numbers("Every estimate with its interval", parameters_table(fit));
  if (!fit.notes.empty()) {
    page.html += "<ul class=\"notes\">";
    for (const auto& note : fit.notes) page.html += "<li>" + esc(note) + "</li>";
    page.html += "</ul>\n";
  }
  page.html += "</section>\n";
}

std::string render_curve_html(const marketing::CurveReport& report, const Table& real, const Table* synthetic,
                              const CurvePageOptions& options) {
  Page page;
  page.html += "<header><h1>Where should the next dollar go?</h1>\n";
  page.html += fmt::format(
      "<p>Response curves of <strong>{}</strong>{}.</p></header>\n<main>\n", esc(options.real_name),
      synthetic ? fmt::format(", with the synthetic rows of <strong>{}</strong>", esc(options.synthetic_name)) : "");
  curve_section(page, report, real, synthetic);
  page.html += "</main>\n";
  return wrap_page(page, "Response curves: " + options.real_name, options.option_names);
}

}  // namespace synthtab::report
