#pragma once
// Finding the rules a table's rows keep (docs/constraints.md): groups of columns that sum to a
// constant, a column that is the sum or product of others, inequalities between two columns,
// labels that fix other labels, values on a grid, and bounds the data approaches but never
// crosses.
#include <cstdint>
#include <vector>

#include "synthtab/constraints/rules.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

// How hard to look. The search is bounded so that wide tables cost little: sums over runs of
// adjacent numeric columns (any width), sums of two columns and inequalities over pairs of the
// first `max_pair_columns` numeric columns, label dependencies over pairs of the first
// `max_pair_columns` label columns, C = A + B and C = A * B over the first `max_triple_columns`
// (each scan stops at the first rows that rule it out). docs/constraints.md gives the costs.
struct RuleSearch {
  // An equation (a sum, a derived column) is kept when it holds in at least this share of rows
  // (no chance makes columns sum to a constant; the few rows that do not are data errors).
  double min_share = 0.9;
  // An inequality or a label dependency, only when it holds in this share: one that 92 % of the
  // rows keep (wine's proanthocyanins <= phenols) is a tendency for the model to learn, not a rule.
  double min_share_relation = 0.99;
  int64_t min_rows = 5;             // ... of at least this many rows with its cells present
  int64_t max_run = 16;             // sum groups and derived sums: runs of up to this many columns
  int64_t max_pair_columns = 200;   // pairs: 19,900 of them at most
  int64_t max_triple_columns = 60;  // triples: 102,660 at most
  int64_t max_rules = 1000;         // sums and derived columns found, at most
  // Inequalities and label dependencies: kept only when columns with no link between them would
  // agree as often with a probability below this (19 rows say little, so few rules are kept).
  double chance = 1e-3;
};

// The rules of `table`, in a stable order (the numbers RuleOptions::dropped takes).
std::vector<Rule> find_rules(const Table& table, const RuleSearch& search = {});

// The unit a numeric column's values are written in: 1 for whole numbers, 0.01 for two decimal
// places, a day for dates at midnight; 0 when they are not rounded.
double value_unit(const Column& column);

}  // namespace synthtab
