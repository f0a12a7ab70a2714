#include "synthtab/constraints/row_keeping.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace synthtab {

double on_unit(double value, double unit) {
  if (unit <= 0) return value;
  if (unit < 1) {
    const double scale = std::nearbyint(1.0 / unit);
    if (std::abs(scale * unit - 1.0) < 1e-9) return std::nearbyint(value * scale) / scale;
  }
  return std::nearbyint(value / unit) * unit;
}

void project_sum(double total, const std::vector<double>& units, std::vector<double*>& parts) {
  const auto k = static_cast<double>(parts.size());
  double sum = 0.0;
  bool never_negative = true;
  for (double* p : parts) {
    sum += *p;
    never_negative = never_negative && *p >= 0;
  }
  if (never_negative && total > 0) {
    for (double* p : parts) *p = sum > 0 ? *p * total / sum : total / k;
  } else {
    for (double* p : parts) *p += (total - sum) / k;
  }
  const double unit = units[0];
  const bool one_unit = unit > 0 && std::all_of(units.begin(), units.end(), [&](double u) { return u == unit; });
  const double units_total = total / unit;
  if (one_unit && std::abs(units_total - std::nearbyint(units_total)) < 1e-6) {
    std::vector<double> floors, remainders;
    double given = 0.0;
    for (double* p : parts) {
      const double f = std::floor(*p / unit + 1e-9);
      floors.push_back(f);
      remainders.push_back(*p / unit - f);
      given += f;
    }
    std::vector<size_t> order(parts.size());
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return remainders[a] > remainders[b]; });
    // Floors fall short by less than a unit each; past 2^53 units rounding can say otherwise (a
    // tampered total of 1e25), so the count is bounded before it becomes an integer.
    const double missing = std::nearbyint(units_total - given);
    const auto deficit_bound = static_cast<double>(parts.size());
    auto deficit = static_cast<int64_t>(!(missing > 0.0) ? 0.0 : std::min(missing, deficit_bound));
    for (size_t i = 0; i < order.size() && deficit > 0; ++i, --deficit) floors[order[i]] += 1;
    for (size_t i = 0; i < parts.size(); ++i) *parts[i] = on_unit(floors[i] * unit, unit);
    return;
  }
  // Mixed units: each part rounded, the finest one takes what is left.
  const auto finest = static_cast<size_t>(std::min_element(units.begin(), units.end()) - units.begin());
  double rest = total;
  for (size_t i = 0; i < parts.size(); ++i)
    if (i != finest) rest -= (*parts[i] = on_unit(*parts[i], units[i]));
  *parts[finest] = rest;
}

void restore_remainder(const Rule& rule, const std::vector<int64_t>& at, Table& rows, size_t row, bool exception) {
  const auto cell = [&](size_t k) -> double& { return rows.columns[static_cast<size_t>(at[k])].values[row]; };
  const double sum = std::max(0.0, exception ? rule.total + cell(at.size() - 1) : rule.total);
  std::vector<double*> parts;
  double left = sum;
  for (size_t k = 0; k + 1 < at.size(); ++k) {
    double& part = cell(k);
    part = std::max(part, 0.0);
    left -= part;
    parts.push_back(&part);
  }
  if (left < 0) {
    for (double* p : parts) *p *= sum / (sum - left);
    left = 0;
  }
  cell(at.size() - 1) = left;
  parts.push_back(&cell(at.size() - 1));
  // Rounded onto the units, the sum kept.
  project_sum(on_unit(sum, rule.units[0]), rule.units, parts);
}

}  // namespace synthtab
