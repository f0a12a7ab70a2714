#include "synthtab/models/discretisation.hpp"

#include <algorithm>

namespace synthtab {

DiscreteColumn discretise_column(const std::vector<float>& column, bool keep_values, int bins) {
  DiscreteColumn out;
  const size_t n = column.size();
  std::vector<float> sorted = column;
  std::sort(sorted.begin(), sorted.end());
  out.states.resize(n);
  if (keep_values) {
    out.values = sorted;
    out.values.erase(std::unique(out.values.begin(), out.values.end()), out.values.end());
    for (size_t r = 0; r < n; ++r)
      out.states[r] = static_cast<int32_t>(std::lower_bound(out.values.begin(), out.values.end(), column[r]) -
                                           out.values.begin());
    return out;
  }
  std::vector<float> cuts;
  for (int b = 1; b < bins && n > 0; ++b) {
    const float cut = sorted[static_cast<size_t>(b) * n / static_cast<size_t>(bins)];
    if (cut > sorted.front() && (cuts.empty() || cut > cuts.back())) cuts.push_back(cut);
  }
  out.binned = true;
  out.bins.assign(cuts.size() + 1, {});
  for (float v : sorted) out.bins[static_cast<size_t>(std::upper_bound(cuts.begin(), cuts.end(), v) - cuts.begin())].push_back(v);
  for (size_t r = 0; r < n; ++r)
    out.states[r] = static_cast<int32_t>(std::upper_bound(cuts.begin(), cuts.end(), column[r]) - cuts.begin());
  return out;
}

int32_t state_of_value(const std::vector<float>& values, const std::vector<std::vector<float>>& bins, bool binned,
                       float value) {
  if (!binned) {
    const auto it = std::lower_bound(values.begin(), values.end(), value);
    if (it == values.end()) return static_cast<int32_t>(values.size() - 1);
    if (it == values.begin()) return 0;
    const auto hi = static_cast<int32_t>(it - values.begin());
    return (value - *(it - 1) <= *it - value) ? hi - 1 : hi;
  }
  int32_t state = 0;
  for (size_t b = 1; b < bins.size(); ++b)
    if (bins[b].front() <= value) state = static_cast<int32_t>(b);
  return state;
}

double jitter_within_bin(const std::vector<float>& bin, size_t pick, double u) {
  const double here = bin[pick];
  const double below = pick > 0 ? 0.5 * (here + bin[pick - 1]) : here;
  const double above = pick + 1 < bin.size() ? 0.5 * (here + bin[pick + 1]) : here;
  return below + u * (above - below);
}

}  // namespace synthtab
