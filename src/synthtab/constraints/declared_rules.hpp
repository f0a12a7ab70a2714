#pragma once
// Rules the user declares: what they need of the real rows, and whether they contradict each other.
#include <vector>

#include "synthtab/constraints/rules.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

// What a declared rule needs of the real rows: units, tolerance, a label mapping, evidence.
void complete_declared(Rule& rule, const Table& real);

// Whether two rules are of one kind on the same columns (a sum's in any order).
bool same_columns(const Rule& a, const Rule& b);

// Throws Error(Usage) naming two declared rules no row can keep together, or a sum its
// columns' declared bounds cannot reach.
void check_contradictions(const std::vector<Rule>& declared);

}  // namespace synthtab
