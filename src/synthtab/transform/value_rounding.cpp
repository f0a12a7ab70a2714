#include "synthtab/transform/value_rounding.hpp"

#include <algorithm>
#include <cmath>
#include <initializer_list>

namespace synthtab {

namespace {

// The coarsest candidate (coarsest first) that every value is a whole multiple of, or 0.
double common_unit(const std::vector<double>& values, std::initializer_list<double> units) {
  for (double unit : units) {
    const bool all_multiples =
        std::all_of(values.begin(), values.end(), [unit](double v) { return std::fmod(v, unit) == 0.0; });
    if (all_multiples) return unit;
  }
  return 0.0;
}

}  // namespace

double rounding_unit(const Column& column, const std::vector<double>& values) {
  switch (column.type) {
    case ColumnType::Integer:
      return common_unit(values, {1.0});
    case ColumnType::Datetime:
      return common_unit(values, {86400.0, 3600.0, 60.0, 1.0});
    default:
      return 0.0;
  }
}

int decimal_places(const Column& column, const std::vector<double>& values) {
  if (column.type != ColumnType::Float) return -1;
  double scale = 1.0;
  for (int places = 0; places <= 10; ++places, scale *= 10.0) {
    const bool exact = std::all_of(values.begin(), values.end(), [scale](double v) {
      const double scaled = v * scale;
      const double tolerance = std::max(1e-6, 8 * std::abs(std::nextafter(scaled, INFINITY) - scaled));
      return std::abs(scaled - std::nearbyint(scaled)) <= tolerance;
    });
    if (exact) return places;
  }
  return -1;
}

bool rounding_unit_fits(double unit, double low, double high) {
  return unit == 0.0 || (unit > 0.0 && std::isfinite(std::max(std::abs(low), std::abs(high)) / unit));
}

ValueRounding::ValueRounding(double unit, int decimals, double low, double high)
    : unit_(unit),
      decimal_scale_(decimals >= 0 ? std::pow(10.0, decimals) : 1.0),
      low_(low),
      high_(high),
      has_decimals_(decimals >= 0) {}

double ValueRounding::operator()(double value) const {
  value = std::clamp(value, low_, high_);
  // The ends are multiples of the unit, so rounding stays inside [low, high].
  if (unit_ > 0.0) value = std::nearbyint(value / unit_) * unit_;
  // Dividing by the power of ten (not multiplying by its inverse) gives the double nearest to
  // the decimal number, so it prints with at most that many places.
  if (has_decimals_) value = std::clamp(std::nearbyint(value * decimal_scale_) / decimal_scale_, low_, high_);
  return value;
}

}  // namespace synthtab
