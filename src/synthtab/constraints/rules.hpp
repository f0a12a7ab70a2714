#pragma once
// Business rules a table's rows keep: found in the real rows or declared by the user, said in
// plain words with their evidence, kept in every synthetic row (see docs/constraints.md).
#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/json_checks.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

enum class RuleKind {
  SumsTo,      // columns[0] + ... + columns[k-1] = total
  AtMost,      // columns[0] <= columns[1] (< when strict)
  SumOf,       // columns[0] = columns[1] + ... + columns[k-1]
  ProductOf,   // columns[0] = columns[1] * ... * columns[k-1]
  Determines,  // columns[0] (a label) fixes columns[1] (a label): city -> country
  OnGrid,      // columns[0] = origin + a whole multiple of step
  Bounded,     // low <= columns[0] <= high
};

const char* to_string(RuleKind kind);

struct Rule {
  RuleKind kind = RuleKind::SumsTo;
  std::vector<std::string> columns;
  double total = 0.0;                                     // SumsTo
  bool strict = false;                                    // AtMost
  double step = 0.0, origin = 0.0;                        // OnGrid
  double low = -std::numeric_limits<double>::infinity();  // Bounded
  double high = std::numeric_limits<double>::infinity();
  // The label of columns[1] each label of columns[0] fixes (Determines), by text.
  std::vector<std::pair<std::string, std::string>> mapping;
  // How far a row may miss an equation and still keep it: half a rounding unit per column
  // (rounded money keeps A + B = C within 0.015), or a relative 1e-6 where values are not rounded.
  double tolerance = 0.0;
  // Per column, the unit its values are written in (0.01 for two decimal places; 0 = not
  // rounded): projected rows are rounded back onto it.
  std::vector<double> units;
  bool declared = false;  // given by the user: kept in every row
  int64_t number = 0;     // found rules: the number they are listed by (`dropped` takes it); declared: 0
  // Evidence in the real rows: of `checked` rows with every cell present, `holds` keep it.
  int64_t holds = 0;
  int64_t checked = 0;

  // The share of rows that break the rule and are reproduced as such: found rules that allow a
  // few exceptions keep them at their real rate; declared rules have none.
  double exception_rate() const;
  // "the columns A, B and C sum to 1 in 38 of 39 rows (within 0.015)".
  std::string describe() const;
  // The rule as the declared grammar writes it ("A + B + C = 1").
  std::string formula() const;
};

// How far an equation over columns written in `units` (0 = not rounded) may miss and still hold:
// half of each decimal unit below 1 (rounded money keeps A + B = C within 0.015; whole numbers are
// exact), plus a relative 1e-9 of `scale`, the largest magnitude involved.
double equation_tolerance(const std::vector<double>& units, double scale);

// A rule's column positions in one table, and its check on one row of it.
class BoundRule {
 public:
  BoundRule(const Rule& rule, const Table& table);  // throws Error(Usage) for an absent column
  // Whether row `row` keeps the rule; a row missing any of its cells keeps it (it says nothing).
  bool holds(const Table& table, int64_t row) const;
  bool applies(const Table& table, int64_t row) const;  // every cell of the rule is present
  // Determines: the code of columns[1] the code `key` of columns[0] fixes, or -1 for none.
  int32_t fixed_code(int32_t key) const;
  const Rule& rule() const { return *rule_; }
  const std::vector<int64_t>& at() const { return at_; }

 private:
  const Rule* rule_;
  std::vector<int64_t> at_;
  std::vector<std::pair<int32_t, int32_t>> codes_;  // Determines: the mapping as category codes
};

// Counts the rows of `table` that keep `rule` (rule.holds, rule.checked).
void count_evidence(Rule& rule, const Table& table);

nlohmann::json rule_to_json(const Rule& rule);
// A rule read from a model file (untrusted): every field checked.
Rule rule_from_json(const nlohmann::json& j, const SectionCheck& check);

}  // namespace synthtab
