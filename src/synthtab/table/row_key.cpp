#include "synthtab/table/row_key.hpp"

#include <cmath>
#include <cstring>
#include <limits>

#include "synthtab/core/hash.hpp"

namespace synthtab {

std::string row_key(const Table& table, int64_t row) {
  std::string key;
  for (const auto& column : table.columns) {
    if (column.is_categorical()) {
      const int32_t code = column.codes[static_cast<size_t>(row)];
      if (code == kMissingCode) {
        key += '\x01';
      } else {
        key += '\x02';
        key += column.categories[static_cast<size_t>(code)];
      }
    } else {
      double v = column.values[static_cast<size_t>(row)];
      if (std::isnan(v)) v = std::numeric_limits<double>::quiet_NaN();  // one NaN pattern
      if (v == 0.0) v = 0.0;                                             // -0 == +0
      char bytes[sizeof(double)];
      std::memcpy(bytes, &v, sizeof v);
      key += '\x03';
      key.append(bytes, sizeof bytes);
    }
    key += '\x1f';  // keeps "ab"+"c" apart from "a"+"bc"
  }
  return key;
}

uint64_t row_hash(const Table& table, int64_t row) { return fnv1a64(row_key(table, row)); }

}  // namespace synthtab
