#include "synthtab/table/csv_writer.hpp"

#include <charconv>
#include <cmath>
#include <stdexcept>

#include "synthtab/core/atomic_file.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {

namespace {

constexpr size_t kFlushBytes = size_t{1} << 20;
constexpr char kDefaultDatetimeFormat[] = "%Y-%m-%d %H:%M:%S";

bool needs_quotes(std::string_view field, char delimiter) {
  if (field.empty()) return false;
  if (field.front() == ' ' || field.front() == '\t' || field.back() == ' ' || field.back() == '\t') {
    return true;  // readers (and people) tend to trim unquoted spaces
  }
  for (char c : field) {
    if (c == delimiter || c == '"' || c == '\n' || c == '\r') return true;
  }
  return false;
}

// In a one-column file an empty field would be an empty line, which readers skip; writing
// it as "" keeps the row.
void append_field(std::string_view field, char delimiter, bool lone_field, std::string& out) {
  if (!needs_quotes(field, delimiter)) {
    if (field.empty() && lone_field) {
      out.append("\"\"");
    } else {
      out.append(field);
    }
    return;
  }
  out.push_back('"');
  for (char c : field) {
    if (c == '"') out.push_back('"');
    out.push_back(c);
  }
  out.push_back('"');
}

void append_integer(double value, std::string& out) {
  // Integer columns hold whole numbers; a stray fraction (from arithmetic) is rounded so the
  // column keeps its type on the way out.
  const double whole = std::nearbyint(value);
  constexpr double kInt64Limit = 9223372036854775808.0;  // 2^63
  if (std::fabs(whole) < kInt64Limit) {
    char buffer[24];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(whole));
    out.append(buffer, result.ptr);
  } else {
    // Plain digits even for huge values, so the text still reads as a whole number.
    char buffer[400];
    const auto result = std::to_chars(buffer, buffer + sizeof buffer, whole, std::chars_format::fixed);
    out.append(buffer, result.ptr);
  }
}

std::string cell_text(const Column& column, int64_t row, const CsvWriteOptions& options) {
  const auto r = static_cast<size_t>(row);
  if (column.is_missing(row)) return {};
  switch (column.type) {
    case ColumnType::Integer: {
      std::string out;
      append_integer(column.values[r], out);
      return out;
    }
    case ColumnType::Float:
      return format_double(column.values[r], options.decimal);
    case ColumnType::Categorical: {
      const int32_t code = column.codes[r];
      if (code < 0 || static_cast<size_t>(code) >= column.categories.size()) {
        throw std::logic_error("column '" + column.name + "' row " + std::to_string(row) + " has category code " +
                               std::to_string(code) + " but only " + std::to_string(column.categories.size()) +
                               " categories");
      }
      return column.categories[static_cast<size_t>(code)];
    }
    case ColumnType::Datetime:
      return format_datetime(column.values[r], column.datetime_format.empty() ? std::string(kDefaultDatetimeFormat)
                                                                              : column.datetime_format);
  }
  return {};
}

void append_row(const Table& table, int64_t row, const CsvWriteOptions& options, std::string& out) {
  const bool lone_field = table.columns.size() == 1;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out.push_back(options.delimiter);
    append_field(cell_text(table.columns[c], row, options), options.delimiter, lone_field, out);
  }
  out.push_back('\n');
}

void check_options(const CsvWriteOptions& options) {
  if (options.delimiter == '"' || options.delimiter == '\n' || options.delimiter == '\r' || options.delimiter == 0) {
    throw usage_error("the CSV delimiter cannot be a quote, a line break or NUL");
  }
  if (options.decimal != '.' && options.decimal != ',') {
    throw usage_error(std::string("the decimal mark must be '.' or ',', not '") + options.decimal + "'");
  }
}

}  // namespace

void append_csv_header(const Table& table, const CsvWriteOptions& options, std::string& out) {
  check_options(options);
  const bool lone_field = table.columns.size() == 1;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (c > 0) out.push_back(options.delimiter);
    append_field(table.columns[c].name, options.delimiter, lone_field, out);
  }
  out.push_back('\n');
}

void append_csv_rows(const Table& table, int64_t first, int64_t count, const CsvWriteOptions& options,
                     std::string& out) {
  check_options(options);
  if (first < 0 || count < 0 || first + count > table.rows()) {
    throw std::out_of_range("append_csv_rows: rows [" + std::to_string(first) + ", " + std::to_string(first + count) +
                            ") outside a table of " + std::to_string(table.rows()) + " rows");
  }
  for (int64_t row = first; row < first + count; ++row) append_row(table, row, options, out);
}

void write_csv(const Table& table, const std::string& path, const CsvWriteOptions& options) {
  check_options(options);  // before any file is created
  AtomicFile file(path);
  std::string chunk;
  chunk.reserve(kFlushBytes + (kFlushBytes >> 2));
  append_csv_header(table, options, chunk);
  const int64_t rows = table.rows();
  for (int64_t row = 0; row < rows; ++row) {
    append_row(table, row, options, chunk);
    if (chunk.size() >= kFlushBytes) {
      file.write(chunk);
      chunk.clear();
    }
  }
  file.write(chunk);
  file.commit();
}

}  // namespace synthtab
