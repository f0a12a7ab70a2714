#pragma once
// One self-contained HTML report that shows why to trust (or not) a synthetic table: headline
// verdicts, what preparation and the model did, per-column distributions, pairs, ML efficacy,
// geometry and topology, privacy. Plotly.js and the data are inlined, so the file opens offline.
// Sections that cannot be computed for a table are replaced by a sentence saying why.
// See docs/report.md.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "synthtab/eval/cross_fit.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/prepare/schema.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::report {

// The pair of columns drawn as a scatter plot; empty = the two most correlated numeric columns.
struct ChartOptions {
  std::string x, y;
  std::string color;  // optional: colour the points by this column
};

// What the run did before the synthetic rows existed (only known when one run fits, draws and reports).
struct RunInfo {
  std::string input_path;
  int64_t input_rows = 0;                // data rows in the file
  int64_t training_rows = 0;             // rows the model learned from, after preparation
  int64_t synthetic_rows = 0;            // rows written
  std::vector<ColumnSchema> schema;      // every input column: type and why
  std::vector<std::string> preparation;  // the preparation log, in order
  std::string model;
  std::map<std::string, std::string> settings;  // effective settings, as text
  // What a setting means, for those that are the model's parameters (its schema's help and
  // default), and which of them the caller chose.
  std::map<std::string, std::string> setting_help;
  std::set<std::string> chosen_settings;
  uint64_t seed = 0;
  double fit_seconds = 0.0, sample_seconds = 0.0;
};

struct ReportOptions {
  std::string target;  // ML efficacy; empty = left out (the report says so)
  std::optional<Task> task;
  ChartOptions charts;
  uint64_t seed = 42;
  int threads = 0;
  int permutations = 200;
  bool geometry = true;
  bool topology = true;
  int64_t topology_points = 300;  // per cloud: persistence is O(n^2) memory and slow beyond
  uint64_t memory_limit = 0;      // bytes; topology beyond it is left out, with a note
  RuleOptions rules;              // business rules checked: found in the real rows, and declared
  // Response curves of these columns on the real rows (spend and response given), drawn in an
  // S-curve section beside the synthetic rows; empty spend = no such section.
  marketing::CurveOptions curve;
  Progress* progress = nullptr;  // may be null: shown the evaluation's steps, may stop the work
  std::string real_name = "real", synthetic_name = "synthetic";  // file names shown in the title
  // How the page names the caller's options (`target`, `holdout`, `x`, ...; core/option_terms.hpp):
  // empty keeps the names; the CLI shows its flags. A column named like an option in backticks
  // would be renamed too.
  std::function<std::string(std::string_view name)> option_names;
};

struct ReportInput {
  Table real, synthetic;
  eval::Evaluation evaluation;
  // Cross-fitted usefulness (the run had the model: generate with a report and a target). Without
  // it the ML card shows in-sample TSTR, labelled optimistic.
  std::optional<eval::Validation> cross_fit;
  std::optional<RunInfo> run;
  ReportOptions options;
  std::vector<std::string> notes;               // what was left out of the evaluation, and why
  std::optional<marketing::CurveReport> curve;  // options.curve's fit, when asked and possible
};

// Throws Error(Usage) naming the column and listing the columns when `x`, `y` or `color` name no
// column of `real`, or when only one of x and y is given.
void check_chart_options(const Table& real, const ChartOptions& charts);

// Runs the evaluation the report needs (geometry and topology included where the table allows,
// ML efficacy when a target is given) and collects what was left out. `notes` are added first
// (e.g. ID columns left out when reading the files). `holdout`: real rows the generator never
// saw (`real` = the rows it learned from), for the holdout copy checks.
ReportInput prepare_report(Table real, Table synthetic, const ReportOptions& options,
                           std::optional<RunInfo> run = std::nullopt, std::vector<std::string> notes = {},
                           std::optional<Table> holdout = std::nullopt);

// The whole page. Same input, same bytes.
std::string render_html(const ReportInput& input);

// JSON text (as nlohmann's dump() writes it) made safe inside a <script> element: every < > &
// U+2028 U+2029 becomes a JSON unicode escape, so nothing in it can end the element or change the
// HTML tokenizer's state, and JSON.parse reads back the same value.
std::string json_in_script(std::string_view json_text);

// render_html, written atomically to `path`.
void write_report(const std::string& path, const ReportInput& input);

}  // namespace synthtab::report
