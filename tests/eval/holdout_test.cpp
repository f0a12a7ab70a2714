// Holdout-based copy checks (identical-match shares, closer-to-training share, duplicate share)
// against the pandas/NumPy reference of tests/data/gen_holdout_oracle.py.
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "support/point_clouds.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/eval/evaluate.hpp"
#include "synthtab/eval/privacy.hpp"

namespace synthtab::eval {
namespace {

using nlohmann::json;

// Columns a, b (numbers) and c (labels); `label_order` reversed gives the same labels other codes.
Table frame_table_of(const json& frame, bool reverse_labels = false) {
  Table table;
  for (const char* name : {"a", "b"}) {
    Column column;
    column.name = name;
    column.type = ColumnType::Float;
    for (const auto& v : frame.at(name)) column.values.push_back(v.get<double>());
    table.columns.push_back(std::move(column));
  }
  Column c;
  c.name = "c";
  c.type = ColumnType::Categorical;
  c.categories = {"blue", "green", "red", "violet"};
  if (reverse_labels) std::reverse(c.categories.begin(), c.categories.end());
  for (const auto& v : frame.at("c"))
    c.codes.push_back(static_cast<int32_t>(std::find(c.categories.begin(), c.categories.end(), v.get<std::string>()) -
                                           c.categories.begin()));
  table.columns.push_back(std::move(c));
  return table;
}

json holdout_oracle() { return testing::read_oracle("holdout_oracle.json"); }

TEST(Holdout, MatchSharesAndCloserToTrainingEqualTheReference) {
  const json data = holdout_oracle();
  ASSERT_EQ(data.at("cases").size(), 3u);
  for (const auto& c : data.at("cases")) {
    const Table training = frame_table_of(c.at("training"));
    // The holdout's codes differ from the training table's: labels are matched as text.
    const Table holdout = frame_table_of(c.at("holdout"), true), synthetic = frame_table_of(c.at("synthetic"));
    const HoldoutReport h = holdout_comparison(training, holdout, synthetic, {7, 1});
    EXPECT_EQ(h.training_rows, training.rows());
    EXPECT_EQ(h.holdout_rows, holdout.rows());
    EXPECT_EQ(h.compared_rows, std::min(training.rows(), holdout.rows()));
    EXPECT_NEAR(h.synthetic_match_share, c.at("synthetic_match_share").get<double>(), 1e-15);
    EXPECT_NEAR(h.holdout_match_share, c.at("holdout_match_share").get<double>(), 1e-15);
    EXPECT_NEAR(duplicate_row_share(training), c.at("training_duplicate_share").get<double>(), 1e-15);
    if (c.contains("closer_to_training_share")) {
      EXPECT_NEAR(h.closer_to_training_share, c.at("closer_to_training_share").get<double>(), 1e-15);
      EXPECT_NEAR(h.overfitting_protection, std::min(1.0, 2.0 * (1.0 - h.closer_to_training_share)), 1e-15);
    } else {
      // Unequal sizes: a seeded subsample of the training rows; same seed, same share.
      const HoldoutReport again = holdout_comparison(training, holdout, synthetic, {7, 2});
      EXPECT_EQ(again.closer_to_training_share, h.closer_to_training_share);
      EXPECT_GE(h.closer_to_training_share, 0.0);
      EXPECT_LE(h.closer_to_training_share, 1.0);
    }
  }
}

TEST(Holdout, SyntheticCopiesOfTrainingRowsAreAllCloserToTraining) {
  const json c = holdout_oracle().at("cases")[0];
  const Table training = frame_table_of(c.at("training"));
  Table holdout = frame_table_of(c.at("holdout"));
  // Holdout rows shifted far away: every synthetic row that copies training is nearer to it.
  for (double& v : holdout.columns[0].values) v += 1000.0;
  const HoldoutReport h = holdout_comparison(training, holdout, training, {});
  EXPECT_EQ(h.synthetic_match_share, 1.0);
  EXPECT_EQ(h.holdout_match_share, 0.0);
  EXPECT_EQ(h.closer_to_training_share, 1.0);
  EXPECT_EQ(h.overfitting_protection, 0.0);
  // The holdout as synthetic rows: each is at distance 0 from itself, never nearer to training.
  const HoldoutReport self = holdout_comparison(training, holdout, holdout, {});
  EXPECT_EQ(self.closer_to_training_share, 0.0);
}

TEST(Holdout, MismatchedHoldoutColumnsAreAnInputErrorNamingTheHoldout) {
  const json c = holdout_oracle().at("cases")[0];
  const Table training = frame_table_of(c.at("training"));
  Table holdout = frame_table_of(c.at("holdout"));
  holdout.columns[1].name = "B";
  try {
    holdout_comparison(training, holdout, training, {});
    FAIL() << "expected an error";
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Input);
    EXPECT_NE(std::string(e.what()).find("holdout"), std::string::npos) << e.what();
  }
}

TEST(Holdout, DuplicateShareCountsEveryRowOfARepeatedPairAndNoEmptyRow) {
  Table t;
  Column a;
  a.name = "a";
  a.values = {1, 1, 2, 3, kMissingValue, kMissingValue};
  Column b;
  b.name = "b";
  b.values = {5, 5, 5, 6, kMissingValue, kMissingValue};
  t.columns = {a, b};
  // Rows 0 and 1 repeat each other; rows 4 and 5 are empty, which is never a copy.
  EXPECT_NEAR(duplicate_row_share(t), 2.0 / 6.0, 1e-15);
}

TEST(Holdout, EvaluateReportsItInTheJson) {
  const json c = holdout_oracle().at("cases")[0];
  const Table training = frame_table_of(c.at("training")), holdout = frame_table_of(c.at("holdout"));
  const Table synthetic = frame_table_of(c.at("synthetic"));
  EvaluateOptions options;
  options.permutations = 0;
  const Evaluation without = evaluate(training, synthetic, options);
  EXPECT_FALSE(without.privacy.holdout);
  const json j0 = to_json(without);
  EXPECT_TRUE(j0["privacy"]["holdout"].is_null());
  EXPECT_NEAR(j0["privacy"]["identical_matches"]["expected_share_estimate"].get<double>(),
              c.at("training_duplicate_share").get<double>(), 1e-15);
  EXPECT_NEAR(j0["privacy"]["identical_matches"]["synthetic_share"].get<double>(),
              c.at("synthetic_match_share").get<double>(), 1e-15);
  EXPECT_NE(format_text(without).find("an estimate"), std::string::npos);

  const Evaluation with = evaluate(training, synthetic, options, &holdout);
  ASSERT_TRUE(with.privacy.holdout);
  const json j = to_json(with)["privacy"]["holdout"];
  EXPECT_NEAR(j["closer_to_training_share"].get<double>(), c.at("closer_to_training_share").get<double>(), 1e-15);
  EXPECT_NEAR(j["holdout_match_share"].get<double>(), c.at("holdout_match_share").get<double>(), 1e-15);
  EXPECT_EQ(j["compared_rows"].get<int64_t>(), 60);
  EXPECT_EQ(j["ideal_closer_to_training_share"].get<double>(), 0.5);
  EXPECT_NE(format_text(with).find("closer to training"), std::string::npos);
}

}  // namespace
}  // namespace synthtab::eval
