#include "synthtab/prepare/schema.hpp"

namespace synthtab {

const char* to_string(ColumnRole role) {
  switch (role) {
    case ColumnRole::Integer:
      return "integer";
    case ColumnRole::Float:
      return "float";
    case ColumnRole::Categorical:
      return "categorical";
    case ColumnRole::Datetime:
      return "datetime";
    case ColumnRole::Id:
      return "id";
    case ColumnRole::Constant:
      return "constant";
    case ColumnRole::Dropped:
      return "dropped";
  }
  return "unknown";
}

}  // namespace synthtab
