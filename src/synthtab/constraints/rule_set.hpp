#pragma once
// The rules a model keeps, and how: the table the model learns (an inequality's larger side as
// the difference, a derived column as what the others leave unexplained), and the drawn rows
// turned back into the real columns with every rule kept (docs/constraints.md).
#include <cstdint>
#include <string>
#include <vector>

#include "synthtab/constraints/find_rules.hpp"
#include "synthtab/constraints/rules.hpp"
#include "synthtab/core/json_checks.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

struct RuleOptions {
  bool find = true;                   // look for rules in the real rows
  std::vector<std::string> declared;  // rules in the grammar of rule_parser.hpp
  std::vector<int64_t> dropped;       // found rules to leave out, by their number (1-based)
  // Found rules to leave out by their kind and columns: auto's candidates learn from part of the
  // rows, where the numbers of `dropped` may name other rules.
  std::vector<Rule> left_out;
  RuleSearch search;
  // Whether a sum kept by its remainder may give the model its other parts as missing where they
  // are all 0 (see RuleSet::to_model): one indicator column per part. Off for a model whose size
  // grows with every column.
  bool missing_parts = true;
};

// How a rule is kept in the drawn rows.
enum class Keeping {
  Difference,  // a <= b: the model learns b - a, and b = a + max(0, drawn difference)
  Residual,    // c = f(a, b): the model learns c - f(a, b); c is computed
  Remainder,   // parts summing to a total: the model learns the others as they are and, in the
               // largest part's place, the sum's distance from the total (0 but in exceptions)
  Projection,  // the drawn row is moved onto the rule (shares rescaled, a label looked up, ...)
  Rejection,   // rows that break it are drawn again
};
const char* to_string(Keeping keeping);

class RuleSet {
 public:
  RuleSet() = default;
  RuleSet(RuleSet&&) noexcept = default;
  RuleSet& operator=(RuleSet&&) noexcept = default;
  RuleSet(const RuleSet&) = delete;  // bound rules point into rules_
  RuleSet& operator=(const RuleSet&) = delete;

  // The found rules of `real` (less those dropped) and the declared ones. Throws Error(Usage)
  // for a rule that does not parse, names an absent column, or contradicts another.
  static RuleSet build(const Table& real, const RuleOptions& options);

  // Inequalities `rules` (indices) modelled as differences from now on, where no other rule
  // computes their columns: for those the fitted model broke too often. Returns whether the
  // plan changed (then the model is fitted again on to_model()).
  bool model_differences(const Table& real, const std::vector<size_t>& rules);

  bool empty() const { return rules_.empty(); }
  const std::vector<Rule>& rules() const { return rules_; }
  Keeping keeping(size_t rule) const { return keeping_[rule]; }
  // Sentences for the user, a found rule after its number, a declared one after '*': "1. the
  // columns ... sum to 1 in 38 of 39 rows (within 0.015); kept by ...".
  std::vector<std::string> describe() const;
  // The columns the model does not learn as they are (a rule computes them from others): the
  // model cannot be given their values.
  std::vector<std::string> computed_columns() const;

  // The table the model learns from `real` (same columns, names and types). A sum kept by its
  // remainder gives the remainder's distance from the total and, when the plan says so (the other
  // parts all 0 in many real rows), those parts as missing in such rows: restore() reads a missing
  // part as 0.
  Table to_model(const Table& real) const;
  // Drawn rows (the model's columns) turned back into the real columns, each rule kept except in
  // the rows drawn as its real exceptions. Returns, per row, whether it still breaks a rule
  // (rules kept by rejection, or one projection undoing another): such rows are drawn again.
  // `seed` decides which rows are exceptions: the same rows and seed, the same result.
  std::vector<char> restore(Table& rows, uint64_t seed) const;

  std::string save() const;  // JSON text
  // A model file's rules (untrusted): every field checked, their columns against `layout`
  // (the model's prepared columns). Throws Error(ModelFile) through `check`.
  static RuleSet load(const std::string& text, const SectionCheck& check, const Table& layout);

 private:
  std::vector<Rule> rules_;
  std::vector<Keeping> keeping_;
  // Per rule: a remainder's other parts go to the model as missing where they are all 0.
  std::vector<char> missing_parts_;
  bool missing_parts_allowed_ = true;
  std::vector<BoundRule> bound_;
  std::vector<size_t> computed_order_;  // Difference and Residual rules, inputs before outputs

  // How each rule is kept, given which inequalities may be differences; then bind(real).
  void plan(const Table& real, const std::vector<char>& differences);
  // Binds the rules to `layout` and checks the keeping plan (one computed rule per column, no
  // column computed from itself). Throws Error(Usage) for a plan that does not hold.
  void bind(const Table& layout);
};

// The same choice of rules for a part of `real`'s rows (auto's candidates): the dropped found
// rules named by their kind and columns rather than by number. Throws as RuleSet::build does.
RuleOptions rule_options_for_part(const Table& real, const RuleOptions& options);

// Per rule, the share of rows (with its cells present) of `table` that keep it; 1 for none.
std::vector<double> rule_adherence(const std::vector<Rule>& rules, const Table& table);

}  // namespace synthtab
