#pragma once
// The q-quantile of sorted values by linear interpolation between order statistics (numpy's
// default, Hyndman and Fan's type 7); NaN for no values.
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

namespace synthtab {

inline double sorted_quantile(const std::vector<double>& sorted, double q) {
  if (sorted.empty()) return std::numeric_limits<double>::quiet_NaN();
  const double pos = q * static_cast<double>(sorted.size() - 1);
  const auto i = static_cast<size_t>(std::floor(pos));
  const size_t j = i + 1 < sorted.size() ? i + 1 : sorted.size() - 1;
  return sorted[i] + (pos - static_cast<double>(i)) * (sorted[j] - sorted[i]);
}

}  // namespace synthtab
