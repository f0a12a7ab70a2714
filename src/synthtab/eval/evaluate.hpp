#pragma once
// Everything `synthtab evaluate` reports, as plain structs: per-column two-sample tests, MMD,
// the quality score, detection, ML efficacy and privacy. See docs/evaluation.md.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/core/progress.hpp"
#include "synthtab/eval/geometry.hpp"
#include "synthtab/eval/mmd.hpp"
#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/quality.hpp"
#include "synthtab/eval/relationships.hpp"
#include "synthtab/eval/topology.hpp"
#include "synthtab/eval/two_sample_tests.hpp"
#include "synthtab/models/random_forest.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct EvaluateOptions {
  std::string target;        // column for ML efficacy; empty = none
  std::optional<Task> task;  // inferred from the target's type when unset
  uint64_t seed = 42;
  int threads = 0;                   // 0 = all cores
  int permutations = 200;            // MMD permutation test
  bool mmd_seed_compatible = false;  // also compute the seed's MMD formula
  int folds = 5;                     // K of the cross-validations
  bool geometry = false;             // the seed's distance-concentration and SVD checks
  bool topology = false;             // Vietoris-Rips persistence (H0, H1)
  bool raw = false;                  // geometry/topology on raw units, as the seed (default: standardised)
  int64_t topology_points = 0;       // points per cloud; 0 = min(real, synthetic, 1000)
  RuleOptions rules;                 // business rules checked: found in the real rows, and declared
  uint64_t memory_limit = 0;         // bytes, for the steps whose memory grows with the square of their points
  Progress* progress = nullptr;      // may be null: shown the steps, and may stop the work between them
};

struct ColumnSummary {
  double mean = 0.0, sd = 0.0, min = 0.0, max = 0.0;
  int64_t count = 0, missing = 0;
};

struct ColumnTests {
  std::string column;
  std::string type;                 // "numeric" or "categorical"
  ColumnSummary real, synthetic;    // numeric columns
  std::vector<std::string> labels;  // categorical columns: union of labels
  std::vector<double> real_counts, synthetic_counts;
  std::optional<TestResult> ks, welch_t, mann_whitney, wilcoxon_seed, chi_square;
  std::vector<std::string> notes;  // why a test was left out
};

struct Detection {
  std::string classifier;
  double auc = 0.5;
  int folds = 0;
  int repeats = 0;
  int64_t rows_per_side = 0;
};

struct ModelScores {
  double r2 = 0.0, explained_variance = 0.0;  // regression
  double accuracy = 0.0, macro_f1 = 0.0;      // classification
};

struct MlEfficacy {
  std::string target;
  std::string task;  // "regression" or "classification"
  std::string model;
  ModelScores trtr;                         // K-fold cross-validation on the real rows
  ModelScores tstr;                         // trained on all synthetic rows, scored on all real rows
  ModelScores seed_synthetic_on_synthetic;  // the seed's check: 80/20 split of synthetic rows
  std::vector<double> actual, predicted;    // TSTR predictions on the real rows
};

// A business rule (found in the real rows or declared) and the share of rows that keep it.
struct RuleCheck {
  std::string sentence;  // Rule::describe()
  std::string formula;   // Rule::formula()
  double real = 0.0, synthetic = 0.0;
};

struct Evaluation {
  int64_t real_rows = 0, synthetic_rows = 0;
  std::vector<RuleCheck> rules;
  std::vector<std::string> columns;
  std::vector<ColumnTests> column_tests;
  MmdResult mmd;
  std::optional<MmdResult> mmd_seed;
  QualityReport quality;
  RelationshipReport relationships;
  std::optional<Detection> detection;
  std::optional<MlEfficacy> ml_efficacy;
  PrivacyReport privacy;
  std::vector<GeometryResult> geometry;  // real, synthetic, uniform random (when asked)
  std::optional<TopologyComparison> topology;
  std::string geometry_space;      // "standardised" or "raw"
  std::vector<std::string> notes;  // what was left out and why
  uint64_t seed = 0;
};

// `real` and `synthetic` must have the same columns (any order). Throws Error(Usage) for an
// unknown target, Error(Input) for tables that cannot be compared. `holdout`, when given, holds
// real rows the generator never saw (`real` being the rows it learned from), with the same
// columns: privacy.holdout then compares the synthetic rows' closeness with theirs.
Evaluation evaluate(const Table& real, const Table& synthetic, const EvaluateOptions& options = {},
                    const Table* holdout = nullptr);

// The whole evaluation as JSON (layout in docs/evaluation.md). NaN becomes null.
nlohmann::json to_json(const Evaluation& evaluation);
// A readable summary: headline scores, then tables.
std::string format_text(const Evaluation& evaluation);

// The pieces of ML efficacy and detection, for cross-fitting (engine/validation):
// The efficacy learner (the seed's forest) trained on `training`'s rows that have a `target`
// value, and its predictions for `test`'s rows that have one, beside their truth. A categorical
// target's labels are positions among both tables' sorted labels. Throws Error(Input) when
// `training` has fewer than 2 such rows.
struct Predictions {
  std::vector<double> actual, predicted;
};
Predictions train_and_predict(const Table& training, const Table& test, const std::string& target, Task task,
                              uint64_t seed, int threads);
// The task `options.task` names, or the target column's (categorical: classification).
Task efficacy_task(const Column& target, const std::optional<Task>& task);
ModelScores efficacy_scores(Task task, const std::vector<double>& actual, const std::vector<double>& predicted);
// Detection AUC of `synthetic` among `real`'s rows, as evaluate computes it.
Detection detection(const Table& real, const Table& synthetic, const EvaluateOptions& options);

// Features for tree models: numeric columns as they are (missing -> 0 plus a missing-flag
// column), categorical columns as label positions shared by both tables (missing -> 0).
// `skip` names a column to leave out (the target), or is empty.
struct TreeFeatures {
  FeatureMatrix real, synthetic;
};
TreeFeatures tree_features(const Table& real, const Table& synthetic, const std::string& skip);

}  // namespace synthtab::eval
