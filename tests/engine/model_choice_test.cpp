// The default model's choice (`auto`): the candidates fitted on splits, scored, ranked, and the
// winner fitted on every row.
#include "synthtab/engine/model_choice.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/constraints/rule_set.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/engine/synthesis.hpp"
#include "transform/column_builders.hpp"

namespace synthtab {
namespace {

using testing::data_path;
using testing::scratch_dir;

SynthesisOptions auto_options() {
  SynthesisOptions options;
  options.fit.seed = 42;
  options.fit.threads = 1;
  return options;
}

TEST(AutoChoice, JudgesTheCandidatesWithTheRulesTheModelWillKeep) {
  SynthesisOptions options = auto_options();
  const auto input = prepare_csv(std::string(SYNTHTAB_SOURCE_DIR) + "/tests/constraints/shares.csv", options);
  const ModelChoice kept = choose_model(input.prepared.table, options.fit);
  RuleOptions none;
  none.find = false;
  const ModelChoice free = choose_model(input.prepared.table, options.fit, none);
  ASSERT_EQ(kept.candidates.size(), free.candidates.size());
  // The candidates' rows differ (the shares summed to 1 or not), so do their scores.
  for (size_t i = 0; i < kept.candidates.size(); ++i)
    EXPECT_NE(kept.candidates[i].quality, free.candidates[i].quality) << kept.candidates[i].label;
}

TEST(AutoChoice, FitsTheCandidatesAndKeepsTheMostFaithful) {
  SynthesisOptions options = auto_options();
  const auto input = prepare_csv(data_path("ROI.csv"), options);
  const ModelChoice choice = choose_model(input.prepared.table, options.fit);
  ASSERT_EQ(choice.candidates.size(), 3u);  // copula, cart, cart without smoothing; no GAN
  EXPECT_EQ(choice.splits, 10);             // 19 rows: many splits, so the spread is known
  ASSERT_FALSE(choice.ranking.empty());
  EXPECT_EQ(choice.candidates[choice.ranking.front()].model, choice.model);
  for (const auto& c : choice.candidates) {
    // The score is fidelity less detectability, excess copies and the strongest relationship's change.
    ASSERT_TRUE(c.fitted) << c.label << ": " << c.note;
    ASSERT_EQ(c.split_scores.size(), 10u);
    EXPECT_GT(c.detection_auc, 0.0);
    EXPECT_LE(c.score, c.quality + 1e-12);
    EXPECT_GT(c.score_spread, 0.0);
    EXPECT_GE(c.relationship_change, 0.0);
    double sum = 0.0;
    for (double x : c.split_scores) sum += x;
    EXPECT_NEAR(c.score, sum / 10.0, 1e-12);
  }
  // The winner is the copula (the prior) unless another candidate beats it beyond the noise.
  const CandidateScore& copula = choice.candidates[0];
  const CandidateScore& winner = choice.candidates[choice.ranking.front()];
  if (winner.model != "copula") {
    EXPECT_GT(winner.score, copula.score);
    EXPECT_NE(choice.reason.find("beyond the noise"), std::string::npos) << choice.reason;
  }
  EXPECT_EQ(choose_model(input.prepared.table, options.fit).model, choice.model);  // deterministic
  const FittedModel model = FittedModel::fit_prepared(input, options);
  EXPECT_EQ(model.model_name(), choice.model);
  const std::string& said = model.fit_report().settings.at("auto");
  EXPECT_NE(said.find("chose " + choice.label + " (10 splits"), std::string::npos) << said;
  EXPECT_NE(said.find(" ± "), std::string::npos) << said;  // how sure the choice is
}

// The failing cases: tables of 6 rows, and a 60-row table so discrete that every
// candidate's rows sit at distance 0 from the training rows, as unseen real rows do.
TEST(AutoChoice, NeverFailsWhereACandidateFits) {
  const auto dir = scratch_dir("auto_tiny");
  testing::write_text(dir / "dates.csv",
                      "date,const,value\n2024-01-01,5,1.25\n2024-02-01,5,2.5\n2024-03-01,5,1.75\n"
                      "2024-04-01,5,3.0\n2024-05-01,5,2.25\n2024-06-01,5,4.5\n");
  testing::write_text(dir / "ids.csv",
                      "name,amount,group\n\"Alpha Co\",10.5,x\n\"Beta Ltd\",12.25,y\n\"Gamma Inc\",9.75,x\n"
                      "\"Delta LLC\",14.0,y\n\"Epsilon SA\",11.5,x\n\"Zeta AG\",13.25,y\n");
  std::string intervals = "start,end,code\n";
  Rng rng(1);
  for (int i = 0; i < 60; ++i) {
    const uint64_t start = 1 + rng.below(5);
    intervals += fmt::format("{},{},{}\n", start, start + rng.below(4), static_cast<char>('A' + rng.below(5)));
  }
  testing::write_text(dir / "intervals.csv", intervals);
  testing::write_text(dir / "two.csv", "a,b\n1.5,x\n2.5,y\n");
  for (const char* name : {"dates.csv", "ids.csv", "intervals.csv", "two.csv"}) {
    SCOPED_TRACE(name);
    SynthesisOptions options = auto_options();
    const auto input = prepare_csv((dir / name).string(), options);
    FittedModel model = FittedModel::fit_prepared(input, options);
    const Table rows = model.sample(0, 50, 3);
    EXPECT_EQ(rows.rows(), 50);
    EXPECT_FALSE(model.fit_report().settings.at("auto").empty());
  }
}

// The candidates are scored side by side, each with its own seeds: the same scores on any
// number of threads.
TEST(AutoChoice, ScoresTheSameOnOneThreadAndOnSeveral) {
  SynthesisOptions options = auto_options();
  const auto input = prepare_csv(data_path("ROI.csv"), options);
  options.fit.threads = 1;
  const ModelChoice one = choose_model(input.prepared.table, options.fit);
  options.fit.threads = 3;
  const ModelChoice three = choose_model(input.prepared.table, options.fit);
  ASSERT_EQ(one.candidates.size(), three.candidates.size());
  for (size_t i = 0; i < one.candidates.size(); ++i) {
    EXPECT_EQ(one.candidates[i].split_scores, three.candidates[i].split_scores) << one.candidates[i].label;
    EXPECT_EQ(one.candidates[i].detection_auc, three.candidates[i].detection_auc) << one.candidates[i].label;
  }
  EXPECT_EQ(one.ranking, three.ranking);
}

// Above kMaxChoiceRows the candidates are scored on a random subsample, and the output says so;
// the winner is still fitted on every row.
TEST(AutoChoice, ChoosesOnASubsampleOfALargeTable) {
  const int64_t rows = kMaxChoiceRows + 300;
  std::vector<double> x, y;
  Rng rng(4);
  for (int64_t r = 0; r < rows; ++r) {
    const double a = rng.normal();
    x.push_back(a);
    y.push_back(a * a + 0.1 * rng.normal());  // a curve a copula cannot follow
  }
  Table table;
  table.columns = {testing::numeric_column("x", ColumnType::Float, x),
                   testing::numeric_column("y", ColumnType::Float, y)};
  SynthesisOptions options = auto_options();
  const ModelChoice choice = choose_model(table, options.fit);
  EXPECT_EQ(choice.table_rows, rows);
  EXPECT_EQ(choice.rows_compared, kMaxChoiceRows);
  EXPECT_EQ(choice.splits, 1);
  const std::string said = choice.describe(choice.label, "");
  EXPECT_NE(said.find(fmt::format("1 split of a random {} of the {} rows", kMaxChoiceRows, rows)), std::string::npos)
      << said;
  EXPECT_NE(choice.model, "copula") << said;  // y = x² is cart's, on the subsample as on the whole
  const FittedModel model = FittedModel::fit_table(table, options);
  EXPECT_EQ(model.model_name(), choice.model);
}

TEST(AutoChoice, UnderEightRowsLetsThePriorDecide) {
  // 7 rows would leave 3 held-out rows: no basis for a comparison.
  SynthesisOptions options = auto_options();
  const auto input = prepare_csv(data_path("ROI.csv"), options);
  ModelChoice choice = choose_model(input.prepared.table.slice(0, 7), options.fit);
  EXPECT_EQ(choice.splits, 0);  // under 8 rows the prior decides
  EXPECT_EQ(choice.model, "copula");
  EXPECT_NE(choice.reason.find("too few"), std::string::npos) << choice.reason;
  EXPECT_EQ(choice.ranking.size(), 3u);
}

}  // namespace
}  // namespace synthtab
