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
  std::vector<double> time;  // empty without a time column
};

Inputs inputs_of(const Table& table, const CurveOptions& options) {
  Inputs in;
  for (const auto& name : options.spend) in.spend.push_back(numbers_of(table.column(name), "spend", false));
  in.response = numbers_of(table.column(options.response), "response", false);
  if (!options.time.empty()) in.time = numbers_of(table.column(options.time), "time", true);
  return in;
}

// The rows used, in time order when a time column is given.
struct UsedRows {
  std::vector<int64_t> rows;
  int64_t dropped = 0;  // rows with a missing spend, response or time
};

// Complete rows; negative spend is an error wherever it appears, complete row or not.
UsedRows complete_rows(const Inputs& in, const CurveOptions& options, int64_t table_rows) {
  UsedRows used;
  for (int64_t r = 0; r < table_rows; ++r) {
    bool complete = std::isfinite(in.response[static_cast<size_t>(r)]) &&
                    (in.time.empty() || std::isfinite(in.time[static_cast<size_t>(r)]));
    for (size_t c = 0; c < in.spend.size(); ++c) {
      const double v = in.spend[c][static_cast<size_t>(r)];
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

// data.y: the response of the used rows rescaled to [0, 1] (an error when it does not vary).
void scale_response(CurveData& data, const std::vector<double>& response, const std::vector<int64_t>& rows,
                    const CurveOptions& options) {
  const int64_t n = data.n;
  data.y.resize(n);
  double y_min = std::numeric_limits<double>::infinity(), y_max = -y_min;
  for (int64_t i = 0; i < n; ++i) {
    const double v = response[static_cast<size_t>(rows[static_cast<size_t>(i)])];
    y_min = std::min(y_min, v);
    y_max = std::max(y_max, v);
  }
  if (!(y_max > y_min))
    throw Error(ErrorKind::Input, fmt::format("response column '{}' has the same value ({}) in all {} rows used: a "
                                              "response curve needs the response to vary",
                                              options.response, format_number(y_min), n));
  data.y_shift = y_min;
  data.y_scale = y_max - y_min;
  for (int64_t i = 0; i < n; ++i)
    data.y[i] = (response[static_cast<size_t>(rows[static_cast<size_t>(i)])] - y_min) / data.y_scale;
}

// data.x: each spend of the used rows over its maximum (an error when it does not vary; a note
// when it takes only two values).
void scale_spend(CurveData& data, const Inputs& in, const std::vector<int64_t>& rows, const CurveOptions& options,
                 std::vector<std::string>& notes) {
  const int64_t n = data.n;
  const int channels = static_cast<int>(in.spend.size());
  data.x.resize(n, channels);
  for (int c = 0; c < channels; ++c) {
    const auto& column = in.spend[static_cast<size_t>(c)];
    std::set<double> distinct;
    double max = 0.0, sum = 0.0;
    for (int64_t i = 0; i < n; ++i) {
      const double v = column[static_cast<size_t>(rows[static_cast<size_t>(i)])];
      distinct.insert(v);
      max = std::max(max, v);
      sum += v;
    }
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
    data.x_scale.push_back(max);
    data.x_mean.push_back(sum / static_cast<double>(n));
    for (int64_t i = 0; i < n; ++i) data.x(i, c) = column[static_cast<size_t>(rows[static_cast<size_t>(i)])] / max;
  }
}

}  // namespace

std::string format_number(double v) { return fmt::format("{:.6g}", v); }

CurveData curve_data(const Table& table, const CurveOptions& options, int64_t min_rows,
                     std::vector<std::string>& notes) {
  const Inputs in = inputs_of(table, options);
  const UsedRows used = complete_rows(in, options, table.rows());
  check_enough_rows(used, options, min_rows);
  CurveData data;
  data.n = static_cast<int64_t>(used.rows.size());
  data.dropped = used.dropped;
  scale_response(data, in.response, used.rows, options);
  scale_spend(data, in, used.rows, options, notes);
  return data;
}

}  // namespace synthtab::marketing
