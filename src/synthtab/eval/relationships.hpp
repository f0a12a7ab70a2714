#pragma once
// How well the synthetic rows keep the real table's pairwise relationships, worst first among
// the strongest: an average (the quality score's pair trends) hides one strong relationship
// that is halved, and that is often the one the table exists for (spend -> revenue).
//   Pearson r for two numeric/datetime columns; the correlation ratio eta (adjusted for the
//   number of categories) of a numeric column on a categorical one; Cramér's V with Bergsma's
//   bias correction for two categorical columns. The corrections matter on small tables: without
//   them two independent columns of 19 rows show an association of about 0.3, which 2,000
//   synthetic rows then seem to "lose".
//   Rows with a missing value in either column are left out of that pair; a pair with a
//   constant column on either side, or fewer than 3 complete rows, has no value and is skipped.
#include <optional>
#include <string>
#include <vector>

#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct PairRelationship {
  std::string column_a, column_b;
  std::string measure;     // "Pearson", "correlation ratio" or "Cramér's V"
  double real = 0.0;       // Pearson r (signed), or eta or V in [0, 1], on the real rows
  double synthetic = 0.0;  // the same on the synthetic rows
  double change = 0.0;     // |real - synthetic|
};

struct RelationshipReport {
  std::vector<PairRelationship> pairs;    // every pair with a defined value, by |real| descending (ties: column order)
  double max_change = 0.0;                // over all pairs (0 when there are none)
  double strongest_max_change = 0.0;      // over the strongest real pairs (see strongest_count)
  std::optional<PairRelationship> worst;  // the largest change among those strongest pairs
};

// Pairs whose |real| is at least this are "strong"; when fewer than kMinStrongest pairs are,
// the kMinStrongest strongest are looked at instead.
inline constexpr double kStrongRelationship = 0.5;
inline constexpr size_t kMinStrongest = 3;
// Only the first kMaxRelationshipColumns columns enter pairs (at most 4,950 pairs), so that a
// wide table stays cheap inside auto's model choice.
inline constexpr size_t kMaxRelationshipColumns = 100;

// `synthetic` must have the columns of `real` (any order; it is aligned by name when needed).
RelationshipReport relationships(const Table& real, const Table& synthetic);

// How many of `pairs` (sorted by |real| descending) count as the strongest.
size_t strongest_count(const std::vector<PairRelationship>& pairs);

// Fills max_change, strongest_max_change and worst from report.pairs (already sorted).
void summarise_relationships(RelationshipReport& report);

}  // namespace synthtab::eval
