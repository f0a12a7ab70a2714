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

// The three clouds of the geometry checks, in the evaluation's order.
const char* const kCloudNames[] = {"real", "synthetic", "uniform random"};
const char* const kCloudColours[] = {kRealColour, kSyntheticColour, kRandomColour};

// The note of the run explaining why a part was left out (the last starting with `prefix`), or
// `fallback`.
std::string left_out_reason(const ReportInput& in, const char* prefix, const char* fallback) {
  std::string why = fallback;
  for (const auto& n : in.notes)
    if (n.rfind(prefix, 0) == 0) why = n;
  return why;
}

// The distance densities and the singular values of the three clouds, side by side.
void geometry_charts(Page& page, const eval::Evaluation& e, const std::vector<double>& centres) {
  json d1 = json::array(), d2 = json::array();
  for (int i = 0; i < 3; ++i) {
    d1.push_back({{"type", "scatter"},
                  {"mode", "lines"},
                  {"name", kCloudNames[i]},
                  {"x", nums(centres)},
                  {"y", nums(e.geometry[static_cast<size_t>(i)].histogram.density)},
                  {"line", {{"color", kCloudColours[i]}, {"width", 2.5}, {"shape", "hvh"}}}});
    const auto& sv = e.geometry[static_cast<size_t>(i)].singular_values;
    std::vector<int> idx;
    for (size_t k = 0; k < sv.size(); ++k) idx.push_back(static_cast<int>(k + 1));
    d2.push_back({{"type", "scatter"},
                  {"mode", "lines+markers"},
                  {"name", kCloudNames[i]},
                  {"x", ints(idx)},
                  {"y", nums(sv)},
                  {"line", {{"color", kCloudColours[i]}, {"width", 2}}}});
  }
  json l1 = {{"title", fmt::format("Pairwise distances ({} space)", e.geometry_space)},
             {"xaxis", axis("distance between two rows")},
             {"yaxis", axis("density")}};
  json l2 = {{"title", "Singular values (divided by the largest)"},
             {"xaxis", axis("component")},
             {"yaxis", axis("relative singular value")}};
  l2["xaxis"]["dtick"] = 1;
  page.html += "<h3>Geometry</h3>\n<div class=\"two\"><div>" + page.chart(d1, l1, 340) + "</div><div>" +
               page.chart(d2, l2, 340) + "</div></div>\n";
}

// The distance and norm statistics of the three clouds.
std::string geometry_summary(const std::vector<eval::GeometryResult>& g) {
  std::vector<std::vector<std::string>> rows;
  auto row = [&](const std::string& label, auto field) {
    rows.push_back({label, show(field(g[0])), show(field(g[1])), show(field(g[2]))});
  };
  row("rows", [](const eval::GeometryResult& r) { return static_cast<double>(r.rows); });
  row("mean distance", [](const eval::GeometryResult& r) { return r.distance_mean; });
  row("distance variance", [](const eval::GeometryResult& r) { return r.distance_variance; });
  row("smallest distance", [](const eval::GeometryResult& r) { return r.dmin; });
  row("largest distance", [](const eval::GeometryResult& r) { return r.dmax; });
  row("relative contrast", [](const eval::GeometryResult& r) { return r.relative_contrast; });
  row("relative variance of row norms", [](const eval::GeometryResult& r) { return r.norm_relative_variance; });
  row("variance concentration ratio (VCR)", [](const eval::GeometryResult& r) { return r.vcr; });
  return table({"", "real", "synthetic", "uniform random"}, rows, "compact");
}

// The charts' numbers: the distance histogram's counts and the singular values.
std::string geometry_numbers(const std::vector<eval::GeometryResult>& g, const std::vector<double>& centres) {
  const auto& edges = g[0].histogram.edges;
  std::vector<std::vector<std::string>> bins;
  for (size_t k = 0; k < centres.size(); ++k)
    bins.push_back({show(edges[k]) + " &ndash; " + show(edges[k + 1]), show_int(g[0].histogram.counts[k]),
                    show_int(g[1].histogram.counts[k]), show_int(g[2].histogram.counts[k])});
  std::vector<std::vector<std::string>> sv;
  for (size_t k = 0; k < g[0].singular_values.size(); ++k) {
    auto at = [&](int i) {
      const auto& v = g[static_cast<size_t>(i)].singular_values;
      return k < v.size() ? show(v[k]) : std::string("&ndash;");
    };
    sv.push_back({std::to_string(k + 1), at(0), at(1), at(2)});
  }
  return numbers("Distance histogram (pairs per bin)",
                 table({"distance", "real", "synthetic", "uniform random"}, bins, "compact")) +
         numbers("Singular values", table({"component", "real", "synthetic", "uniform random"}, sv, "compact"));
}

void geometry_part(Page& page, const ReportInput& in) {
  const eval::Evaluation& e = in.evaluation;
  if (e.geometry.size() != 3) {
    page.html += left_out(left_out_reason(in, "Geometry", "Geometry left out."));
    return;
  }
  const auto& edges = e.geometry[0].histogram.edges;
  std::vector<double> centres;
  for (size_t k = 0; k + 1 < edges.size(); ++k) centres.push_back(0.5 * (edges[k] + edges[k + 1]));
  geometry_charts(page, e, centres);
  page.html += geometry_summary(e.geometry);
  page.html += geometry_numbers(e.geometry, centres);
  for (const auto& g : e.geometry)
    for (const auto& n : g.notes) page.html += "<p class=\"small\">" + esc(n) + "</p>\n";
}

// Where the classes that never die are drawn: a tenth above the latest finite death.
double infinity_line_of(const eval::TopologyComparison& t) {
  double top = 0.0;
  for (const auto* d : {&t.real, &t.synthetic})
    for (const auto* bars : {&d->h0, &d->h1})
      for (const auto& b : *bars)
        if (std::isfinite(b.death)) top = std::max(top, b.death);
  if (top <= 0) top = 1.0;
  return top * 1.1;
}

// The traces of both diagrams (real on the left axes, synthetic on the right); the first
// kTableRows bars go to `rows` for the numbers table.
json persistence_traces(const eval::TopologyComparison& t, double infinity_line,
                        std::vector<std::vector<std::string>>& rows) {
  json data = json::array();
  for (int side = 0; side < 2; ++side) {
    const eval::PersistenceDiagrams& d = side == 0 ? t.real : t.synthetic;
    const std::string xa = side == 0 ? "x" : "x2", ya = side == 0 ? "y" : "y2";
    data.push_back({{"type", "scatter"},
                    {"mode", "lines"},
                    {"x", {0, num(infinity_line)}},
                    {"y", {0, num(infinity_line)}},
                    {"xaxis", xa},
                    {"yaxis", ya},
                    {"showlegend", false},
                    {"hoverinfo", "skip"},
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
      data.push_back(
          {{"type", "scatter"},
           {"mode", "markers"},
           {"name", dim == 0 ? "H0 (clusters)" : "H1 (loops)"},
           {"legendgroup", dim == 0 ? "h0" : "h1"},
           {"showlegend", side == 0},
           {"x", nums(b)},
           {"y", nums(dd)},
           {"xaxis", xa},
           {"yaxis", ya},
           {"marker",
            {{"color", dim_colour[dim]}, {"size", 7}, {"symbol", dim == 0 ? "circle" : "diamond"}, {"opacity", 0.8}}}});
    }
  }
  return data;
}

// Two diagrams side by side on the same ranges, each with the line of the classes that never die.
json persistence_layout(const eval::TopologyComparison& t, double infinity_line) {
  json layout = {
      {"grid", {{"rows", 1}, {"columns", 2}, {"pattern", "independent"}}},
      {"title", fmt::format("Persistence diagrams: real (left) and synthetic (right), {} points each", t.points)},
      {"xaxis", axis("birth (real)")},
      {"yaxis", axis("death")},
      {"xaxis2", axis("birth (synthetic)")},
      {"yaxis2", axis("death")}};
  for (const char* key : {"xaxis", "yaxis", "xaxis2", "yaxis2"})
    layout[key]["range"] = {num(-0.03 * infinity_line), num(infinity_line * 1.08)};
  // The line that classes which never die are drawn on.
  layout["shapes"] = json::array();
  layout["annotations"] = json::array();
  for (const char* side : {"", "2"}) {
    layout["shapes"].push_back({{"type", "line"},
                                {"xref", std::string("x") + side + " domain"},
                                {"x0", 0},
                                {"x1", 1},
                                {"yref", std::string("y") + side},
                                {"y0", num(infinity_line)},
                                {"y1", num(infinity_line)},
                                {"line", {{"color", "#999"}, {"dash", "dash"}, {"width", 1}}}});
    layout["annotations"].push_back({{"xref", std::string("x") + side + " domain"},
                                     {"x", 1},
                                     {"xanchor", "right"},
                                     {"yref", std::string("y") + side},
                                     {"y", num(infinity_line)},
                                     {"yanchor", "bottom"},
                                     {"text", "never dies (∞)"},
                                     {"showarrow", false},
                                     {"font", {{"size", 11}, {"color", "#777"}}}});
  }
  layout["margin"] = {{"l", 60}, {"r", 20}, {"t", 70}, {"b", 50}};
  return layout;
}

// Bars, entropy, longest lifetime and distances of H0 and H1, real against synthetic.
std::string topology_comparison(const eval::TopologyComparison& t) {
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
  return table({"", "real", "synthetic"}, cmp, "compact");
}

void topology_part(Page& page, const ReportInput& in) {
  if (!in.evaluation.topology) {
    page.html += left_out(left_out_reason(in, "Topology", "Topology left out."));
    return;
  }
  const auto& t = *in.evaluation.topology;
  const double infinity_line = infinity_line_of(t);
  std::vector<std::vector<std::string>> rows;
  const json data = persistence_traces(t, infinity_line, rows);
  const json layout = persistence_layout(t, infinity_line);
  page.html += "<h3>Topology</h3>\n<p>" + esc(t.sampling) +
               ". Points far above the diagonal are clusters (H0) or loops (H1) that persist; points on the top "
               "line never die.</p>\n";
  page.html += page.chart(data, layout, 420);
  page.html += topology_comparison(t);
  page.html += numbers(rows.size() >= static_cast<size_t>(kTableRows) ? fmt::format("Bars (first {} shown)", kTableRows)
                                                                      : std::string("Bars"),
                       table({"cloud", "dimension", "birth", "death"}, rows, "compact"));
  for (const auto* notes : {&t.notes, &t.h0.notes, &t.h1.notes})
    for (const auto& n : *notes) page.html += "<p class=\"small\">" + esc(n) + "</p>\n";
}

}  // namespace

void geometry_section(Page& page, const ReportInput& in) {
  page.html += "<section id=\"geometry\"><h2>Shape of the data cloud</h2>\n";
  page.html += good_looks_like(
      "The synthetic rows&rsquo; distances, singular values and persistence diagrams follow the real ones, and differ "
      "from those of uniform random rows.");
  geometry_part(page, in);
  topology_part(page, in);
  page.html += "</section>\n";
}

}  // namespace synthtab::report
