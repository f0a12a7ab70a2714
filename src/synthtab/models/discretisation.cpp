#include "synthtab/models/discretisation.hpp"

#include <algorithm>
#include <cmath>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/json_checks.hpp"

namespace synthtab {

int quantile_bins_for(int64_t rows) {
  return static_cast<int>(std::max<int64_t>(2, std::min<int64_t>(kMaxQuantileBins, rows / 5)));
}

void check_discrete_input(const Matrix& data, const char* model) {
  if (data.rows < 1 || data.cols < 1)
    throw Error(ErrorKind::Input, std::string(model) + " needs at least 1 row and 1 column");
  for (float v : data.data)
    if (!std::isfinite(v))
      throw Error(ErrorKind::Input, std::string(model) + ": the model matrix holds a value that is not finite");
}

std::vector<std::string> model_column_names(const std::vector<ModelColumn>& layout, size_t cols) {
  std::vector<std::string> names;
  for (size_t c = 0; c < cols; ++c)
    names.push_back(c < layout.size() && !layout[c].source.empty()
                        ? layout[c].source + (layout[c].missing_indicator ? " (missing)" : "")
                        : "column " + std::to_string(c));
  return names;
}

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
      out.states[r] =
          static_cast<int32_t>(std::lower_bound(out.values.begin(), out.values.end(), column[r]) - out.values.begin());
    return out;
  }
  std::vector<float> cuts;
  for (int b = 1; b < bins && n > 0; ++b) {
    const float cut = sorted[static_cast<size_t>(b) * n / static_cast<size_t>(bins)];
    if (cut > sorted.front() && (cuts.empty() || cut > cuts.back())) cuts.push_back(cut);
  }
  out.binned = true;
  out.bins.assign(cuts.size() + 1, {});
  for (float v : sorted)
    out.bins[static_cast<size_t>(std::upper_bound(cuts.begin(), cuts.end(), v) - cuts.begin())].push_back(v);
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

std::vector<int32_t> donor_index(const std::vector<int32_t>& keys) {
  std::vector<int32_t> index(keys.size());
  for (size_t i = 0; i < index.size(); ++i) index[i] = static_cast<int32_t>(i);
  std::stable_sort(index.begin(), index.end(),
                   [&](int32_t x, int32_t y) { return keys[static_cast<size_t>(x)] < keys[static_cast<size_t>(y)]; });
  return index;
}

DonorRun donors_between(const std::vector<int32_t>& index, const std::vector<int32_t>& keys, int64_t from, int64_t to) {
  const auto below = [&](int32_t position, int64_t key) { return keys[static_cast<size_t>(position)] < key; };
  const auto begin = std::lower_bound(index.begin(), index.end(), from, below);
  return {begin, std::lower_bound(begin, index.end(), to, below)};
}

size_t draw_donor(const std::vector<int32_t>& index, DonorRun run, Rng& rng) {
  if (run.empty()) run = {index.begin(), index.end()};
  return static_cast<size_t>(
      *(run.begin + static_cast<int64_t>(rng.below(static_cast<uint64_t>(run.end - run.begin)))));
}

}  // namespace synthtab

namespace synthtab {

void read_discrete_states(const SectionCheck& check, const nlohmann::json& j, const std::string& what,
                          int64_t max_states, bool& binned, std::vector<float>& values,
                          std::vector<std::vector<float>>& bins) {
  binned = j.contains("bins");
  if (binned == j.contains("values")) check.fail(what + " needs exactly one of 'values' and 'bins'");
  if (!binned) {
    values = check.finite_array<float>(j, "values");
    if (values.empty() || static_cast<int64_t>(values.size()) > max_states)
      check.fail(what + " has " + std::to_string(values.size()) + " values");
    for (size_t v = 1; v < values.size(); ++v)
      if (!(values[v] > values[v - 1])) check.fail(what + " has values that do not ascend");
    return;
  }
  const nlohmann::json& list = check.array(j, "bins");
  if (list.empty() || static_cast<int64_t>(list.size()) > max_states) check.fail(what + " has no bins");
  for (size_t b = 0; b < list.size(); ++b) {
    const std::string bin_what = what + " bin " + std::to_string(b);
    auto bin = check.finite_list<float>(list[b], bin_what);
    if (bin.empty()) check.fail(bin_what + " is empty");
    check.sorted(bin, bin_what);
    if (b > 0 && !(bin.front() > bins.back().back())) check.fail(bin_what + " does not start above the bin before it");
    bins.push_back(std::move(bin));
  }
}

}  // namespace synthtab
