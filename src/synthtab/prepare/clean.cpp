#include "synthtab/prepare/clean.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

// The seed's "continuous" integer columns: more distinct values than this share of the count.
constexpr double kContinuousDistinctShare = 0.75;

std::string quoted_list(const std::vector<std::string>& names) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out.append(i + 1 == names.size() ? " and " : ", ");
    out.append(in_quotes(names[i]));
  }
  return out;
}

// A number for a sentence: whole numbers in full, others to 6 significant digits.
std::string readable(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) return format_double(value);
  return fmt::format("{:.6g}", value);
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
double fill_divergence(const std::vector<double>& column, const std::vector<double>& observed, double fill) {
  double sum = 0.0;
  for (size_t i = 0; i < observed.size(); ++i) {
    const double filled = std::isnan(column[i]) ? fill : column[i];
    const double d = kl_div(filled, observed[i]);
    if (std::isfinite(d)) sum += d;
  }
  return sum;
}

double median_of(std::vector<double> values) {
  const size_t n = values.size();
  const auto middle = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), middle, values.end());
  if (n % 2) return *middle;
  const double below = *std::max_element(values.begin(), middle);
  return (below + *middle) / 2.0;
}

// The seed's "continuous" columns: floats, or integers with distinct/count > 0.75.
bool is_continuous(const Column& column) {
  if (column.type == ColumnType::Float) return true;
  if (column.type != ColumnType::Integer) return false;
  std::vector<double> observed;
  for (double v : column.values)
    if (!std::isnan(v)) observed.push_back(v);
  if (observed.empty()) return false;
  std::sort(observed.begin(), observed.end());
  const auto distinct = std::unique(observed.begin(), observed.end()) - observed.begin();
  return static_cast<double>(distinct) / static_cast<double>(observed.size()) > kContinuousDistinctShare;
}

void fill_numeric_gaps(Column& column, PreparationLog& log) {
  const int64_t gaps = column.missing_count();
  if (gaps == 0 || gaps == column.size()) return;
  const bool whole = column.type == ColumnType::Integer;
  const FillChoice choice = choose_fill(column.values, whole);
  for (double& v : column.values)
    if (std::isnan(v)) v = choice.fill;
  const bool mean = choice.use_mean;
  const double chosen_kl = mean ? choice.kl_mean : choice.kl_median;
  const double other_kl = mean ? choice.kl_median : choice.kl_mean;
  const std::string comparison =
      chosen_kl < other_kl
          ? fmt::format("which changes its distribution less than the {} would", mean ? "median" : "mean")
          : "as the mean would change its distribution as much (the median is the safer choice)";
  log.add(
      fmt::format("Filled {} missing value{} of {} with the {}{} ({}), {} (KL divergence {:.4g} "
                  "vs {:.4g}).",
                  gaps, gaps == 1 ? "" : "s", in_quotes(column.name), whole ? "rounded " : "", mean ? "mean" : "median",
                  readable(choice.fill), comparison, chosen_kl, other_kl));
}

// ISO 8601 year, week and weekday of a time in seconds since 1970-01-01 (UTC).
struct IsoDate {
  int64_t year, week, weekday;
};

int64_t year_of_day(int64_t days) {
  int64_t year = 0, month = 0, day = 0;
  civil_from_days(days, year, month, day);
  return year;
}

IsoDate iso_date(double seconds) {
  const auto days = static_cast<int64_t>(std::floor(seconds / 86400.0));
  const int64_t weekday = ((days % 7) + 7 + 3) % 7 + 1;  // 1970-01-01 was a Thursday (4)
  // The ISO year is the year of this week's Thursday; week 1 holds the year's first Thursday.
  const int64_t thursday = days - weekday + 4;
  const int64_t year = year_of_day(thursday);
  const int64_t week = (thursday - days_from_civil(year, 1, 1)) / 7 + 1;
  return {year, week, weekday};
}

std::string unused_name(const Table& table, std::string name) {
  while (table.find(name) >= 0) name += "_";
  return name;
}

void expand_datetime(Table& table, size_t index, PreparationLog& log) {
  Column date = std::move(table.columns[index]);
  table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(index));
  std::vector<Column> parts(3);
  const char* suffixes[] = {"_year", "_week", "_weekday"};
  for (size_t p = 0; p < 3; ++p) {
    parts[p].name = unused_name(table, date.name + suffixes[p]);
    parts[p].type = ColumnType::Integer;
    parts[p].values.reserve(date.values.size());
  }
  for (double v : date.values) {
    // Out-of-range values cannot come from a parsed date; they are missing like NaN.
    if (!(std::abs(v) < 1e15)) {
      for (auto& part : parts) part.values.push_back(kMissingValue);
      continue;
    }
    const IsoDate iso = iso_date(v);
    parts[0].values.push_back(static_cast<double>(iso.year));
    parts[1].values.push_back(static_cast<double>(iso.week));
    parts[2].values.push_back(static_cast<double>(iso.weekday));
  }
  log.add("Expanded the date column " + in_quotes(date.name) + " into " +
          quoted_list({parts[0].name, parts[1].name, parts[2].name}) +
          " (ISO 8601 year, week 1-53 and weekday 1-7 from Monday), as the seed does.");
  table.columns.insert(table.columns.begin() + static_cast<std::ptrdiff_t>(index),
                       std::make_move_iterator(parts.begin()), std::make_move_iterator(parts.end()));
}

template <typename T>
void keep_rows(std::vector<T>& cells, const std::vector<char>& keep) {
  size_t out = 0;
  for (size_t r = 0; r < cells.size(); ++r)
    if (keep[r]) cells[out++] = cells[r];
  cells.resize(out);
}

void drop_incomplete_rows(Table& table, const std::string& source, PreparationLog& log) {
  const int64_t rows = table.rows();
  std::vector<char> keep(static_cast<size_t>(rows), 1);
  std::vector<std::string> with_gaps;
  std::string worst;
  int64_t worst_gaps = 0;
  for (const auto& column : table.columns) {
    int64_t gaps = 0;
    for (int64_t r = 0; r < rows; ++r) {
      if (!column.is_missing(r)) continue;
      keep[static_cast<size_t>(r)] = 0;
      ++gaps;
    }
    if (gaps == 0) continue;
    with_gaps.push_back(column.name);
    if (gaps > worst_gaps) {
      worst = column.name;
      worst_gaps = gaps;
    }
  }
  const auto kept = std::count(keep.begin(), keep.end(), 1);
  if (kept == rows) return;
  if (kept == 0)
    throw Error(ErrorKind::Input,
                fmt::format("{}: no row is left: each of the {} rows has a missing value in {} "
                            "(most in {}: {} of {}); leave such columns out with `drop`, or "
                            "fill the file's gaps",
                            source, rows, quoted_list(with_gaps), in_quotes(worst), worst_gaps, rows));
  for (auto& column : table.columns) {
    if (column.is_categorical())
      keep_rows(column.codes, keep);
    else
      keep_rows(column.values, keep);
  }
  log.add(
      fmt::format("Dropped {} of {} rows that still had missing values; {} remain. The gaps "
                  "were in {}.",
                  rows - kept, rows, kept, quoted_list(with_gaps)));
}

// After rows are dropped a column may hold one value only; say so (it is reproduced as is).
void log_new_constants(const Table& table, const Schema& schema, PreparationLog& log) {
  for (const auto& column : table.columns) {
    if (column.size() == 0) continue;
    bool constant = true;
    for (int64_t r = 1; r < column.size() && constant; ++r)
      constant = column.is_categorical() ? column.codes[static_cast<size_t>(r)] == column.codes[0]
                                         : column.values[static_cast<size_t>(r)] == column.values[0];
    if (!constant) continue;
    bool was_constant = false;
    for (const auto& spec : schema.columns)
      was_constant = was_constant || (spec.name == column.name && spec.role == ColumnRole::Constant);
    if (was_constant) continue;
    const std::string value =
        column.is_categorical() ? column.categories[static_cast<size_t>(column.codes[0])] : readable(column.values[0]);
    log.add("After dropping rows, " + in_quotes(column.name) + " holds one value only (" + in_quotes(value) +
            "); it is kept and reproduced as that value.");
  }
}

void log_schema(const Schema& schema, PreparationLog& log) {
  if (schema.decimal == ',') log.add("Read numbers with a decimal comma (as in \"0,91\").");
  for (const auto& column : schema.columns) {
    const std::string name = in_quotes(column.name);
    switch (column.role) {
      case ColumnRole::Id:
      case ColumnRole::Dropped:
        log.add("Dropped column " + name + ": " + column.reason + ".");
        break;
      case ColumnRole::Constant:
        log.add("Kept " + name + " as a constant: " + column.reason + ".");
        break;
      case ColumnRole::Categorical:
        log.add("Kept " + name + " as categorical: " + column.reason + ".");
        break;
      case ColumnRole::Integer:
      case ColumnRole::Float:
      case ColumnRole::Datetime:
        log.add("Read " + name + " as " + to_string(column.role) + ": " + column.reason + ".");
        break;
    }
  }
}

}  // namespace

FillChoice choose_fill(const std::vector<double>& values, bool whole) {
  std::vector<double> observed;
  observed.reserve(values.size());
  for (double v : values)
    if (!std::isnan(v)) observed.push_back(v);
  FillChoice choice;
  if (observed.empty()) return choice;
  double sum = 0.0;
  for (double v : observed) sum += v;
  choice.mean = sum / static_cast<double>(observed.size());
  choice.median = median_of(observed);
  if (whole) {  // std::round: halves away from zero
    choice.mean = std::round(choice.mean);
    choice.median = std::round(choice.median);
  }
  choice.kl_mean = fill_divergence(values, observed, choice.mean);
  choice.kl_median = fill_divergence(values, observed, choice.median);
  // The lower divergence wins; a tie goes to the median, which outliers do not move.
  choice.use_mean = choice.kl_mean < choice.kl_median;
  choice.fill = choice.use_mean ? choice.mean : choice.median;
  return choice;
}

Prepared clean(Table table, const Schema& schema, const CleanOptions& options, const std::string& source) {
  Prepared out;
  PreparationLog& log = out.log;
  log_schema(schema, log);
  std::vector<std::string> unusable;  // why each input column is gone, for the error below
  for (const auto& column : schema.columns)
    if (column.role == ColumnRole::Id || column.role == ColumnRole::Dropped)
      unusable.push_back(in_quotes(column.name) + ": " + column.reason);

  const int64_t rows = table.rows();
  for (size_t c = 0; c < table.columns.size();) {
    const Column& column = table.columns[c];
    const int64_t missing = column.missing_count();
    const double share = rows > 0 ? static_cast<double>(missing) / static_cast<double>(rows) : 0.0;
    if (options.keep_missing ? rows > 0 && missing == rows : share > options.max_missing_share) {
      const std::string reason = options.keep_missing
                                     ? fmt::format("all {} of its values are missing", rows)
                                     : fmt::format("{:.0f} % of its values are missing ({} of {}; more than {:.0f} %)",
                                                   share * 100, missing, rows, options.max_missing_share * 100);
      log.add("Dropped column " + in_quotes(column.name) + ": " + reason + ".");
      unusable.push_back(in_quotes(column.name) + ": " + reason);
      table.columns.erase(table.columns.begin() + static_cast<std::ptrdiff_t>(c));
      continue;
    }
    ++c;
  }
  if (table.columns.empty()) {
    std::string reasons;
    for (const auto& r : unusable) reasons.append(reasons.empty() ? "" : "; ").append(r);
    throw Error(ErrorKind::Input, source + ": no usable column is left after preparation (" + reasons + ")");
  }

  if (options.keep_missing) {
    for (const auto& column : table.columns) {
      const int64_t gaps = column.missing_count();
      if (gaps > 0)
        log.add(
            fmt::format("Kept {} missing value{} of {} ({:.1f} %) as missing: the model learns where they "
                        "occur, with the other columns' values and gaps.",
                        gaps, gaps == 1 ? "" : "s", in_quotes(column.name),
                        100.0 * static_cast<double>(gaps) / static_cast<double>(rows)));
    }
  }
  if (options.fill_numeric && !options.keep_missing)
    for (auto& column : table.columns)
      if (column.missing_count() > 0 && is_continuous(column)) fill_numeric_gaps(column, log);
  if (options.drop_incomplete_rows && !options.keep_missing) {
    const int64_t before = table.rows();
    drop_incomplete_rows(table, source, log);
    if (table.rows() < before) log_new_constants(table, schema, log);
  }
  if (options.expand_datetimes)
    for (size_t c = 0; c < table.columns.size(); ++c)
      if (table.columns[c].type == ColumnType::Datetime) {
        expand_datetime(table, c, log);
        c += 2;
      }
  if (table.rows() == 0) throw Error(ErrorKind::Input, source + ": the table has no rows to learn from");
  out.table = std::move(table);
  return out;
}

}  // namespace synthtab
