#pragma once
// The `auto` model: fits the candidate models on part of the real rows, scores each on the
// rows it did not see (fidelity first, with a privacy floor), and names the winner.
#include <string>
#include <vector>

#include "synthtab/models/synthesizer.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

struct CandidateScore {
  std::string model;
  Smoothing smoothing = Smoothing::Density;  // cart's; the other models ignore it
  double quality = 0.0;       // mean SDMetrics quality score against held-out real rows
  double pairs = 0.0;         // its column-pair part (the shapes part when there is one column)
  double detection_auc = 0.0; // mean AUC of a forest telling the real rows from synthetic ones
  double copy_share = 0.0;    // mean share of synthetic rows equal to a training row
  double privacy_ratio = 0.0; // median DCR(synthetic -> training) / median DCR(held-out -> training)
  // What auto maximises: quality - max(0, detection_auc - 0.5) - max(0, copy_share - 0.05).
  double score = 0.0;
  bool eligible = true;       // false below the privacy floor, or when the model failed
  std::string note;
  // "copula", "cart", or "cart (no smoothing)".
  std::string label() const { return smoothing == Smoothing::None ? model + " (no smoothing)" : model; }
};

struct ModelChoice {
  std::string model;
  Smoothing smoothing = Smoothing::Density;
  std::vector<CandidateScore> candidates;
  std::string label() const { return smoothing == Smoothing::None ? model + " (no smoothing)" : model; }
  int splits = 0;
};

// Candidates: copula, cart, and cart without smoothing (synthpop's default: values drawn as
// they are in the leaf, closer to the real rows; the privacy floor below keeps it honest). The seed's wgan lost on every table of bench/quality and takes
// seconds to train, so it is not one). Splits: 70 % training rows; 5 repeats under 100 rows, 3
// under 1,000, else 1. Each candidate is scored by fidelity to the held-out rows (quality score)
// and detectability among all the real rows (a forest's AUC), with a penalty for rows that copy training rows; a
// candidate whose rows sit much closer to its training rows than unseen real rows do is left out.
ModelChoice choose_model(const Table& prepared, const FitOptions& options);

}  // namespace synthtab
