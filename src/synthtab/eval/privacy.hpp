#pragma once
// Privacy checks: copied rows and distances to closest records.
//   Exact copies: synthetic rows equal, cell for cell, to some real row (labels compared as text,
//   numbers exactly, missing equal to missing).
//   DCR: for each synthetic row, the Euclidean distance to its closest real row in the
//   standardised feature space; reported as median and 5th percentile, and as a ratio to the
//   real rows' own nearest-neighbour distances (leave-one-out): a ratio near 1 means synthetic
//   rows sit as close to real rows as real rows sit to each other; near 0 means copying.
//   DCR baseline protection (SDMetrics' DCRBaselineProtection): distances with SDMetrics' metric
//   (|a - b| / real range per numeric column, 0/1 per categorical, averaged over columns);
//   score = min(1, median DCR(synthetic -> real) / median DCR(random -> real)), where the random
//   rows are uniform in each column's real range (categoricals uniform over their categories).
#include <cstdint>
#include <vector>

#include "synthtab/eval/feature_space.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct PrivacyOptions {
  uint64_t seed = 42;
  int threads = 0;
};

struct PrivacyReport {
  int64_t exact_copies = 0;
  double exact_copy_share = 0.0;
  double dcr_median = 0.0;
  double dcr_p05 = 0.0;
  double real_nn_median = 0.0;  // real rows' leave-one-out nearest-neighbour distance
  double dcr_ratio = 0.0;       // dcr_median / real_nn_median
  std::vector<double> dcr;      // per synthetic row (for histograms)
  std::vector<double> real_nn;  // per real row
  double baseline_protection = 0.0;
  double baseline_synthetic_median = 0.0;
  double baseline_random_median = 0.0;
};

PrivacyReport privacy(const Table& real, const Table& synthetic, const PrivacyOptions& options = {});

int64_t count_exact_copies(const Table& real, const Table& synthetic);

// Distance from each row of `query` to its nearest row of `reference` (Euclidean), skipping
// the same index when `leave_one_out` (query == reference).
std::vector<double> nearest_distances(const RowMatrix& query, const RowMatrix& reference,
                                      bool leave_one_out, int threads);

}  // namespace synthtab::eval
