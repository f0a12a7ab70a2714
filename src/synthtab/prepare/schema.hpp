#pragma once
// What preparation decided about each input column, and why.
#include <string>
#include <vector>

#include "synthtab/table/column.hpp"

namespace synthtab {

enum class ColumnRole : uint8_t {
  Integer,
  Float,
  Categorical,
  Datetime,
  Id,        // nearly all values unique and not float (the seed's rule): dropped
  Constant,  // one distinct value: kept, reproduced as that value
  Dropped,   // dropped by the user (--drop) or by a rule (too many missing values)
};

const char* to_string(ColumnRole role);

struct ColumnSchema {
  std::string name;
  ColumnRole role = ColumnRole::Float;
  std::string reason;           // plain words: "12 distinct integers in 19 rows"
  std::string datetime_format;  // for Datetime
  bool forced = false;          // set by a user override
};

struct Schema {
  std::vector<ColumnSchema> columns;  // in input order, including dropped ones
  char decimal = '.';                 // decimal mark used to read numbers
  char delimiter = ',';               // delimiter of the input file
};

// The caller's overrides of the inferred types, by column name.
struct SchemaOverrides {
  std::vector<std::string> categorical;
  std::vector<std::string> numeric;
  std::vector<std::string> datetime;
  std::vector<std::string> drop;
};

}  // namespace synthtab
