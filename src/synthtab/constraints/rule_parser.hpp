#pragma once
// The grammar of declared rules (docs/constraints.md):
//   A + B + C = 1          the columns sum to a number
//   total = a + b          a column is the sum (or, with *, the product) of others
//   start <= end           an inequality between two columns (<, <=, >, >=)
//   x >= 0, 0 <= x <= 1    bounds
//   country <- city        each city has one country
//   price on 0.25          values on a grid (from 0, or: price on 0.25 from 0.1)
// A column name is a plain word (letters, digits, _ and .) or any text in backticks or double
// quotes: `Google ads` <= "MRR (Monthly Recurring Revenue)".
#include <string>

#include "synthtab/constraints/rules.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

// The rule `text` says, its columns checked against `table` (names and types). Throws
// Error(Usage) naming the rule, the character where reading stopped and what was expected.
Rule parse_rule(const std::string& text, const Table& table);

}  // namespace synthtab
