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

std::string test_row(const char* name, const char* asks, const std::optional<eval::TestResult>& t) {
  if (!t) return "";
  const std::string reading = std::isnan(t->pvalue) ? "undefined"
                              : t->pvalue >= 0.05   ? "no difference found"
                                                    : "differs";
  return fmt::format(
      "<tr><td>{}<br><span class=\"asks\">{}</span></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n", name,
      asks, show(t->statistic), show_p(t->pvalue), t->pvalue >= 0.05 ? "ok" : "warn", reading);
}

std::string tests_table(const eval::ColumnTests& t, double shape) {
  std::string rows;
  rows += test_row("Kolmogorov&ndash;Smirnov", "same distribution?", t.ks);
  rows += test_row("Welch&rsquo;s t", "same mean?", t.welch_t);
  rows += test_row("Mann&ndash;Whitney U", "neither side tends to be larger?", t.mann_whitney);
  rows += test_row("Wilcoxon (the seed&rsquo;s, paired)*", "see docs/evaluation.md", t.wilcoxon_seed);
  rows += test_row("chi-square", "same label frequencies?", t.chi_square);
  std::string out =
      "<div class=\"table-wrap\"><table class=\"tests\"><thead><tr><th>test</th><th>statistic</th>"
      "<th>p-value</th><th>reading</th></tr></thead><tbody>\n" +
      rows + "</tbody></table></div>\n";
  out +=
      fmt::format("<p class=\"small\">Shape score ({}): <strong>{}</strong> (1 = identical distributions).",
                  t.type == "numeric" ? "1 &minus; KS statistic" : "1 &minus; total variation distance", show(shape));
  if (t.wilcoxon_seed) out += " * pairs real values with random synthetic ones; read Mann&ndash;Whitney instead.";
  out += "</p>\n";
  for (const auto& n : t.notes) out += left_out(n);
  return out;
}

// Chart x values: Plotly date axes count milliseconds (scale 1000), other axes the values.
std::vector<double> scaled(std::vector<double> xs, double scale) {
  for (auto& x : xs) x *= scale;
  return xs;
}

// The real and synthetic values of a numeric column, their common range and the real table's
// kernel bandwidth (one kernel for both curves, see gaussian_kde).
struct NumericValues {
  std::vector<double> a, b;  // real, synthetic (present values)
  double lo = std::numeric_limits<double>::infinity(), hi = -std::numeric_limits<double>::infinity();
  double scale = 1.0;
  std::optional<double> bandwidth;
};

// Both tables' smoothed densities as two curves; returns their numbers table.
std::string add_density_curves(json& data, json& layout, const NumericValues& v) {
  const std::vector<double> grid = linspace(v.lo, v.hi, kGridPoints);
  const std::vector<double> ra = gaussian_kde(v.a, grid, *v.bandwidth), sa = gaussian_kde(v.b, grid, *v.bandwidth);
  const json x = nums(scaled(grid, v.scale));
  data.push_back({{"type", "scatter"},
                  {"mode", "lines"},
                  {"name", "real"},
                  {"x", x},
                  {"y", nums(ra)},
                  {"line", {{"color", kRealColour}, {"width", 2.5}}},
                  {"fill", "tozeroy"},
                  {"fillcolor", "rgba(31,95,153,0.15)"}});
  data.push_back({{"type", "scatter"},
                  {"mode", "lines"},
                  {"name", "synthetic"},
                  {"x", x},
                  {"y", nums(sa)},
                  {"line", {{"color", kSyntheticColour}, {"width", 3}}}});
  layout["title"] = "How common each value is";
  layout["yaxis"]["showticklabels"] = false;  // densities' units mean little to a reader; the table has them
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < grid.size(); ++i)
    rows.push_back({show(grid[i]), fmt::format("{:.4g}", ra[i]), fmt::format("{:.4g}", sa[i])});
  return numbers("Density values", table({"value", "real density", "synthetic density"}, rows, "compact"));
}

// A constant column, or too few values, has no smooth density: a histogram says it plainly.
// Returns the histogram's numbers table.
std::string add_histograms(json& data, json& layout, const NumericValues& v) {
  const std::vector<double> edges = equal_edges(std::isfinite(v.lo) ? v.lo : 0.0, std::isfinite(v.hi) ? v.hi : 1.0, 20);
  const Histogram ha = histogram(v.a, edges), hb = histogram(v.b, edges);
  std::vector<double> centres;
  for (size_t k = 0; k + 1 < edges.size(); ++k) centres.push_back(0.5 * (edges[k] + edges[k + 1]));
  data.push_back({{"type", "bar"},
                  {"name", "real"},
                  {"x", nums(scaled(centres, v.scale))},
                  {"y", nums(ha.density)},
                  {"marker", {{"color", kRealColour}}},
                  {"opacity", 0.7}});
  data.push_back({{"type", "bar"},
                  {"name", "synthetic"},
                  {"x", nums(scaled(centres, v.scale))},
                  {"y", nums(hb.density)},
                  {"marker", {{"color", kSyntheticColour}}},
                  {"opacity", 0.7}});
  layout["barmode"] = "overlay";
  layout["title"] = "How common each value is (histogram: too few distinct values for a smooth curve)";
  layout["yaxis"]["showticklabels"] = false;
  std::vector<std::vector<std::string>> rows;
  for (size_t k = 0; k < ha.counts.size(); ++k)
    rows.push_back({show(edges[k]) + " &ndash; " + show(edges[k + 1]), show_int(ha.counts[k]), show_int(hb.counts[k])});
  return numbers("Histogram counts", table({"bin", "real rows", "synthetic rows"}, rows, "compact"));
}

std::string summary_table(const eval::ColumnTests& t) {
  std::vector<std::vector<std::string>> summary = {
      {"mean", show(t.real.mean), show(t.synthetic.mean)},
      {"standard deviation", show(t.real.sd), show(t.synthetic.sd)},
      {"minimum", show(t.real.min), show(t.synthetic.min)},
      {"maximum", show(t.real.max), show(t.synthetic.max)},
      {"values (missing)", fmt::format("{} ({})", show_int(t.real.count), show_int(t.real.missing)),
       fmt::format("{} ({})", show_int(t.synthetic.count), show_int(t.synthetic.missing))}};
  return table({"", "real", "synthetic"}, summary, "compact");
}

void numeric_column(Page& page, const eval::ColumnTests& t, const Column& real, const Column& synthetic, double shape) {
  NumericValues v;
  v.a = present_values(real);
  v.b = present_values(synthetic);
  const bool dates = real.type == ColumnType::Datetime;
  v.scale = dates ? 1000.0 : 1.0;
  for (double x : v.a) v.lo = std::min(v.lo, x), v.hi = std::max(v.hi, x);
  for (double x : v.b) v.lo = std::min(v.lo, x), v.hi = std::max(v.hi, x);
  v.bandwidth = scott_bandwidth(v.a);
  json data = json::array();
  json layout = {{"xaxis", axis(short_name(t.column, 60))}, {"yaxis", axis("how common")}};
  if (dates) layout["xaxis"]["type"] = "date";
  const bool kde = !v.a.empty() && !v.b.empty() && v.lo < v.hi && v.bandwidth.has_value();
  const std::string numbers_html = kde ? add_density_curves(data, layout, v) : add_histograms(data, layout, v);
  page.html += "<div class=\"two\"><div>" + page.chart(data, layout, 320) + numbers_html + "</div><div>";
  page.html += summary_table(t);
  if (dates) page.html += "<p class=\"small\">Dates are counted in seconds since 1970-01-01 in this table.</p>\n";
  page.html += tests_table(t, shape) + "</div></div>\n";
}

void categorical_column(Page& page, const eval::ColumnTests& t, double shape) {
  double real_total = 0, synthetic_total = 0;
  for (double c : t.real_counts) real_total += c;
  for (double c : t.synthetic_counts) synthetic_total += c;
  std::vector<size_t> order(t.labels.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  // Most frequent first (real, then synthetic), ties by label order: stable and readable.
  std::stable_sort(order.begin(), order.end(), [&](size_t x, size_t y) {
    if (t.real_counts[x] != t.real_counts[y]) return t.real_counts[x] > t.real_counts[y];
    return t.synthetic_counts[x] > t.synthetic_counts[y];
  });
  const bool cut = order.size() > static_cast<size_t>(kMaxLabels);
  std::vector<size_t> shown(
      order.begin(), order.begin() + static_cast<int64_t>(std::min(order.size(), static_cast<size_t>(kMaxLabels))));
  json labels = json::array(), rs = json::array(), ss = json::array();
  std::vector<std::vector<std::string>> rows;
  for (size_t i : order) {
    const double r = real_total > 0 ? t.real_counts[i] / real_total : 0.0;
    const double s = synthetic_total > 0 ? t.synthetic_counts[i] / synthetic_total : 0.0;
    rows.push_back({esc(t.labels[i]), show(t.real_counts[i]), fmt::format("{:.1f} %", 100 * r),
                    show(t.synthetic_counts[i]), fmt::format("{:.1f} %", 100 * s)});
  }
  for (size_t i : shown) {
    labels.push_back(short_name(t.labels[i], 24));
    rs.push_back(num(real_total > 0 ? t.real_counts[i] / real_total : 0.0));
    ss.push_back(num(synthetic_total > 0 ? t.synthetic_counts[i] / synthetic_total : 0.0));
  }
  json data = json::array();
  data.push_back({{"type", "bar"}, {"name", "real"}, {"x", labels}, {"y", rs}, {"marker", {{"color", kRealColour}}}});
  data.push_back(
      {{"type", "bar"}, {"name", "synthetic"}, {"x", labels}, {"y", ss}, {"marker", {{"color", kSyntheticColour}}}});
  json layout = {{"barmode", "group"},
                 {"title", cut ? fmt::format("Share of rows per label: the {} most frequent of {} labels", kMaxLabels,
                                             order.size())
                               : std::string("Share of rows per label")},
                 {"xaxis", axis(short_name(t.column, 60))},
                 {"yaxis", axis("share of rows")}};
  layout["xaxis"]["type"] = "category";
  layout["yaxis"]["tickformat"] = ".0%";
  page.html +=
      "<div class=\"two\"><div>" + page.chart(data, layout, 320) +
      numbers("Counts per label",
              table({"label", "real rows", "real share", "synthetic rows", "synthetic share"}, rows, "compact")) +
      "</div><div>" + tests_table(t, shape) + "</div></div>\n";
}

}  // namespace

void columns_section(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  page.html += "<section id=\"columns\"><h2>Column by column</h2>\n";
  page.html += good_looks_like(
      "The synthetic curve or bars lie on top of the real ones, and the tests&rsquo; p-values are not small (above "
      "0.05: no difference found; with thousands of rows even harmless differences give small p-values, so read the "
      "shape score beside them).");
  for (size_t c = 0; c < e.column_tests.size(); ++c) {
    const auto& t = e.column_tests[c];
    const Column* real = find_column(in.real, t.column);
    const Column* synthetic = find_column(in.synthetic, t.column);
    double shape = std::nan("");
    for (const auto& s : e.quality.shapes)
      if (s.column == t.column) shape = s.score;
    page.html += fmt::format("<h3>{} <span class=\"tag\">{}</span></h3>\n", esc(t.column),
                             real ? esc(to_string(real->type)) : esc(t.type));
    if (!real || !synthetic) {
      page.html += left_out("The column is missing from one of the tables.");
      continue;
    }
    if (t.type == "numeric")
      numeric_column(page, t, *real, *synthetic, shape);
    else
      categorical_column(page, t, shape);
  }
  page.html += "</section>\n";
}

}  // namespace synthtab::report
