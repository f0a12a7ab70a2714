#include "synthtab/transform/column_checks.hpp"

#include <cmath>
#include <stdexcept>

#include "synthtab/core/error.hpp"

namespace synthtab {

void require_no_missing(const Column& column) {
  for (int64_t row = 0; row < column.size(); ++row) {
    if (column.is_missing(row)) {
      throw Error(ErrorKind::Input, "column '" + column.name + "' has missing values (first at row " +
                                        std::to_string(row + 1) +
                                        "); fill or drop them before transforming (see the preparation step)");
    }
  }
}

void require_same_kind(const Column& column, const Column& fitted) {
  if (column.is_categorical() != fitted.is_categorical()) {
    throw Error(ErrorKind::Input, "column '" + column.name + "' is " + to_string(column.type) +
                                      ", but its transformer was fitted on a " + to_string(fitted.type) + " column");
  }
}

void require_room(const Column& column, const Matrix& out, int64_t offset, int width) {
  if (column.size() != out.rows || offset < 0 || offset + width > out.cols) {
    throw std::invalid_argument("transform of column '" + column.name + "': the output matrix has the wrong shape");
  }
}

void require_columns(const Matrix& in, int64_t offset, int width) {
  if (offset < 0 || offset + width > in.cols) {
    throw std::invalid_argument("inverse transform: the model matrix has too few columns");
  }
}

std::vector<double> present_values(const Column& column) {
  std::vector<double> present;
  present.reserve(column.values.size());
  for (size_t row = 0; row < column.values.size(); ++row) {
    const double v = column.values[row];
    if (std::isnan(v)) continue;
    if (std::isinf(v))
      throw Error(ErrorKind::Input,
                  "column '" + column.name + "' has an infinite value at row " + std::to_string(row + 1));
    present.push_back(v);
  }
  return present;
}

}  // namespace synthtab
