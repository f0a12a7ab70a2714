#pragma once
// A typed column of a table. Missing values are first-class: NaN in `values`,
// kMissingCode in `codes`.
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace synthtab {

enum class ColumnType : uint8_t {
  Integer,      // whole numbers; written back without a decimal part
  Float,        // real numbers; written back in shortest round-trip form
  Categorical,  // labels (strings, or numbers with few distinct values); written as labels
  Datetime,     // seconds since 1970-01-01 UTC; written back in `datetime_format`
};

const char* to_string(ColumnType type);

inline constexpr int32_t kMissingCode = -1;
inline constexpr double kMissingValue = std::numeric_limits<double>::quiet_NaN();

struct Column {
  std::string name;
  ColumnType type = ColumnType::Float;
  std::vector<double> values;           // Integer, Float, Datetime; NaN = missing
  std::vector<int32_t> codes;           // Categorical: index into `categories`, or kMissingCode
  std::vector<std::string> categories;  // Categorical labels, as they appear in the input
  std::string datetime_format;          // Datetime: strftime-style format used to write back

  bool is_categorical() const { return type == ColumnType::Categorical; }
  bool is_numeric() const { return !is_categorical(); }
  int64_t size() const { return static_cast<int64_t>(is_categorical() ? codes.size() : values.size()); }
  bool is_missing(int64_t row) const {
    return is_categorical() ? codes[static_cast<size_t>(row)] == kMissingCode
                            : std::isnan(values[static_cast<size_t>(row)]);
  }
  int64_t missing_count() const;
  // A column of the same name, type, categories and format with no rows.
  Column empty_like() const;
};

}  // namespace synthtab
