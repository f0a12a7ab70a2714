#include "synthtab/report/report.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/option_terms.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/feature_space.hpp"
#include "synthtab/report/density.hpp"
#include "synthtab/report/plotly_asset.hpp"
#include "synthtab/report/verdicts.hpp"

namespace synthtab::report {
namespace {

using nlohmann::json;

constexpr const char* kRealColour = "#1f5f99";
constexpr const char* kSyntheticColour = "#e8833a";
constexpr const char* kRandomColour = "#9a9a9a";
constexpr int kGridPoints = 120;         // density curves
constexpr int64_t kScatterPoints = 2000; // points per scatter series
constexpr int64_t kTableRows = 300;      // rows of a per-point table
constexpr int kMaxLabels = 30;           // bars of a categorical chart
constexpr int kMaxColourLabels = 12;     // colours of a scatter
constexpr uint64_t kThinStream = 0x7468696e;            // "thin"
constexpr uint64_t kRandomTableStream = 0x756e69666f726d; // as the evaluation's geometry

std::string esc(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\'': out += "&#39;"; break;
      default: out += c;
    }
  }
  return out;
}

// A number for people: grouped thousands for large values, 3 significant digits otherwise.
std::string show(double x) {
  if (std::isnan(x)) return "n/a";
  if (std::isinf(x)) return x > 0 ? "&infin;" : "&minus;&infin;";
  const double a = std::fabs(x);
  std::string s;
  if (a >= 1e15 || (a > 0 && a < 1e-4)) {
    s = fmt::format("{:.3g}", x);
  } else if (a >= 1000) {
    const std::string digits = fmt::format("{:.0f}", a);
    if (x < 0) s = "-";
    for (size_t i = 0; i < digits.size(); ++i) {
      if (i > 0 && (digits.size() - i) % 3 == 0) s += ',';
      s += digits[i];
    }
  } else {
    s = fmt::format("{:.3g}", x);
  }
  if (s[0] == '-') s.replace(0, 1, "&minus;");
  return s;
}
std::string show_p(double p) {
  if (std::isnan(p)) return "n/a";
  if (p < 1e-4) return "&lt; 0.0001";
  return fmt::format("{:.3g}", p);
}
std::string show_int(int64_t n) { return show(static_cast<double>(n)); }

// Data for the charts: 6 significant digits keep the file small; NaN and infinities become null.
json num(double x) {
  if (!std::isfinite(x)) return nullptr;
  return std::stod(fmt::format("{:.6g}", x));
}
json nums(const std::vector<double>& xs) {
  json out = json::array();
  for (double x : xs) out.push_back(num(x));
  return out;
}
template <typename T>
json ints(const std::vector<T>& xs) {
  json out = json::array();
  for (auto x : xs) out.push_back(x);
  return out;
}

std::string short_name(const std::string& name, size_t limit = 28) {
  if (name.size() <= limit) return name;
  size_t cut = limit - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return name.substr(0, cut) + "\xE2\x80\xA6";
}

std::string level_class(Level level) {
  switch (level) {
    case Level::Good: return "good";
    case Level::Fair: return "fair";
    case Level::Poor: return "poor";
    case Level::None: break;
  }
  return "none";
}

// Plotly renders a pseudo-HTML subset (<a href>, <b>, <br>, ...) in every text it draws: titles,
// axis and tick labels, legends, hover text, annotations. No string of a figure is meant as
// markup, so each one (column names and labels included) has & < > as entities, which Plotly
// decodes for display: a name holding <a href=...> is shown, never made a live link.
void plotly_escape(json& value) {
  if (value.is_string()) {
    const std::string& text = value.get_ref<const std::string&>();
    if (text.find_first_of("&<>") == std::string::npos) return;
    std::string out;
    out.reserve(text.size() + 8);
    for (char c : text) {
      switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        default: out += c;
      }
    }
    value = std::move(out);
  } else if (value.is_structured()) {
    for (auto& item : value) plotly_escape(item);
  }
}

// The page being built: HTML text plus the figures its chart containers refer to.
struct Page {
  std::string html;
  json figures = json::array();

  // A chart container; the figure is drawn by the page's script from `figures`.
  std::string chart(json data, json layout, int height = 340, const std::string& extra_class = "") {
    const size_t index = figures.size();
    plotly_escape(data);
    plotly_escape(layout);
    layout["height"] = height;
    if (!layout.contains("margin")) layout["margin"] = {{"l", 60}, {"r", 20}, {"t", 48}, {"b", 50}};
    layout["font"] = {{"family", "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"},
                      {"size", 12},
                      {"color", "#2b2b2b"}};
    layout["paper_bgcolor"] = "#ffffff";
    layout["plot_bgcolor"] = "#ffffff";
    if (!layout.contains("legend"))
      layout["legend"] = {{"orientation", "h"}, {"x", 1}, {"xanchor", "right"}, {"y", 1.01}, {"yanchor", "bottom"},
                          {"bgcolor", "rgba(255,255,255,0)"}};
    if (layout.contains("title") && layout["title"].is_string())
      layout["title"] = {{"text", layout["title"]}, {"x", 0.01}, {"xanchor", "left"}, {"xref", "paper"},
                         {"y", 0.985}, {"yanchor", "top"}, {"yref", "container"}, {"font", {{"size", 14}}}};
    figures.push_back({{"data", std::move(data)}, {"layout", std::move(layout)}});
    return fmt::format("<div class=\"chart{}\" id=\"chart-{}\" data-figure=\"{}\" style=\"height:{}px\"></div>\n",
                       extra_class.empty() ? "" : " " + extra_class, index, index, height);
  }
};

json axis(const std::string& title) {
  return {{"title", {{"text", title}}}, {"gridcolor", "#e6e6e6"}, {"zerolinecolor", "#c8c8c8"}, {"automargin", true}};
}

// A table: header cells, then rows of already formatted (escaped) cells.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::string& css = "") {
  std::string out = "<div class=\"table-wrap\"><table" + (css.empty() ? "" : " class=\"" + css + "\"") + "><thead><tr>";
  for (const auto& h : header) out += "<th>" + h + "</th>";
  out += "</tr></thead><tbody>\n";
  for (const auto& row : rows) {
    out += "<tr>";
    for (const auto& cell : row) out += "<td>" + cell + "</td>";
    out += "</tr>\n";
  }
  return out + "</tbody></table></div>\n";
}

std::string numbers(const std::string& summary, const std::string& table_html) {
  return "<details class=\"numbers\"><summary>" + summary + "</summary>\n" + table_html + "</details>\n";
}

std::string left_out(const std::string& why) { return "<p class=\"left-out\">" + esc(why) + "</p>\n"; }

std::string good_looks_like(const std::string& text) { return "<p class=\"good\">" + text + "</p>\n"; }

const Column* find_column(const Table& table, const std::string& name) {
  const int64_t i = table.find(name);
  return i < 0 ? nullptr : &table.columns[static_cast<size_t>(i)];
}

std::vector<double> present_values(const Column& column) {
  std::vector<double> out;
  for (double v : column.values)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

// --- 1. headline ------------------------------------------------------------------------------

std::string card(const std::string& title, const std::string& value, const Verdict& verdict, const std::string& detail) {
  return fmt::format(
      "<div class=\"card {}\"><div class=\"card-title\">{}</div><div class=\"card-value\">{}</div>"
      "<div class=\"card-verdict\">{}</div><div class=\"card-detail\">{}</div></div>\n",
      level_class(verdict.level), title, value, esc(verdict.text), detail);
}

// The name of a pair's measure as eval::relationships gives it ("Pearson" is signed r).
std::string measure_label(const std::string& measure) { return measure == "Pearson" ? "Pearson r" : esc(measure); }

// "Strongest relationships": the worst kept of the strongest real pairs, named.
std::string relationship_card(const eval::Evaluation& e) {
  const auto& rel = e.relationships;
  if (!rel.worst)
    return card("Strongest relationships", "&ndash;", relationship_verdict(0.0, false),
                "Pearson r of numeric pairs, an association in [0, 1] of pairs with a category");
  const auto& w = *rel.worst;
  const size_t strongest = eval::strongest_count(rel.pairs);
  return card("Strongest relationships",
              fmt::format("{} <span class=\"vs\">real vs</span> {} <span class=\"vs\">synthetic</span>", show(w.real),
                          show(w.synthetic)),
              relationship_verdict(rel.strongest_max_change),
              fmt::format("<code>{}</code> &ndash; <code>{}</code> ({}): the worst kept of the {} strongest real "
                          "pair{}; the largest change over all {} pairs is {}",
                          esc(w.column_a), esc(w.column_b), measure_label(w.measure),
                          strongest, strongest == 1 ? "" : "s", rel.pairs.size(), show(rel.max_change)));
}

std::string holdout_card(const eval::HoldoutReport& h) {
  return card("Closer to training than holdout",
              fmt::format("{} % <span class=\"vs\">(50 % ideal)</span>", show(100.0 * h.closer_to_training_share)),
              holdout_verdict(h.synthetic_match_share, h.holdout_match_share, h.closer_to_training_share),
              fmt::format("equal to a training row: synthetic rows {} %, holdout rows {} %; nearest-row comparison "
                          "on {} training and {} holdout rows{}",
                          show(100.0 * h.synthetic_match_share), show(100.0 * h.holdout_match_share),
                          show_int(h.compared_rows), show_int(h.compared_rows),
                          // Each synthetic row then has only a few candidates on either side.
                          h.compared_rows < 30 ? " (so few that the share is noisy)" : ""));
}

void headline(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  page.html += "<section id=\"headline\"><h2>At a glance</h2>\n";
  page.html += good_looks_like(
      "Good synthetic data scores high on quality, cannot be told apart by a classifier (AUC near 0.5), teaches a "
      "model as much as the real rows do, copies no real row, and sits about as close to the real rows as they sit "
      "to each other (DCR ratio near 1).");
  page.html += "<div class=\"cards\">\n";
  const auto& q = e.quality;
  const auto& rel = e.relationships;
  const Verdict quality = quality_verdict(q.overall, rel.strongest_max_change);
  page.html += card("Quality score", show(q.overall), quality,
                    std::isnan(q.column_pair_trends)
                        ? fmt::format("column shapes {} (one column: no pairs)", show(q.column_shapes))
                        : fmt::format("column shapes {} &middot; column pairs {}", show(q.column_shapes),
                                      show(q.column_pair_trends)));
  page.html += relationship_card(e);
  if (e.detection)
    page.html += card("Detection AUC", show(e.detection->auc), detection_verdict(e.detection->auc),
                      "0.5 = a classifier cannot tell synthetic from real rows; 1 = it always can");
  if (e.ml_efficacy) {
    const auto& m = *e.ml_efficacy;
    const bool regression = m.task == "regression";
    const double tstr = regression ? m.tstr.r2 : m.tstr.accuracy;
    const double trtr = regression ? m.trtr.r2 : m.trtr.accuracy;
    page.html += card(fmt::format("ML efficacy ({})", regression ? "R&sup2;" : "accuracy"),
                      fmt::format("{} <span class=\"vs\">vs</span> {}", show(tstr), show(trtr)),
                      efficacy_verdict(m.task, tstr, trtr),
                      fmt::format("predicting &ldquo;{}&rdquo;: trained on synthetic (TSTR) vs trained on real (TRTR), "
                                  "both scored on real rows",
                                  esc(m.target)));
  } else {
    page.html += card("ML efficacy", "&ndash;", {Level::None, "Not computed: no target column."},
                      "Set <code>`target`</code> to a column to see whether a model trained on synthetic rows works on real ones");
  }
  const auto& p = e.privacy;
  page.html += card("Exact copies", fmt::format("{} <span class=\"vs\">({} %)</span>", show_int(p.exact_copies),
                                                show(100.0 * p.exact_copy_share)),
                    copies_verdict(p.exact_copies, p.exact_copy_share),
                    p.holdout ? fmt::format("synthetic rows equal cell for cell to a real row, of {}",
                                            show_int(e.synthetic_rows))
                              : fmt::format("synthetic rows equal cell for cell to a real row, of {}; real rows equal "
                                            "to another real row: {} % (an estimate of how often unseen real rows "
                                            "would equal one; give <code>`holdout`</code> to measure it)",
                                            show_int(e.synthetic_rows), show(100.0 * p.real_duplicate_share)));
  if (p.holdout) page.html += holdout_card(*p.holdout);
  page.html += card("DCR ratio", show(p.dcr_ratio), dcr_verdict(p.dcr_ratio),
                    fmt::format("median distance to the closest real row {} vs real rows to each other {}",
                                show(p.dcr_median), show(p.real_nn_median)));
  page.html += "</div>\n";
  // The same figures as a table, for readers without the cards (and for printing).
  std::vector<std::vector<std::string>> rows;
  rows.push_back({"quality score", show(q.overall), esc(quality.text)});
  if (rel.worst)
    rows.push_back({"strongest relationships: largest change", show(rel.strongest_max_change),
                    esc(rel.worst->column_a) + " &ndash; " + esc(rel.worst->column_b) + ": " + show(rel.worst->real) +
                        " real vs " + show(rel.worst->synthetic) + " synthetic. " +
                        esc(relationship_verdict(rel.strongest_max_change).text)});
  if (e.detection) rows.push_back({"detection AUC", show(e.detection->auc), esc(detection_verdict(e.detection->auc).text)});
  rows.push_back({"MMD&sup2; (unbiased)", show(e.mmd.mmd2),
                  e.mmd.pvalue >= 0 ? "permutation p = " + show_p(e.mmd.pvalue) + " (" +
                                          (e.mmd.pvalue >= 0.05 ? "no difference detected" : "the joint distributions differ") + ")"
                                    : "no permutation test"});
  if (e.ml_efficacy) {
    const auto& m = *e.ml_efficacy;
    const bool regression = m.task == "regression";
    rows.push_back({"TSTR " + std::string(regression ? "R&sup2;" : "accuracy"), show(regression ? m.tstr.r2 : m.tstr.accuracy),
                    "trained on synthetic rows, scored on real rows"});
    rows.push_back({"TRTR " + std::string(regression ? "R&sup2;" : "accuracy"), show(regression ? m.trtr.r2 : m.trtr.accuracy),
                    "trained and scored on real rows (cross-validated): the yardstick"});
  }
  rows.push_back({"exact copies", show_int(p.exact_copies), esc(copies_verdict(p.exact_copies, p.exact_copy_share).text)});
  rows.push_back({"DCR ratio", show(p.dcr_ratio), esc(dcr_verdict(p.dcr_ratio).text)});
  if (p.holdout)
    rows.push_back({"synthetic rows closer to training than to holdout", show(100.0 * p.holdout->closer_to_training_share) + " %",
                    "50 % is ideal: " + esc(holdout_verdict(p.holdout->synthetic_match_share, p.holdout->holdout_match_share,
                                                           p.holdout->closer_to_training_share)
                                                .text)});
  rows.push_back({"DCR baseline protection", show(p.baseline_protection),
                  "1 = synthetic rows are at least as far from real rows as random rows are"});
  page.html += numbers("The headline figures as a table", table({"figure", "value", "reading"}, rows));
  page.html += "</section>\n";
}

// --- 2. preparation and model -------------------------------------------------------------------

void preparation(Page& page, const ReportInput& in) {
  page.html += "<section id=\"preparation\"><h2>What preparation and the model did</h2>\n";
  page.html += good_looks_like(
      "Every column has the type you expect, and nothing you need was dropped.");
  if (in.run) {
    const RunInfo& r = *in.run;
    page.html += fmt::format("<p>Read <code>{}</code>: {} rows; the model learned from {} rows after preparation and "
                             "wrote {} synthetic rows.</p>\n",
                             esc(r.input_path), show_int(r.input_rows), show_int(r.training_rows), show_int(r.synthetic_rows));
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : r.schema)
      rows.push_back({esc(c.name), esc(to_string(c.role)) + (c.forced ? " (your choice)" : ""), esc(c.reason)});
    page.html += "<h3>Columns</h3>\n" + table({"column", "type", "why"}, rows);
    page.html += "<h3>Preparation steps</h3>\n<ol class=\"log\">\n";
    if (r.preparation.empty()) page.html += "<li>Nothing needed doing.</li>\n";
    for (const auto& a : r.preparation) page.html += "<li>" + esc(a) + "</li>\n";
    page.html += "</ol>\n<h3>Model</h3>\n";
    std::vector<std::vector<std::string>> model_rows = {{"model", "<strong>" + esc(r.model) + "</strong>"},
                                                        {"seed", std::to_string(r.seed)},
                                                        {"time to fit", fmt::format("{:.2f} s", r.fit_seconds)},
                                                        {"time to sample", fmt::format("{:.2f} s", r.sample_seconds)}};
    for (const auto& [key, value] : r.settings) {
      if (key == "model" || key == "seed") continue;  // already above
      model_rows.push_back({key == "auto" ? std::string("why this model") : esc(key), esc(value)});
    }
    page.html += table({"setting", "value"}, model_rows);
  } else {
    page.html +=
        "<p class=\"left-out\">Not known: this report compares two files, so how the synthetic rows were made "
        "(preparation, model, settings, seed, timings) is not known. Make the report in the run that generates the rows "
        "(<code>`report`</code>) to include it. The column types below are the ones inferred from the real file, used "
        "to read both files.</p>\n";
    std::vector<std::vector<std::string>> rows;
    for (const auto& c : in.real.columns)
      rows.push_back({esc(c.name), esc(to_string(c.type)),
                      c.is_categorical() ? fmt::format("{} labels", c.categories.size())
                                         : fmt::format("{} missing of {}", show_int(c.missing_count()), show_int(c.size()))});
    page.html += table({"column", "inferred type", "detail"}, rows);
  }
  if (!in.notes.empty()) {
    page.html += "<h3>Left out</h3>\n<ul class=\"notes\">\n";
    for (const auto& n : in.notes) page.html += "<li>" + esc(n) + "</li>\n";
    page.html += "</ul>\n";
  }
  page.html += "</section>\n";
}

// --- 3. columns ---------------------------------------------------------------------------------

std::string test_row(const char* name, const char* asks, const std::optional<eval::TestResult>& t) {
  if (!t) return "";
  const std::string reading = std::isnan(t->pvalue) ? "undefined"
                              : t->pvalue >= 0.05   ? "no difference found"
                                                    : "differs";
  return fmt::format("<tr><td>{}<br><span class=\"asks\">{}</span></td><td>{}</td><td>{}</td><td class=\"{}\">{}</td></tr>\n", name, asks,
                     show(t->statistic), show_p(t->pvalue), t->pvalue >= 0.05 ? "ok" : "warn", reading);
}

std::string tests_table(const eval::ColumnTests& t, double shape) {
  std::string rows;
  rows += test_row("Kolmogorov&ndash;Smirnov", "same distribution?", t.ks);
  rows += test_row("Welch&rsquo;s t", "same mean?", t.welch_t);
  rows += test_row("Mann&ndash;Whitney U", "neither side tends to be larger?", t.mann_whitney);
  rows += test_row("Wilcoxon (the seed&rsquo;s, paired)*", "see docs/evaluation.md", t.wilcoxon_seed);
  rows += test_row("chi-square", "same label frequencies?", t.chi_square);
  std::string out = "<div class=\"table-wrap\"><table class=\"tests\"><thead><tr><th>test</th><th>statistic</th>"
                    "<th>p-value</th><th>reading</th></tr></thead><tbody>\n" + rows + "</tbody></table></div>\n";
  out += fmt::format("<p class=\"small\">Shape score ({}): <strong>{}</strong> (1 = identical distributions).", 
                     t.type == "numeric" ? "1 &minus; KS statistic" : "1 &minus; total variation distance", show(shape));
  if (t.wilcoxon_seed) out += " * pairs real values with random synthetic ones; read Mann&ndash;Whitney instead.";
  out += "</p>\n";
  for (const auto& n : t.notes) out += left_out(n);
  return out;
}

void numeric_column(Page& page, const eval::ColumnTests& t, const Column& real, const Column& synthetic, double shape) {
  const std::vector<double> a = present_values(real), b = present_values(synthetic);
  const bool dates = real.type == ColumnType::Datetime;
  const double scale = dates ? 1000.0 : 1.0;  // Plotly date axes count milliseconds
  double lo = std::numeric_limits<double>::infinity(), hi = -lo;
  for (double v : a) lo = std::min(lo, v), hi = std::max(hi, v);
  for (double v : b) lo = std::min(lo, v), hi = std::max(hi, v);
  json data = json::array();
  std::string numbers_html;
  json layout = {{"xaxis", axis(short_name(t.column, 60))}, {"yaxis", axis("how common")}};
  if (dates) layout["xaxis"]["type"] = "date";
  // One kernel for both curves, the real table's (see gaussian_kde).
  const std::optional<double> bandwidth = scott_bandwidth(a);
  const bool kde = !a.empty() && !b.empty() && lo < hi && bandwidth.has_value();
  auto scaled = [&](std::vector<double> xs) {
    for (auto& x : xs) x *= scale;
    return xs;
  };
  if (kde) {
    const std::vector<double> grid = linspace(lo, hi, kGridPoints);
    const std::vector<double> ra = gaussian_kde(a, grid, *bandwidth), sa = gaussian_kde(b, grid, *bandwidth);
    const json x = nums(scaled(grid));
    data.push_back({{"type", "scatter"}, {"mode", "lines"}, {"name", "real"}, {"x", x}, {"y", nums(ra)},
                    {"line", {{"color", kRealColour}, {"width", 2.5}}}, {"fill", "tozeroy"},
                    {"fillcolor", "rgba(31,95,153,0.15)"}});
    data.push_back({{"type", "scatter"}, {"mode", "lines"}, {"name", "synthetic"}, {"x", x}, {"y", nums(sa)},
                    {"line", {{"color", kSyntheticColour}, {"width", 3}}}});
    layout["title"] = "How common each value is";
    layout["yaxis"]["showticklabels"] = false;  // densities' units mean little to a reader; the table has them
    std::vector<std::vector<std::string>> rows;
    for (size_t i = 0; i < grid.size(); ++i) rows.push_back({show(grid[i]), fmt::format("{:.4g}", ra[i]), fmt::format("{:.4g}", sa[i])});
    numbers_html = numbers("Density values", table({"value", "real density", "synthetic density"}, rows, "compact"));
  } else {
    // A constant column, or too few values, has no smooth density: a histogram says it plainly.
    const std::vector<double> edges = equal_edges(std::isfinite(lo) ? lo : 0.0, std::isfinite(hi) ? hi : 1.0, 20);
    const Histogram ha = histogram(a, edges), hb = histogram(b, edges);
    std::vector<double> centres;
    for (size_t k = 0; k + 1 < edges.size(); ++k) centres.push_back(0.5 * (edges[k] + edges[k + 1]));
    data.push_back({{"type", "bar"}, {"name", "real"}, {"x", nums(scaled(centres))}, {"y", nums(ha.density)},
                    {"marker", {{"color", kRealColour}}}, {"opacity", 0.7}});
    data.push_back({{"type", "bar"}, {"name", "synthetic"}, {"x", nums(scaled(centres))}, {"y", nums(hb.density)},
                    {"marker", {{"color", kSyntheticColour}}}, {"opacity", 0.7}});
    layout["barmode"] = "overlay";
    layout["title"] = "How common each value is (histogram: too few distinct values for a smooth curve)";
    layout["yaxis"]["showticklabels"] = false;
    std::vector<std::vector<std::string>> rows;
    for (size_t k = 0; k < ha.counts.size(); ++k)
      rows.push_back({show(edges[k]) + " &ndash; " + show(edges[k + 1]), show_int(ha.counts[k]), show_int(hb.counts[k])});
    numbers_html = numbers("Histogram counts", table({"bin", "real rows", "synthetic rows"}, rows, "compact"));
  }
  page.html += "<div class=\"two\"><div>" + page.chart(data, layout, 320) + numbers_html + "</div><div>";
  std::vector<std::vector<std::string>> summary = {
      {"mean", show(t.real.mean), show(t.synthetic.mean)},
      {"standard deviation", show(t.real.sd), show(t.synthetic.sd)},
      {"minimum", show(t.real.min), show(t.synthetic.min)},
      {"maximum", show(t.real.max), show(t.synthetic.max)},
      {"values (missing)", fmt::format("{} ({})", show_int(t.real.count), show_int(t.real.missing)),
       fmt::format("{} ({})", show_int(t.synthetic.count), show_int(t.synthetic.missing))}};
  page.html += table({"", "real", "synthetic"}, summary, "compact");
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
  std::vector<size_t> shown(order.begin(), order.begin() + static_cast<int64_t>(std::min(order.size(), static_cast<size_t>(kMaxLabels))));
  json labels = json::array(), rs = json::array(), ss = json::array();
  std::vector<std::vector<std::string>> rows;
  for (size_t i : order) {
    const double r = real_total > 0 ? t.real_counts[i] / real_total : 0.0;
    const double s = synthetic_total > 0 ? t.synthetic_counts[i] / synthetic_total : 0.0;
    rows.push_back({esc(t.labels[i]), show(t.real_counts[i]), fmt::format("{:.1f} %", 100 * r), show(t.synthetic_counts[i]),
                    fmt::format("{:.1f} %", 100 * s)});
  }
  for (size_t i : shown) {
    labels.push_back(short_name(t.labels[i], 24));
    rs.push_back(num(real_total > 0 ? t.real_counts[i] / real_total : 0.0));
    ss.push_back(num(synthetic_total > 0 ? t.synthetic_counts[i] / synthetic_total : 0.0));
  }
  json data = json::array();
  data.push_back({{"type", "bar"}, {"name", "real"}, {"x", labels}, {"y", rs}, {"marker", {{"color", kRealColour}}}});
  data.push_back({{"type", "bar"}, {"name", "synthetic"}, {"x", labels}, {"y", ss}, {"marker", {{"color", kSyntheticColour}}}});
  json layout = {{"barmode", "group"},
                 {"title", cut ? fmt::format("Share of rows per label: the {} most frequent of {} labels", kMaxLabels, order.size())
                               : std::string("Share of rows per label")},
                 {"xaxis", axis(short_name(t.column, 60))},
                 {"yaxis", axis("share of rows")}};
  layout["xaxis"]["type"] = "category";
  layout["yaxis"]["tickformat"] = ".0%";
  page.html += "<div class=\"two\"><div>" + page.chart(data, layout, 320) +
               numbers("Counts per label", table({"label", "real rows", "real share", "synthetic rows", "synthetic share"}, rows, "compact")) +
               "</div><div>" + tests_table(t, shape) + "</div></div>\n";
}

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

// --- 4. pairs -----------------------------------------------------------------------------------

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

json matrix_json(const std::vector<std::vector<double>>& m) {
  json out = json::array();
  for (const auto& row : m) out.push_back(nums(row));
  return out;
}

std::string heatmap(Page& page, const std::string& title, const std::vector<std::string>& names,
                    const std::vector<std::vector<double>>& z, double limit, bool scale) {
  json labels = json::array();
  for (const auto& n : names) labels.push_back(short_name(n, 16));
  json text = json::array();
  for (const auto& row : z) {
    json r = json::array();
    for (double v : row) r.push_back(std::isfinite(v) ? fmt::format("{:.2f}", v) : std::string("n/a"));
    text.push_back(r);
  }
  const bool label_cells = names.size() <= 10;  // beyond that the numbers no longer fit the cells
  json trace = {{"type", "heatmap"}, {"x", labels}, {"y", labels}, {"z", matrix_json(z)}, {"text", text},
                {"texttemplate", label_cells ? "%{text}" : ""}, {"zmin", -limit}, {"zmax", limit},
                {"colorscale", json::array({json::array({0, "#b2182b"}), json::array({0.5, "#f7f7f7"}), json::array({1, "#2166ac"})})}, {"showscale", scale}, {"hoverongaps", false}, {"xgap", 1}, {"ygap", 1}};
  if (scale) trace["colorbar"] = {{"thickness", 12}, {"len", 0.9}};
  json layout = {{"title", title}, {"margin", {{"l", 110}, {"r", 10}, {"t", 48}, {"b", 90}}}};
  layout["xaxis"] = {{"tickangle", -35}, {"automargin", true}};
  layout["yaxis"] = {{"autorange", "reversed"}, {"automargin", true}};
  return page.chart(json::array({trace}), layout, 360);
}

std::string matrix_table(const std::vector<std::string>& names, const Correlations& c) {
  std::vector<std::vector<std::string>> rows;
  for (size_t i = 0; i < names.size(); ++i)
    for (size_t j = i + 1; j < names.size(); ++j)
      rows.push_back({esc(names[i]), esc(names[j]), show(c.real[i][j]), show(c.synthetic[i][j]),
                      show(c.synthetic[i][j] - c.real[i][j])});
  return numbers("Correlations as a table", table({"column", "column", "real r", "synthetic r", "difference"}, rows, "compact"));
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
  const auto synthetic_rows = thin_indexes(in.synthetic.rows(), kScatterPoints, derive_seed(in.options.seed, kThinStream, 2));
  const bool thinned = static_cast<int64_t>(real_rows.size()) < in.real.rows() ||
                       static_cast<int64_t>(synthetic_rows.size()) < in.synthetic.rows();
  json data = json::array();
  auto add_side = [&](const Column& cx, const Column& cy, const Column* cc, const std::vector<int64_t>& rows, bool real) {
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
        data.push_back({{"type", "scatter"}, {"mode", "markers"}, {"name", labels[l]}, {"legendgroup", labels[l]},
                        {"showlegend", real}, {"x", axis_values(cx, subset)}, {"y", axis_values(cy, subset)},
                        {"xaxis", xa}, {"yaxis", ya}, {"marker", {{"size", size}, {"opacity", 0.75}}}});
        data.back()["marker"]["color"] = fmt::format("hsl({},60%,45%)", (l * 360) / labels.size());
      }
      return;
    }
    json trace = {{"type", "scatter"}, {"mode", "markers"}, {"name", real ? "real" : "synthetic"},
                  {"x", axis_values(cx, rows)}, {"y", axis_values(cy, rows)}, {"xaxis", xa}, {"yaxis", ya},
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
    title += fmt::format(" — showing {} of {} real and {} of {} synthetic rows (random sample)",
                         real_rows.size(), in.real.rows(), synthetic_rows.size(), in.synthetic.rows());
  if (cr) title += "; colour: " + short_name(cr->name, 30);
  layout["title"] = title;
  layout["margin"] = {{"l", 60}, {"r", 20}, {"t", 70}, {"b", 50}};
  page.html += fmt::format("<h3>{} against {}</h3>\n<p>Chosen: {}. ", esc(y), esc(x), chosen_because) +
               (charts.x.empty() ? "Pick another pair with <code>`x`</code> and <code>`y`</code> (and <code>`color`</code>).</p>\n" : "</p>\n");
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
        if (!std::isnan(cx.values[i]) && !std::isnan(cy.values[i])) a.push_back(cx.values[i]), b.push_back(cy.values[i]);
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
                       table({"table", "rows", "points drawn", "mean of " + esc(short_name(x)), "mean of " + esc(short_name(y)), "Pearson r"}, rows));
}

// Every pair's relationship, real vs synthetic, strongest real first; the strongest pairs (those
// the headline looks at) are marked.
void relationships_table(Page& page, const eval::RelationshipReport& rel) {
  constexpr size_t kShown = 15;  // the rest, up to kTableRows, under "all pairs"
  page.html += "<h3>Strongest relationships</h3>\n";
  if (rel.pairs.empty()) {
    page.html += left_out("Relationships left out: no pair of columns has a value that can be measured on both tables "
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
      rows.push_back({esc(p.column_a), esc(p.column_b), measure_label(p.measure),
                      show(p.real), show(p.synthetic), show(p.change),
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
    page.html += "<p class=\"small\">Blue: the two columns rise together; red: one falls as the other rises. "
                 "On the difference map any strong colour is a relationship the synthetic rows got wrong.</p>\n";
    page.html += matrix_table(corr.names, corr);
  }
  scatter_section(page, in, corr);
  page.html += "</section>\n";
}

// --- 5. ML efficacy -----------------------------------------------------------------------------

void efficacy_section(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  page.html += "<section id=\"efficacy\"><h2>Can a model learn from the synthetic rows?</h2>\n";
  page.html += good_looks_like(
      "A model trained on the synthetic rows and tested on the real ones (TSTR) scores about as well as one "
      "trained on real rows (TRTR); its predictions lie along the diagonal and its errors scatter evenly around 0.");
  if (!e.ml_efficacy) {
    std::string why = "ML efficacy left out: no `target` column was given. Set `target` to a column.";
    for (const auto& n : in.notes)
      if (n.rfind("ML efficacy", 0) == 0) why = n;
    page.html += left_out(why);
    page.html += "</section>\n";
    return;
  }
  const auto& m = *e.ml_efficacy;
  const bool regression = m.task == "regression";
  page.html += fmt::format("<p>Target: <strong>{}</strong> ({}); model: {}.</p>\n", esc(m.target), esc(m.task), esc(m.model));
  std::vector<std::vector<std::string>> scores;
  auto add = [&](const char* name, const char* how, const eval::ModelScores& s) {
    if (regression)
      scores.push_back({name, how, show(s.r2), show(s.explained_variance)});
    else
      scores.push_back({name, how, show(s.accuracy), show(s.macro_f1)});
  };
  add("TRTR", "trained on real rows, scored on real rows (cross-validated): the yardstick", m.trtr);
  add("TSTR", "trained on synthetic rows, scored on real rows", m.tstr);
  add("the seed&rsquo;s check", "trained on 80 % of the synthetic rows, scored on the other 20 % (says little about real data)",
      m.seed_synthetic_on_synthetic);
  page.html += table(regression ? std::vector<std::string>{"score", "meaning", "R&sup2;", "explained variance"}
                                : std::vector<std::string>{"score", "meaning", "accuracy", "macro F1"},
                     scores);
  const auto rows = thin_indexes(static_cast<int64_t>(m.actual.size()), kScatterPoints, derive_seed(in.options.seed, kThinStream, 3));
  const std::string thinned = rows.size() < m.actual.size()
                                  ? fmt::format(" — {} of {} real rows (random sample)", rows.size(), m.actual.size())
                                  : "";
  if (regression) {
    std::vector<double> actual, predicted, residual;
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (int64_t r : rows) {
      const double a = m.actual[static_cast<size_t>(r)], p = m.predicted[static_cast<size_t>(r)];
      actual.push_back(a), predicted.push_back(p), residual.push_back(a - p);
      lo = std::min({lo, a, p}), hi = std::max({hi, a, p});
    }
    json d1 = json::array();
    d1.push_back({{"type", "scatter"}, {"mode", "lines"}, {"name", "perfect prediction"}, {"x", {num(lo), num(hi)}},
                  {"y", {num(lo), num(hi)}}, {"line", {{"color", "#999"}, {"dash", "dash"}}}});
    d1.push_back({{"type", "scatter"}, {"mode", "markers"}, {"name", "real rows"}, {"x", nums(actual)}, {"y", nums(predicted)},
                  {"marker", {{"color", kSyntheticColour}, {"size", 8}, {"line", {{"color", "#fff"}, {"width", 1}}}}}});
    json l1 = {{"title", "Predicted vs actual (TSTR)" + thinned}, {"xaxis", axis("actual " + short_name(m.target, 40))},
               {"yaxis", axis("predicted")}};
    json d2 = json::array();
    d2.push_back({{"type", "scatter"}, {"mode", "markers"}, {"name", "residual"}, {"x", nums(predicted)}, {"y", nums(residual)},
                  {"marker", {{"color", kRealColour}, {"size", 8}, {"line", {{"color", "#fff"}, {"width", 1}}}}}});
    json l2 = {{"title", "Residuals: actual − predicted" + thinned}, {"xaxis", axis("predicted")},
               {"yaxis", axis("residual")}, {"showlegend", false}};
    l2["shapes"] = json::array({{{"type", "line"}, {"xref", "paper"}, {"x0", 0}, {"x1", 1}, {"y0", 0}, {"y1", 0},
                                 {"line", {{"color", "#999"}, {"dash", "dash"}}}}});
    page.html += "<div class=\"two\"><div>" + page.chart(d1, l1, 380) + "</div><div>" + page.chart(d2, l2, 380) + "</div></div>\n";
    std::vector<std::vector<std::string>> t;
    for (size_t i = 0; i < rows.size() && static_cast<int64_t>(i) < kTableRows; ++i)
      t.push_back({std::to_string(rows[i] + 1), show(actual[i]), show(predicted[i]), show(residual[i])});
    page.html += numbers(rows.size() > static_cast<size_t>(kTableRows) ? fmt::format("Predictions (first {} shown)", kTableRows)
                                                                       : std::string("Predictions"),
                         table({"#", "actual", "predicted", "residual"}, t, "compact"));
  } else {
    // Classification: a confusion matrix of the labels (positions in the sorted union of labels).
    const Column* real = find_column(in.real, m.target);
    const Column* synthetic = find_column(in.synthetic, m.target);
    std::set<std::string> all;
    if (real) all.insert(real->categories.begin(), real->categories.end());
    if (synthetic) all.insert(synthetic->categories.begin(), synthetic->categories.end());
    std::vector<std::string> labels(all.begin(), all.end());
    const size_t k = labels.size();
    std::vector<std::vector<double>> counts(k, std::vector<double>(k, 0.0));
    for (size_t i = 0; i < m.actual.size(); ++i) {
      const auto a = static_cast<size_t>(m.actual[i]), p = static_cast<size_t>(m.predicted[i]);
      if (a < k && p < k) counts[a][p] += 1;
    }
    json names = json::array();
    for (const auto& l : labels) names.push_back(short_name(l, 16));
    json trace = {{"type", "heatmap"}, {"x", names}, {"y", names}, {"z", matrix_json(counts)}, {"colorscale", "Blues"},
                  {"texttemplate", "%{z}"}, {"xgap", 1}, {"ygap", 1}};
    json layout = {{"title", "Confusion matrix of the TSTR model on the real rows"},
                   {"xaxis", axis("predicted")}, {"yaxis", axis("actual")}};
    layout["xaxis"]["type"] = "category";
    layout["yaxis"]["type"] = "category";
    layout["yaxis"]["autorange"] = "reversed";
    page.html += page.chart(json::array({trace}), layout, 380);
    std::vector<std::vector<std::string>> t;
    for (size_t a = 0; a < k; ++a)
      for (size_t p = 0; p < k; ++p)
        if (counts[a][p] > 0) t.push_back({esc(labels[a]), esc(labels[p]), show(counts[a][p])});
    page.html += numbers("Confusion counts", table({"actual", "predicted", "real rows"}, t, "compact"));
  }
  page.html += "</section>\n";
}

// --- 6. geometry and topology ---------------------------------------------------------------------

void geometry_section(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  page.html += "<section id=\"geometry\"><h2>Shape of the data cloud</h2>\n";
  page.html += good_looks_like(
      "The synthetic rows&rsquo; distances, singular values and persistence diagrams follow the real ones, and differ "
      "from those of uniform random rows.");
  if (e.geometry.size() == 3) {
    const char* names[] = {"real", "synthetic", "uniform random"};
    const char* colours[] = {kRealColour, kSyntheticColour, kRandomColour};
    const auto& edges = e.geometry[0].histogram.edges;
    std::vector<double> centres;
    for (size_t k = 0; k + 1 < edges.size(); ++k) centres.push_back(0.5 * (edges[k] + edges[k + 1]));
    json d1 = json::array(), d2 = json::array();
    for (int i = 0; i < 3; ++i) {
      d1.push_back({{"type", "scatter"}, {"mode", "lines"}, {"name", names[i]}, {"x", nums(centres)},
                    {"y", nums(e.geometry[static_cast<size_t>(i)].histogram.density)},
                    {"line", {{"color", colours[i]}, {"width", 2.5}, {"shape", "hvh"}}}});
      const auto& sv = e.geometry[static_cast<size_t>(i)].singular_values;
      std::vector<int> idx;
      for (size_t k = 0; k < sv.size(); ++k) idx.push_back(static_cast<int>(k + 1));
      d2.push_back({{"type", "scatter"}, {"mode", "lines+markers"}, {"name", names[i]}, {"x", ints(idx)}, {"y", nums(sv)},
                    {"line", {{"color", colours[i]}, {"width", 2}}}});
    }
    json l1 = {{"title", fmt::format("Pairwise distances ({} space)", e.geometry_space)},
               {"xaxis", axis("distance between two rows")}, {"yaxis", axis("density")}};
    json l2 = {{"title", "Singular values (divided by the largest)"}, {"xaxis", axis("component")},
               {"yaxis", axis("relative singular value")}};
    l2["xaxis"]["dtick"] = 1;
    page.html += "<h3>Geometry</h3>\n<div class=\"two\"><div>" + page.chart(d1, l1, 340) + "</div><div>" + page.chart(d2, l2, 340) +
                 "</div></div>\n";
    std::vector<std::vector<std::string>> rows;
    auto row = [&](const std::string& label, auto field) {
      rows.push_back({label, show(field(e.geometry[0])), show(field(e.geometry[1])), show(field(e.geometry[2]))});
    };
    row("rows", [](const eval::GeometryResult& g) { return static_cast<double>(g.rows); });
    row("mean distance", [](const eval::GeometryResult& g) { return g.distance_mean; });
    row("distance variance", [](const eval::GeometryResult& g) { return g.distance_variance; });
    row("smallest distance", [](const eval::GeometryResult& g) { return g.dmin; });
    row("largest distance", [](const eval::GeometryResult& g) { return g.dmax; });
    row("relative contrast", [](const eval::GeometryResult& g) { return g.relative_contrast; });
    row("relative variance of row norms", [](const eval::GeometryResult& g) { return g.norm_relative_variance; });
    row("variance concentration ratio (VCR)", [](const eval::GeometryResult& g) { return g.vcr; });
    page.html += table({"", "real", "synthetic", "uniform random"}, rows, "compact");
    std::vector<std::vector<std::string>> bins;
    for (size_t k = 0; k < centres.size(); ++k)
      bins.push_back({show(edges[k]) + " &ndash; " + show(edges[k + 1]), show_int(e.geometry[0].histogram.counts[k]),
                      show_int(e.geometry[1].histogram.counts[k]), show_int(e.geometry[2].histogram.counts[k])});
    std::vector<std::vector<std::string>> sv;
    for (size_t k = 0; k < e.geometry[0].singular_values.size(); ++k) {
      auto at = [&](int i) {
        const auto& v = e.geometry[static_cast<size_t>(i)].singular_values;
        return k < v.size() ? show(v[k]) : std::string("&ndash;");
      };
      sv.push_back({std::to_string(k + 1), at(0), at(1), at(2)});
    }
    page.html += numbers("Distance histogram (pairs per bin)", table({"distance", "real", "synthetic", "uniform random"}, bins, "compact"));
    page.html += numbers("Singular values", table({"component", "real", "synthetic", "uniform random"}, sv, "compact"));
    for (const auto& g : e.geometry)
      for (const auto& n : g.notes) page.html += "<p class=\"small\">" + esc(n) + "</p>\n";
  } else {
    std::string why = "Geometry left out.";
    for (const auto& n : in.notes)
      if (n.rfind("Geometry", 0) == 0) why = n;
    page.html += left_out(why);
  }
  if (e.topology) {
    const auto& t = *e.topology;
    double top = 0.0;
    for (const auto* d : {&t.real, &t.synthetic})
      for (const auto* bars : {&d->h0, &d->h1})
        for (const auto& b : *bars)
          if (std::isfinite(b.death)) top = std::max(top, b.death);
    if (top <= 0) top = 1.0;
    const double infinity_line = top * 1.1;  // where classes that never die are drawn
    json data = json::array();
    std::vector<std::vector<std::string>> rows;
    for (int side = 0; side < 2; ++side) {
      const eval::PersistenceDiagrams& d = side == 0 ? t.real : t.synthetic;
      const std::string xa = side == 0 ? "x" : "x2", ya = side == 0 ? "y" : "y2";
      data.push_back({{"type", "scatter"}, {"mode", "lines"}, {"x", {0, num(infinity_line)}}, {"y", {0, num(infinity_line)}},
                      {"xaxis", xa}, {"yaxis", ya}, {"showlegend", false}, {"hoverinfo", "skip"},
                      {"line", {{"color", "#bbb"}, {"dash", "dot"}}}});
      const char* dim_colour[] = {kRealColour, kSyntheticColour};
      for (int dim = 0; dim < 2; ++dim) {
        const auto& bars = dim == 0 ? d.h0 : d.h1;
        std::vector<double> b, dd;
        for (const auto& bar : bars) {
          b.push_back(bar.birth);
          dd.push_back(std::isfinite(bar.death) ? bar.death : infinity_line);
          if (rows.size() < static_cast<size_t>(kTableRows))
            rows.push_back({side == 0 ? "real" : "synthetic", dim == 0 ? "H0" : "H1", show(bar.birth), show(bar.death)});
        }
        data.push_back({{"type", "scatter"}, {"mode", "markers"}, {"name", dim == 0 ? "H0 (clusters)" : "H1 (loops)"},
                        {"legendgroup", dim == 0 ? "h0" : "h1"}, {"showlegend", side == 0}, {"x", nums(b)}, {"y", nums(dd)},
                        {"xaxis", xa}, {"yaxis", ya},
                        {"marker", {{"color", dim_colour[dim]}, {"size", 7}, {"symbol", dim == 0 ? "circle" : "diamond"},
                                    {"opacity", 0.8}}}});
      }
    }
    json layout = {{"grid", {{"rows", 1}, {"columns", 2}, {"pattern", "independent"}}},
                   {"title", fmt::format("Persistence diagrams: real (left) and synthetic (right), {} points each", t.points)},
                   {"xaxis", axis("birth (real)")}, {"yaxis", axis("death")},
                   {"xaxis2", axis("birth (synthetic)")}, {"yaxis2", axis("death")}};
    for (const char* key : {"xaxis", "yaxis", "xaxis2", "yaxis2"}) layout[key]["range"] = {num(-0.03 * infinity_line), num(infinity_line * 1.08)};
    // The line that classes which never die are drawn on.
    layout["shapes"] = json::array();
    layout["annotations"] = json::array();
    for (const char* side : {"", "2"}) {
      layout["shapes"].push_back({{"type", "line"}, {"xref", std::string("x") + side + " domain"}, {"x0", 0}, {"x1", 1},
                                  {"yref", std::string("y") + side}, {"y0", num(infinity_line)}, {"y1", num(infinity_line)},
                                  {"line", {{"color", "#999"}, {"dash", "dash"}, {"width", 1}}}});
      layout["annotations"].push_back({{"xref", std::string("x") + side + " domain"}, {"x", 1}, {"xanchor", "right"},
                                       {"yref", std::string("y") + side}, {"y", num(infinity_line)}, {"yanchor", "bottom"},
                                       {"text", "never dies (∞)"}, {"showarrow", false}, {"font", {{"size", 11}, {"color", "#777"}}}});
    }
    layout["margin"] = {{"l", 60}, {"r", 20}, {"t", 70}, {"b", 50}};
    page.html += "<h3>Topology</h3>\n<p>" + esc(t.sampling) +
                 ". Points far above the diagonal are clusters (H0) or loops (H1) that persist; points on the top "
                 "line never die.</p>\n";
    page.html += page.chart(data, layout, 420);
    std::vector<std::vector<std::string>> cmp;
    for (const auto* c : {&t.h0, &t.h1}) {
      const std::string dim = c->dimension == 0 ? "H0" : "H1";
      cmp.push_back({dim + " bars", show_int(c->real_bars), show_int(c->synthetic_bars)});
      cmp.push_back({dim + " persistent entropy", show(c->real_entropy), show(c->synthetic_entropy)});
      cmp.push_back({dim + " longest lifetime", show(c->real_max_lifetime), show(c->synthetic_max_lifetime)});
      cmp.push_back({dim + " bottleneck distance", show(c->bottleneck), ""});
      if (c->lifetimes_mann_whitney)
        cmp.push_back({dim + " lifetimes, Mann&ndash;Whitney p", show_p(c->lifetimes_mann_whitney->pvalue), ""});
    }
    page.html += table({"", "real", "synthetic"}, cmp, "compact");
    page.html += numbers(rows.size() >= static_cast<size_t>(kTableRows) ? fmt::format("Bars (first {} shown)", kTableRows)
                                                                        : std::string("Bars"),
                         table({"cloud", "dimension", "birth", "death"}, rows, "compact"));
    for (const auto* notes : {&t.notes, &t.h0.notes, &t.h1.notes})
      for (const auto& n : *notes) page.html += "<p class=\"small\">" + esc(n) + "</p>\n";
  } else {
    std::string why = "Topology left out.";
    for (const auto& n : in.notes)
      if (n.rfind("Topology", 0) == 0) why = n;
    page.html += left_out(why);
  }
  page.html += "</section>\n";
}

// --- 7. privacy ---------------------------------------------------------------------------------

// Copies judged against unseen real rows, with a holdout; without one, the estimate.
void holdout_figures(Page& page, const eval::Evaluation& e) {
  const auto& p = e.privacy;
  if (!p.holdout) {
    page.html += fmt::format(
        "<p class=\"small\">Without a holdout: {} % of the synthetic rows equal a real row, and {} % of the real rows "
        "equal another real row &mdash; an estimate of how often real rows the generator never saw would equal a "
        "training row. Give <code>`holdout`</code> (real rows left out of training) to measure it.</p>\n",
        show(100.0 * p.exact_copy_share), show(100.0 * p.real_duplicate_share));
    return;
  }
  const auto& h = *p.holdout;
  page.html += "<h3>Against a holdout</h3>\n";
  page.html += good_looks_like(
      "Synthetic rows equal a training row no more often than holdout rows (real rows the generator never saw) do, "
      "and half of them are nearer a training row than a holdout row.");
  std::vector<std::vector<std::string>> figs = {
      {"training rows / holdout rows", show_int(h.training_rows) + " / " + show_int(h.holdout_rows)},
      {"synthetic rows equal to a training row", show(100.0 * h.synthetic_match_share) + " %"},
      {"holdout rows equal to a training row", show(100.0 * h.holdout_match_share) + " %"},
      {"synthetic rows closer to training than to holdout",
       fmt::format("{} % (50 % ideal; the larger of training and holdout subsampled to {} rows; a tie counts as not "
                   "closer)",
                   show(100.0 * h.closer_to_training_share), show_int(h.compared_rows))},
      {"DCR overfitting protection (SDMetrics)", show(h.overfitting_protection) + " (1 = no closer than unseen rows)"}};
  page.html += table({"figure", "value"}, figs, "compact");
}

void privacy_section(Page& page, const ReportInput& in) {
  const auto& p = in.evaluation.privacy;
  page.html += "<section id=\"privacy\"><h2>Privacy</h2>\n";
  page.html += good_looks_like(
      "No exact copies, and the synthetic rows&rsquo; distances to their closest real row (orange) look like the real "
      "rows&rsquo; distances to each other (blue): a pile-up at 0 means copying, a curve far to the right means the "
      "synthetic rows are unlike the real ones.");
  if (p.dcr.empty() || p.real_nn.empty()) {
    page.html += left_out("DCR histogram left out: no distances were computed.");
    page.html += "</section>\n";
    return;
  }
  double hi = 0.0;
  for (double v : p.dcr) hi = std::max(hi, v);
  for (double v : p.real_nn) hi = std::max(hi, v);
  const std::vector<double> edges = equal_edges(0.0, hi > 0 ? hi : 1.0, 40);
  const Histogram hs = histogram(p.dcr, edges), hr = histogram(p.real_nn, edges);
  std::vector<double> centres;
  for (size_t k = 0; k + 1 < edges.size(); ++k) centres.push_back(0.5 * (edges[k] + edges[k + 1]));
  json data = json::array();
  data.push_back({{"type", "bar"}, {"name", "synthetic row to its closest real row"}, {"x", nums(centres)},
                  {"y", nums(hs.density)}, {"marker", {{"color", kSyntheticColour}}}, {"opacity", 0.7}});
  data.push_back({{"type", "bar"}, {"name", "real row to its closest other real row"}, {"x", nums(centres)},
                  {"y", nums(hr.density)}, {"marker", {{"color", kRealColour}}}, {"opacity", 0.6}});
  json layout = {{"barmode", "overlay"}, {"bargap", 0.02},
                 {"title", "Distance to closest record (DCR), standardised units; dashed: medians"},
                 {"xaxis", axis("distance")}, {"yaxis", axis("density")}};
  layout["shapes"] = json::array();
  for (auto [value, colour] : {std::pair{p.dcr_median, kSyntheticColour}, std::pair{p.real_nn_median, kRealColour}})
    layout["shapes"].push_back({{"type", "line"}, {"yref", "paper"}, {"y0", 0}, {"y1", 1}, {"x0", num(value)}, {"x1", num(value)},
                                {"line", {{"color", colour}, {"dash", "dash"}, {"width", 2}}}});
  page.html += page.chart(data, layout, 360);
  std::vector<std::vector<std::string>> figs = {
      {"exact copies", fmt::format("{} of {} synthetic rows", show_int(p.exact_copies), show_int(in.evaluation.synthetic_rows))},
      {"median DCR (synthetic &rarr; real)", show(p.dcr_median)},
      {"5th percentile DCR", show(p.dcr_p05) + " (near 0: a minority of near-copies)"},
      {"median real &rarr; other real", show(p.real_nn_median)},
      {"DCR ratio", show(p.dcr_ratio)},
      {"DCR baseline protection", fmt::format("{} (synthetic median {} vs random rows {}, SDMetrics&rsquo; distance)",
                                              show(p.baseline_protection), show(p.baseline_synthetic_median),
                                              show(p.baseline_random_median))}};
  page.html += table({"figure", "value"}, figs, "compact");
  holdout_figures(page, in.evaluation);
  std::vector<std::vector<std::string>> rows;
  for (size_t k = 0; k < centres.size(); ++k)
    rows.push_back({show(edges[k]) + " &ndash; " + show(edges[k + 1]), show_int(hs.counts[k]), show_int(hr.counts[k])});
  page.html += numbers("Histogram counts", table({"distance", "synthetic rows", "real rows"}, rows, "compact"));
  page.html += "</section>\n";
}

// --- the page -----------------------------------------------------------------------------------

constexpr const char* kStyle = R"css(
:root{--ink:#222;--muted:#666;--line:#e3e3e3;--real:#1f5f99;--synth:#e8833a;--good:#1e8449;--fair:#b9770e;--poor:#c0392b}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink);background:#f6f7f9}
header{background:linear-gradient(120deg,#16324f,#1f5f99);color:#fff;padding:28px 40px 22px}
header h1{margin:0 0 6px;font-size:26px;font-weight:650}
header p{margin:0;opacity:.9}
nav{background:#fff;border-bottom:1px solid var(--line);padding:8px 40px;position:sticky;top:0;z-index:10;font-size:14px}
nav a{color:var(--real);text-decoration:none;margin-right:18px}
main{max-width:1240px;margin:0 auto;padding:10px 28px 40px}
section{background:#fff;border:1px solid var(--line);border-radius:10px;padding:18px 24px;margin:18px 0}
h2{margin:0 0 4px;font-size:21px}
h3{margin:22px 0 6px;font-size:16px}
.tag{font-size:12px;font-weight:500;color:var(--muted);background:#eef1f5;border-radius:10px;padding:1px 8px;margin-left:6px}
p.good{color:var(--muted);margin:0 0 12px;font-size:14px}
p.good::before{content:"What good looks like: ";font-weight:600;color:var(--good)}
p.left-out{background:#fff8e6;border-left:4px solid var(--fair);padding:8px 12px;border-radius:4px}
p.small{font-size:13px;color:var(--muted)}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(210px,1fr));gap:14px;margin:10px 0}
.card{border:1px solid var(--line);border-top:5px solid #aaa;border-radius:8px;padding:12px 14px;background:#fcfcfd}
.card.good{border-top-color:var(--good)}.card.fair{border-top-color:var(--fair)}.card.poor{border-top-color:var(--poor)}
.card-title{font-size:13px;text-transform:uppercase;letter-spacing:.04em;color:var(--muted)}
.card-value{font-size:30px;font-weight:700;margin:2px 0}
.card-value .vs{font-size:15px;font-weight:500;color:var(--muted)}
.card.good .card-verdict{color:var(--good)}.card.fair .card-verdict{color:var(--fair)}.card.poor .card-verdict{color:var(--poor)}
.card-verdict{font-weight:600;font-size:14px}
.card-detail{font-size:12px;color:var(--muted);margin-top:4px}
.two{display:grid;grid-template-columns:minmax(0,3fr) minmax(0,2fr);gap:20px;align-items:start}
.three{display:grid;grid-template-columns:repeat(3,minmax(0,1fr));gap:12px}
@media (max-width:900px){.two,.three{grid-template-columns:1fr}}
.chart{width:100%}
.table-wrap{overflow-x:auto}
table{border-collapse:collapse;font-size:13px;margin:6px 0 10px;width:100%}
th,td{border-bottom:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#f2f4f7;font-weight:600}
td.ok{color:var(--good)}.asks{font-size:12px;color:var(--muted)}td.warn{color:var(--poor)}
details.numbers{margin:4px 0 10px;font-size:13px}
details.numbers summary{cursor:pointer;color:var(--real)}
details.numbers .table-wrap{max-height:320px;overflow:auto}
ol.log,ul.notes{margin:4px 0 10px;padding-left:22px}
code{background:#eef1f5;border-radius:3px;padding:0 4px;font-size:90%}
footer{max-width:1240px;margin:0 auto;padding:0 28px 30px;color:var(--muted);font-size:12px}
#render-status,#render-errors{display:none}
@media print{body{background:#fff}nav{display:none}section{break-inside:avoid-page;border:none;padding:0}
details.numbers .table-wrap{max-height:none}header{background:#fff;color:#000}}
)css";

// Collects script errors before anything else runs, so a test can read them from the page.
constexpr const char* kErrorTrap = R"js(window.__reportErrors=[];
window.addEventListener('error',function(e){window.__reportErrors.push(String(e.message||e));});
window.addEventListener('unhandledrejection',function(e){window.__reportErrors.push('unhandled rejection: '+String(e.reason));});
(function(){var original=console.error;console.error=function(){window.__reportErrors.push(Array.prototype.join.call(arguments,' '));return original.apply(console,arguments);};})();
)js";

// Draws every chart container from the embedded figures, then writes what it drew into
// #render-status ("charts=N drawn=N errors=0"), which the browser test reads.
constexpr const char* kRenderer = R"js((function(){
var errors=window.__reportErrors;
var status=document.getElementById('render-status');
var report=function(nodes){var drawn=0;nodes.forEach(function(n){if(n.querySelector('.main-svg'))drawn++;});
status.textContent='charts='+nodes.length+' drawn='+drawn+' errors='+errors.length;
document.getElementById('render-errors').textContent=errors.join('\n');};
var nodes=Array.prototype.slice.call(document.querySelectorAll('.chart'));
var jobs=[];
try{
var figures=JSON.parse(document.getElementById('report-data').textContent).figures;
nodes.forEach(function(node){
var figure=figures[Number(node.getAttribute('data-figure'))];
try{jobs.push(Plotly.newPlot(node,figure.data,figure.layout,{displaylogo:false,displayModeBar:false,responsive:true,typesetMath:false}));}catch(e){errors.push(String(e));}
});
}catch(e){errors.push(String(e));}
Promise.all(jobs).then(function(){report(nodes);},function(e){errors.push(String(e));report(nodes);});
window.addEventListener('beforeprint',function(){document.querySelectorAll('details').forEach(function(d){d.open=true;});});
})();
)js";

// Inside <script>, "</" could end the element early; "<\/" means the same in JSON and JS.
std::string script_safe(std::string text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '<' && i + 1 < text.size() && text[i + 1] == '/') {
      out += "<\\/";
      ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

}  // namespace

void check_chart_options(const Table& real, const ChartOptions& charts) {
  if (charts.x.empty() != charts.y.empty())
    throw usage_error(charts.x.empty() ? "`y` needs `x` as well: the scatter plot draws one pair of columns"
                                       : "`x` needs `y` as well: the scatter plot draws one pair of columns");
  for (const auto& [option, name] : {std::pair{"`x`", charts.x}, std::pair{"`y`", charts.y}, std::pair{"`color`", charts.color}}) {
    if (name.empty() || real.find(name) >= 0) continue;
    std::string list;
    for (const auto& c : real.columns) list += (list.empty() ? "" : ", ") + ("\"" + c.name + "\"");
    throw usage_error(fmt::format("{} names no column: \"{}\"; the columns are {}", option, name, list));
  }
}

ReportInput prepare_report(Table real, Table synthetic, const ReportOptions& options, std::optional<RunInfo> run,
                           std::vector<std::string> notes, std::optional<Table> holdout) {
  check_chart_options(real, options.charts);
  ReportInput in;
  in.options = options;
  in.run = std::move(run);
  in.notes = std::move(notes);
  in.synthetic = eval::align_columns(real, synthetic);
  in.real = std::move(real);
  eval::EvaluateOptions eo;
  eo.target = options.target;
  eo.task = options.task;
  eo.seed = options.seed;
  eo.threads = options.threads;
  eo.permutations = options.permutations;
  const Table* holdout_rows = holdout ? &*holdout : nullptr;
  try {
    in.evaluation = eval::evaluate(in.real, in.synthetic, eo, holdout_rows);
  } catch (const Error& e) {
    // A target the rows cannot support (too few values, say) leaves out ML efficacy, not the report.
    if (e.kind() != ErrorKind::Input || eo.target.empty()) throw;
    in.notes.push_back(std::string("ML efficacy left out: ") + e.what());
    eo.target.clear();
    in.evaluation = eval::evaluate(in.real, in.synthetic, eo, holdout_rows);
  }
  const bool efficacy_failed = eo.target != options.target;  // the reason is already noted
  for (const auto& n : in.evaluation.notes) {
    if (n.rfind("ML efficacy left out", 0) != 0)
      in.notes.push_back(n);
    else if (!efficacy_failed)
      in.notes.push_back(n + ". Set `target` to a column.");
  }
  // Geometry and topology each on their own, so that one that cannot run leaves the other.
  if (!options.geometry) in.notes.push_back("Geometry left out: switched off.");
  if (!options.topology) in.notes.push_back("Topology left out: switched off.");
  if (options.geometry || options.topology) {
    try {
      const eval::FeatureSpace space = eval::encode_pair(in.real, in.synthetic);
      in.evaluation.geometry_space = "standardised";
      if (options.geometry) {
        try {
          const Table random = eval::uniform_random_table(in.real, in.synthetic.rows(), derive_seed(options.seed, kRandomTableStream));
          const eval::FeatureSpace random_space = eval::encode_pair(in.real, random);
          eval::GeometryOptions go;
          go.feature_names = space.feature_names;
          go.seed = options.seed;
          go.threads = options.threads;
          in.evaluation.geometry = eval::geometry_shared_bins({&space.real, &space.synthetic, &random_space.synthetic},
                                                              {"real", "synthetic", "uniform random"}, go);
        } catch (const Error& e) {
          in.notes.push_back(std::string("Geometry left out: ") + e.what());
        }
      }
      if (options.topology) {
        try {
          eval::TopologyOptions to;
          to.max_points = std::max<int64_t>(2, options.topology_points);
          to.seed = options.seed;
          to.threads = options.threads;
          to.memory_limit = options.memory_limit;
          in.evaluation.topology = eval::compare_topology(space.real, space.synthetic, to);
        } catch (const Error& e) {
          in.notes.push_back(std::string("Topology left out: ") + e.what());
        }
      }
    } catch (const Error& e) {
      in.notes.push_back(std::string("Geometry and topology left out: ") + e.what());
    }
  }
  return in;
}

std::string render_html(const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  Page page;
  const std::string title = fmt::format("Synthetic data report: {} vs {}", in.options.synthetic_name, in.options.real_name);
  page.html += "<header><h1>How good are these synthetic rows?</h1>\n";
  page.html += fmt::format("<p><strong>{}</strong> ({} rows) compared with the real <strong>{}</strong> ({} rows), {} columns, seed {}.</p></header>\n",
                           esc(in.options.synthetic_name), show_int(e.synthetic_rows), esc(in.options.real_name),
                           show_int(e.real_rows), e.columns.size(), e.seed);
  page.html += "<nav><a href=\"#headline\">At a glance</a><a href=\"#preparation\">Preparation</a><a href=\"#columns\">Columns</a>"
               "<a href=\"#pairs\">Pairs</a><a href=\"#efficacy\">ML efficacy</a><a href=\"#geometry\">Shape</a>"
               "<a href=\"#privacy\">Privacy</a></nav>\n<main>\n";
  headline(page, in);
  preparation(page, in);
  columns_section(page, in);
  pairs_section(page, in);
  efficacy_section(page, in);
  geometry_section(page, in);
  privacy_section(page, in);
  page.html += "</main>\n";
  // Option names in the page's text, shown in the caller's terms (ReportOptions::option_names).
  if (in.options.option_names) page.html = rename_options(page.html, in.options.option_names);

  std::string out = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                    "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                    "<meta name=\"generator\" content=\"synthtab\">\n<title>" + esc(title) + "</title>\n<style>" + kStyle +
                    "</style>\n<script>" + kErrorTrap + "</script>\n</head>\n<body>\n";
  out += page.html;
  out += fmt::format("<footer>Made by synthtab (docs/report.md explains every figure and verdict). Charts drawn with "
                     "Plotly.js {} (MIT licence), embedded in this file: it opens without a network.</footer>\n",
                     plotly_version());
  out += "<pre id=\"render-status\">charts=? drawn=0 errors=0 (the charts' script has not run)</pre>\n<pre id=\"render-errors\"></pre>\n";
  out += "<script>";
  out += script_safe(std::string(plotly_js()));
  out += "</script>\n<script type=\"application/json\" id=\"report-data\">";
  out += json_in_script(json{{"figures", page.figures}}.dump());
  out += "</script>\n<script>";
  out += kRenderer;
  out += "</script>\n</body>\n</html>\n";
  return out;
}

// The data block as JSON text that no HTML tokenizer state can cut short: "<!--" followed by
// "<script" would put the tokenizer into the "script data double escaped" state and swallow the
// rest of the page, and "</script" would end the element. Outside strings, JSON text (as dump()
// writes it) has none of < > &, U+2028 or U+2029, so each becomes a JSON unicode escape
// (backslash, u, four hex digits), which JSON.parse reads back as the same character.
std::string json_in_script(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '<') {
      out += "\\u003c";
    } else if (c == '>') {
      out += "\\u003e";
    } else if (c == '&') {
      out += "\\u0026";
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' && (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";  // line and paragraph separators (UTF-8)
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

void write_report(const std::string& path, const ReportInput& input) { write_file_atomically(path, render_html(input)); }

}  // namespace synthtab::report
