#include "synthtab/cli/summary.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <set>

#include <fmt/format.h>

namespace synthtab::cli {
namespace {

struct NumericStats {
  double mean = 0.0;
  double min = std::numeric_limits<double>::infinity();
  double max = -std::numeric_limits<double>::infinity();
};

NumericStats numeric_stats(const Column& column) {
  NumericStats stats;
  double sum = 0.0;
  int64_t n = 0;
  for (double v : column.values) {
    if (std::isnan(v)) continue;
    sum += v;
    ++n;
    stats.min = std::min(stats.min, v);
    stats.max = std::max(stats.max, v);
  }
  stats.mean = n > 0 ? sum / static_cast<double>(n) : std::nan("");
  return stats;
}

size_t categories_seen(const Column& column) {
  std::set<int32_t> seen(column.codes.begin(), column.codes.end());
  seen.erase(kMissingCode);
  return seen.size();
}

}  // namespace

std::string describe_settings(const FitReport& report) {
  std::string out;
  for (const auto& [key, value] : report.settings) {
    if (key == "model" || key == "auto") continue;
    out += (out.empty() ? "" : ", ") + key + " " + value;
  }
  if (!report.critic_loss.empty())
    out += fmt::format("; critic loss {:.4g} -> {:.4g}, generator loss {:.4g} -> {:.4g}", report.critic_loss.front(),
                       report.critic_loss.back(), report.generator_loss.front(), report.generator_loss.back());
  return out;
}

std::string compare_columns(const Table& real, const Table& synthetic) {
  std::string out = fmt::format("{:<32} {:<12} {:>34}   {:>34}\n", "column", "type", "real: mean [min, max]",
                                "synthetic: mean [min, max]");
  for (const auto& column : real.columns) {
    const int64_t index = synthetic.find(column.name);
    if (index < 0) continue;
    const Column& other = synthetic.columns[static_cast<size_t>(index)];
    std::string name = column.name.size() > 32 ? column.name.substr(0, 29) + "..." : column.name;
    if (column.is_categorical()) {
      out += fmt::format("{:<32} {:<12} {:>34}   {:>34}\n", name, to_string(column.type),
                         fmt::format("{} categories", column.categories.size()),
                         fmt::format("{} of them seen", categories_seen(other)));
    } else {
      const auto a = numeric_stats(column);
      const auto b = numeric_stats(other);
      out += fmt::format("{:<32} {:<12} {:>34}   {:>34}\n", name, to_string(column.type),
                         fmt::format("{:.6g} [{:.6g}, {:.6g}]", a.mean, a.min, a.max),
                         fmt::format("{:.6g} [{:.6g}, {:.6g}]", b.mean, b.min, b.max));
    }
  }
  return out;
}

}  // namespace synthtab::cli
