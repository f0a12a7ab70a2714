#include "synthtab/report/page.hpp"

#include <cmath>
#include <string>
#include <vector>

#include <fmt/format.h>

namespace synthtab::report {

namespace {

// & < > as HTML entities, and " ' too when `quotes`.
std::string with_entities(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size() + 8);
  for (char c : text) {
    if (c == '&')
      out += "&amp;";
    else if (c == '<')
      out += "&lt;";
    else if (c == '>')
      out += "&gt;";
    else if (quotes && c == '"')
      out += "&quot;";
    else if (quotes && c == '\'')
      out += "&#39;";
    else
      out += c;
  }
  return out;
}

}  // namespace

std::string esc(const std::string& text) { return with_entities(text, true); }

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

std::string short_name(const std::string& name, size_t limit) {
  if (name.size() <= limit) return name;
  size_t cut = limit - 1;
  while (cut > 0 && (static_cast<unsigned char>(name[cut]) & 0xC0) == 0x80) --cut;  // UTF-8
  return name.substr(0, cut) + "\xE2\x80\xA6";
}

std::string level_class(Level level) {
  switch (level) {
    case Level::Good:
      return "good";
    case Level::Fair:
      return "fair";
    case Level::Poor:
      return "poor";
    case Level::None:
      break;
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
    value = with_entities(text, false);
  } else if (value.is_structured()) {
    for (auto& item : value) plotly_escape(item);
  }
}

json axis(const std::string& title) {
  return {{"title", {{"text", title}}}, {"gridcolor", "#e6e6e6"}, {"zerolinecolor", "#c8c8c8"}, {"automargin", true}};
}

// A table: header cells, then rows of already formatted (escaped) cells.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::string& css) {
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

std::string Page::chart(json data, json layout, int height, const std::string& extra_class) {
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
    layout["legend"] = {{"orientation", "h"},  {"x", 1},
                        {"xanchor", "right"},  {"y", 1.01},
                        {"yanchor", "bottom"}, {"bgcolor", "rgba(255,255,255,0)"}};
  if (layout.contains("title") && layout["title"].is_string())
    layout["title"] = {
        {"text", layout["title"]}, {"x", 0.01},           {"xanchor", "left"},     {"xref", "paper"}, {"y", 0.985},
        {"yanchor", "top"},        {"yref", "container"}, {"font", {{"size", 14}}}};
  figures.push_back({{"data", std::move(data)}, {"layout", std::move(layout)}});
  return fmt::format("<div class=\"chart{}\" id=\"chart-{}\" data-figure=\"{}\" style=\"height:{}px\"></div>\n",
                     extra_class.empty() ? "" : " " + extra_class, index, index, height);
}

// The name of a pair's measure as eval::relationships gives it ("Pearson" is signed r).
std::string measure_label(const std::string& measure) { return measure == "Pearson" ? "Pearson r" : esc(measure); }

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
  json trace = {{"type", "heatmap"},
                {"x", labels},
                {"y", labels},
                {"z", matrix_json(z)},
                {"text", text},
                {"texttemplate", label_cells ? "%{text}" : ""},
                {"zmin", -limit},
                {"zmax", limit},
                {"colorscale", json::array({json::array({0, "#b2182b"}), json::array({0.5, "#f7f7f7"}),
                                            json::array({1, "#2166ac"})})},
                {"showscale", scale},
                {"hoverongaps", false},
                {"xgap", 1},
                {"ygap", 1}};
  if (scale) trace["colorbar"] = {{"thickness", 12}, {"len", 0.9}};
  json layout = {{"title", title}, {"margin", {{"l", 110}, {"r", 10}, {"t", 48}, {"b", 90}}}};
  layout["xaxis"] = {{"tickangle", -35}, {"automargin", true}};
  layout["yaxis"] = {{"autorange", "reversed"}, {"automargin", true}};
  return page.chart(json::array({trace}), layout, 360);
}

}  // namespace synthtab::report
