#include "synthtab/report/page.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "synthtab/core/rng.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/report/density.hpp"

namespace synthtab::report {

namespace {

struct Correlations {
  std::vector<std::string> names;
  std::vector<std::vector<double>> real, synthetic;
};

Correlations correlations(const eval::Evaluation& e) {
  Correlations out;
  for (const auto& t : e.column_tests)
    if (t.type == "numeric") out.names.push_back(t.column);
  const size_t n = out.names.size();
  const double nan = std::nan("");
  out.real.assign(n, std::vector<double>(n, nan));
  out.synthetic = out.real;
  auto index = [&](const std::string& name) {
    return static_cast<size_t>(std::find(out.names.begin(), out.names.end(), name) - out.names.begin());
  };
  for (size_t i = 0; i < n; ++i) out.real[i][i] = out.synthetic[i][i] = 1.0;
  for (const auto& p : e.quality.pairs) {
    if (p.metric != "CorrelationSimilarity") continue;
    const size_t i = index(p.column_a), j = index(p.column_b);
    if (i >= n || j >= n) continue;
    out.real[i][j] = out.real[j][i] = p.real_correlation;
    out.synthetic[i][j] = out.synthetic[j][i] = p.synthetic_correlation;
  }
  return out;
}

std::string matrix_table(const std::vector<std::string>& names, const Correlations& c) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < names.size(); ++i)
    for (size_t j = i + 1; j < names.size(); ++j)
      rows.push_back({esc(names[i]), esc(names[j]), show(c.real[i][j]), show(c.synthetic[i][j]),
                      show(c.synthetic[i][j] - c.real[i][j])});
  return numbers("Correlations as a table",
                 table({"column", "column", "real r", "synthetic r", "difference"}, rows, "compact"));
}

// The scatter's axis values for a column: numbers (dates in ms), or labels for categories.
json axis_values(const Column& c, const std::vector<int64_t>& rows) {
  json out = json::array();
  for (int64_t r : rows) {
    if (c.is_categorical()) {
      const int32_t code = c.codes[static_cast<size_t>(r)];
      out.push_back(code == kMissingCode ? json(nullptr) : json(c.categories[static_cast<size_t>(code)]));
    } else {
      const double v = c.values[static_cast<size_t>(r)];
      out.push_back(num(c.type == ColumnType::Datetime ? v * 1000.0 : v));
    }
  }
  return out;
}

// The scatter's two columns: the ones asked for, or the two most correlated numeric columns;
// `left_out` says why there is no scatter when no pair qualifies.
struct ScatterAxes {
  std::string x, y;
  std::string chosen_because;
  std::string left_out;
};

ScatterAxes scatter_axes(const ChartOptions& charts, const Correlations& corr) {
  ScatterAxes axes{charts.x, charts.y, "the columns you chose", ""};
  if (!axes.x.empty()) return axes;
  double best = -1;
  for (size_t i = 0; i < corr.names.size(); ++i)
    for (size_t j = i + 1; j < corr.names.size(); ++j)
      if (std::isfinite(corr.real[i][j]) && std::fabs(corr.real[i][j]) > best) {
        best = std::fabs(corr.real[i][j]);
        axes.x = corr.names[i];
        axes.y = corr.names[j];
      }
  if (axes.x.empty()) {
    axes.left_out = corr.names.size() < 2
                        ? "Scatter plot left out: it needs two numeric columns and the table has " +
                              std::to_string(corr.names.size()) + ". Choose any two columns with `x` and `y`."
                        : "Scatter plot left out: no pair of numeric columns has a defined correlation "
                          "(constant columns). Choose two columns with `x` and `y`.";
    return axes;
  }
  axes.chosen_because = fmt::format("the two most correlated numeric columns (real r = {})", show(best));
  return axes;
}

// One side (panel) of the scatter: its columns and the rows drawn.
struct ScatterSide {
  const Column& x;
  const Column& y;
  const Column* colour;  // null without a colour column
  const std::vector<int64_t>& rows;
  bool real;
  std::string x_axis() const { return real ? "x" : "x2"; }
  std::string y_axis() const { return real ? "y" : "y2"; }
  double marker_size() const { return rows.size() > 500 ? 5 : 8; }
};

// A categorical colour: one trace per label (the real table's first kMaxColourLabels in sorted
// order), shared between the panels through the legend group.
void add_label_traces(json& data, const Table& real_table, const ScatterSide& side) {
  const Column& cc = *side.colour;
  std::vector<std::string> labels = real_table.columns[static_cast<size_t>(real_table.find(cc.name))].categories;
  std::sort(labels.begin(), labels.end());
  if (labels.size() > static_cast<size_t>(kMaxColourLabels)) labels.resize(kMaxColourLabels);
  for (size_t l = 0; l < labels.size(); ++l) {
    std::vector<int64_t> subset;
    for (int64_t r : side.rows) {
      const int32_t code = cc.codes[static_cast<size_t>(r)];
      if (code != kMissingCode && cc.categories[static_cast<size_t>(code)] == labels[l]) subset.push_back(r);
    }
    data.push_back({{"type", "scatter"},
                    {"mode", "markers"},
                    {"name", labels[l]},
                    {"legendgroup", labels[l]},
                    {"showlegend", side.real},
                    {"x", axis_values(side.x, subset)},
                    {"y", axis_values(side.y, subset)},
                    {"xaxis", side.x_axis()},
                    {"yaxis", side.y_axis()},
                    {"marker", {{"size", side.marker_size()}, {"opacity", 0.75}}}});
    data.back()["marker"]["color"] = fmt::format("hsl({},60%,45%)", (l * 360) / labels.size());
  }
}

// One trace for the side; a numeric colour column gets one colour scale over the real values,
// shared by both panels.
json side_trace(const ScatterSide& side, const Column* real_colour) {
  const char* colour = side.real ? kRealColour : kSyntheticColour;
  json trace = {{"type", "scatter"},
                {"mode", "markers"},
                {"name", side.real ? "real" : "synthetic"},
                {"x", axis_values(side.x, side.rows)},
                {"y", axis_values(side.y, side.rows)},
                {"xaxis", side.x_axis()},
                {"yaxis", side.y_axis()},
                {"marker", {{"size", side.marker_size()}, {"color", colour}, {"opacity", side.real ? 0.9 : 0.45}}}};
  if (side.colour) {
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : real_colour->values)
      if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    trace["marker"]["color"] = axis_values(*side.colour, side.rows);
    trace["marker"]["colorscale"] = "Viridis";
    trace["marker"]["cmin"] = num(lo);
    trace["marker"]["cmax"] = num(hi);
    trace["marker"]["showscale"] = !side.real;
    trace["marker"]["colorbar"] = {{"title", {{"text", short_name(side.colour->name, 20)}}}, {"thickness", 12}};
    trace["showlegend"] = false;
  }
  return trace;
}

void add_side(json& data, const Table& real_table, const ScatterSide& side, const Column* real_colour) {
  if (side.colour && side.colour->is_categorical()) {
    add_label_traces(data, real_table, side);
    return;
  }
  data.push_back(side_trace(side, real_colour));
}

// An axis range covering the real and synthetic values together (null for categories or no
// values), so both panels share their axes.
json shared_range(const Column& a, const Column& b) {
  if (a.is_categorical()) return nullptr;
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (const Column* c : {&a, &b})
    for (double v : c->values)
      if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
  if (!std::isfinite(lo)) return nullptr;
  const double pad = hi > lo ? 0.04 * (hi - lo) : 1.0;
  const double s = a.type == ColumnType::Datetime ? 1000.0 : 1.0;
  return json::array({num((lo - pad) * s), num((hi + pad) * s)});
}

// The panels' layout, without the title.
json scatter_layout(const ScatterAxes& axes, const ScatterSide& real, const ScatterSide& synthetic) {
  json layout = {{"grid", {{"rows", 1}, {"columns", 2}, {"pattern", "independent"}}},
                 {"xaxis", axis(short_name(axes.x, 40) + " (real)")},
                 {"yaxis", axis(short_name(axes.y, 40))},
                 {"xaxis2", axis(short_name(axes.x, 40) + " (synthetic)")},
                 {"yaxis2", axis(short_name(axes.y, 40))}};
  for (const char* key : {"xaxis", "xaxis2"}) {
    if (json r = shared_range(real.x, synthetic.x); !r.is_null()) layout[key]["range"] = r;
    if (real.x.type == ColumnType::Datetime) layout[key]["type"] = "date";
  }
  for (const char* key : {"yaxis", "yaxis2"}) {
    if (json r = shared_range(real.y, synthetic.y); !r.is_null()) layout[key]["range"] = r;
    if (real.y.type == ColumnType::Datetime) layout[key]["type"] = "date";
  }
  return layout;
}

// The scatter's numbers: how many points, the means and the correlation on each side.
std::string scatter_numbers(const ScatterAxes& axes, const ScatterSide& real, const ScatterSide& synthetic,
                            const ReportInput& in) {
  std::vector<std::vector<std::string>> rows;
  for (const ScatterSide* side : {&real, &synthetic}) {
    const Column& cx = side->x;
    const Column& cy = side->y;
    std::string r = "n/a", mx = "&ndash;", my = "&ndash;";
    if (cx.is_numeric() && cy.is_numeric()) {
      std::vector<double> a, b;
      for (size_t i = 0; i < cx.values.size(); ++i)
        if (!std::isnan(cx.values[i]) && !std::isnan(cy.values[i]))
          a.push_back(cx.values[i]), b.push_back(cy.values[i]);
      if (a.size() >= 2) {
        r = show(eval::pearson(a, b));
        double sa = 0, sb = 0;
        for (size_t i = 0; i < a.size(); ++i) sa += a[i], sb += b[i];
        mx = show(sa / static_cast<double>(a.size()));
        my = show(sb / static_cast<double>(b.size()));
      }
    }
    rows.push_back({side->real ? "real" : "synthetic", show_int(side->real ? in.real.rows() : in.synthetic.rows()),
                    show_int(static_cast<int64_t>(side->rows.size())), mx, my, r});
  }
  return numbers("The scatter plot&rsquo;s numbers",
                 table({"table", "rows", "points drawn", "mean of " + esc(short_name(axes.x)),
                        "mean of " + esc(short_name(axes.y)), "Pearson r"},
                       rows));
}

void scatter_section(Page& page, const ReportInput& in, const Correlations& corr) {
  const ChartOptions& charts = in.options.charts;
  const ScatterAxes axes = scatter_axes(charts, corr);
  if (!axes.left_out.empty()) {
    page.html += left_out(axes.left_out);
    return;
  }
  const Column* xr = find_column(in.real, axes.x);
  const Column* yr = find_column(in.real, axes.y);
  const Column* xs = find_column(in.synthetic, axes.x);
  const Column* ys = find_column(in.synthetic, axes.y);
  const Column* cr = charts.color.empty() ? nullptr : find_column(in.real, charts.color);
  const Column* cs = charts.color.empty() ? nullptr : find_column(in.synthetic, charts.color);
  if (!xr || !yr || !xs || !ys) return;  // checked up front; a column left out as an ID ends here
  const auto real_rows = thin_indexes(in.real.rows(), kScatterPoints, derive_seed(in.options.seed, kThinStream, 1));
  const auto synthetic_rows =
      thin_indexes(in.synthetic.rows(), kScatterPoints, derive_seed(in.options.seed, kThinStream, 2));
  const bool thinned = static_cast<int64_t>(real_rows.size()) < in.real.rows() ||
                       static_cast<int64_t>(synthetic_rows.size()) < in.synthetic.rows();
  const ScatterSide real{*xr, *yr, cr, real_rows, true};
  const ScatterSide synthetic{*xs, *ys, cs, synthetic_rows, false};
  json data = json::array();
  add_side(data, in.real, real, cr);
  add_side(data, in.real, synthetic, cr);
  json layout = scatter_layout(axes, real, synthetic);
  std::string title = "Real (left) and synthetic (right) on the same axes";
  if (thinned)
    title += fmt::format(" — showing {} of {} real and {} of {} synthetic rows (random sample)", real_rows.size(),
                         in.real.rows(), synthetic_rows.size(), in.synthetic.rows());
  if (cr) title += "; colour: " + short_name(cr->name, 30);
  layout["title"] = title;
  layout["margin"] = {{"l", 60}, {"r", 20}, {"t", 70}, {"b", 50}};
  page.html += fmt::format("<h3>{} against {}</h3>\n<p>Chosen: {}. ", esc(axes.y), esc(axes.x), axes.chosen_because) +
               (charts.x.empty()
                    ? "Pick another pair with <code>`x`</code> and <code>`y`</code> (and <code>`color`</code>).</p>\n"
                    : "</p>\n");
  page.html += page.chart(data, layout, 440);
  page.html += scatter_numbers(axes, real, synthetic, in);
}

// Every pair's relationship, real vs synthetic, strongest real first; the strongest pairs (those
// the headline looks at) are marked.
void relationships_table(Page& page, const eval::RelationshipReport& rel) {
  constexpr size_t kShown = 15;  // the rest, up to kTableRows, under "all pairs"
  page.html += "<h3>Strongest relationships</h3>\n";
  if (rel.pairs.empty()) {
    page.html += left_out(
        "Relationships left out: no pair of columns has a value that can be measured on both tables "
        "(a constant column, or fewer than 3 rows complete in both columns).");
    return;
  }
  page.html += fmt::format(
      "<p class=\"small\">Pearson r for two numeric columns, an association between 0 and 1 for a pair with a "
      "category (the measure column names it; docs/evaluation.md defines each). The headline looks at the strongest "
      "real pairs (|real| &ge; 0.5, or the 3 strongest): the largest change among them is {}; over all pairs {}.</p>\n",
      show(rel.strongest_max_change), show(rel.max_change));
  const size_t strongest = eval::strongest_count(rel.pairs);
  const auto rows_of = [&](size_t limit) {
    std::vector<std::vector<std::string>> rows;
    for (size_t k = 0; k < rel.pairs.size() && k < limit; ++k) {
      const auto& p = rel.pairs[k];
      const Verdict v = relationship_verdict(p.change);
      rows.push_back(
          {esc(p.column_a), esc(p.column_b), measure_label(p.measure), show(p.real), show(p.synthetic), show(p.change),
           k < strongest ? "<span class=\"tag\">strongest</span> " + level_class(v.level) : level_class(v.level)});
    }
    return rows;
  };
  const std::vector<std::string> header = {"column", "column", "measure", "real", "synthetic", "change", "kept"};
  page.html += table(header, rows_of(kShown), "compact");
  if (rel.pairs.size() > kShown)
    page.html += numbers(fmt::format("All {} pairs{}", rel.pairs.size(),
                                     rel.pairs.size() > static_cast<size_t>(kTableRows)
                                         ? fmt::format(" (the {} strongest shown)", kTableRows)
                                         : std::string()),
                         table(header, rows_of(static_cast<size_t>(kTableRows)), "compact"));
}

}  // namespace

void pairs_section(Page& page, const ReportInput& in) {
  page.html += "<section id=\"pairs\"><h2>Pairs of columns</h2>\n";
  page.html += good_looks_like(
      "The synthetic correlation map looks like the real one, so the difference map is pale (near 0) everywhere, and "
      "the synthetic points cover the same region as the real ones, with the same trend.");
  relationships_table(page, in.evaluation.relationships);
  const Correlations corr = correlations(in.evaluation);
  if (corr.names.size() < 2) {
    page.html += left_out(fmt::format(
        "Correlation maps left out: they need at least two numeric columns and the table has {}. Pairs that involve "
        "categories are scored in the quality score (contingency similarity) instead.",
        corr.names.size()));
  } else {
    std::vector<std::vector<double>> diff = corr.real;
    for (size_t i = 0; i < diff.size(); ++i)
      for (size_t j = 0; j < diff.size(); ++j) diff[i][j] = corr.synthetic[i][j] - corr.real[i][j];
    page.html += "<h3>Correlation (Pearson r)</h3>\n<div class=\"three\"><div>" +
                 heatmap(page, "Real", corr.names, corr.real, 1.0, false) + "</div><div>" +
                 heatmap(page, "Synthetic", corr.names, corr.synthetic, 1.0, false) + "</div><div>" +
                 heatmap(page, "Difference (synthetic − real)", corr.names, diff, 1.0, true) + "</div></div>\n";
    page.html +=
        "<p class=\"small\">Blue: the two columns rise together; red: one falls as the other rises. "
        "On the difference map any strong colour is a relationship the synthetic rows got wrong.</p>\n";
    page.html += matrix_table(corr.names, corr);
  }
  scatter_section(page, in, corr);
  page.html += "</section>\n";
}

}  // namespace synthtab::report
