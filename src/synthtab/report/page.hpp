#pragma once
// What the report's sections share: the page being built (HTML text and the figures its charts
// draw), HTML and number formatting, chart data, and the section functions themselves (one
// file each: section_*.cpp). Internal to report/.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/report/report.hpp"
#include "synthtab/report/verdicts.hpp"

namespace synthtab::report {

using nlohmann::json;

inline constexpr const char* kRealColour = "#1f5f99";
inline constexpr const char* kSyntheticColour = "#e8833a";
inline constexpr const char* kRandomColour = "#9a9a9a";
inline constexpr int kGridPoints = 120;                           // density curves
inline constexpr int64_t kScatterPoints = 2000;                   // points per scatter series
inline constexpr int64_t kTableRows = 300;                        // rows of a per-point table
inline constexpr int kMaxLabels = 30;                             // bars of a categorical chart
inline constexpr int kMaxColourLabels = 12;                       // colours of a scatter
inline constexpr uint64_t kThinStream = 0x7468696e;               // "thin"
inline constexpr uint64_t kRandomTableStream = 0x756e69666f726d;  // as the evaluation's geometry

// The page being built: HTML text plus the figures its chart containers refer to.
struct Page {
  std::string html;
  json figures = json::array();

  // A chart container; the figure is drawn by the page's script from `figures`.
  std::string chart(json data, json layout, int height = 340, const std::string& extra_class = "");
};

// Text for HTML: & < > " ' as entities.
std::string esc(const std::string& text);
// A number for people: grouped thousands for large values, 3 significant digits otherwise.
std::string show(double x);
std::string show_p(double p);
std::string show_int(int64_t n);
// Data for the charts: 6 significant digits keep the file small; NaN and infinities become null.
json num(double x);
json nums(const std::vector<double>& xs);
template <typename T>
json ints(const std::vector<T>& xs) {
  json out = json::array();
  for (auto x : xs) out.push_back(x);
  return out;
}
// At most `limit` bytes, cut on a UTF-8 boundary, with an ellipsis.
std::string short_name(const std::string& name, size_t limit = 28);
std::string level_class(Level level);
// Plotly renders a pseudo-HTML subset in every text it draws: & < > become entities.
void plotly_escape(json& value);
json axis(const std::string& title);
// A table: header cells, then rows of already formatted (escaped) cells.
std::string table(const std::vector<std::string>& header, const std::vector<std::vector<std::string>>& rows,
                  const std::string& css = "");
std::string numbers(const std::string& summary, const std::string& table_html);
std::string left_out(const std::string& why);
std::string good_looks_like(const std::string& text);
const Column* find_column(const Table& table, const std::string& name);
std::vector<double> present_values(const Column& column);
// The name of a pair's measure as eval::relationships gives it ("Pearson" is signed r).
std::string measure_label(const std::string& measure);
json matrix_json(const std::vector<std::vector<double>>& m);
std::string heatmap(Page& page, const std::string& title, const std::vector<std::string>& names,
                    const std::vector<std::vector<double>>& z, double limit, bool scale);

// The page's HTML document: head, styles, the page's sections, Plotly and the renderer, with the
// caller's option names in its text (report.cpp).
std::string wrap_page(Page& page, const std::string& title,
                      const std::function<std::string(std::string_view name)>& option_names);

// The S-curve section (section_curve.cpp), for the curve page.
void curve_section(Page& page, const marketing::CurveReport& report, const Table& real, const Table* synthetic);

// The sections, in page order.
void headline(Page& page, const ReportInput& in);     // section_headline.cpp
void preparation(Page& page, const ReportInput& in);  // section_headline.cpp
void columns_section(Page& page, const ReportInput& in);
void pairs_section(Page& page, const ReportInput& in);
void rules_section(Page& page, const ReportInput& in);  // section_rules.cpp
void efficacy_section(Page& page, const ReportInput& in);
void geometry_section(Page& page, const ReportInput& in);
void privacy_section(Page& page, const ReportInput& in);

// The page's own style sheet and scripts (report/assets/, embedded at build time).
std::string_view report_css();
// Collects script errors before anything else runs, so a test can read them from the page.
std::string_view report_error_trap_js();
// Draws every chart container from the embedded figures, then writes what it drew into
// #render-status ("charts=N drawn=N errors=0"), which the browser test reads.
std::string_view report_renderer_js();

}  // namespace synthtab::report
