#pragma once
// Values too large to square: the checks and fits square values (variances, distances,
// residuals), and beyond 1e150 a square overflows double precision, so a column's figures would
// come out as inf or NaN, or stop a statistical test, with no word of why.
#include <string>

#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

inline constexpr double kMaxSquarableMagnitude = 1e150;

// Throws Error(Input) at the first numeric cell of `table` (read from `raw`, the file `path`)
// beyond kMaxSquarableMagnitude, naming its line, column and value; `step` says what squares it
// ("the checks square values").
void check_squarable(const Table& table, const RawTable& raw, const std::string& path, const std::string& step);

}  // namespace synthtab
