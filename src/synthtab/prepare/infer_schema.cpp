#include "synthtab/prepare/infer_schema.hpp"

#include <algorithm>
#include <cmath>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

// Integer columns with few distinct values are categorical: years, weekdays, ratings, flags.
// At most 5 values (and at most half as many as rows) always; up to 10 only with at least 10
// rows per value. On a 21-row table a temperature of 9 whole degrees is a measurement, not 9
// categories: as categories its order and spacing were lost, and every pair with it became a
// sparse contingency table.
constexpr size_t kMaxCategoricalIntegers = 10;
constexpr size_t kAlwaysCategoricalIntegers = 5;
constexpr double kRowsPerIntegerCategory = 10.0;
// The seed's ID rule: more than 95 % of rows distinct, every non-missing value unique, and for
// numbers a skew of at most 0.2 (an evenly spread counter rather than a measurement).
constexpr double kIdDistinctShare = 0.95;
constexpr double kIdMaxSkew = 0.2;
// Beyond 2^53 a double no longer holds every whole number, so such values are not integers.
constexpr double kExactIntegerLimit = 9007199254740992.0;

// Formats tried for a date column, besides the one the reader detects in its first cell: a
// column is a date column when one format reads every cell, even if the first cell alone is
// ambiguous (05/01/2023 reads as day/month and as month/day).
constexpr const char* kDatetimeFormats[] = {
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y/%m/%d", "%d/%m/%Y",          "%m/%d/%Y",          "%d.%m.%Y",
};

bool is_whole(double value) { return std::abs(value) < kExactIntegerLimit && value == std::floor(value); }

// Built by appending: `"\"" + std::string(...)` trips a false -Wrestrict in g++ 12.
std::string column_list(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out.append(out.empty() ? "" : ", ").append(in_quotes(n));
  return out;
}

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
}

char choose_decimal(const RawTable& raw) {
  if (raw.decimal != 0) return raw.decimal;
  // Cells that read with both marks (whole numbers) or with neither (text) count for both, so
  // only the cells that read with exactly one mark decide ("0,91" against "0.91").
  int64_t dot_only = 0, comma_only = 0;
  for (const auto& column : raw.columns) {
    if (column.holds_numbers()) continue;
    for (int64_t r = 0; r < column.size(); ++r) {
      const auto cell = trim(column.cell(r));
      if (cell.find_first_of(".,") == std::string_view::npos) continue;
      const bool dot = parse_number(cell, '.').has_value();
      const bool comma = parse_number(cell, ',').has_value();
      dot_only += dot && !comma;
      comma_only += comma && !dot;
    }
  }
  // A column of numbers votes as its text would ("0.5" reads with '.' only), so that a frame
  // and its CSV agree; counting stops once the text columns' comma vote is outweighed.
  for (const auto& column : raw.columns) {
    if (!column.holds_numbers()) continue;
    for (int64_t r = 0; r < column.size() && comma_only > dot_only; ++r) {
      if (column.missing_number(r) || is_whole(column.number(r))) continue;
      dot_only += column.text(r).find('.') != std::string::npos;
    }
  }
  return comma_only > dot_only ? ',' : '.';
}

// The date format that reads every non-missing cell of a column; when none does, the first
// cell that no remaining format reads, and the format that read the cells above it.
struct DateScan {
  std::string format;
  int64_t failing_row = -1;
  std::string format_above;
};

DateScan scan_dates(const RawColumn& column) {
  DateScan scan;
  std::vector<std::string> candidates;
  bool first = true;
  for (int64_t r = 0; r < column.size(); ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    if (first) {
      first = false;
      const std::string detected = detect_datetime_format(cell);
      if (detected.empty()) {
        scan.failing_row = r;
        return scan;
      }
      candidates.push_back(detected);
      for (const char* format : kDatetimeFormats)
        if (format != detected && parse_datetime(cell, format)) candidates.emplace_back(format);
      continue;
    }
    const std::string best = candidates.front();
    std::erase_if(candidates, [&](const std::string& f) { return !parse_datetime(cell, f); });
    if (candidates.empty()) {
      scan.failing_row = r;
      scan.format_above = best;
      return scan;
    }
  }
  if (!candidates.empty()) scan.format = candidates.front();
  return scan;
}

// What one column's cells look like.
struct ColumnScan {
  int64_t non_missing = 0;
  bool numeric = true;
  bool whole = true;            // every number a whole number (when numeric)
  std::vector<double> numbers;  // the non-missing values (when numeric)
  size_t distinct = 0;          // distinct non-missing values (numbers, or trimmed texts)
  std::string first_value;      // the first non-missing cell, trimmed
  std::string datetime_format;  // when every cell reads as a date in one format
  std::string not_a_date;       // when the cells read as dates up to one that does not: which
};

ColumnScan scan_column(const RawColumn& column, char decimal) {
  ColumnScan scan;
  const int64_t rows = column.size();
  scan.numbers.reserve(static_cast<size_t>(rows));
  if (column.holds_numbers()) {  // numbers whatever the table's decimal mark
    for (int64_t r = 0; r < rows; ++r) {
      if (column.missing_number(r)) continue;
      if (scan.numbers.empty()) scan.first_value = column.text(r);
      scan.numbers.push_back(column.number(r));
      scan.whole = scan.whole && is_whole(scan.numbers.back());
    }
  }
  for (int64_t r = 0; r < rows && scan.numeric && !column.holds_numbers(); ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    if (scan.first_value.empty()) scan.first_value = cell;
    const auto number = parse_number(cell, decimal);
    if (!number) {
      scan.numeric = false;
      break;
    }
    scan.numbers.push_back(*number);
    scan.whole = scan.whole && is_whole(*number);
  }
  if (scan.numeric) {
    scan.non_missing = static_cast<int64_t>(scan.numbers.size());
    // Sorting a copy is much faster than a node-based set on millions of values.
    std::vector<double> sorted = scan.numbers;
    std::sort(sorted.begin(), sorted.end());
    scan.distinct = static_cast<size_t>(std::unique(sorted.begin(), sorted.end()) - sorted.begin());
    return scan;
  }
  scan.numbers = {};
  scan.whole = false;
  std::unordered_set<std::string_view> labels;
  for (int64_t r = 0; r < rows; ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    ++scan.non_missing;
    labels.insert(cell);
  }
  scan.distinct = labels.size();
  const DateScan dates = scan_dates(column);
  scan.datetime_format = dates.format;
  if (dates.format.empty() && !dates.format_above.empty())
    scan.not_a_date = fmt::format("{} is not a date in the format {} of the values before it",
                                  in_quotes(trim(column.cell(dates.failing_row))), dates.format_above);
  return scan;
}

// Said, not silent: one impossible date (2024-02-30) makes a column of dates text.
std::string not_dates(const ColumnScan& scan) {
  if (scan.not_a_date.empty()) return "";
  return "; not dates: " + scan.not_a_date +
         " (name the column in `datetime` to have such a value reported with its line)";
}

ColumnSchema infer_column(const std::string& name, const RawColumn& column, int64_t rows, char decimal) {
  const ColumnScan scan = scan_column(column, decimal);
  ColumnSchema out;
  out.name = name;
  if (scan.non_missing == 0) {
    out.role = ColumnRole::Dropped;
    out.reason = "every value is missing";
    return out;
  }
  if (scan.distinct == 1) {
    out.role = ColumnRole::Constant;
    out.reason = fmt::format("one distinct value ({}) in {} rows", in_quotes(scan.first_value), rows);
    if (scan.non_missing < rows) out.reason += fmt::format(", {} of them missing", rows - scan.non_missing);
    return out;
  }
  const std::string kind = scan.numeric                   ? (scan.whole ? "whole numbers" : "numbers")
                           : scan.datetime_format.empty() ? "text values"
                                                          : "dates";
  // The seed's ID rule; floats and dates are never IDs.
  const bool all_unique = static_cast<int64_t>(scan.distinct) == scan.non_missing;
  const bool mostly_distinct = static_cast<double>(scan.distinct) / static_cast<double>(rows) > kIdDistinctShare;
  const bool may_be_id = (!scan.numeric || scan.whole) && scan.datetime_format.empty();
  std::string not_an_id;  // why a unique whole-number column is kept
  if (may_be_id && all_unique && mostly_distinct) {
    const double skew = scan.numeric ? sample_skewness(scan.numbers) : 0.0;
    if (!(skew > kIdMaxSkew)) {  // NaN (fewer than 3 values) does not rule an ID out, as in pandas
      out.role = ColumnRole::Id;
      out.reason =
          fmt::format("{} unique {} in {} rows, so it looks like an ID", scan.distinct, kind, rows) + not_dates(scan);
      return out;
    }
    not_an_id = fmt::format(", all unique but skewed (skew {:.3g} > {}), so not an ID", skew, kIdMaxSkew);
  }
  if (!scan.datetime_format.empty()) {
    out.role = ColumnRole::Datetime;
    out.datetime_format = scan.datetime_format;
    out.reason = "dates in the format " + scan.datetime_format;
    return out;
  }
  if (!scan.numeric) {
    out.role = ColumnRole::Categorical;
    out.reason = fmt::format("{} distinct text values in {} rows", scan.distinct, rows) + not_dates(scan);
    return out;
  }
  const auto distinct = static_cast<double>(scan.distinct);
  if (scan.whole && scan.distinct <= kMaxCategoricalIntegers && distinct <= static_cast<double>(rows) / 2.0 &&
      (scan.distinct <= kAlwaysCategoricalIntegers ||
       distinct * kRowsPerIntegerCategory <= static_cast<double>(rows))) {
    out.role = ColumnRole::Categorical;
    out.reason = fmt::format("{} distinct whole numbers in {} rows, few enough to be categories", scan.distinct, rows);
    return out;
  }
  out.role = scan.whole ? ColumnRole::Integer : ColumnRole::Float;
  out.reason = fmt::format("{} distinct {} in {} rows{}", scan.distinct, kind, rows, not_an_id);
  return out;
}

// Columns named in `numeric`: every non-missing cell must read as a number.
ColumnSchema forced_numeric(const RawTable& raw, size_t c, char decimal) {
  ColumnSchema out;
  out.name = raw.names[c];
  out.forced = true;
  const RawColumn& column = raw.columns[c];
  bool whole = true;
  for (int64_t r = 0; r < column.size() && column.holds_numbers(); ++r)
    whole = whole && (column.missing_number(r) || is_whole(column.number(r)));
  for (int64_t r = 0; r < column.size() && !column.holds_numbers(); ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    const auto number = parse_number(cell, decimal);
    if (!number)
      throw input_error(raw.source, raw.line_of(r), static_cast<int64_t>(c) + 1,
                        "expected a number in column " + in_quotes(out.name) + ", found " + in_quotes(cell) +
                            " (the column was named in `numeric`)");
    whole = whole && is_whole(*number);
  }
  out.role = whole ? ColumnRole::Integer : ColumnRole::Float;
  out.reason = std::string(whole ? "whole numbers" : "numbers") + ", as asked by `numeric`";
  return out;
}

// Columns named in `datetime`: every non-missing cell must read as a date in one format.
ColumnSchema forced_datetime(const RawTable& raw, size_t c) {
  ColumnSchema out;
  out.name = raw.names[c];
  out.forced = true;
  out.role = ColumnRole::Datetime;
  RawColumn converted;
  if (raw.columns[c].holds_numbers()) converted = raw.columns[c].as_text();
  const RawColumn& cells = raw.columns[c].holds_numbers() ? converted : raw.columns[c];
  const DateScan scan = scan_dates(cells);
  if (scan.failing_row >= 0) {
    const auto cell = trim(cells.cell(scan.failing_row));
    std::string known;
    for (const char* format : kDatetimeFormats) known.append(known.empty() ? "" : ", ").append(format);
    throw input_error(raw.source, raw.line_of(scan.failing_row), static_cast<int64_t>(c) + 1,
                      scan.format_above.empty()
                          ? "expected a date in column " + in_quotes(out.name) + ", found " + in_quotes(cell) +
                                " (the column was named in `datetime`; known formats: " + known + ")"
                          : "expected a date in column " + in_quotes(out.name) + " in the format " + scan.format_above +
                                " of the cells above, found " + in_quotes(cell) +
                                " (the column was named in `datetime`)");
  }
  if (scan.format.empty()) {  // every cell missing: nothing to read, nothing to check
    out.role = ColumnRole::Dropped;
    out.reason = "every value is missing";
    return out;
  }
  out.datetime_format = scan.format;
  out.reason = "dates in the format " + scan.format + ", as asked by `datetime`";
  return out;
}

void check_overrides(const RawTable& raw, const SchemaOverrides& overrides) {
  const std::pair<const char*, const std::vector<std::string>*> lists[] = {{"`categorical`", &overrides.categorical},
                                                                           {"`numeric`", &overrides.numeric},
                                                                           {"`datetime`", &overrides.datetime},
                                                                           {"`drop`", &overrides.drop}};
  for (const auto& [option, names] : lists)
    for (const auto& name : *names)
      if (!contains(raw.names, name))
        throw usage_error(raw.source + ": " + option + " names no column " + in_quotes(name) + "; the columns are " +
                          column_list(raw.names));
  for (size_t a = 0; a < std::size(lists); ++a)
    for (size_t b = a + 1; b < std::size(lists); ++b)
      for (const auto& name : *lists[a].second)
        if (contains(*lists[b].second, name))
          throw usage_error(std::string("column ") + in_quotes(name) + " is named in both " + lists[a].first + " and " +
                            lists[b].first + "; choose one");
}

}  // namespace

double sample_skewness(const std::vector<double>& values) {
  const double n = static_cast<double>(values.size());
  if (values.size() < 3) return std::nan("");
  double mean = 0.0;
  for (double v : values) mean += v;
  mean /= n;
  double m2 = 0.0, m3 = 0.0;
  for (double v : values) {
    const double d = v - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  if (m2 == 0.0) return 0.0;
  return std::sqrt(n * (n - 1)) / (n - 2) * m3 / std::pow(m2, 1.5);
}

Schema infer_schema(const RawTable& raw, const SchemaOverrides& overrides) {
  check_overrides(raw, overrides);
  Schema schema;
  schema.decimal = choose_decimal(raw);
  schema.delimiter = raw.delimiter;
  for (size_t c = 0; c < raw.names.size(); ++c) {
    const std::string& name = raw.names[c];
    if (contains(overrides.drop, name)) {
      schema.columns.push_back({name, ColumnRole::Dropped, "left out, as asked by `drop`", "", true});
    } else if (contains(overrides.categorical, name)) {
      schema.columns.push_back({name, ColumnRole::Categorical, "categories, as asked by `categorical`", "", true});
    } else if (contains(overrides.numeric, name)) {
      schema.columns.push_back(forced_numeric(raw, c, schema.decimal));
    } else if (contains(overrides.datetime, name)) {
      schema.columns.push_back(forced_datetime(raw, c));
    } else {
      schema.columns.push_back(infer_column(name, raw.columns[c], raw.rows(), schema.decimal));
    }
  }
  return schema;
}

Table to_table(const RawTable& raw, const Schema& schema) {
  if (schema.columns.size() != raw.columns.size())
    throw Error(ErrorKind::Input, fmt::format("{}: the schema has {} columns but the file has {}", raw.source,
                                              schema.columns.size(), raw.columns.size()));
  Table table;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSchema& spec = schema.columns[c];
    if (spec.role == ColumnRole::Id || spec.role == ColumnRole::Dropped) continue;
    const RawColumn& given = raw.columns[c];
    const int64_t rows = given.size();
    const auto fail = [&](int64_t r, std::string_view cell, const std::string& expected) {
      return input_error(raw.source, raw.line_of(r), static_cast<int64_t>(c) + 1,
                         "expected " + expected + " in column " + in_quotes(spec.name) + ", found " + in_quotes(cell));
    };
    Column column;
    column.name = spec.name;
    ColumnRole role = spec.role;
    if (role == ColumnRole::Constant) {
      // A constant keeps the type of its value: a number stays a number.
      role = ColumnRole::Categorical;
      for (int64_t r = 0; r < rows && given.holds_numbers(); ++r) {
        if (given.missing_number(r)) continue;
        role = is_whole(given.number(r)) ? ColumnRole::Integer : ColumnRole::Float;
        break;
      }
      for (int64_t r = 0; r < rows && !given.holds_numbers(); ++r) {
        const auto cell = trim(given.cell(r));
        if (is_missing_marker(cell)) continue;
        if (const auto number = parse_number(cell, schema.decimal))
          role = is_whole(*number) ? ColumnRole::Integer : ColumnRole::Float;
        break;
      }
    }
    const bool read_numbers = role == ColumnRole::Integer || role == ColumnRole::Float;
    if (given.holds_numbers() && read_numbers) {
      column.type = role == ColumnRole::Integer ? ColumnType::Integer : ColumnType::Float;
      column.values.reserve(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r) {
        const double value = given.missing_number(r) ? kMissingValue : given.number(r);
        if (role == ColumnRole::Integer && !given.missing_number(r) && !is_whole(value))
          throw fail(r, given.text(r), "a whole number");
        column.values.push_back(value);
      }
      table.columns.push_back(std::move(column));
      continue;
    }
    // Categories and dates of a number column read its numbers' text, as from a CSV.
    RawColumn converted;
    if (given.holds_numbers()) converted = given.as_text();
    const RawColumn& cells = given.holds_numbers() ? converted : given;
    if (role == ColumnRole::Categorical) {
      // Labels are the trimmed cell text, in order of first appearance; the map's keys point
      // into the raw text, so no cell is copied but the first of each label.
      column.type = ColumnType::Categorical;
      column.codes.reserve(static_cast<size_t>(rows));
      std::unordered_map<std::string_view, int32_t> index;
      for (int64_t r = 0; r < rows; ++r) {
        const auto cell = trim(cells.cell(r));
        if (is_missing_marker(cell)) {
          column.codes.push_back(kMissingCode);
          continue;
        }
        auto [it, added] = index.emplace(cell, static_cast<int32_t>(column.categories.size()));
        if (added) column.categories.emplace_back(cell);
        column.codes.push_back(it->second);
      }
    } else {
      const bool dates = role == ColumnRole::Datetime;
      const bool integer = role == ColumnRole::Integer;
      column.type = dates ? ColumnType::Datetime : integer ? ColumnType::Integer : ColumnType::Float;
      if (dates) column.datetime_format = spec.datetime_format;
      const std::string expected = dates     ? "a date in the format " + spec.datetime_format
                                   : integer ? "a whole number"
                                             : "a number";
      column.values.reserve(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r) {
        const auto cell = trim(cells.cell(r));
        if (is_missing_marker(cell)) {
          column.values.push_back(kMissingValue);
          continue;
        }
        const auto value = dates ? parse_datetime(cell, spec.datetime_format) : parse_number(cell, schema.decimal);
        if (!value || (integer && !is_whole(*value))) throw fail(r, cell, expected);
        column.values.push_back(*value);
      }
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

}  // namespace synthtab
