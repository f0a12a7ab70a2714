#include "synthtab/transform/numpy_compat.hpp"

#include <algorithm>
#include <cmath>

namespace synthtab {

double numpy_interp(double x, const std::vector<double>& xp, const std::vector<double>& fp) {
  if (std::isnan(x)) return x;
  const size_t n = xp.size();
  if (x < xp.front()) return fp.front();
  if (x > xp.back()) return fp.back();
  // NumPy's search returns the last j with xp[j] <= x.
  const size_t j = static_cast<size_t>(std::upper_bound(xp.begin(), xp.end(), x) - xp.begin()) - 1;
  if (j == n - 1 || xp[j] == x) return fp[j];
  const double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
  double result = slope * (x - xp[j]) + fp[j];
  if (std::isnan(result)) {  // NumPy retries from the right end, then falls back on a flat run
    result = slope * (x - xp[j + 1]) + fp[j + 1];
    if (std::isnan(result) && fp[j] == fp[j + 1]) result = fp[j];
  }
  return result;
}

std::vector<double> numpy_unit_linspace(int count) {
  std::vector<double> out(static_cast<size_t>(std::max(count, 0)));
  if (count == 1) out[0] = 0.0;
  if (count < 2) return out;
  const double step = 1.0 / static_cast<double>(count - 1);
  for (int i = 0; i < count; ++i) out[static_cast<size_t>(i)] = static_cast<double>(i) * step;
  out.back() = 1.0;
  return out;
}

std::vector<double> numpy_percentiles(const std::vector<double>& sorted, const std::vector<double>& fractions) {
  const auto last = static_cast<double>(sorted.size() - 1);
  std::vector<double> out;
  out.reserve(fractions.size());
  for (double fraction : fractions) {
    // sklearn passes percents; NumPy divides them by 100 again.
    const double q = (fraction * 100.0) / 100.0;
    const double virtual_index = last * q;
    if (virtual_index >= last) {
      out.push_back(sorted.back());
      continue;
    }
    const double previous = std::floor(virtual_index);
    const auto index = static_cast<size_t>(previous);
    const double a = sorted[index];
    const double b = sorted[index + 1];
    const double t = virtual_index - previous;
    const double difference = b - a;
    // NumPy's _lerp: interpolate from the nearer end.
    out.push_back(t >= 0.5 ? b - difference * (1.0 - t) : a + difference * t);
  }
  return out;
}

}  // namespace synthtab
