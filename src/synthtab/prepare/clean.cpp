#include "synthtab/prepare/clean.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

std::string quoted(const std::string& text) {
  std::string out(1, '"');
  out.append(text).push_back('"');
  return out;
}

// scipy.special.kl_div elementwise: x log(x / y) - x + y for x, y > 0; y when x == 0 and
// y >= 0; +inf otherwise.
double kl_div(double x, double y) {
  if (x > 0 && y > 0) return x * std::log(x / y) - x + y;
  if (x == 0 && y >= 0) return y;
  return std::numeric_limits<double>::infinity();
}

// The seed's divergence of a filled column from the observed values: the filled column's
// first n entries (n = number of observed values) against the observed values in order, with
// infinities counted as 0 (np.nan_to_num(..., posinf=0)).
double fill_divergence(const std::vector<double>& column, double fill) {
  std::vector<double> observed;
  for (double v : column)
    if (!std::isnan(v)) observed.push_back(v);
  double sum = 0.0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double filled = std::isnan(column[i]) ? fill : column[i];
    const double d = kl_div(filled, observed[i]);
    if (std::isfinite(d)) sum += d;
  }
  return sum;
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2.0;
}

// The seed's "continuous" columns: floats, or integers with distinct/count > 0.75.
bool is_continuous(const Column& column) {
  if (column.type == ColumnType::Float) return true;
  if (column.type != ColumnType::Integer) return false;
  std::set<double> distinct;
  int64_t count = 0;
  for (double v : column.values)
    if (!std::isnan(v)) distinct.insert(v), ++count;
  return count > 0 && static_cast<double>(distinct.size()) / static_cast<double>(count) > 0.75;
}

void fill_numeric_gaps(Column& column, PreparationLog& log) {
  const int64_t gaps = column.missing_count();
  if (gaps == 0 || gaps == column.size()) return;
  const FillChoice choice = choose_fill(column.values);
  double fill = choice.fill;
  if (column.type == ColumnType::Integer) fill = std::round(fill);  // integers stay integers
  for (double& v : column.values)
    if (std::isnan(v)) v = fill;
  const bool mean = choice.use_mean;
  log.add(fmt::format("Filled {} missing value{} of {} with the {} ({}), which changes its distribution "
                      "less than the {} (KL divergence {:.4g} vs {:.4g}).",
                      gaps, gaps == 1 ? "" : "s", quoted(column.name), mean ? "mean" : "median",
                      format_double(fill), mean ? "median" : "mean", mean ? choice.kl_mean : choice.kl_median,
                      mean ? choice.kl_median : choice.kl_mean));
}

// ISO 8601 year, week and weekday of a time in seconds since 1970-01-01 (UTC).
struct IsoDate {
  int64_t year, week, weekday;
};

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

IsoDate iso_date(double seconds) {
  const auto days = static_cast<int64_t>(std::floor(seconds / 86400.0));
  const int64_t weekday = ((days % 7) + 7 + 3) % 7 + 1;  // 1970-01-01 was a Thursday (4)
  // The ISO year is the year of this week's Thursday.
  const int64_t thursday = days - weekday + 4;
  int64_t z = thursday + 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int64_t year = yoe + era * 400;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  const int64_t month = mp + (mp < 10 ? 3 : -9);
  year += month <= 2;
  const int64_t week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
  return {year, week, weekday};
}

void expand_datetime(Table& table, size_t index, PreparationLog& log) {
  const Column date = table.columns[index];
  std::vector<Column> parts(3);
  const char* suffixes[] = {"_year", "_week", "_weekday"};
  for (size_t p = 0; p < 3; ++p) {
    parts[p].name = date.name + suffixes[p];
    parts[p].type = ColumnType::Integer;
  }
  for (double v : date.values) {
    if (std::isnan(v)) {
      for (auto& part : parts) part.values.push_back(kMissingValue);
      continue;
    }
    const IsoDate iso = iso_date(v);
    parts[0].values.push_back(static_cast<double>(iso.year));
    parts[1].values.push_back(static_cast<double>(iso.week));
    parts[2].values.push_back(static_cast<double>(iso.weekday));
  }
  table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(index));
  table.columns.insert(table.columns.begin() + static_cast<std::ptrdiff_t>(index), parts.begin(), parts.end());
  log.add("Expanded the date column " + quoted(date.name) + " into " + quoted(parts[0].name) + ", " +
          quoted(parts[1].name) + " and " + quoted(parts[2].name) + " (ISO year, week and weekday).");
}

void drop_incomplete_rows(Table& table, PreparationLog& log) {
  const int64_t rows = table.rows();
  std::vector<char> keep(static_cast<size_t>(rows), 1);
  for (const auto& column : table.columns)
    for (int64_t r = 0; r < rows; ++r)
      if (column.is_missing(r)) keep[static_cast<size_t>(r)] = 0;
  const auto kept = std::count(keep.begin(), keep.end(), 1);
  if (kept == rows) return;
  for (auto& column : table.columns) {
    int64_t out = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (!keep[static_cast<size_t>(r)]) continue;
      if (column.is_categorical())
        column.codes[static_cast<size_t>(out)] = column.codes[static_cast<size_t>(r)];
      else
        column.values[static_cast<size_t>(out)] = column.values[static_cast<size_t>(r)];
      ++out;
    }
    if (column.is_categorical())
      column.codes.resize(static_cast<size_t>(out));
    else
      column.values.resize(static_cast<size_t>(out));
  }
  log.add(fmt::format("Dropped {} of {} rows that still had missing values; {} remain.", rows - kept, rows, kept));
}

}  // namespace

FillChoice choose_fill(const std::vector<double>& values) {
  std::vector<double> observed;
  for (double v : values)
    if (!std::isnan(v)) observed.push_back(v);
  FillChoice choice;
  if (observed.empty()) return choice;
  double mean = 0.0;
  for (double v : observed) mean += v;
  mean /= static_cast<double>(observed.size());
  const double median = median_of(observed);
  choice.kl_mean = fill_divergence(values, mean);
  choice.kl_median = fill_divergence(values, median);
  choice.use_mean = choice.kl_mean < choice.kl_median;
  choice.fill = choice.use_mean ? mean : median;
  return choice;
}

Prepared clean(Table table, const Schema& schema, const CleanOptions& options, const std::string& source) {
  Prepared out;
  PreparationLog& log = out.log;
  for (const auto& column : schema.columns) {
    switch (column.role) {
      case ColumnRole::Id:
        log.add("Dropped column " + quoted(column.name) + ": " + column.reason + ".");
        break;
      case ColumnRole::Dropped:
        log.add("Dropped column " + quoted(column.name) + ": " + column.reason + ".");
        break;
      case ColumnRole::Constant:
        log.add("Kept " + quoted(column.name) + " as a constant: " + column.reason + ".");
        break;
      default:
        log.add("Read " + quoted(column.name) + " as " + to_string(column.role) + ": " + column.reason + ".");
    }
  }
  const int64_t rows = table.rows();
  for (size_t c = 0; c < table.columns.size();) {
    const Column& column = table.columns[c];
    const double share = rows > 0 ? static_cast<double>(column.missing_count()) / static_cast<double>(rows) : 0.0;
    if (share > options.max_missing_share) {
      log.add(fmt::format("Dropped column {}: {:.0f} % of its values are missing (more than {:.0f} %).",
                          quoted(column.name), share * 100, options.max_missing_share * 100));
      table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(c));
      continue;
    }
    ++c;
  }
  if (options.fill_numeric)
    for (auto& column : table.columns)
      if (is_continuous(column)) fill_numeric_gaps(column, log);
  if (options.drop_incomplete_rows) drop_incomplete_rows(table, log);
  if (options.expand_datetimes)
    for (size_t c = 0; c < table.columns.size(); ++c)
      if (table.columns[c].type == ColumnType::Datetime) expand_datetime(table, c, log), c += 2;
  if (table.columns.empty())
  {
    std::string reasons;
    for (const auto& action : log.actions) reasons.append(" ").append(action);
    throw Error(ErrorKind::Input, source + ": no usable column is left after preparation." + reasons);
  }
  if (table.rows() == 0)
    throw Error(ErrorKind::Input, source + ": no row is left after dropping the rows with missing values");
  out.table = std::move(table);
  return out;
}

}  // namespace synthtab
