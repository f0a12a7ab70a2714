#pragma once
// Checks the transformers share: a transformed column must be complete and must be the kind
// of column the transformer was fitted on.
#include <string>
#include <vector>

#include "synthtab/core/matrix.hpp"
#include "synthtab/table/column.hpp"

namespace synthtab {

// Throws Error(Input) naming the column and the first missing row.
void require_no_missing(const Column& column);

// Throws Error(Input) when `column` is categorical and `fitted` is not, or the other way round.
void require_same_kind(const Column& column, const Column& fitted);

// Throws std::invalid_argument when `out` cannot take `width` values per row of `column` at
// `offset` (a caller's bug, not a user's).
void require_room(const Column& column, const Matrix& out, int64_t offset, int width);

// Throws std::invalid_argument when `in` has no `width` columns at `offset`.
void require_columns(const Matrix& in, int64_t offset, int width);

// A numeric column's values, missing ones left out; throws Error(Input) naming the row of an
// infinite value.
std::vector<double> present_values(const Column& column);

}  // namespace synthtab
