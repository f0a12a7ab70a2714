#pragma once
// Moving one drawn row's cells so that it keeps a rule: parts onto their total, values onto
// their unit. The RuleSet decides which rows and rules.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "synthtab/constraints/rules.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

// `value` on the grid of `unit` (0 = none), as the nearest double to the decimal number.
double on_unit(double value, double unit);

// Moves one row's parts onto `total`: rescaled when they are never negative, shifted
// otherwise, then rounded to their unit with the largest remainders so the sum stays exact.
void project_sum(double total, const std::vector<double>& units, std::vector<double*>& parts);

// One row's parts (Keeping::Remainder; `at` their columns, the largest part last): the largest
// is what the others leave of the total (the others scaled down when they exceed it), or of the
// drawn sum in a row drawn as a real exception.
void restore_remainder(const Rule& rule, const std::vector<int64_t>& at, Table& rows, size_t row, bool exception);

}  // namespace synthtab
