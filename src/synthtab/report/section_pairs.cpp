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

void scatter_section(Page& page, const ReportInput& in, const Correlations& corr) {
  const ChartOptions& charts = in.options.charts;
  std::string x = charts.x, y = charts.y;
  std::string chosen_because;
  if (x.empty()) {
    double best = -1;
    for (size_t i = 0; i < corr.names.size(); ++i)
      for (size_t j = i + 1; j < corr.names.size(); ++j)
        if (std::isfinite(corr.real[i][j]) && std::fabs(corr.real[i][j]) > best) {
          best = std::fabs(corr.real[i][j]);
          x = corr.names[i];
          y = corr.names[j];
        }
    if (x.empty()) {
      page.html += left_out(corr.names.size() < 2
                                ? "Scatter plot left out: it needs two numeric columns and the table has " +
                                      std::to_string(corr.names.size()) + ". Choose any two columns with `x` and `y`."
                                : "Scatter plot left out: no pair of numeric columns has a defined correlation "
                                  "(constant columns). Choose two columns with `x` and `y`.");
      return;
    }
    chosen_because = fmt::format("the two most correlated numeric columns (real r = {})", show(best));
  } else {
    chosen_because = "the columns you chose";
  }
  const Column* xr = find_column(in.real, x);
  const Column* yr = find_column(in.real, y);
  const Column* xs = find_column(in.synthetic, x);
  const Column* ys = find_column(in.synthetic, y);
  const Column* cr = charts.color.empty() ? nullptr : find_column(in.real, charts.color);
  const Column* cs = charts.color.empty() ? nullptr : find_column(in.synthetic, charts.color);
  if (!xr || !yr || !xs || !ys) return;  // checked up front; a column left out as an ID ends here
  const auto real_rows = thin_indexes(in.real.rows(), kScatterPoints, derive_seed(in.options.seed, kThinStream, 1));
  const auto synthetic_rows =
      thin_indexes(in.synthetic.rows(), kScatterPoints, derive_seed(in.options.seed, kThinStream, 2));
  const bool thinned = static_cast<int64_t>(real_rows.size()) < in.real.rows() ||
                       static_cast<int64_t>(synthetic_rows.size()) < in.synthetic.rows();
  json data = json::array();
  auto add_side = [&](const Column& cx, const Column& cy, const Column* cc, const std::vector<int64_t>& rows,
                      bool real) {
    const std::string xa = real ? "x" : "x2", ya = real ? "y" : "y2";
    const char* colour = real ? kRealColour : kSyntheticColour;
    const double size = rows.size() > 500 ? 5 : 8;
    if (cc && cc->is_categorical()) {
      // One trace per label, shared between the panels through the legend group.
      std::vector<std::string> labels = in.real.columns[static_cast<size_t>(in.real.find(cc->name))].categories;
      std::sort(labels.begin(), labels.end());
      if (labels.size() > static_cast<size_t>(kMaxColourLabels)) labels.resize(kMaxColourLabels);
      for (size_t l = 0; l < labels.size(); ++l) {
        std::vector<int64_t> subset;
        for (int64_t r : rows) {
          const int32_t code = cc->codes[static_cast<size_t>(r)];
          if (code != kMissingCode && cc->categories[static_cast<size_t>(code)] == labels[l]) subset.push_back(r);
        }
        data.push_back({{"type", "scatter"},
                        {"mode", "markers"},
                        {"name", labels[l]},
                        {"legendgroup", labels[l]},
                        {"showlegend", real},
                        {"x", axis_values(cx, subset)},
                        {"y", axis_values(cy, subset)},
                        {"xaxis", xa},
                        {"yaxis", ya},
                        {"marker", {{"size", size}, {"opacity", 0.75}}}});
        data.back()["marker"]["color"] = fmt::format("hsl({},60%,45%)", (l * 360) / labels.size());
      }
      return;
    }
    json trace = {{"type", "scatter"},
                  {"mode", "markers"},
                  {"name", real ? "real" : "synthetic"},
                  {"x", axis_values(cx, rows)},
                  {"y", axis_values(cy, rows)},
                  {"xaxis", xa},
                  {"yaxis", ya},
                  {"marker", {{"size", size}, {"color", colour}, {"opacity", real ? 0.9 : 0.45}}}};
    if (cc) {  // a numeric colour column: one shared colour scale
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (double v : cr->values)
        if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
      trace["marker"]["color"] = axis_values(*cc, rows);
      trace["marker"]["colorscale"] = "Viridis";
      trace["marker"]["cmin"] = num(lo);
      trace["marker"]["cmax"] = num(hi);
      trace["marker"]["showscale"] = !real;
      trace["marker"]["colorbar"] = {{"title", {{"text", short_name(cc->name, 20)}}}, {"thickness", 12}};
      trace["showlegend"] = false;
    }
    data.push_back(trace);
  };
  add_side(*xr, *yr, cr, real_rows, true);
  add_side(*xs, *ys, cs, synthetic_rows, false);
  json layout = {{"grid", {{"rows", 1}, {"columns", 2}, {"pattern", "independent"}}},
                 {"xaxis", axis(short_name(x, 40) + " (real)")},
                 {"yaxis", axis(short_name(y, 40))},
                 {"xaxis2", axis(short_name(x, 40) + " (synthetic)")},
                 {"yaxis2", axis(short_name(y, 40))}};
  // Same axes on both panels, from the real and synthetic values together.
  auto range = [&](const Column& a, const Column& b) -> json {
    if (a.is_categorical()) return nullptr;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (const Column* c : {&a, &b})
      for (double v : c->values)
        if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!std::isfinite(lo)) return nullptr;
    const double pad = hi > lo ? 0.04 * (hi - lo) : 1.0;
    const double s = a.type == ColumnType::Datetime ? 1000.0 : 1.0;
    return json::array({num((lo - pad) * s), num((hi + pad) * s)});
  };
  for (const char* key : {"xaxis", "xaxis2"}) {
    if (json r = range(*xr, *xs); !r.is_null()) layout[key]["range"] = r;
    if (xr->type == ColumnType::Datetime) layout[key]["type"] = "date";
  }
  for (const char* key : {"yaxis", "yaxis2"}) {
    if (json r = range(*yr, *ys); !r.is_null()) layout[key]["range"] = r;
    if (yr->type == ColumnType::Datetime) layout[key]["type"] = "date";
  }
  std::string title = "Real (left) and synthetic (right) on the same axes";
  if (thinned)
    title += fmt::format(" — showing {} of {} real and {} of {} synthetic rows (random sample)", real_rows.size(),
                         in.real.rows(), synthetic_rows.size(), in.synthetic.rows());
  if (cr) title += "; colour: " + short_name(cr->name, 30);
  layout["title"] = title;
  layout["margin"] = {{"l", 60}, {"r", 20}, {"t", 70}, {"b", 50}};
  page.html += fmt::format("<h3>{} against {}</h3>\n<p>Chosen: {}. ", esc(y), esc(x), chosen_because) +
               (charts.x.empty()
                    ? "Pick another pair with <code>`x`</code> and <code>`y`</code> (and <code>`color`</code>).</p>\n"
                    : "</p>\n");
  page.html += page.chart(data, layout, 440);
  // The scatter's numbers: how many points, the means and the correlation on each side.
  std::vector<std::vector<std::string>> rows;
  for (int side = 0; side < 2; ++side) {
    const Column& cx = side == 0 ? *xr : *xs;
    const Column& cy = side == 0 ? *yr : *ys;
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
    rows.push_back({side == 0 ? "real" : "synthetic", show_int(side == 0 ? in.real.rows() : in.synthetic.rows()),
                    show_int(static_cast<int64_t>(side == 0 ? real_rows.size() : synthetic_rows.size())), mx, my, r});
  }
  page.html += numbers("The scatter plot&rsquo;s numbers",
                       table({"table", "rows", "points drawn", "mean of " + esc(short_name(x)),
                              "mean of " + esc(short_name(y)), "Pearson r"},
                             rows));
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
