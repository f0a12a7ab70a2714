#include "synthtab/constraints/rule_set.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
#include <numeric>

#include <fmt/format.h>

#include "synthtab/constraints/declared_rules.hpp"
#include "synthtab/constraints/row_keeping.hpp"
#include "synthtab/constraints/rule_parser.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab {
namespace {

using json = nlohmann::json;

constexpr const char* kKeepingNames[] = {"difference", "residual", "remainder", "projection", "rejection"};

bool computed(Keeping keeping) {
  return keeping == Keeping::Difference || keeping == Keeping::Residual || keeping == Keeping::Remainder;
}

// Whether a computed rule writes its k-th column: an inequality's larger side, a derived
// column, every share; the others are its inputs.
bool is_output(Keeping keeping, size_t k) {
  return keeping == Keeping::Remainder || (keeping == Keeping::Difference ? k == 1 : k == 0);
}

bool has_missing(const Table& table, const BoundRule& bound) {
  return std::any_of(bound.at().begin(), bound.at().end(),
                     [&](int64_t at) { return table.columns[static_cast<size_t>(at)].missing_count() > 0; });
}

// Parts the remainder can keep: real numbers, never negative, with no gaps.
bool remainder_fits(const Table& real, const BoundRule& bound) {
  if (bound.rule().total <= 0 || has_missing(real, bound)) return false;
  for (int64_t at : bound.at()) {
    const Column& column = real.columns[static_cast<size_t>(at)];
    if (column.type != ColumnType::Float) return false;
    for (double v : column.values)
      if (v < 0) return false;
  }
  return true;
}

// Rows whose other parts are all 0 (the remainder holds the whole: the age of the whole cost
// unknown) are given to the model with those parts missing together, so that its missing-value
// indicators carry how often the whole group sits in the remainder (restore() writes the zeros
// back). Learnt as zeros, the parts' spikes were drawn together far less often than they occur:
// in the marketing table, all four age parts 0 in 22 % of rows against 38 %. Only where such rows
// are common (kWholeShare) and the split is known in at least two others.
constexpr double kWholeShare = 0.05;

// Whether `row` of `real` has every part of a remainder rule but the last at 0.
bool whole_in_remainder(const Table& real, const std::vector<int64_t>& at, int64_t row) {
  for (size_t k = 0; k + 1 < at.size(); ++k)
    if (real.columns[static_cast<size_t>(at[k])].values[static_cast<size_t>(row)] != 0.0) return false;
  return true;
}

bool parts_missing_when_whole(const Table& real, const BoundRule& bound) {
  int64_t wholes = 0;
  for (int64_t r = 0; r < real.rows(); ++r) wholes += whole_in_remainder(real, bound.at(), r);
  return wholes >= 2 && real.rows() - wholes >= 2 &&
         static_cast<double>(wholes) >= kWholeShare * static_cast<double>(real.rows());
}

}  // namespace

const char* to_string(Keeping keeping) { return kKeepingNames[static_cast<int>(keeping)]; }

RuleSet RuleSet::build(const Table& real, const RuleOptions& options) {
  RuleSet set;
  std::vector<Rule> declared;
  for (const auto& text : options.declared) {
    Rule rule = parse_rule(text, real);
    complete_declared(rule, real);
    declared.push_back(std::move(rule));
  }
  check_contradictions(declared);
  if (options.find) {
    std::vector<Rule> found = find_rules(real, options.search);
    for (int64_t number : options.dropped)
      if (number < 1 || number > static_cast<int64_t>(found.size()))
        throw usage_error(fmt::format("there is no found rule number {}: {} rules were found", number, found.size()));
    for (size_t i = 0; i < found.size(); ++i) {
      found[i].number = static_cast<int64_t>(i + 1);
      const bool dropped = std::find(options.dropped.begin(), options.dropped.end(), static_cast<int64_t>(i + 1)) !=
                           options.dropped.end();
      const auto same = [&](const Rule& other) { return same_columns(other, found[i]); };
      const bool restated = std::any_of(declared.begin(), declared.end(), same);
      const bool left_out = std::any_of(options.left_out.begin(), options.left_out.end(), same);
      if (!dropped && !restated && !left_out) set.rules_.push_back(std::move(found[i]));
    }
  } else if (!options.dropped.empty()) {
    throw usage_error("found rules can be dropped only when rules are looked for");
  }
  for (auto& rule : declared) set.rules_.push_back(std::move(rule));
  set.missing_parts_allowed_ = options.missing_parts;
  // A sum's largest part last: it takes what the others leave.
  for (Rule& rule : set.rules_) {
    if (rule.kind != RuleKind::SumsTo) continue;
    size_t largest = 0;
    double largest_sum = -INFINITY;
    for (size_t k = 0; k < rule.columns.size(); ++k) {
      double sum = 0.0;
      for (double v : real.column(rule.columns[k]).values) sum += std::isnan(v) ? 0.0 : v;
      if (sum > largest_sum) largest = k, largest_sum = sum;
    }
    std::rotate(rule.columns.begin() + static_cast<std::ptrdiff_t>(largest),
                rule.columns.begin() + static_cast<std::ptrdiff_t>(largest) + 1, rule.columns.end());
    std::rotate(rule.units.begin() + static_cast<std::ptrdiff_t>(largest),
                rule.units.begin() + static_cast<std::ptrdiff_t>(largest) + 1, rule.units.end());
  }
  set.plan(real, std::vector<char>(set.rules_.size(), 0));
  return set;
}

bool RuleSet::model_differences(const Table& real, const std::vector<size_t>& rules) {
  std::vector<char> differences(rules_.size(), 0);
  for (size_t i = 0; i < rules_.size(); ++i) differences[i] = keeping_[i] == Keeping::Difference;
  bool more = false;
  for (size_t i : rules) {
    more = more || (rules_[i].kind == RuleKind::AtMost && !differences[i]);
    differences[i] = 1;
  }
  if (!more) return false;
  const std::vector<Keeping> before = keeping_;
  plan(real, differences);
  return keeping_ != before;
}

void RuleSet::plan(const Table& real, const std::vector<char>& differences) {
  // Computed where the columns have no gaps and no column is computed twice or from itself.
  keeping_.clear();
  missing_parts_.clear();
  bound_.clear();
  std::vector<int> computed_by(static_cast<size_t>(real.cols()), -1);
  const std::function<bool(int64_t, int64_t)> depends = [&](int64_t column, int64_t on) {
    if (column == on) return true;
    const int by = computed_by[static_cast<size_t>(column)];
    if (by < 0) return false;
    const BoundRule& rule = bound_[static_cast<size_t>(by)];
    for (size_t i = 0; i < rule.at().size(); ++i)
      if (!is_output(keeping_[static_cast<size_t>(by)], i) && depends(rule.at()[i], on)) return true;
    return false;
  };
  for (size_t i = 0; i < rules_.size(); ++i) {
    const Rule& rule = rules_[i];
    bound_.emplace_back(rule, real);
    const BoundRule& bound = bound_.back();
    Keeping keeping = Keeping::Projection;
    if (rule.kind == RuleKind::SumsTo && remainder_fits(real, bound)) keeping = Keeping::Remainder;
    if (rule.kind == RuleKind::SumOf || rule.kind == RuleKind::ProductOf) keeping = Keeping::Residual;
    // An inequality the model rarely breaks is kept by drawing again, which leaves what the
    // model learns alone; the fit asks for the difference where it breaks it often.
    if (rule.kind == RuleKind::AtMost) keeping = differences[i] ? Keeping::Difference : Keeping::Rejection;
    if (computed(keeping)) {
      bool free = !has_missing(real, bound);
      for (size_t k = 0; k < bound.at().size() && free; ++k) {
        const int64_t column = bound.at()[k];
        if (!is_output(keeping, k)) continue;
        free = computed_by[static_cast<size_t>(column)] < 0;
        for (size_t input = 0; input < bound.at().size() && free; ++input)
          if (!is_output(keeping, input)) free = !depends(bound.at()[input], column);
      }
      if (!free) keeping = keeping == Keeping::Remainder ? Keeping::Projection : Keeping::Rejection;
    }
    keeping_.push_back(keeping);
    missing_parts_.push_back(keeping == Keeping::Remainder && missing_parts_allowed_ &&
                             parts_missing_when_whole(real, bound));
    if (computed(keeping))
      for (size_t k = 0; k < bound.at().size(); ++k)
        if (is_output(keeping, k)) computed_by[static_cast<size_t>(bound.at()[k])] = static_cast<int>(i);
  }
  bind(real);
}

void RuleSet::bind(const Table& layout) {
  bound_.clear();
  computed_order_.clear();
  std::vector<int> computed_by(static_cast<size_t>(layout.cols()), -1);
  for (size_t i = 0; i < rules_.size(); ++i) {
    bound_.emplace_back(rules_[i], layout);
    const Keeping keeping = keeping_[i];
    const RuleKind kind = rules_[i].kind;
    const bool fits = keeping == Keeping::Rejection || (keeping == Keeping::Difference && kind == RuleKind::AtMost) ||
                      (keeping == Keeping::Remainder && kind == RuleKind::SumsTo) ||
                      (keeping == Keeping::Residual && (kind == RuleKind::SumOf || kind == RuleKind::ProductOf)) ||
                      (keeping == Keeping::Projection && kind != RuleKind::AtMost && kind != RuleKind::SumOf &&
                       kind != RuleKind::ProductOf);
    if (!fits) throw usage_error(fmt::format("a {} rule cannot be kept by {}", to_string(kind), to_string(keeping)));
    if (!computed(keeping)) continue;
    for (size_t k = 0; k < bound_.back().at().size(); ++k) {
      if (!is_output(keeping, k)) continue;
      const int64_t out = bound_.back().at()[k];
      if (computed_by[static_cast<size_t>(out)] >= 0)
        throw usage_error("two rules compute the column " + in_quotes(layout.columns[static_cast<size_t>(out)].name));
      if (keeping == Keeping::Remainder && layout.columns[static_cast<size_t>(out)].type != ColumnType::Float)
        throw usage_error("a remainder is computed only in columns of real numbers");
      computed_by[static_cast<size_t>(out)] = static_cast<int>(i);
    }
  }
  // Inputs before outputs; a rule left waiting on itself is a cycle.
  std::vector<size_t> pending;
  for (size_t i = 0; i < rules_.size(); ++i)
    if (computed(keeping_[i])) pending.push_back(i);
  std::vector<char> done(static_cast<size_t>(layout.cols()), 1);
  for (size_t i : pending)
    for (size_t k = 0; k < bound_[i].at().size(); ++k)
      if (is_output(keeping_[i], k)) done[static_cast<size_t>(bound_[i].at()[k])] = 0;
  while (!pending.empty()) {
    std::vector<size_t> waiting;
    for (size_t i : pending) {
      bool ready = true;
      for (size_t k = 0; k < bound_[i].at().size(); ++k)
        ready = ready && (is_output(keeping_[i], k) || done[static_cast<size_t>(bound_[i].at()[k])]);
      if (!ready) {
        waiting.push_back(i);
        continue;
      }
      computed_order_.push_back(i);
      for (size_t k = 0; k < bound_[i].at().size(); ++k)
        if (is_output(keeping_[i], k)) done[static_cast<size_t>(bound_[i].at()[k])] = 1;
    }
    if (waiting.size() == pending.size()) throw usage_error("the rules compute columns from each other in a circle");
    pending = std::move(waiting);
  }
}

std::vector<std::string> RuleSet::describe() const {
  std::vector<std::string> out;
  for (size_t i = 0; i < rules_.size(); ++i) {
    const char* how = "";
    switch (keeping_[i]) {
      case Keeping::Difference:
        how = "kept by modelling the difference";
        break;
      case Keeping::Residual:
        how = "kept by computing the column from the others";
        break;
      case Keeping::Remainder:
        how = "kept by computing the largest part as what the others leave";
        break;
      case Keeping::Rejection:
        how = "kept by drawing rows that break it again";
        break;
      case Keeping::Projection:
        how = rules_[i].kind == RuleKind::SumsTo       ? "kept by rescaling the parts"
              : rules_[i].kind == RuleKind::Determines ? "kept by looking the label up"
              : rules_[i].kind == RuleKind::OnGrid     ? "kept by rounding onto the grid"
                                                       : "kept by clamping";
        break;
    }
    const double exceptions = rules_[i].exception_rate();
    const std::string number = rules_[i].declared ? std::string("*") : fmt::format("{}.", rules_[i].number);
    out.push_back(fmt::format(
        "{} {}; {}{}", number, rules_[i].describe(), how,
        exceptions > 0 ? fmt::format(", with its real exceptions ({:.1f}% of rows)", 100 * exceptions) : ""));
  }
  return out;
}

std::vector<std::string> RuleSet::computed_columns() const {
  std::vector<std::string> out;
  for (size_t i : computed_order_)
    for (size_t k = 0; k < rules_[i].columns.size(); ++k) {
      // A sum's other parts are learnt as they are; only the last is what they leave.
      const bool learnt = keeping_[i] == Keeping::Remainder && k + 1 < rules_[i].columns.size();
      if (is_output(keeping_[i], k) && !learnt) out.push_back(rules_[i].columns[k]);
    }
  return out;
}

Table RuleSet::to_model(const Table& real) const {
  Table out = real;
  for (size_t i : computed_order_) {
    const BoundRule& bound = bound_[i];
    const auto& at = bound.at();
    const auto cell = [&](size_t k, int64_t r) {
      return real.columns[static_cast<size_t>(at[k])].values[static_cast<size_t>(r)];
    };
    if (keeping_[i] == Keeping::Remainder) {  // the largest part (last) as the sum's distance from the total
      for (int64_t r = 0; r < real.rows(); ++r) {
        double sum = 0.0;
        for (size_t k = 0; k < at.size(); ++k) sum += cell(k, r);
        out.columns[static_cast<size_t>(at.back())].values[static_cast<size_t>(r)] = sum - rules_[i].total;
        if (missing_parts_[i] && whole_in_remainder(real, at, r))
          for (size_t k = 0; k + 1 < at.size(); ++k)
            out.columns[static_cast<size_t>(at[k])].values[static_cast<size_t>(r)] = std::nan("");
      }
      continue;
    }
    std::vector<double>& target =
        out.columns[static_cast<size_t>(at[keeping_[i] == Keeping::Difference ? 1 : 0])].values;
    for (int64_t r = 0; r < real.rows(); ++r) {
      double value = 0.0;
      if (keeping_[i] == Keeping::Difference) {
        value = cell(1, r) - cell(0, r);
      } else {
        double combined = rules_[i].kind == RuleKind::SumOf ? 0.0 : 1.0;
        for (size_t k = 1; k < at.size(); ++k)
          combined = rules_[i].kind == RuleKind::SumOf ? combined + cell(k, r) : combined * cell(k, r);
        value = cell(0, r) - combined;
      }
      target[static_cast<size_t>(r)] = value;
    }
  }
  return out;
}

std::vector<char> RuleSet::restore(Table& rows, uint64_t seed) const {
  const int64_t n = rows.rows();
  std::vector<char> broken(static_cast<size_t>(n), 0);
  if (rules_.empty() || n == 0) return broken;
  std::vector<std::vector<char>> exempt(rules_.size(), std::vector<char>(static_cast<size_t>(n), 0));
  const auto values = [&](int64_t at) -> std::vector<double>& { return rows.columns[static_cast<size_t>(at)].values; };
  // Computed columns: a row is a real exception where the drawn difference, residual or distance
  // from the total says so, thinned to the real rate (an untrained network draws many).
  Rng rng(seed);
  for (size_t i : computed_order_) {
    const Rule& rule = rules_[i];
    const BoundRule& bound = bound_[i];
    const auto& at = bound.at();
    if (missing_parts_[i])  // parts the model left missing: the remainder takes the whole
      for (size_t k = 0; k + 1 < at.size(); ++k)
        for (double& v : values(at[k]))
          if (std::isnan(v)) v = 0.0;
    const size_t out = keeping_[i] == Keeping::Difference ? 1 : keeping_[i] == Keeping::Remainder ? at.size() - 1 : 0;
    const double unit = keeping_[i] == Keeping::Remainder ? 0.0 : rule.units[out];
    const auto drawn_breaks = [&](int64_t r) {
      const double drawn = values(at[out])[static_cast<size_t>(r)];
      if (keeping_[i] != Keeping::Difference) return std::abs(drawn) > rule.tolerance;
      return rule.strict ? on_unit(drawn, unit) <= 0 : on_unit(drawn, unit) < 0;
    };
    int64_t applicable = 0, breaking = 0;
    for (int64_t r = 0; r < n; ++r)
      if (bound.applies(rows, r)) {
        ++applicable;
        breaking += drawn_breaks(r);
      }
    const double keep_broken =
        breaking == 0
            ? 0.0
            : std::min(1.0, rule.exception_rate() * static_cast<double>(applicable) / static_cast<double>(breaking));
    for (int64_t r = 0; r < n; ++r) {
      if (!bound.applies(rows, r)) continue;
      const auto ri = static_cast<size_t>(r);
      const bool exception = keep_broken > 0 && drawn_breaks(r) && rng.uniform() < keep_broken;
      exempt[i][ri] = exception;
      if (keeping_[i] == Keeping::Remainder) {
        restore_remainder(rule, at, rows, ri, exception);
        continue;
      }
      double& target = values(at[out])[ri];
      if (keeping_[i] == Keeping::Difference) {
        double difference = on_unit(target, unit);
        const double low = values(at[0])[ri];
        const bool breaks = rule.strict ? difference <= 0 : difference < 0;
        if (breaks && !exception)
          difference = rule.strict ? (unit > 0 ? unit : 1e-9 * std::max(1.0, std::abs(low))) : 0.0;
        target = on_unit(low + difference, unit);
        if (rule.strict && !exception && !(target > low)) target = std::nextafter(low, INFINITY);
      } else {
        double combined = rule.kind == RuleKind::SumOf ? 0.0 : 1.0;
        for (size_t k = 1; k < at.size(); ++k)
          combined = rule.kind == RuleKind::SumOf ? combined + values(at[k])[ri] : combined * values(at[k])[ri];
        target = on_unit(exception ? combined + target : combined, unit);
      }
    }
  }
  // Projections, in the rules' order; a row drawn breaking a rule keeps breaking it with the
  // chance that makes broken rows as frequent as in the real data.
  for (size_t i = 0; i < rules_.size(); ++i) {
    if (keeping_[i] == Keeping::Projection || keeping_[i] == Keeping::Rejection) {
      const BoundRule& bound = bound_[i];
      int64_t applicable = 0, breaking = 0;
      for (int64_t r = 0; r < n; ++r)
        if (bound.applies(rows, r)) {
          ++applicable;
          breaking += !bound.holds(rows, r);
        }
      const double keep_broken = breaking == 0
                                     ? 0.0
                                     : std::min(1.0, rules_[i].exception_rate() * static_cast<double>(applicable) /
                                                         static_cast<double>(breaking));
      for (int64_t r = 0; r < n; ++r) {
        const auto ri = static_cast<size_t>(r);
        if (bound.holds(rows, r)) continue;
        if (keep_broken > 0 && rng.uniform() < keep_broken) {
          exempt[i][ri] = 1;
          continue;
        }
        if (keeping_[i] == Keeping::Rejection) continue;
        const Rule& rule = rules_[i];
        const auto& at = bound.at();
        switch (rule.kind) {
          case RuleKind::SumsTo: {
            std::vector<double*> parts;
            for (int64_t a : at) parts.push_back(&values(a)[ri]);
            project_sum(rule.total, rule.units, parts);
            break;
          }
          case RuleKind::Determines: {
            const int32_t code = bound.fixed_code(rows.columns[static_cast<size_t>(at[0])].codes[ri]);
            if (code >= 0) rows.columns[static_cast<size_t>(at[1])].codes[ri] = code;
            break;
          }
          case RuleKind::OnGrid: {
            double& v = values(at[0])[ri];
            v = on_unit(rule.origin + std::nearbyint((v - rule.origin) / rule.step) * rule.step, rule.units[0]);
            break;
          }
          case RuleKind::Bounded: {
            double& v = values(at[0])[ri];
            v = std::clamp(v, rule.low, rule.high);
            break;
          }
          default:
            break;
        }
      }
    }
  }
  for (size_t i = 0; i < rules_.size(); ++i)
    for (int64_t r = 0; r < n; ++r)
      if (!exempt[i][static_cast<size_t>(r)] && !bound_[i].holds(rows, r)) broken[static_cast<size_t>(r)] = 1;
  return broken;
}

std::string RuleSet::save() const {
  json rules = json::array();
  for (size_t i = 0; i < rules_.size(); ++i) {
    json rule = rule_to_json(rules_[i]);
    rule["keeping"] = to_string(keeping_[i]);
    if (missing_parts_[i]) rule["missing_parts"] = true;
    rules.push_back(std::move(rule));
  }
  return json{{"version", 1}, {"rules", rules}}.dump();
}

RuleSet RuleSet::load(const std::string& text, const SectionCheck& check, const Table& layout) {
  RuleSet set;
  check.guard([&] {
    const json state = check.parse_object(text);
    if (check.integer(state, "version", 1, 1) != 1) check.fail("unknown version");
    const json& rules = check.array(state, "rules");
    if (rules.size() > 100'000) check.fail("more than 100,000 rules");
    for (const json& rule : rules) {
      set.rules_.push_back(rule_from_json(rule, check));
      const std::string keeping = check.string(rule, "keeping");
      const auto known = std::find(std::begin(kKeepingNames), std::end(kKeepingNames), keeping);
      if (known == std::end(kKeepingNames)) check.fail("unknown way of keeping a rule " + json_excerpt(keeping));
      set.keeping_.push_back(static_cast<Keeping>(known - std::begin(kKeepingNames)));
      // Optional (model files before it have none): only a remainder's parts are given as missing.
      const bool missing_parts = rule.contains("missing_parts") && check.boolean(rule, "missing_parts");
      if (missing_parts && set.keeping_.back() != Keeping::Remainder)
        check.fail("only a sum kept by its remainder gives its parts as missing");
      set.missing_parts_.push_back(missing_parts);
    }
    try {
      set.bind(layout);
    } catch (const Error& e) {
      check.fail(e.what());
    }
  });
  return set;
}

RuleOptions rule_options_for_part(const Table& real, const RuleOptions& options) {
  (void)RuleSet::build(real, options);  // a wrong rule or number fails here, once
  RuleOptions part = options;
  part.dropped.clear();
  if (options.find && !options.dropped.empty()) {
    const std::vector<Rule> found = find_rules(real, options.search);
    for (int64_t number : options.dropped) part.left_out.push_back(found[static_cast<size_t>(number - 1)]);
  }
  return part;
}

std::vector<double> rule_adherence(const std::vector<Rule>& rules, const Table& table) {
  std::vector<double> out;
  for (const Rule& rule : rules) {
    try {
      const BoundRule bound(rule, table);
      int64_t applicable = 0, holds = 0;
      for (int64_t r = 0; r < table.rows(); ++r)
        if (bound.applies(table, r)) {
          ++applicable;
          holds += bound.holds(table, r);
        }
      out.push_back(applicable == 0 ? 1.0 : static_cast<double>(holds) / static_cast<double>(applicable));
    } catch (const Error&) {
      out.push_back(std::nan(""));  // the table lacks a column of the rule, or has it with another type
    }
  }
  return out;
}

}  // namespace synthtab
