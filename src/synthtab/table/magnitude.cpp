#include "synthtab/table/magnitude.hpp"

#include <algorithm>
#include <cmath>

#include "synthtab/core/error.hpp"

namespace synthtab {

void check_squarable(const Table& table, const RawTable& raw, const std::string& path, const std::string& step) {
  for (const auto& column : table.columns) {
    if (column.is_categorical()) continue;
    for (int64_t r = 0; r < column.size(); ++r) {
      if (!(std::abs(column.values[static_cast<size_t>(r)]) > kMaxSquarableMagnitude)) continue;
      const auto at =
          static_cast<size_t>(std::find(raw.names.begin(), raw.names.end(), column.name) - raw.names.begin());
      const std::string cell = at < raw.columns.size() ? raw.columns[at].text(r) : "a huge value";
      throw input_error(
          path, raw.line_of(r), static_cast<int64_t>(at) + 1,
          "column \"" + column.name + "\" holds " + cell + ", beyond 1e150: " + step +
              ", which overflows there; rescale the column (e.g. to thousands or millions) in every table");
    }
  }
}

}  // namespace synthtab
