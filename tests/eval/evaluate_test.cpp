// The whole evaluation: properties that must hold, determinism and error messages. The numbers
// it is built from are checked against SciPy/scikit-learn in the other tests of this folder.
#include "synthtab/eval/evaluate.hpp"

#include <gtest/gtest.h>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/evaluation_input.hpp"

namespace synthtab::eval {
namespace {

// x ~ N(0,1), y = 2x + noise, kind in {a, b} depending on x: a table whose rows can be drawn
// again from the same distribution (or a shifted one) to play "synthetic".
Table draw(int64_t rows, uint64_t seed, double shift = 0.0) {
  Rng rng(seed);
  Table t;
  Column x, y, kind;
  x.name = "x";
  y.name = "y";
  kind.name = "kind";
  kind.type = ColumnType::Categorical;
  kind.categories = {"a", "b"};
  for (int64_t r = 0; r < rows; ++r) {
    const double v = rng.normal() + shift;
    x.values.push_back(v);
    y.values.push_back(2 * v + 0.3 * rng.normal());
    kind.codes.push_back(v + 0.5 * rng.normal() > 0 ? 1 : 0);
  }
  t.columns = {x, y, kind};
  return t;
}

EvaluateOptions quick(const std::string& target = "") {
  EvaluateOptions o;
  o.target = target;
  o.permutations = 50;
  return o;
}

TEST(Evaluate, SameDistributionLooksAlikeAndShiftedDoesNot) {
  const Table real = draw(300, 1);
  const Evaluation same = evaluate(real, draw(600, 2), quick("y"));
  const Evaluation shifted = evaluate(real, draw(600, 3, 1.5), quick("y"));
  EXPECT_GT(same.quality.overall, 0.9);
  EXPECT_LT(shifted.quality.overall, same.quality.overall);
  ASSERT_TRUE(same.detection && shifted.detection);
  EXPECT_LT(same.detection->auc, 0.65);
  EXPECT_GT(shifted.detection->auc, 0.85);
  EXPECT_GT(same.mmd.pvalue, 0.01);
  EXPECT_LT(shifted.mmd.pvalue, 0.05);
  ASSERT_TRUE(same.ml_efficacy);
  EXPECT_EQ(same.ml_efficacy->task, "regression");
  EXPECT_GT(same.ml_efficacy->tstr.r2, 0.8);  // y = 2x + small noise is easy to learn
  EXPECT_NEAR(same.ml_efficacy->tstr.r2, same.ml_efficacy->trtr.r2, 0.05);
  EXPECT_EQ(same.privacy.exact_copies, 0);
}

TEST(Evaluate, CopiedRowsAreCaughtByPrivacyAndDetectionStaysLow) {
  const Table real = draw(200, 1);
  const Evaluation copy = evaluate(real, real, quick());
  EXPECT_EQ(copy.privacy.exact_copies, 200);
  EXPECT_DOUBLE_EQ(copy.privacy.dcr_median, 0.0);
  EXPECT_DOUBLE_EQ(copy.quality.overall, 1.0);
}

TEST(Evaluate, ClassificationTargetAndJsonLayout) {
  const Evaluation e = evaluate(draw(150, 1), draw(400, 2), quick("kind"));
  ASSERT_TRUE(e.ml_efficacy);
  EXPECT_EQ(e.ml_efficacy->task, "classification");
  EXPECT_GT(e.ml_efficacy->tstr.accuracy, 0.6);
  const nlohmann::json j = to_json(e);
  for (const char* key : {"rows", "columns", "column_tests", "mmd", "quality", "detection", "ml_efficacy", "privacy"})
    EXPECT_TRUE(j.contains(key)) << key;
  EXPECT_TRUE(j["ml_efficacy"]["tstr"].contains("macro_f1"));
  EXPECT_TRUE(j["column_tests"][0]["ks"].contains("pvalue"));
  EXPECT_TRUE(j["column_tests"][2]["chi_square"].contains("dof"));
  EXPECT_TRUE(j["privacy"]["dcr"].contains("ratio"));
  EXPECT_TRUE(j["quality"]["diagnostics"].contains("new_row_share"));
}

TEST(Evaluate, SameSeedSameNumbers) {
  const Table real = draw(120, 1), synthetic = draw(500, 2);
  EvaluateOptions a = quick("y"), b = quick("y");
  b.threads = 1;
  EXPECT_EQ(to_json(evaluate(real, synthetic, a)).dump(), to_json(evaluate(real, synthetic, b)).dump());
  EvaluateOptions c = quick("y");
  c.seed = 7;
  EXPECT_NE(to_json(evaluate(real, synthetic, a)).dump(), to_json(evaluate(real, synthetic, c)).dump());
}

TEST(Evaluate, BadInputIsAClearError) {
  const Table real = draw(50, 1);
  try {
    evaluate(real, draw(50, 2), quick("revenue"));
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_EQ(e.kind(), ErrorKind::Usage);
    EXPECT_NE(std::string(e.what()).find("revenue"), std::string::npos);
  }
  Table fewer = draw(50, 2);
  fewer.columns.pop_back();
  EXPECT_THROW(evaluate(real, fewer, quick()), Error);
  Table empty_column = real;
  for (double& v : empty_column.columns[0].values) v = kMissingValue;
  try {
    evaluate(empty_column, draw(50, 2), quick());
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("\"x\" has no values"), std::string::npos) << e.what();
  }
}

TEST(EvaluationInput, ReadsBothFilesWithTheRealTypesAndNamesProblems) {
  const auto dir = testing::scratch_dir("evaluation-input");
  testing::write_text(dir / "real.csv", "id,year,spend\n1,2021,10.5\n2,2022,11\n3,2021,9.25\n4,2022,12\n5,2021,8\n");
  testing::write_text(dir / "synth.csv", "spend,year\n10,2021\n11.5,2022\n");
  const EvaluationInput in = read_evaluation_pair((dir / "real.csv").string(), (dir / "synth.csv").string());
  ASSERT_EQ(in.real.cols(), 2);  // the ID is left out
  EXPECT_EQ(in.notes.size(), 1u);
  EXPECT_EQ(in.synthetic.column("year").type, ColumnType::Categorical);
  EXPECT_EQ(in.synthetic.column("spend").type, ColumnType::Float);
  testing::write_text(dir / "bad.csv", "spend,year\n10,2021\nten,2022\n");
  try {
    read_evaluation_pair((dir / "real.csv").string(), (dir / "bad.csv").string());
    ADD_FAILURE();
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("bad.csv:3:1"), std::string::npos) << e.what();
  }
  testing::write_text(dir / "other.csv", "spend,region\n10,x\n11,y\n");
  EXPECT_THROW(read_evaluation_pair((dir / "real.csv").string(), (dir / "other.csv").string()), Error);
  testing::write_text(dir / "header.csv", "spend,year\n");
  EXPECT_THROW(read_evaluation_pair((dir / "real.csv").string(), (dir / "header.csv").string()), Error);
}

}  // namespace
}  // namespace synthtab::eval
