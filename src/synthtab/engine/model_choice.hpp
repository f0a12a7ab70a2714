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
  double quality = 0.0;       // mean SDMetrics quality score against held-out real rows
  double privacy_ratio = 0.0; // median DCR(synthetic -> training) / median DCR(held-out -> training)
  bool eligible = true;       // false below the privacy floor, or when the model failed
  std::string note;
};

struct ModelChoice {
  std::string model;
  std::vector<CandidateScore> candidates;
  int splits = 0;
};

// Candidates: copula and cart always; wgan too for tables of 500 rows or more when the LibTorch
// plugin loads. Splits: 70 % training rows; 5 repeats under 100 rows, 3 under 1,000, else 1.
ModelChoice choose_model(const Table& prepared, const FitOptions& options);

}  // namespace synthtab
