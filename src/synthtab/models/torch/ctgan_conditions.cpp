#include "synthtab/models/torch/ctgan_conditions.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace synthtab::ctgan {

int64_t Conditions::pick(const std::vector<double>& cumulative, double u) {
  const double target = u * cumulative.back();
  const auto it = std::upper_bound(cumulative.begin(), cumulative.end(), target);
  return std::min<int64_t>(it - cumulative.begin(), static_cast<int64_t>(cumulative.size()) - 1);
}

Conditions make_conditions(const ModeSpecificNormalizer& normalizer) {
  Conditions out;
  for (const auto& column : normalizer.columns()) {
    if (!column.discrete) continue;
    Conditions::Column c;
    c.start = column.start;
    c.slots = column.slots();
    c.offset = out.width;
    out.width += c.slots;
    out.columns.push_back(std::move(c));
  }
  return out;
}

void count_conditions(Conditions& conditions, const Matrix& data) {
  for (auto& c : conditions.columns) {
    c.rows.assign(static_cast<size_t>(c.slots), {});
    for (int64_t r = 0; r < data.rows; ++r) {
      const float* row = data.row(r) + c.start;
      const auto k = std::max_element(row, row + c.slots) - row;
      c.rows[static_cast<size_t>(k)].push_back(r);
    }
    double log_total = 0.0, total = 0.0;
    for (const auto& rows : c.rows) {
      log_total += std::log(static_cast<double>(rows.size()) + 1.0);
      total += static_cast<double>(rows.size());
      c.log_cumulative.push_back(log_total);
      c.cumulative.push_back(total);
    }
    for (auto& v : c.cumulative) v /= total;
  }
}

nlohmann::json frequencies_to_json(const Conditions& conditions) {
  nlohmann::json frequencies = nlohmann::json::array();
  for (const auto& c : conditions.columns) {
    std::vector<double> p(c.cumulative.size());
    for (size_t k = 0; k < p.size(); ++k) p[k] = c.cumulative[k] - (k > 0 ? c.cumulative[k - 1] : 0.0);
    frequencies.push_back(p);
  }
  return frequencies;
}

void frequencies_from_json(const nlohmann::json& frequencies, Conditions& conditions, const SectionCheck& check) {
  if (frequencies.size() != conditions.columns.size())
    check.fail("'frequencies' has " + std::to_string(frequencies.size()) +
               " entries, expected one per categorical column (" + std::to_string(conditions.columns.size()) + ")");
  for (size_t d = 0; d < frequencies.size(); ++d) {
    auto& c = conditions.columns[d];
    const std::string what = "'frequencies' entry " + std::to_string(d);
    const auto p = check.finite_list<double>(frequencies[d], what, c.slots);
    check.probabilities(p, what);
    double total = 0.0;
    for (double v : p) c.cumulative.push_back(total += v);
  }
}

}  // namespace synthtab::ctgan
