#include "synthtab/constraints/declared_rules.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <string>

#include <fmt/format.h>

#include "synthtab/constraints/find_rules.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab {

void complete_declared(Rule& rule, const Table& real) {
  double scale = std::abs(rule.total);
  rule.units.clear();
  for (const auto& name : rule.columns) {
    const Column& column = real.column(name);
    rule.units.push_back(column.is_categorical() ? 0.0 : value_unit(column));
    for (double v : column.values)
      if (!std::isnan(v)) scale = std::max(scale, std::abs(v));
  }
  if (rule.kind == RuleKind::SumsTo || rule.kind == RuleKind::SumOf)
    rule.tolerance = equation_tolerance(rule.units, scale);
  if (rule.kind == RuleKind::ProductOf) rule.tolerance = equation_tolerance({rule.units[0]}, scale);
  if (rule.kind == RuleKind::Determines) {  // each label's most frequent partner
    const Column& from = real.column(rule.columns[0]);
    const Column& to = real.column(rule.columns[1]);
    std::map<std::pair<int32_t, int32_t>, int64_t> counts;
    for (int64_t r = 0; r < real.rows(); ++r)
      if (!from.is_missing(r) && !to.is_missing(r))
        ++counts[{from.codes[static_cast<size_t>(r)], to.codes[static_cast<size_t>(r)]}];
    std::map<int32_t, std::pair<int64_t, int32_t>> best;
    for (const auto& [pair, n] : counts)
      if (n > best[pair.first].first) best[pair.first] = {n, pair.second};
    for (const auto& [key, count_and_value] : best)
      rule.mapping.emplace_back(from.categories[static_cast<size_t>(key)],
                                to.categories[static_cast<size_t>(count_and_value.second)]);
  }
  count_evidence(rule, real);
}

bool same_columns(const Rule& a, const Rule& b) {
  if (a.kind != b.kind) return false;
  if (a.kind == RuleKind::SumsTo) {
    auto x = a.columns, y = b.columns;
    std::sort(x.begin(), x.end());
    std::sort(y.begin(), y.end());
    return x == y;
  }
  return a.columns == b.columns;
}

namespace {

[[noreturn]] void contradiction(const Rule& a, const Rule& b, const std::string& why) {
  throw usage_error(fmt::format("the rules '{}' and '{}' contradict each other: {}", a.formula(), b.formula(), why));
}

}  // namespace

void check_contradictions(const std::vector<Rule>& declared) {
  std::map<std::string, std::pair<double, double>> bounds;  // by column: the tightest declared bounds
  for (const Rule& rule : declared)
    if (rule.kind == RuleKind::Bounded) {
      auto& [low, high] = bounds.try_emplace(rule.columns[0], -INFINITY, INFINITY).first->second;
      low = std::max(low, rule.low);
      high = std::min(high, rule.high);
    }
  for (size_t i = 0; i < declared.size(); ++i)
    for (size_t j = i + 1; j < declared.size(); ++j) {
      const Rule& a = declared[i];
      const Rule& b = declared[j];
      if (a.kind == RuleKind::AtMost && b.kind == RuleKind::AtMost && a.columns[0] == b.columns[1] &&
          a.columns[1] == b.columns[0] && (a.strict || b.strict))
        contradiction(a, b, "no row can keep both");
      if (same_columns(a, b) && a.kind == RuleKind::SumsTo && a.total != b.total)
        contradiction(a, b, "the same columns cannot sum to two totals");
      if (a.kind == b.kind && a.kind == RuleKind::Bounded && a.columns == b.columns) {
        const auto& [low, high] = bounds[a.columns[0]];
        if (low > high) contradiction(a, b, fmt::format("no value is at least {:g} and at most {:g}", low, high));
      }
      if ((a.kind == RuleKind::SumOf || a.kind == RuleKind::ProductOf) &&
          (b.kind == RuleKind::SumOf || b.kind == RuleKind::ProductOf) && a.columns[0] == b.columns[0])
        contradiction(a, b, fmt::format("{} is computed twice", in_quotes(a.columns[0])));
    }
  for (const Rule& rule : declared) {
    if (rule.kind != RuleKind::SumsTo) continue;
    double least = 0.0, most = 0.0;
    for (const auto& name : rule.columns) {
      const auto it = bounds.find(name);
      least += it == bounds.end() ? -INFINITY : it->second.first;
      most += it == bounds.end() ? INFINITY : it->second.second;
    }
    if (least > rule.total || most < rule.total)
      throw usage_error(
          fmt::format("the rule '{}' contradicts the bounds declared on its columns: they sum to between "
                      "{:g} and {:g}",
                      rule.formula(), least, most));
  }
}

}  // namespace synthtab
