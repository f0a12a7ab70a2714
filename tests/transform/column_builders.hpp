#pragma once
// Small column builders shared by the transform tests.
#include <string>
#include <vector>

#include "synthtab/table/column.hpp"

namespace synthtab::testing {

inline Column numeric_column(const std::string& name, ColumnType type, std::vector<double> values) {
  Column column;
  column.name = name;
  column.type = type;
  column.values = std::move(values);
  if (type == ColumnType::Datetime) column.datetime_format = "%Y-%m-%d %H:%M:%S";
  return column;
}

// Categories in first-appearance order, as the CSV reader builds them; "" = missing.
inline Column categorical_column(const std::string& name, const std::vector<std::string>& labels) {
  Column column;
  column.name = name;
  column.type = ColumnType::Categorical;
  for (const auto& label : labels) {
    if (label.empty()) {
      column.codes.push_back(kMissingCode);
      continue;
    }
    size_t code = 0;
    while (code < column.categories.size() && column.categories[code] != label) ++code;
    if (code == column.categories.size()) column.categories.push_back(label);
    column.codes.push_back(static_cast<int32_t>(code));
  }
  return column;
}

}  // namespace synthtab::testing
