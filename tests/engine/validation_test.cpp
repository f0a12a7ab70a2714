// Cross-fitted validation tells generators apart as in-sample TSTR cannot: a generator that
// memorises its rows looks far better than real rows in sample and no better cross-fitted; one
// that ignores the target is useless cross-fitted.
#include "synthtab/engine/validation.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/rng.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using eval::cross_fit;
using eval::FoldGenerator;
using eval::Validation;
using eval::ValidationOptions;

using testing::error_of;
using testing::numeric_column;

// y = sin(2 x1) + x2 + noise (noise sd 1): a forest learns part of it from 120 rows.
Table noisy_table(int64_t rows, uint64_t seed) {
  Rng rng(seed);
  std::vector<double> x1, x2, y;
  for (int64_t r = 0; r < rows; ++r) {
    x1.push_back(rng.normal());
    x2.push_back(rng.normal());
    y.push_back(std::sin(2.0 * x1.back()) + x2.back() + rng.normal());
  }
  Table table;
  table.columns = {numeric_column("x1", ColumnType::Float, x1), numeric_column("x2", ColumnType::Float, x2),
                   numeric_column("y", ColumnType::Float, y)};
  return table;
}

// The training rows drawn again with replacement: a perfect memoriser.
Table resampled(const Table& training, int64_t rows, uint64_t seed) {
  Rng rng(seed);
  std::vector<int64_t> picks;
  for (int64_t i = 0; i < rows; ++i)
    picks.push_back(static_cast<int64_t>(rng.below(static_cast<uint64_t>(training.rows()))));
  return training.take(picks);
}

ValidationOptions options_for(const std::string& target) {
  ValidationOptions options;
  options.target = target;
  options.seed = 3;
  options.threads = 1;
  return options;
}

TEST(Validation, AMemorisingGeneratorLooksBestInSampleAndNoBetterCrossFitted) {
  const Table table = noisy_table(120, 1);
  const Validation v = cross_fit(table, options_for("y"), resampled, "memoriser");
  EXPECT_EQ(v.unit, "fold");
  EXPECT_EQ(v.repeats, 1);
  ASSERT_EQ(v.trtr.values.size(), 5u);
  EXPECT_GT(v.trtr.mean, 0.3);
  // In sample the learner is scored on the very rows it was trained on (copies of them).
  EXPECT_GT(v.tstr_in_sample, v.trtr.mean + 0.15);
  // Cross-fitted, copies of the training folds carry no more than the training folds do.
  EXPECT_LE(v.tstr.mean, v.trtr.mean + 0.02);
  // Every synthetic row is a training row: more are nearer the (subsampled) training rows than
  // the held-out ones (an honest generator: at most 0.5), and they fit the training folds
  // better than the held-out one.
  EXPECT_GT(v.closer_to_training.mean, 0.55);
  EXPECT_GT(v.quality_training.mean, v.quality_holdout.mean);
}

TEST(Validation, AGeneratorThatIgnoresTheTargetIsUselessCrossFitted) {
  const Table table = noisy_table(120, 2);
  const FoldGenerator shuffled_target = [](const Table& training, int64_t rows, uint64_t seed) {
    Table out = resampled(training, rows, seed);
    Rng rng(seed + 1);
    auto& y = out.columns[2].values;
    for (size_t i = y.size(); i > 1; --i) std::swap(y[i - 1], y[rng.below(i)]);
    return out;
  };
  const Validation v = cross_fit(table, options_for("y"), shuffled_target, "shuffler");
  EXPECT_GT(v.trtr.mean, 0.3);
  EXPECT_LT(v.tstr.mean, 0.1);
  EXPECT_LT(v.tstr.mean, v.trtr.mean - 0.3);
  EXPECT_NE(v.verdict.find("alone hurt"), std::string::npos) << v.verdict;
}

TEST(Validation, SmallTablesScorePooledRepeatsAndTheJsonHasItsLayout) {
  const Table table = noisy_table(19, 4);
  SynthesisOptions copula;
  copula.model = "copula";
  const Validation v = validate(table, copula, options_for("y"));
  EXPECT_EQ(v.unit, "repeat");
  EXPECT_EQ(v.repeats, 5);
  EXPECT_EQ(v.trtr.values.size(), 5u);
  EXPECT_EQ(v.quality_holdout.values.size(), 25u);  // fidelity per fold: 5 folds x 5 repeats
  EXPECT_EQ(v.synthetic_rows, 16);                  // as many as a fold's training rows (19 - 3 at most)
  const nlohmann::json json = to_json(v);
  for (const char* key : {"folds", "rows", "model", "trtr", "tstr", "augmented", "quality_holdout", "quality_training",
                          "detection_holdout", "dcr_training_vs_holdout"})
    EXPECT_TRUE(json.contains(key)) << key;
  for (const char* key : {"mean", "sd", "per_fold"}) EXPECT_TRUE(json["tstr"].contains(key)) << key;
  EXPECT_EQ(json["model"], "copula");
  // The same seed gives the same figures.
  EXPECT_EQ(to_json(validate(table, copula, options_for("y"))).dump(), json.dump());
  EXPECT_NE(format_text(v).find("optimistic"), std::string::npos);
}

TEST(Validation, ClassificationScoresMacroF1) {
  Table table = noisy_table(100, 5);
  Column label;
  label.name = "label";
  label.type = ColumnType::Categorical;
  label.categories = {"low", "high"};
  for (double y : table.columns[2].values) label.codes.push_back(y > 0 ? 1 : 0);
  table.columns[2] = label;
  const Validation v = cross_fit(table, options_for("label"), resampled, "memoriser");
  EXPECT_EQ(v.task, "classification");
  EXPECT_EQ(v.metric, "macro_f1");
  EXPECT_GT(v.trtr.mean, 0.6);
}

TEST(Validation, BadOptionsAreUsageErrors) {
  const Table table = noisy_table(20, 6);
  ValidationOptions options = options_for("nope");
  EXPECT_NE(error_of([&] { cross_fit(table, options, resampled, "m"); }, ErrorKind::Usage).find("nope"),
            std::string::npos);
  options = options_for("y");
  options.folds = 1;
  EXPECT_NE(error_of([&] { cross_fit(table, options, resampled, "m"); }, ErrorKind::Usage).find("`folds`"),
            std::string::npos);
  options.folds = 21;
  error_of([&] { cross_fit(table, options, resampled, "m"); }, ErrorKind::Usage);
}

}  // namespace
}  // namespace synthtab
