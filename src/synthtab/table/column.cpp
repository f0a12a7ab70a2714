#include "synthtab/table/column.hpp"

#include <algorithm>

namespace synthtab {

const char* to_string(ColumnType type) {
  switch (type) {
    case ColumnType::Integer:
      return "integer";
    case ColumnType::Float:
      return "float";
    case ColumnType::Categorical:
      return "categorical";
    case ColumnType::Datetime:
      return "datetime";
  }
  return "unknown";
}

int64_t Column::missing_count() const {
  if (is_categorical()) return std::count(codes.begin(), codes.end(), kMissingCode);
  return std::count_if(values.begin(), values.end(), [](double v) { return std::isnan(v); });
}

Column Column::empty_like() const {
  Column out;
  out.name = name;
  out.type = type;
  out.categories = categories;
  out.datetime_format = datetime_format;
  return out;
}

}  // namespace synthtab
