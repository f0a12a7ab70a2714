#pragma once
// Cross-fitted validation: does training on synthetic rows help? For each fold the generator is
// fitted on the other folds only, and its rows are judged on the held-out fold, which it never
// saw: the learner trained on the training folds (TRTR), on the synthetic rows (TSTR) and on both
// (augmented); fidelity to the held-out fold against fidelity to the training folds (the gap is
// overfitting); and whether synthetic rows sit closer to training rows than to held-out ones.
// In-sample figures (the generator fitted on every row and scored on those same rows) are
// computed too, to show how optimistic they are.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/progress.hpp"
#include "synthtab/models/random_forest.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct ValidationOptions {
  std::string target;        // required: the column the learner predicts
  std::optional<Task> task;  // from the target's type when unset
  int folds = 5;             // K
  int repeats = 0;           // K-fold runs on fresh shuffles; 0: 5 when folds hold under kMinFoldRows rows, else 1
  int64_t rows = 0;          // synthetic rows per fold; 0: as many as the training folds
  uint64_t seed = 42;
  int threads = 0;               // 0 = all cores
  Progress* progress = nullptr;  // may be null; asked to stop between folds
};

// Fits a generator on `training` and draws `rows` rows from it.
using FoldGenerator = std::function<Table(const Table& training, int64_t rows, uint64_t seed)>;

// A figure over the folds (or repeats): mean, standard deviation and each value.
struct Spread {
  double mean = 0.0, sd = 0.0;
  std::vector<double> values;
};

struct Validation {
  std::string model;  // the generator, as the caller names it
  std::string target, task;
  std::string metric;  // "r2" (regression) or "macro_f1" (classification)
  int folds = 0, repeats = 0;
  int64_t table_rows = 0, synthetic_rows = 0;  // synthetic: the most drawn for one fold
  // ML figures: per fold when every held-out fold has at least kMinFoldRows rows with a target,
  // else per repeat over its folds' pooled held-out predictions. `unit` says which.
  std::string unit;
  Spread trtr, tstr, augmented;
  double tstr_in_sample = 0.0;  // trained on rows of a generator fitted on every row, scored on those rows
  double trtr_in_sample = 0.0;  // K-fold TRTR on every row, as evaluate computes it
  // Per fold: fidelity of the synthetic rows to the held-out fold and to the training folds
  // (quality score), detection AUC among the held-out rows, and the share of synthetic rows
  // nearer a training row than every held-out row (0.5 when they sit no closer to either).
  Spread quality_holdout, quality_training, detection_holdout, closer_to_training;
  // The training rows themselves scored against the held-out fold, as if they were synthetic:
  // what quality_holdout can reach on folds this small.
  Spread quality_real_reference;
  std::string verdict;  // one sentence
  std::vector<std::string> notes;
};

inline constexpr int64_t kMinFoldRows = 10;
// The report cross-fits only tables with at least twice this many rows (5 folds of 2 rows).
inline constexpr int64_t kMinCrossFitFolds = 5;

// Cross-fits `generator` on `prepared` (a table typed and cleaned, as models are fitted on).
// engine/validation.hpp's validate() cross-fits the library's models.
// Throws Error(Usage) for an unknown target or folds outside [2, rows], Error(Input) for a
// table too small to split (fewer than 2 rows with a target per training part).
Validation cross_fit(const Table& prepared, const ValidationOptions& options, const FoldGenerator& generator,
                     const std::string& model_label);

// The JSON layout (docs/validation.md) and the console text.
nlohmann::json to_json(const Validation& validation);
std::string format_text(const Validation& validation);

}  // namespace synthtab::eval
