#pragma once
// How decoded numbers are made to look like the training values: integers stay whole, dates
// keep their unit, floats keep the input's decimal places, and nothing leaves the real range.
#include <vector>

#include "synthtab/table/column.hpp"

namespace synthtab {

// The coarsest unit every training value is a whole multiple of (1 for integers; a day, hour,
// minute or second for datetimes), or 0 for none.
double rounding_unit(const Column& column, const std::vector<double>& values);

// Float columns: the fewest decimal places (at most 10) that write every training value
// exactly, or -1. Values typed with 2 decimals (money) then come back with 2 decimals.
int decimal_places(const Column& column, const std::vector<double>& values);

// Whether a unit read from a model file can be applied to values in [low, high]: 0 (none), or
// a positive unit that leaves value / unit finite (a unit of 1e-320 on the value 2 overflowed
// to infinity, and every drawn value with it).
bool rounding_unit_fits(double unit, double low, double high);

// Applies the unit and the decimal places, clamped to [low, high]. Built once per column so
// the power of ten is not recomputed per cell.
class ValueRounding {
 public:
  ValueRounding(double unit, int decimals, double low, double high);
  double operator()(double value) const;

 private:
  double unit_, decimal_scale_, low_, high_;
  bool has_decimals_;
};

}  // namespace synthtab
