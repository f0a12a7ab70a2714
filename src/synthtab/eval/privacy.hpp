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
//   Copies judged against unseen real rows (SDMetrics' DCROverfittingProtection; Platzer &
//   Reutterer 2021): synthetic rows may sit as close to the training rows as unseen real rows
//   do, and no closer. See holdout_comparison and duplicate_row_share below.
#include <cstdint>
#include <optional>
#include <vector>

#include "synthtab/eval/feature_space.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct PrivacyOptions {
  uint64_t seed = 42;
  int threads = 0;
};

// With a holdout: real rows the generator never saw, beside the training rows it learned from.
struct HoldoutReport {
  int64_t training_rows = 0, holdout_rows = 0;
  double synthetic_match_share = 0.0;  // synthetic rows equal to some training row
  double holdout_match_share = 0.0;    // holdout rows equal to some training row
  // Training and holdout rows in the nearest-row comparison: the larger of the two is
  // subsampled (seeded) to the size of the smaller, so that 50 % closer to training is ideal.
  int64_t compared_rows = 0;
  // Synthetic rows whose nearest real row (standardised feature space, as DCR) is a training
  // row: strictly nearer than every compared holdout row (a tie counts as not closer).
  double closer_to_training_share = 0.0;
  double overfitting_protection = 0.0;  // SDMetrics' score: min(1, 2 (1 - closer_to_training_share))
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
  // Real rows equal to at least one other real row: without a holdout, the estimate of the
  // share of unseen real rows that would equal a training row (beside exact_copy_share).
  double real_duplicate_share = 0.0;
  std::optional<HoldoutReport> holdout;  // set by evaluate when a holdout table is given
};

PrivacyReport privacy(const Table& real, const Table& synthetic, const PrivacyOptions& options = {});

int64_t count_exact_copies(const Table& real, const Table& synthetic);

// Share of the rows of `real` equal (count_exact_copies' semantics) to at least one other row.
double duplicate_row_share(const Table& real);

// `holdout` and `synthetic` must have the columns of `training` (any order). Throws
// Error(Input) when a table has fewer than 1 row (training: 2).
HoldoutReport holdout_comparison(const Table& training, const Table& holdout, const Table& synthetic,
                                 const PrivacyOptions& options = {});

// Distance from each row of `query` to its nearest row of `reference` (Euclidean), skipping
// the same index when `leave_one_out` (query == reference).
std::vector<double> nearest_distances(const RowMatrix& query, const RowMatrix& reference, bool leave_one_out,
                                      int threads);

}  // namespace synthtab::eval
