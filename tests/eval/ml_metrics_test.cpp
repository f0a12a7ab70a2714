#include "synthtab/eval/ml_metrics.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"

namespace synthtab::eval {
namespace {

// scikit-learn's values on generated cases (tests/data/gen_ml_metrics_oracle.py).
const nlohmann::json& ml_metrics_oracle() {
  static const nlohmann::json json = [] {
    std::ifstream in(testing::data_path("ml_metrics_oracle.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

TEST(MlMetrics, OracleHasEnoughCases) {
  EXPECT_GE(ml_metrics_oracle().at("regression").size(), 20u);
  EXPECT_GE(ml_metrics_oracle().at("classification").size(), 20u);
  EXPECT_GE(ml_metrics_oracle().at("roc_auc").size(), 20u);
}

TEST(MlMetrics, R2EqualsSklearn) {
  int nan_cases = 0;
  for (const auto& c : ml_metrics_oracle().at("regression")) {
    const auto y = c.at("y_true").get<std::vector<double>>(), p = c.at("y_pred").get<std::vector<double>>();
    const double ours = r2_score(y, p);
    if (c.at("r2").is_null()) {  // sklearn: NaN for a single row
      EXPECT_TRUE(std::isnan(ours)) << y.size();
      ++nan_cases;
      continue;
    }
    EXPECT_NEAR(ours, c.at("r2").get<double>(), 1e-12) << "rows " << y.size();
  }
  EXPECT_EQ(nan_cases, 1);
}

TEST(MlMetrics, ExplainedVarianceEqualsSklearn) {
  for (const auto& c : ml_metrics_oracle().at("regression")) {
    const auto y = c.at("y_true").get<std::vector<double>>(), p = c.at("y_pred").get<std::vector<double>>();
    EXPECT_NEAR(explained_variance_score(y, p), c.at("explained_variance").get<double>(), 1e-12) << "rows " << y.size();
  }
}

TEST(MlMetrics, AccuracyEqualsSklearn) {
  for (const auto& c : ml_metrics_oracle().at("classification")) {
    const auto y = c.at("y_true").get<std::vector<double>>(), p = c.at("y_pred").get<std::vector<double>>();
    EXPECT_NEAR(accuracy(y, p), c.at("accuracy").get<double>(), 1e-12) << "rows " << y.size();
  }
}

TEST(MlMetrics, MacroF1EqualsSklearnIncludingLabelsMissingFromOneSide) {
  int one_sided = 0;
  for (const auto& c : ml_metrics_oracle().at("classification")) {
    const auto y = c.at("y_true").get<std::vector<double>>(), p = c.at("y_pred").get<std::vector<double>>();
    const std::set<double> in_true(y.begin(), y.end()), in_pred(p.begin(), p.end());
    one_sided += in_true != in_pred ? 1 : 0;
    EXPECT_NEAR(macro_f1(y, p), c.at("macro_f1").get<double>(), 1e-12) << "rows " << y.size();
  }
  EXPECT_GE(one_sided, 5);  // the oracle does exercise zero_division
}

TEST(MlMetrics, RocAucEqualsSklearnWithTies) {
  for (const auto& c : ml_metrics_oracle().at("roc_auc")) {
    const auto y = c.at("y_true").get<std::vector<double>>(), s = c.at("scores").get<std::vector<double>>();
    EXPECT_NEAR(roc_auc(y, s), c.at("roc_auc").get<double>(), 1e-12) << "rows " << y.size();
  }
}

TEST(MlMetrics, RocAucRefusesOtherThanTwoClasses) {
  const std::vector<double> one{1, 1, 1}, three{0, 1, 2}, s{0.1, 0.2, 0.3};
  EXPECT_THROW(roc_auc(one, s), Error);
  EXPECT_THROW(roc_auc(three, s), Error);
  EXPECT_THROW(roc_auc(std::vector<double>{0, 1}, s), Error);
}

// Every row in exactly one test fold; train = the complement; sizes within one of each other.
void expect_partition(const std::vector<Fold>& folds, int64_t n) {
  std::vector<int> seen(static_cast<size_t>(n), 0);
  size_t smallest = SIZE_MAX, largest = 0;
  for (const Fold& fold : folds) {
    EXPECT_TRUE(std::is_sorted(fold.test.begin(), fold.test.end()));
    EXPECT_TRUE(std::is_sorted(fold.train.begin(), fold.train.end()));
    EXPECT_EQ(fold.train.size() + fold.test.size(), static_cast<size_t>(n));
    std::vector<int64_t> all;
    std::merge(fold.train.begin(), fold.train.end(), fold.test.begin(), fold.test.end(), std::back_inserter(all));
    for (size_t i = 0; i < all.size(); ++i) EXPECT_EQ(all[i], static_cast<int64_t>(i));
    for (int64_t row : fold.test) ++seen[static_cast<size_t>(row)];
    smallest = std::min(smallest, fold.test.size());
    largest = std::max(largest, fold.test.size());
  }
  for (int count : seen) EXPECT_EQ(count, 1);
  EXPECT_LE(largest - smallest, 1u);
}

TEST(KFold, PartitionsRowsDeterministicallyForASeed) {
  for (int64_t n : {2, 10, 101}) {
    for (int k : {2, 5}) {
      if (k > n) continue;
      const auto a = kfold(n, k, 7);
      expect_partition(a, n);
      const auto b = kfold(n, k, 7);
      for (int f = 0; f < k; ++f) EXPECT_EQ(a[static_cast<size_t>(f)].test, b[static_cast<size_t>(f)].test);
    }
  }
  EXPECT_NE(kfold(100, 5, 1)[0].test, kfold(100, 5, 2)[0].test);
}

TEST(KFold, UnshuffledIsContiguousLikeSklearn) {
  // sklearn KFold(3).split(range(10)) tests: [0..3], [4..6], [7..9].
  const auto folds = kfold(10, 3, 0, false);
  EXPECT_EQ(folds[0].test, (std::vector<int64_t>{0, 1, 2, 3}));
  EXPECT_EQ(folds[1].test, (std::vector<int64_t>{4, 5, 6}));
  EXPECT_EQ(folds[2].test, (std::vector<int64_t>{7, 8, 9}));
}

TEST(KFold, StratifiedKeepsLabelProportions) {
  std::vector<double> labels;
  for (int i = 0; i < 300; ++i) labels.push_back(i % 10 < 7 ? 0.0 : (i % 10 < 9 ? 1.0 : 2.0));
  const auto folds = stratified_kfold(labels, 5, 3);
  expect_partition(folds, 300);
  for (const Fold& fold : folds) {
    std::map<double, int> count;
    for (int64_t row : fold.test) ++count[labels[static_cast<size_t>(row)]];
    EXPECT_EQ(count[0.0], 42);  // 210 / 5
    EXPECT_EQ(count[1.0], 12);  // 60 / 5
    EXPECT_EQ(count[2.0], 6);   // 30 / 5
  }
  const auto again = stratified_kfold(labels, 5, 3);
  for (size_t f = 0; f < folds.size(); ++f) EXPECT_EQ(folds[f].test, again[f].test);
  EXPECT_NE(stratified_kfold(labels, 5, 4)[0].test, folds[0].test);
}

TEST(KFold, RefusesBadFoldCounts) {
  EXPECT_THROW(kfold(5, 1, 0), Error);
  EXPECT_THROW(kfold(5, 6, 0), Error);
  EXPECT_THROW(stratified_kfold(std::vector<double>{0, 1, 0}, 4, 0), Error);
}

}  // namespace
}  // namespace synthtab::eval
