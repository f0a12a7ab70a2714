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
#include "synthtab/report/page.hpp"
#include "synthtab/report/plotly_asset.hpp"

namespace synthtab::report {
namespace {

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
  for (const auto& [option, name] :
       {std::pair{"`x`", charts.x}, std::pair{"`y`", charts.y}, std::pair{"`color`", charts.color}}) {
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
  eo.progress = options.progress;
  eo.rules = options.rules;
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
  if (!options.curve.spend.empty()) {
    try {
      in.curve = marketing::analyse_response(in.real, &in.synthetic, options.curve);
    } catch (const Error& e) {
      // Columns that cannot carry a curve leave out the section, not the report.
      if (e.kind() == ErrorKind::Interrupted) throw;
      in.notes.push_back(std::string("Response curves left out: ") + e.what());
    }
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
  if (options.progress != nullptr) options.progress->checkpoint();  // (not inside the try: a stop is not a note)
  if (options.geometry || options.topology) {
    try {
      const eval::FeatureSpace space = eval::encode_pair(in.real, in.synthetic);
      in.evaluation.geometry_space = "standardised";
      if (options.geometry) {
        try {
          const Table random =
              eval::uniform_random_table(in.real, in.synthetic.rows(), derive_seed(options.seed, kRandomTableStream));
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
  const std::string title =
      fmt::format("Synthetic data report: {} vs {}", in.options.synthetic_name, in.options.real_name);
  page.html += "<header><h1>How good are these synthetic rows?</h1>\n";
  page.html += fmt::format(
      "<p><strong>{}</strong> ({} rows) compared with the real <strong>{}</strong> ({} rows), {} columns, seed "
      "{}.</p></header>\n",
      esc(in.options.synthetic_name), show_int(e.synthetic_rows), esc(in.options.real_name), show_int(e.real_rows),
      e.columns.size(), e.seed);
  page.html +=
      "<nav><a href=\"#headline\">At a glance</a><a href=\"#preparation\">Preparation</a><a "
      "href=\"#columns\">Columns</a>"
      "<a href=\"#pairs\">Pairs</a><a href=\"#rules\">Rules</a><a href=\"#efficacy\">ML efficacy</a><a "
      "href=\"#geometry\">Shape</a>"
      "<a href=\"#privacy\">Privacy</a>" +
      std::string(in.curve ? "<a href=\"#curve\">Next dollar</a>" : "") + "</nav>\n<main>\n";
  headline(page, in);
  preparation(page, in);
  columns_section(page, in);
  pairs_section(page, in);
  rules_section(page, in);
  efficacy_section(page, in);
  geometry_section(page, in);
  privacy_section(page, in);
  if (in.curve) curve_section(page, *in.curve, in.real, &in.synthetic);
  page.html += "</main>\n";
  return wrap_page(page, title, in.options.option_names);
}

std::string wrap_page(Page& page, const std::string& title,
                      const std::function<std::string(std::string_view name)>& option_names) {
  // Option names in the page's text, shown in the caller's terms (ReportOptions::option_names).
  if (option_names) page.html = rename_options(page.html, option_names);

  std::string out =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<meta name=\"generator\" content=\"synthtab\">\n<title>" +
      esc(title) + "</title>\n<style>" + std::string(report_css()) + "</style>\n<script>" +
      std::string(report_error_trap_js()) + "</script>\n</head>\n<body>\n";
  out += page.html;
  out += fmt::format(
      "<footer>Made by synthtab (docs/report.md explains every figure and verdict). Charts drawn with "
      "Plotly.js {} (MIT licence), embedded in this file: it opens without a network.</footer>\n",
      plotly_version());
  out +=
      "<pre id=\"render-status\">charts=? drawn=0 errors=0 (the charts' script has not run)</pre>\n<pre "
      "id=\"render-errors\"></pre>\n";
  out += "<script>";
  out += script_safe(std::string(plotly_js()));
  out += "</script>\n<script type=\"application/json\" id=\"report-data\">";
  out += json_in_script(json{{"figures", page.figures}}.dump());
  out += "</script>\n<script>";
  out += report_renderer_js();
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
    } else if (c == '\xE2' && i + 2 < text.size() && text[i + 1] == '\x80' &&
               (text[i + 2] == '\xA8' || text[i + 2] == '\xA9')) {
      out += text[i + 2] == '\xA8' ? "\\u2028" : "\\u2029";  // line and paragraph separators (UTF-8)
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

void write_report(const std::string& path, const ReportInput& input) {
  write_file_atomically(path, render_html(input));
}

}  // namespace synthtab::report
