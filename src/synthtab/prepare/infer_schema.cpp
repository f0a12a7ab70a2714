#include "synthtab/prepare/infer_schema.hpp"

#include <algorithm>
#include <cmath>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

// Integer columns with at most this many distinct values (and at most half as many distinct
// values as rows) are categorical: years, weekdays, ratings, flags.
constexpr size_t kMaxCategoricalIntegers = 10;
// The seed's ID rule: more than 95 % of rows distinct, every non-missing value unique, and for
// numbers a skew of at most 0.2 (an evenly spread counter rather than a measurement).
constexpr double kIdDistinctShare = 0.95;
constexpr double kIdMaxSkew = 0.2;

bool contains(const std::vector<std::string>& names, const std::string& name) {
  return std::find(names.begin(), names.end(), name) != names.end();
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

namespace {

char choose_decimal(const RawTable& raw) {
  if (raw.decimal != 0) return raw.decimal;
  // Count cells that read as numbers only with one of the two marks ("0,91" vs "0.91").
  int64_t dot_only = 0, comma_only = 0;
  for (const auto& column : raw.columns) {
    for (int64_t r = 0; r < column.size(); ++r) {
      const auto cell = trim(column.cell(r));
      if (cell.find_first_of(".,") == std::string_view::npos) continue;
      const bool dot = parse_number(cell, '.').has_value();
      const bool comma = parse_number(cell, ',').has_value();
      dot_only += dot && !comma;
      comma_only += comma && !dot;
    }
  }
  return comma_only > dot_only ? ',' : '.';
}

std::string quoted(std::string_view text) {
  std::string out(1, '"');
  out.append(text).push_back('"');
  return out;
}

// What one column's cells look like.
struct ColumnScan {
  int64_t non_missing = 0;
  bool numeric = true;
  bool whole = true;
  std::vector<double> numbers;  // when numeric
  size_t distinct = 0;
  std::string datetime_format;  // when every cell reads as a date in one format
};

std::string find_datetime_format(const RawColumn& column) {
  std::string format;
  for (int64_t r = 0; r < column.size(); ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    if (!format.empty() && parse_datetime(cell, format)) continue;
    // The first cell, or one the current format cannot read: try the format that reads it,
    // and keep it only if it reads every cell so far.
    const std::string candidate = detect_datetime_format(cell);
    if (candidate.empty()) return "";
    for (int64_t q = 0; q < r; ++q) {
      const auto earlier = trim(column.cell(q));
      if (!is_missing_marker(earlier) && !parse_datetime(earlier, candidate)) return "";
    }
    format = candidate;
  }
  return format;
}

ColumnScan scan_column(const RawColumn& column, char decimal) {
  ColumnScan scan;
  std::unordered_set<std::string_view> labels;
  for (int64_t r = 0; r < column.size(); ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    ++scan.non_missing;
    labels.insert(cell);
    if (!scan.numeric) continue;
    const auto number = parse_number(cell, decimal);
    if (!number) {
      scan.numeric = false;
      scan.numbers.clear();
      continue;
    }
    scan.numbers.push_back(*number);
    scan.whole = scan.whole && std::abs(*number) < 9007199254740992.0 && *number == std::floor(*number);
  }
  if (scan.numeric) {
    scan.distinct = std::set<double>(scan.numbers.begin(), scan.numbers.end()).size();
  } else {
    scan.distinct = labels.size();
    scan.datetime_format = find_datetime_format(column);
  }
  return scan;
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
  const std::string kind = scan.numeric ? (scan.whole ? "whole numbers" : "numbers")
                           : scan.datetime_format.empty() ? "text values"
                                                          : "dates";
  if (scan.distinct == 1) {
    out.role = ColumnRole::Constant;
    out.reason = "one distinct value in " + std::to_string(scan.non_missing) + " rows";
    return out;
  }
  const bool all_unique = static_cast<int64_t>(scan.distinct) == scan.non_missing;
  const bool mostly_distinct = static_cast<double>(scan.distinct) / static_cast<double>(rows) > kIdDistinctShare;
  const bool may_be_id = (!scan.numeric || scan.whole) && scan.datetime_format.empty();
  if (may_be_id && all_unique && mostly_distinct &&
      !(scan.numeric && sample_skewness(scan.numbers) > kIdMaxSkew)) {
    out.role = ColumnRole::Id;
    out.reason = fmt::format("{} unique {} in {} rows, so it looks like an ID", scan.distinct, kind, rows);
    return out;
  }
  if (!scan.numeric && !scan.datetime_format.empty()) {
    out.role = ColumnRole::Datetime;
    out.datetime_format = scan.datetime_format;
    out.reason = "dates in the format " + scan.datetime_format;
    return out;
  }
  if (!scan.numeric) {
    out.role = ColumnRole::Categorical;
    out.reason = fmt::format("{} distinct text values", scan.distinct);
    return out;
  }
  if (scan.whole && scan.distinct <= kMaxCategoricalIntegers &&
      static_cast<double>(scan.distinct) <= static_cast<double>(rows) / 2.0) {
    out.role = ColumnRole::Categorical;
    out.reason = fmt::format("{} distinct whole numbers in {} rows", scan.distinct, rows);
    return out;
  }
  out.role = scan.whole ? ColumnRole::Integer : ColumnRole::Float;
  out.reason = fmt::format("{} distinct {} in {} rows", scan.distinct, kind, rows);
  return out;
}

// Applies a --numeric or --datetime override, checking every cell.
ColumnSchema forced_column(const RawTable& raw, size_t c, ColumnRole role, char decimal) {
  ColumnSchema out;
  out.name = raw.names[c];
  out.forced = true;
  const RawColumn& column = raw.columns[c];
  if (role == ColumnRole::Datetime) {
    out.role = ColumnRole::Datetime;
    out.datetime_format = find_datetime_format(column);
    if (out.datetime_format.empty()) {
      for (int64_t r = 0; r < column.size(); ++r) {
        const auto cell = trim(column.cell(r));
        if (!is_missing_marker(cell) && detect_datetime_format(cell).empty())
          throw input_error(raw.source, raw.line_of(r), static_cast<int64_t>(c) + 1,
                            "expected a date in column " + quoted(out.name) + " (--datetime), found " +
                                quoted(cell));
      }
      throw input_error(raw.source, 0, 0,
                        "column " + quoted(out.name) + " (--datetime) mixes date formats; use one format");
    }
    out.reason = "dates in the format " + out.datetime_format + " (--datetime)";
    return out;
  }
  bool whole = true;
  for (int64_t r = 0; r < column.size(); ++r) {
    const auto cell = trim(column.cell(r));
    if (is_missing_marker(cell)) continue;
    const auto number = parse_number(cell, decimal);
    if (!number)
      throw input_error(raw.source, raw.line_of(r), static_cast<int64_t>(c) + 1,
                        "expected a number in column " + quoted(out.name) + " (--numeric), found " +
                            quoted(cell));
    whole = whole && *number == std::floor(*number);
  }
  out.role = whole ? ColumnRole::Integer : ColumnRole::Float;
  out.reason = std::string(whole ? "whole numbers" : "numbers") + " (--numeric)";
  return out;
}

}  // namespace

Schema infer_schema(const RawTable& raw, const SchemaOverrides& overrides) {
  for (const auto* names : {&overrides.categorical, &overrides.numeric, &overrides.datetime, &overrides.drop}) {
    for (const auto& name : *names) {
      if (contains(raw.names, name)) continue;
      std::string known;
      for (const auto& n : raw.names) known.append(known.empty() ? "" : ", ").append(quoted(n));
      throw usage_error(raw.source + ": no column named " + quoted(name) + "; the columns are " + known);
    }
  }
  Schema schema;
  schema.decimal = choose_decimal(raw);
  schema.delimiter = raw.delimiter;
  for (size_t c = 0; c < raw.names.size(); ++c) {
    const std::string& name = raw.names[c];
    if (contains(overrides.drop, name)) {
      schema.columns.push_back({name, ColumnRole::Dropped, "left out (--drop)", "", true});
    } else if (contains(overrides.categorical, name)) {
      schema.columns.push_back({name, ColumnRole::Categorical, "categorical (--categorical)", "", true});
    } else if (contains(overrides.numeric, name)) {
      schema.columns.push_back(forced_column(raw, c, ColumnRole::Float, schema.decimal));
    } else if (contains(overrides.datetime, name)) {
      schema.columns.push_back(forced_column(raw, c, ColumnRole::Datetime, schema.decimal));
    } else {
      schema.columns.push_back(infer_column(name, raw.columns[c], raw.rows(), schema.decimal));
    }
  }
  return schema;
}

Table to_table(const RawTable& raw, const Schema& schema) {
  Table table;
  for (size_t c = 0; c < schema.columns.size(); ++c) {
    const ColumnSchema& spec = schema.columns[c];
    if (spec.role == ColumnRole::Id || spec.role == ColumnRole::Dropped) continue;
    const RawColumn& cells = raw.columns[c];
    const int64_t rows = cells.size();
    Column column;
    column.name = spec.name;
    ColumnRole role = spec.role;
    if (role == ColumnRole::Constant) {
      // A constant keeps the type of its value.
      role = ColumnRole::Categorical;
      for (int64_t r = 0; r < rows; ++r) {
        const auto cell = trim(cells.cell(r));
        if (is_missing_marker(cell)) continue;
        if (const auto number = parse_number(cell, schema.decimal))
          role = *number == std::floor(*number) ? ColumnRole::Integer : ColumnRole::Float;
        break;
      }
    }
    if (role == ColumnRole::Categorical) {
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
      column.type = dates ? ColumnType::Datetime
                          : role == ColumnRole::Integer ? ColumnType::Integer : ColumnType::Float;
      column.datetime_format = spec.datetime_format;
      column.values.reserve(static_cast<size_t>(rows));
      for (int64_t r = 0; r < rows; ++r) {
        const auto cell = trim(cells.cell(r));
        if (is_missing_marker(cell)) {
          column.values.push_back(kMissingValue);
          continue;
        }
        const auto value = dates ? parse_datetime(cell, spec.datetime_format) : parse_number(cell, schema.decimal);
        if (!value)
          throw input_error(raw.source, raw.line_of(r), static_cast<int64_t>(c) + 1,
                            std::string(dates ? "expected a date (" + spec.datetime_format + ")" : "expected a number") +
                                " in column " + quoted(spec.name) + ", found " + quoted(cell));
        column.values.push_back(*value);
      }
    }
    table.columns.push_back(std::move(column));
  }
  return table;
}

}  // namespace synthtab
