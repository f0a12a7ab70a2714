#include "synthtab/marketing/curve_data.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab::marketing {

namespace {

// A column as numbers: numeric columns as they are, categorical columns whose labels are all
// numbers (e.g. a spend column with few distinct values) parsed; anything else is an error.
std::vector<double> numbers_of(const Column& column, const char* role, bool allow_dates) {
  if (column.type == ColumnType::Datetime && !allow_dates)
    throw Error(ErrorKind::Input,
                fmt::format("column '{}' holds dates; a {} column must hold numbers", column.name, role));
  if (column.is_numeric()) return column.values;
  std::vector<double> label_values;
  for (const auto& label : column.categories) {
    const auto v = parse_number(label, '.');
    if (!v)
      throw Error(ErrorKind::Input, fmt::format("column '{}' is not numeric: it holds text such as '{}'; a {} column "
                                                "must hold numbers",
                                                column.name, label, role));
    label_values.push_back(*v);
  }
  std::vector<double> out(column.codes.size(), kMissingValue);
  for (size_t r = 0; r < out.size(); ++r)
    if (column.codes[r] != kMissingCode) out[r] = label_values[static_cast<size_t>(column.codes[r])];
  return out;
}

// The columns a fit reads, as numbers over all the table's rows.
struct Inputs {
  std::vector<std::vector<double>> spend;  // one per channel
  std::vector<double> response;
  std::vector<std::vector<double>> controls;
  std::vector<double> time;  // empty without a time column
  bool time_is_date = false;
};

Inputs inputs_of(const Table& table, const CurveOptions& options) {
  Inputs in;
  for (const auto& name : options.spend) in.spend.push_back(numbers_of(table.column(name), "spend", false));
  in.response = numbers_of(table.column(options.response), "response", false);
  for (const auto& name : options.controls) in.controls.push_back(numbers_of(table.column(name), "control", false));
  if (!options.time.empty()) {
    in.time = numbers_of(table.column(options.time), "time", true);
    in.time_is_date = table.column(options.time).type == ColumnType::Datetime;
  }
  return in;
}

// The rows used, in time order when a time column is given.
struct UsedRows {
  std::vector<int64_t> rows;
  int64_t dropped = 0;  // rows with a missing spend, response, control or time
};

// Complete rows; negative spend is an error wherever it appears, complete row or not.
UsedRows complete_rows(const Inputs& in, const CurveOptions& options, int64_t table_rows) {
  UsedRows used;
  for (int64_t r = 0; r < table_rows; ++r) {
    const auto row = static_cast<size_t>(r);
    bool complete = std::isfinite(in.response[row]) && (in.time.empty() || std::isfinite(in.time[row]));
    for (const auto& control : in.controls) complete = complete && std::isfinite(control[row]);
    for (size_t c = 0; c < in.spend.size(); ++c) {
      const double v = in.spend[c][row];
      if (v < 0.0)
        throw Error(ErrorKind::Input, fmt::format("spend column '{}' has a negative value ({}) in data row {}; spend "
                                                  "must be zero or more",
                                                  options.spend[c], format_number(v), r + 1));
      complete = complete && std::isfinite(v);
    }
    if (complete)
      used.rows.push_back(r);
    else
      ++used.dropped;
  }
  if (!in.time.empty())
    std::stable_sort(used.rows.begin(), used.rows.end(), [&in](int64_t a, int64_t b) {
      return in.time[static_cast<size_t>(a)] < in.time[static_cast<size_t>(b)];
    });
  return used;
}

void check_enough_rows(const UsedRows& used, const CurveOptions& options, int64_t needed) {
  const int channels = static_cast<int>(options.spend.size());
  const bool adstock = options.adstock == Adstock::Geometric;
  const auto n = static_cast<int64_t>(used.rows.size());
  if (n < needed)
    throw Error(
        ErrorKind::Input,
        fmt::format("too few rows: a response curve of '{}' on {} spend column{}{} needs at "
                    "least {} rows with the spend and response present, got {}{}",
                    options.response, channels, channels == 1 ? "" : "s", adstock ? " with adstock" : "", needed, n,
                    used.dropped ? fmt::format(" ({} dropped for missing values)", used.dropped) : ""));
}

// data.y: the target of the model's rows rescaled to [0, 1] (an error when it does not vary).
void scale_target(CurveData& data, const std::vector<double>& target, const CurveOptions& options, bool change) {
  const auto [low, high] = std::minmax_element(target.begin(), target.end());
  if (!(*high > *low))
    throw Error(ErrorKind::Input,
                fmt::format("response column '{}' {} ({}) in all {} rows used: a response curve needs {} to vary",
                            options.response, change ? "changes by the same amount" : "has the same value",
                            format_number(*low), target.size(), change ? "its changes" : "the response"));
  data.y_shift = *low;
  data.y_scale = *high - *low;
  data.y.resize(static_cast<Eigen::Index>(target.size()));
  for (size_t i = 0; i < target.size(); ++i) data.y[static_cast<Eigen::Index>(i)] = (target[i] - *low) / data.y_scale;
}

// data.x: each spend of the model's rows over its maximum (an error when it does not vary; a
// note when it takes only two values).
void scale_spend(CurveData& data, const CurveRows& rows, const CurveOptions& options, std::vector<std::string>& notes) {
  const int64_t n = data.n;
  const auto channels = rows.spend.cols();
  data.x.resize(n, channels);
  for (Eigen::Index c = 0; c < channels; ++c) {
    const auto column = rows.spend.col(c).tail(n);
    const std::set<double> distinct(column.begin(), column.end());
    const auto& name = options.spend[static_cast<size_t>(c)];
    if (distinct.size() == 1)
      throw Error(ErrorKind::Input, fmt::format("spend column '{}' has a single distinct value ({}) in the {} rows "
                                                "used: the shape of a response curve cannot be estimated from one "
                                                "spend level",
                                                name, format_number(*distinct.begin()), n));
    if (distinct.size() == 2)
      notes.push_back(
          fmt::format("spend column '{}' has only 2 distinct values: the curve's "
                      "shape is barely identified; read it with care",
                      name));
    const double max = column.maxCoeff();
    data.x_scale.push_back(max);
    data.x_mean.push_back(column.mean());
    data.x.col(c) = column / max;
  }
}

}  // namespace

std::string format_number(double v) { return fmt::format("{:.6g}", v); }

CurveRows curve_rows(const Table& table, const CurveOptions& options, int64_t min_rows) {
  const Inputs in = inputs_of(table, options);
  const UsedRows used = complete_rows(in, options, table.rows());
  check_enough_rows(used, options, min_rows);
  CurveRows rows;
  rows.n = static_cast<int64_t>(used.rows.size());
  rows.dropped = used.dropped;
  rows.spend.resize(rows.n, static_cast<Eigen::Index>(in.spend.size()));
  rows.controls.resize(rows.n, static_cast<Eigen::Index>(in.controls.size()));
  for (int64_t i = 0; i < rows.n; ++i) {
    const auto r = static_cast<size_t>(used.rows[static_cast<size_t>(i)]);
    for (size_t c = 0; c < in.spend.size(); ++c) rows.spend(i, static_cast<Eigen::Index>(c)) = in.spend[c][r];
    for (size_t c = 0; c < in.controls.size(); ++c) rows.controls(i, static_cast<Eigen::Index>(c)) = in.controls[c][r];
    rows.response.push_back(in.response[r]);
    if (in.time_is_date) rows.dates.push_back(in.time[r]);
  }
  return rows;
}

CurveData curve_data(const CurveRows& rows, int64_t first, bool change, const BaselineTerms& terms,
                     const CurveOptions& options, std::vector<std::string>& notes) {
  CurveData data;
  data.n = rows.n - first;
  data.dropped = rows.dropped;
  std::vector<double> target;
  for (int64_t i = first; i < rows.n; ++i) {
    const auto r = static_cast<size_t>(i);
    target.push_back(change ? rows.response[r] - rows.response[r - 1] : rows.response[r]);
  }
  scale_target(data, target, options, change);
  scale_spend(data, rows, options, notes);
  data.baseline = terms.columns;
  data.baseline_names = terms.names;
  data.baseline_scale = terms.scale;
  return data;
}

CurveData first_rows(const CurveData& data, int64_t rows) {
  CurveData out = data;
  out.n = rows;
  out.x = data.x.topRows(rows);
  out.y = data.y.head(rows);
  out.baseline = data.baseline.topRows(rows);
  return out;
}

}  // namespace synthtab::marketing
