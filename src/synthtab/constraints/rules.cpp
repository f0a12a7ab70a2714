#include "synthtab/constraints/rules.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

using json = nlohmann::json;

constexpr const char* kKindNames[] = {"sums_to", "at_most", "sum_of", "product_of", "determines", "on_grid", "bounded"};

// A column name as the rule grammar reads it back: bare when it is a plain word, else in backticks.
std::string name_in_formula(const std::string& name) {
  const bool bare = !name.empty() &&
                    std::all_of(name.begin(), name.end(),
                                [](char c) {
                                  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' ||
                                         static_cast<unsigned char>(c) >= 0x80;
                                }) &&
                    !std::isdigit(static_cast<unsigned char>(name[0])) && name[0] != '.';
  return bare ? name : "`" + name + "`";
}

std::string joined(const std::vector<std::string>& names, size_t from, const char* separator) {
  std::string out;
  for (size_t i = from; i < names.size(); ++i) out += (i > from ? separator : "") + name_in_formula(names[i]);
  return out;
}

// "A, B and C", each name in quotes.
std::string listed(const std::vector<std::string>& names, size_t from) {
  std::string out;
  for (size_t i = from; i < names.size(); ++i) {
    if (i > from) out += i + 1 == names.size() ? " and " : ", ";
    out += in_quotes(names[i]);
  }
  return out;
}

size_t columns_needed(RuleKind kind) {
  switch (kind) {
    case RuleKind::SumsTo:
      return 2;
    case RuleKind::AtMost:
    case RuleKind::Determines:
      return 2;
    case RuleKind::SumOf:
    case RuleKind::ProductOf:
      return 3;
    default:
      return 1;
  }
}

bool fixed_arity(RuleKind kind) {
  return kind == RuleKind::AtMost || kind == RuleKind::Determines || kind == RuleKind::OnGrid ||
         kind == RuleKind::Bounded;
}

}  // namespace

double equation_tolerance(const std::vector<double>& units, double scale) {
  double rounding = 0.0;
  for (double unit : units)
    if (unit > 0 && unit < 1) rounding += 0.5 * unit;
  return rounding + 1e-9 * scale;
}

const char* to_string(RuleKind kind) { return kKindNames[static_cast<int>(kind)]; }

double Rule::exception_rate() const {
  if (declared || checked == 0) return 0.0;
  return static_cast<double>(checked - holds) / static_cast<double>(checked);
}

std::string Rule::formula() const {
  switch (kind) {
    case RuleKind::SumsTo:
      return fmt::format("{} = {:g}", joined(columns, 0, " + "), total);
    case RuleKind::AtMost:
      return fmt::format("{} {} {}", name_in_formula(columns[0]), strict ? "<" : "<=", name_in_formula(columns[1]));
    case RuleKind::SumOf:
      return fmt::format("{} = {}", name_in_formula(columns[0]), joined(columns, 1, " + "));
    case RuleKind::ProductOf:
      return fmt::format("{} = {}", name_in_formula(columns[0]), joined(columns, 1, " * "));
    case RuleKind::Determines:
      return fmt::format("{} <- {}", name_in_formula(columns[1]), name_in_formula(columns[0]));
    case RuleKind::OnGrid:
      return origin == 0.0 ? fmt::format("{} on {:g}", name_in_formula(columns[0]), step)
                           : fmt::format("{} on {:g} from {:g}", name_in_formula(columns[0]), step, origin);
    case RuleKind::Bounded:
      if (std::isfinite(low) && std::isfinite(high))
        return fmt::format("{:g} <= {} <= {:g}", low, name_in_formula(columns[0]), high);
      if (std::isfinite(low)) return fmt::format("{} >= {:g}", name_in_formula(columns[0]), low);
      return fmt::format("{} <= {:g}", name_in_formula(columns[0]), high);
  }
  return "";
}

std::string Rule::describe() const {
  std::string what;
  switch (kind) {
    case RuleKind::SumsTo:
      what = fmt::format("the columns {} sum to {:g}", listed(columns, 0), total);
      break;
    case RuleKind::AtMost:
      what = fmt::format("{} is {} {}", in_quotes(columns[0]), strict ? "less than" : "at most", in_quotes(columns[1]));
      break;
    case RuleKind::SumOf:
      what = fmt::format("{} is the sum of {}", in_quotes(columns[0]), listed(columns, 1));
      break;
    case RuleKind::ProductOf:
      what = fmt::format("{} is the product of {}", in_quotes(columns[0]), listed(columns, 1));
      break;
    case RuleKind::Determines:
      what = fmt::format("each {} has one {}", in_quotes(columns[0]), in_quotes(columns[1]));
      break;
    case RuleKind::OnGrid:
      what = origin == 0.0 ? fmt::format("{} is a whole multiple of {:g}", in_quotes(columns[0]), step)
                           : fmt::format("{} lies on steps of {:g} from {:g}", in_quotes(columns[0]), step, origin);
      break;
    case RuleKind::Bounded:
      if (std::isfinite(low) && std::isfinite(high))
        what = fmt::format("{} stays between {:g} and {:g}", in_quotes(columns[0]), low, high);
      else if (std::isfinite(low))
        what = low == 0.0 ? fmt::format("{} is never negative", in_quotes(columns[0]))
                          : fmt::format("{} is never below {:g}", in_quotes(columns[0]), low);
      else
        what = fmt::format("{} is never above {:g}", in_quotes(columns[0]), high);
      break;
  }
  const bool equation = kind == RuleKind::SumsTo || kind == RuleKind::SumOf || kind == RuleKind::ProductOf;
  // Whole numbers are exact: only rounded decimals make an equation hold within a margin.
  const bool rounded = std::any_of(units.begin(), units.end(), [](double u) { return u > 0 && u < 1; });
  const std::string within = equation && rounded ? fmt::format(" (within {:.3g})", tolerance) : "";
  if (declared) return fmt::format("{}{}: declared; the real rows keep it in {} of {}", what, within, holds, checked);
  return fmt::format("{} in {} of {} rows{}", what, holds, checked, within);
}

BoundRule::BoundRule(const Rule& rule, const Table& table) : rule_(&rule) {
  for (const auto& name : rule.columns) {
    const int64_t at = table.find(name);
    if (at < 0)
      throw usage_error("the rule '" + rule.formula() + "' names " + in_quotes(name) +
                        ", which the table does not have");
    const bool categorical = table.columns[static_cast<size_t>(at)].is_categorical();
    if (categorical != (rule.kind == RuleKind::Determines))
      throw usage_error(fmt::format("the rule '{}' needs {} column, but {} is {}", rule.formula(),
                                    rule.kind == RuleKind::Determines ? "a categorical" : "a numeric", in_quotes(name),
                                    categorical ? "categorical" : "numeric"));
    at_.push_back(at);
  }
  if (rule.kind != RuleKind::Determines) return;
  const Column& from = table.columns[static_cast<size_t>(at_[0])];
  const Column& to = table.columns[static_cast<size_t>(at_[1])];
  for (const auto& [key, value] : rule.mapping) {
    const auto key_at = std::find(from.categories.begin(), from.categories.end(), key);
    const auto value_at = std::find(to.categories.begin(), to.categories.end(), value);
    if (key_at == from.categories.end() || value_at == to.categories.end()) continue;
    codes_.emplace_back(static_cast<int32_t>(key_at - from.categories.begin()),
                        static_cast<int32_t>(value_at - to.categories.begin()));
  }
  std::sort(codes_.begin(), codes_.end());
}

bool BoundRule::applies(const Table& table, int64_t row) const {
  return std::none_of(at_.begin(), at_.end(),
                      [&](int64_t at) { return table.columns[static_cast<size_t>(at)].is_missing(row); });
}

int32_t BoundRule::fixed_code(int32_t key) const {
  const auto it =
      std::lower_bound(codes_.begin(), codes_.end(), std::make_pair(key, std::numeric_limits<int32_t>::min()));
  return it == codes_.end() || it->first != key ? -1 : it->second;
}

bool BoundRule::holds(const Table& table, int64_t row) const {
  if (!applies(table, row)) return true;
  const auto value = [&](size_t i) {
    return table.columns[static_cast<size_t>(at_[i])].values[static_cast<size_t>(row)];
  };
  const Rule& rule = *rule_;
  switch (rule.kind) {
    case RuleKind::SumsTo: {
      double sum = 0.0;
      for (size_t i = 0; i < at_.size(); ++i) sum += value(i);
      return std::abs(sum - rule.total) <= rule.tolerance;
    }
    case RuleKind::AtMost:
      return rule.strict ? value(0) < value(1) : value(0) <= value(1);
    case RuleKind::SumOf:
    case RuleKind::ProductOf: {
      double combined = rule.kind == RuleKind::SumOf ? 0.0 : 1.0;
      for (size_t i = 1; i < at_.size(); ++i)
        combined = rule.kind == RuleKind::SumOf ? combined + value(i) : combined * value(i);
      return std::abs(value(0) - combined) <= rule.tolerance;
    }
    case RuleKind::Determines: {
      const int32_t fixed = fixed_code(table.columns[static_cast<size_t>(at_[0])].codes[static_cast<size_t>(row)]);
      // A label the rule says nothing of keeps it.
      return fixed < 0 || table.columns[static_cast<size_t>(at_[1])].codes[static_cast<size_t>(row)] == fixed;
    }
    case RuleKind::OnGrid: {
      const double steps = (value(0) - rule.origin) / rule.step;
      return std::abs(steps - std::nearbyint(steps)) <= 1e-6 * std::max(1.0, std::abs(steps));
    }
    case RuleKind::Bounded:
      return value(0) >= rule.low - rule.tolerance && value(0) <= rule.high + rule.tolerance;
  }
  return true;
}

void count_evidence(Rule& rule, const Table& table) {
  const BoundRule bound(rule, table);
  rule.holds = rule.checked = 0;
  for (int64_t r = 0; r < table.rows(); ++r) {
    if (!bound.applies(table, r)) continue;
    ++rule.checked;
    rule.holds += bound.holds(table, r);
  }
}

json rule_to_json(const Rule& rule) {
  json out = {{"kind", to_string(rule.kind)}, {"columns", rule.columns},   {"tolerance", rule.tolerance},
              {"units", rule.units},          {"declared", rule.declared}, {"number", rule.number},
              {"holds", rule.holds},          {"checked", rule.checked}};
  switch (rule.kind) {
    case RuleKind::SumsTo:
      out["total"] = rule.total;
      break;
    case RuleKind::AtMost:
      out["strict"] = rule.strict;
      break;
    case RuleKind::OnGrid:
      out["step"] = rule.step, out["origin"] = rule.origin;
      break;
    case RuleKind::Bounded:
      if (std::isfinite(rule.low)) out["low"] = rule.low;
      if (std::isfinite(rule.high)) out["high"] = rule.high;
      break;
    case RuleKind::Determines:
      out["mapping"] = rule.mapping;
      break;
    default:
      break;
  }
  return out;
}

Rule rule_from_json(const json& j, const SectionCheck& check) {
  Rule rule;
  const std::string kind = check.string(j, "kind");
  const auto known = std::find(std::begin(kKindNames), std::end(kKindNames), kind);
  if (known == std::end(kKindNames)) check.fail("unknown rule kind " + json_excerpt(kind));
  rule.kind = static_cast<RuleKind>(known - std::begin(kKindNames));
  rule.columns = check.string_array(j, "columns");
  const size_t needed = columns_needed(rule.kind);
  if (rule.columns.size() < needed || (fixed_arity(rule.kind) && rule.columns.size() != needed))
    check.fail(fmt::format("a {} rule names {} columns", kind, rule.columns.size()));
  if (rule.columns.size() > 10'000) check.fail("a rule names more than 10,000 columns");
  rule.tolerance = check.finite(j, "tolerance");
  rule.units = check.finite_array<double>(j, "units", static_cast<int64_t>(rule.columns.size()));
  if (rule.tolerance < 0 || std::any_of(rule.units.begin(), rule.units.end(), [](double u) { return u < 0; }))
    check.fail("a rule's tolerance or unit is negative");
  rule.declared = check.boolean(j, "declared");
  rule.number = check.integer(j, "number", 0, std::numeric_limits<int64_t>::max());
  rule.checked = check.integer(j, "checked", 0, std::numeric_limits<int64_t>::max());
  rule.holds = check.integer(j, "holds", 0, rule.checked);
  switch (rule.kind) {
    case RuleKind::SumsTo:
      rule.total = check.finite(j, "total");
      break;
    case RuleKind::AtMost:
      rule.strict = check.boolean(j, "strict");
      break;
    case RuleKind::OnGrid:
      rule.step = check.finite(j, "step");
      rule.origin = check.finite(j, "origin");
      if (!(rule.step > 0)) check.fail("a grid's step is not positive");
      break;
    case RuleKind::Bounded:
      if (j.contains("low")) rule.low = check.finite(j, "low");
      if (j.contains("high")) rule.high = check.finite(j, "high");
      if (!(rule.low <= rule.high)) check.fail("a bound's low end is above its high end");
      break;
    case RuleKind::Determines:
      for (const auto& pair : check.array(j, "mapping")) {
        if (!pair.is_array() || pair.size() != 2 || !pair[0].is_string() || !pair[1].is_string())
          check.fail("'mapping' holds something that is not a pair of labels");
        rule.mapping.emplace_back(pair[0].get<std::string>(), pair[1].get<std::string>());
      }
      break;
    default:
      break;
  }
  return rule;
}

}  // namespace synthtab
