#pragma once
// The `auto` model: fits the candidate models on part of the real rows, scores each on the
// rows it did not see (fidelity and the strongest relationships first, with a privacy floor),
// and names the winner, with how sure the choice is.
#include <string>
#include <vector>

#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/models/synthesizer.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

struct CandidateScore {
  std::string model;
  std::string label;           // "copula", "cart", or "cart (no smoothing)"
  ModelParameters parameters;  // the candidate's own (AutoCandidate), over the caller's
  // Means over the splits:
  double quality = 0.0;              // SDMetrics quality score against held-out real rows
  double pairs = 0.0;                // its column-pair part (the shapes part when there is one column)
  double relationship_change = 0.0;  // largest change of the strongest real pairs' correlation/association
  double detection_auc = 0.0;        // AUC of a forest telling the real rows from synthetic ones
  double copy_share = 0.0;           // share of synthetic rows equal to a training row
  double holdout_copy_share = 0.0;   // share of held-out real rows equal to a training row
  double privacy_ratio = 0.0;        // median DCR(synthetic -> training) / median DCR(held-out -> training)
  // What auto maximises, per split: quality - max(0, detection_auc - 0.5)
  //   - max(0, copy_share - holdout_copy_share - 0.01) - 0.5 x relationship_change.
  double score = 0.0;         // mean over the splits
  double score_spread = 0.0;  // standard deviation over the splits
  std::vector<double> split_scores;
  bool fitted = true;    // false when the model failed to fit or sample (note says why)
  bool eligible = true;  // false when it failed, or sits below the privacy floor
  std::string note;
};

struct ModelChoice {
  std::string model;
  std::string label;  // the winner's
  std::vector<CandidateScore> candidates;
  // The candidates to fit on all rows, best first: the next is tried when one fails.
  std::vector<size_t> ranking;
  std::string reason;  // one sentence: why the winner, and how sure
  int splits = 0;
  int64_t table_rows = 0;     // rows of the table
  int64_t rows_compared = 0;  // rows the candidates were scored on (a subsample above kMaxChoiceRows)
  // The fit report's `auto` entry: which candidate was fitted (`fitted_label`, the winner unless
  // it failed on all rows), why, and every candidate's mean +- spread and parts; `failures` is
  // appended as it is.
  std::string describe(const std::string& fitted_label, const std::string& failures) const;
};

// Candidates (each model's traits.auto_candidates, by their order): copula, cart, and cart
// without smoothing (synthpop's default); bayesnet lost on
// the tuning half of bench/quality (pairs 0.893 vs 0.894 without it, TSTR - TRTR +0.026 vs
// +0.055), so it is not one. Each candidate's draws pass the default copy rule (holdout), so
// auto judges what the user gets. Splits: 70 %
// training rows; 10 repeats under 100 rows, 3 under 1,000, else 1. Each candidate is scored by
// fidelity to the held-out rows, by how well the strongest relationships of the real table
// survive, and by detectability among all the real rows, with a penalty for copying training
// rows more often than held-out rows equal them; a candidate whose rows sit much closer to its
// training rows than unseen real rows do is left out. The copula keeps correlations by
// construction, so it is the prior: another candidate replaces it only when it wins by more than
// twice the standard error of the paired per-split difference. Under 8 rows no split says
// anything, and the prior decides. A candidate that fails is reported and skipped; this throws
// only when every candidate fails.
// Above this many rows the candidates are scored on a random subsample of this many (the
// winner is still fitted on every row): the tables auto was tuned on are scored as before, and
// 54,000 rows choose in seconds rather than 85 s.
inline constexpr int64_t kMaxChoiceRows = 5000;
// `rules`: what each candidate keeps, as the final model will (see rule_options_for_part).
ModelChoice choose_model(const Table& prepared, const FitOptions& options, const RuleOptions& rules = {});

// Every model auto tries, in order, each with the caller's parameters that are its model's and
// its own on top. Throws Error(Usage) when a parameter belongs to none of them.
std::vector<CandidateScore> candidate_models(const ModelParameters& given = {});

// What auto's fit needs in memory: the most of its candidates'.
ModelMemory auto_fit_memory();

}  // namespace synthtab
