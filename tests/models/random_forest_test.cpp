#include "synthtab/models/random_forest.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numeric>
#include <set>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/ml_metrics.hpp"

namespace synthtab {
namespace {

using eval::accuracy;
using eval::r2_score;

// Train/test problems and scikit-learn's scores on them (tests/data/gen_ml_metrics_oracle.py).
const nlohmann::json& oracle() {
  static const nlohmann::json json = [] {
    std::ifstream in(testing::data_path("random_forest_oracle.json"));
    return nlohmann::json::parse(in);
  }();
  return json;
}

struct Problem {
  FeatureMatrix x_train, x_test;
  std::vector<double> y_train, y_test;
};

Problem load(const std::string& name) {
  const auto& p = oracle().at("problems").at(name);
  const auto& rows = p.at("X");
  const auto y = p.at("y").get<std::vector<double>>();
  const auto train = p.at("train_rows").get<int64_t>();
  const auto total = static_cast<int64_t>(rows.size());
  const auto cols = static_cast<int64_t>(rows.at(0).size());
  Problem out{FeatureMatrix(train, cols), FeatureMatrix(total - train, cols), {}, {}};
  for (int64_t r = 0; r < total; ++r) {
    FeatureMatrix& x = r < train ? out.x_train : out.x_test;
    const int64_t local = r < train ? r : r - train;
    for (int64_t c = 0; c < cols; ++c) x(local, c) = rows.at(r).at(c).get<double>();
    (r < train ? out.y_train : out.y_test).push_back(y[static_cast<size_t>(r)]);
  }
  return out;
}

// Uniform features, a smooth target plus noise; or 3 classes from the same features.
Problem synthetic(int64_t rows, int64_t cols, bool classify, uint64_t seed) {
  Rng rng(seed);
  Problem p{FeatureMatrix(rows, cols), FeatureMatrix(rows, cols), {}, {}};
  for (FeatureMatrix* x : {&p.x_train, &p.x_test})
    for (double& v : x->data) v = rng.uniform();
  for (int part = 0; part < 2; ++part) {
    const FeatureMatrix& x = part == 0 ? p.x_train : p.x_test;
    auto& y = part == 0 ? p.y_train : p.y_test;
    for (int64_t r = 0; r < rows; ++r) {
      const double s = std::sin(6 * x(r, 0)) + 2 * x(r, 1) * x(r, 2) + 0.3 * rng.normal();
      y.push_back(classify ? (s < 0.3 ? 0.0 : (s < 1.0 ? 1.0 : 2.0)) : s);
    }
  }
  return p;
}

double mean(const std::vector<double>& v) {
  return std::accumulate(v.begin(), v.end(), 0.0) / static_cast<double>(v.size());
}

TEST(RandomForest, OneDeepTreeWithoutBootstrapFitsTrainingDataExactly) {
  for (bool classify : {false, true}) {
    const Problem p = synthetic(400, 5, classify, 1);  // continuous x: all rows distinct
    ForestOptions o;
    o.n_trees = 1;
    o.bootstrap = false;
    o.max_features = 1.0;
    RandomForest forest(o);
    forest.fit(p.x_train, p.y_train, classify ? Task::Classification : Task::Regression);
    const auto fitted = forest.predict(p.x_train);
    EXPECT_EQ(fitted, p.y_train);
    if (!classify) {
      EXPECT_EQ(r2_score(p.y_train, fitted), 1.0);
    }
  }
}

// The same CART as sklearn's DecisionTreeRegressor / Classifier(max_depth=4): with continuous
// features no two splits tie, so the trees and their predictions must coincide.
TEST(RandomForest, SingleTreeEqualsSklearnDecisionTree) {
  ForestOptions o;
  o.n_trees = 1;
  o.bootstrap = false;
  o.max_features = 1.0;
  o.max_depth = 4;
  {
    const Problem p = load("friedman1");
    RandomForest forest(o);
    forest.fit(p.x_train, p.y_train, Task::Regression);
    const auto ours = forest.predict(p.x_test);
    const auto theirs =
        oracle()["problems"]["friedman1"]["tree_max_depth_4_test_prediction"].get<std::vector<double>>();
    ASSERT_EQ(ours.size(), theirs.size());
    for (size_t i = 0; i < ours.size(); ++i)
      EXPECT_NEAR(ours[i], theirs[i], 1e-12 * std::max(1.0, std::abs(theirs[i]))) << i;
  }
  {
    const Problem p = load("classification3");
    RandomForest forest(o);
    forest.fit(p.x_train, p.y_train, Task::Classification);
    const FeatureMatrix ours = forest.predict_proba(p.x_test);
    const auto& theirs = oracle()["problems"]["classification3"]["tree_max_depth_4_test_proba"];
    ASSERT_EQ(static_cast<size_t>(ours.rows), theirs.size());
    for (int64_t r = 0; r < ours.rows; ++r)
      for (int64_t c = 0; c < ours.cols; ++c)
        EXPECT_NEAR(ours(r, c), theirs[static_cast<size_t>(r)][static_cast<size_t>(c)].get<double>(), 1e-12) << r;
  }
}

// Test scores over 4 of our seeds against the mean of sklearn's 8 (n_estimators=100).
TEST(RandomForest, TestScoresMatchSklearnRandomForests) {
  for (const char* name : {"friedman1", "classification3"}) {
    const Problem p = load(name);
    const auto& entry = oracle()["problems"][name];
    const bool classify = entry["task"] == "classification";
    for (const char* setting : {"default", "max_depth_4"}) {
      std::vector<double> ours;
      for (uint64_t seed = 0; seed < 4; ++seed) {
        ForestOptions o;
        o.seed = seed;
        o.max_depth = std::string(setting) == "max_depth_4" ? 4 : 0;
        RandomForest forest(o);
        forest.fit(p.x_train, p.y_train, classify ? Task::Classification : Task::Regression);
        const auto pred = forest.predict(p.x_test);
        ours.push_back(classify ? accuracy(p.y_test, pred) : r2_score(p.y_test, pred));
      }
      const double sklearn = mean(entry["sklearn_test_scores"][setting].get<std::vector<double>>());
      EXPECT_NEAR(mean(ours), sklearn, 0.03) << name << " " << setting;
      std::printf("  %s %s: ours %.4f (seeds 0-3), sklearn %.4f (seeds 0-7)\n", name, setting, mean(ours), sklearn);
    }
  }
}

TEST(RandomForest, SameSeedIdenticalForAnyThreadCountDifferentSeedDiffers) {
  for (bool classify : {false, true}) {
    const Problem p = synthetic(500, 6, classify, 2);
    const Task task = classify ? Task::Classification : Task::Regression;
    auto run = [&](uint64_t seed, int threads) {
      ForestOptions o;
      o.n_trees = 30;
      o.seed = seed;
      o.threads = threads;
      RandomForest forest(o);
      forest.fit(p.x_train, p.y_train, task);
      return classify ? forest.predict_proba(p.x_test).data : forest.predict(p.x_test);
    };
    const auto one = run(5, 1);
    EXPECT_EQ(one, run(5, 2));
    EXPECT_EQ(one, run(5, 3));
    EXPECT_NE(one, run(6, 1));
  }
}

TEST(RandomForest, MaxDepthIsRespectedAndReached) {
  const Problem p = synthetic(600, 4, false, 3);
  for (int depth : {1, 2, 3, 6}) {
    ForestOptions o;
    o.n_trees = 10;
    o.max_depth = depth;
    RandomForest forest(o);
    forest.fit(p.x_train, p.y_train, Task::Regression);
    for (int t = 0; t < forest.n_trees(); ++t) {
      EXPECT_EQ(forest.tree(t).depth(), depth);  // 600 noisy rows always split that deep
      EXPECT_LE(static_cast<int>(forest.tree(t).nodes().size()), (2 << depth) - 1);
    }
  }
}

TEST(RandomForest, MinSamplesLeafIsRespectedAndLeafRowsAreTheRowsInTheLeaf) {
  for (bool bootstrap : {false, true}) {
    const Problem p = synthetic(500, 5, true, 4);
    ForestOptions o;
    o.n_trees = 8;
    o.min_samples_leaf = 7;
    o.bootstrap = bootstrap;
    o.keep_leaf_rows = true;
    RandomForest forest(o);
    forest.fit(p.x_train, p.y_train, Task::Classification);
    for (int t = 0; t < forest.n_trees(); ++t) {
      const DecisionTree& tree = forest.tree(t);
      std::set<int32_t> rows;
      double weight = 0.0;
      int64_t smallest = INT64_MAX;
      for (int32_t id = 0; id < static_cast<int32_t>(tree.nodes().size()); ++id) {
        const TreeNode& node = tree.node(id);
        if (!node.is_leaf()) {
          EXPECT_EQ(node.n_samples, tree.node(node.left).n_samples + tree.node(node.right).n_samples);
          continue;
        }
        smallest = std::min(smallest, node.n_samples);
        const auto in_leaf = tree.node_rows(id);
        EXPECT_EQ(static_cast<int64_t>(in_leaf.size()), node.n_samples);
        EXPECT_TRUE(std::is_sorted(in_leaf.begin(), in_leaf.end()));
        for (int32_t r : in_leaf) {
          EXPECT_EQ(tree.leaf_index(p.x_train.row(r)), id);
          EXPECT_TRUE(rows.insert(r).second);  // each row in one leaf only
        }
        weight += node.weight;
      }
      EXPECT_GE(smallest, 7);
      EXPECT_LT(smallest, 20);   // the limit binds: leaves are grown down to it
      EXPECT_EQ(weight, 500.0);  // bootstrap multiplicities add up to the rows drawn
      EXPECT_EQ(tree.node(0).weight, 500.0);
      if (!bootstrap) {
        EXPECT_EQ(rows.size(), 500u);
      } else {  // in-bag rows: about 1 - 1/e of them
        EXPECT_NEAR(static_cast<double>(rows.size()), 500 * (1 - std::exp(-1.0)), 35.0);
      }
    }
  }
}

TEST(RandomForest, ProbabilitiesSumToOneAndPredictIsTheirArgmax) {
  const Problem p = synthetic(400, 4, true, 5);
  RandomForest forest(ForestOptions{.n_trees = 20, .seed = 9});
  forest.fit(p.x_train, p.y_train, Task::Classification);
  EXPECT_EQ(forest.classes(), (std::vector<double>{0.0, 1.0, 2.0}));
  const FeatureMatrix proba = forest.predict_proba(p.x_test);
  const auto labels = forest.predict(p.x_test);
  ASSERT_EQ(proba.cols, 3);
  for (int64_t r = 0; r < proba.rows; ++r) {
    const double* row = proba.row(r);
    EXPECT_NEAR(row[0] + row[1] + row[2], 1.0, 1e-12);
    for (int c = 0; c < 3; ++c) EXPECT_GE(row[c], 0.0);
    EXPECT_EQ(labels[static_cast<size_t>(r)],
              forest.classes()[static_cast<size_t>(std::max_element(row, row + 3) - row)]);
  }
  // Tree-level probabilities are the class shares of the leaf.
  for (int32_t id = 0; id < static_cast<int32_t>(forest.tree(0).nodes().size()); ++id) {
    const auto pr = forest.tree(0).proba(id);
    EXPECT_NEAR(pr[0] + pr[1] + pr[2], 1.0, 1e-12);
  }
}

TEST(RandomForest, ClassLabelsNeedNotBeCodes) {
  const Problem p = synthetic(300, 3, true, 6);
  std::vector<double> y = p.y_train;
  for (double& v : y) v = v * 10 - 7;  // -7, 3, 13
  RandomForest forest(ForestOptions{.n_trees = 10});
  forest.fit(p.x_train, y, Task::Classification);
  EXPECT_EQ(forest.classes(), (std::vector<double>{-7.0, 3.0, 13.0}));
  for (double label : forest.predict(p.x_test)) EXPECT_TRUE(label == -7 || label == 3 || label == 13);
}

TEST(RandomForest, RefusesBadInput) {
  const Problem p = synthetic(50, 3, false, 7);
  RandomForest forest(ForestOptions{.n_trees = 3});
  std::vector<double> short_y(p.y_train.begin(), p.y_train.end() - 1);
  EXPECT_THROW(forest.fit(p.x_train, short_y, Task::Regression), Error);
  FeatureMatrix with_nan = p.x_train;
  with_nan(3, 1) = std::nan("");
  EXPECT_THROW(forest.fit(with_nan, p.y_train, Task::Regression), Error);
  EXPECT_THROW(forest.predict(p.x_test), Error);  // not fitted
  forest.fit(p.x_train, p.y_train, Task::Regression);
  EXPECT_THROW(forest.predict(FeatureMatrix(2, 4)), Error);
  EXPECT_THROW(forest.predict_proba(p.x_test), Error);  // a regression forest
  EXPECT_THROW(RandomForest(ForestOptions{.max_features = 1.5}).fit(p.x_train, p.y_train, Task::Regression), Error);
}

TEST(RandomForest, ConstantTargetOrFeaturesGiveASingleLeaf) {
  FeatureMatrix x(20, 2, 1.0);
  std::vector<double> y(20, 4.25);
  RandomForest forest(ForestOptions{.n_trees = 2});
  forest.fit(x, y, Task::Regression);
  EXPECT_EQ(forest.tree(0).nodes().size(), 1u);
  EXPECT_EQ(forest.predict(x)[0], 4.25);
  for (int r = 0; r < 20; ++r) y[static_cast<size_t>(r)] = r;  // varying y, constant x
  forest.fit(x, y, Task::Regression);
  EXPECT_EQ(forest.tree(1).nodes().size(), 1u);
}

}  // namespace
}  // namespace synthtab
