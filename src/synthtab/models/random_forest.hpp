#pragma once
// CART decision trees and random forests (Breiman 2001), regression (squared error) and
// classification (Gini, class probabilities), with scikit-learn's defaults and semantics:
// exact best split over sorted feature values, threshold halfway between consecutive distinct
// values, `x <= threshold` goes left, a forest's prediction is the mean of its trees' (for
// classification, the argmax of the mean class probabilities).
//
// Features are numbers. Categorical features are given as integer codes and split like any
// ordered number (code <= t): adequate for forests, which recover any grouping with several
// splits; no one-vs-rest or subset splits. Missing values (NaN) and infinities are refused.
//
// Speed: every feature is sorted once per fit; each tree keeps, per feature, its in-bag rows in
// that order and partitions these lists stably at each split, so finding a node's best split is
// a linear scan (no sorting inside the tree). Memory per tree being built: 4 bytes x features x
// rows. Trees are built on `threads` threads; tree t draws everything (bootstrap rows, feature
// subsets) from Rng(derive_seed(seed, purpose, t)), so a forest is identical for any thread
// count.
//
// Tree internals are public (nodes, leaf of a row, training rows of a leaf) for tree-based
// synthesizers. One plain CART (synthpop-style): n_trees = 1, bootstrap = false,
// max_features = 1.0; it equals scikit-learn's DecisionTree* wherever no two splits tie
// (sklearn also treats feature values within 1e-7 as equal and stops at a variance <= 2e-16;
// here only exactly equal values are, and only exactly equal targets stop a node).
#include <cstdint>
#include <span>
#include <vector>

#include "synthtab/core/matrix.hpp"  // FeatureMatrix

namespace synthtab {

enum class Task { Regression, Classification };

struct ForestOptions {
  int n_trees = 100;
  int max_depth = 0;          // 0 = unlimited; the root has depth 0
  int min_samples_leaf = 1;   // distinct training rows in each leaf (sklearn counts the same)
  int min_samples_split = 2;  // distinct training rows a node needs to be split
  // Features drawn per split: 0 = the task's default as in scikit-learn (floor(sqrt(features))
  // for classification, all for regression); in (0, 1] = that fraction, floor(f x features),
  // at least 1. Features constant within the node do not count, and drawing goes on past this
  // number until a valid split is found (as sklearn documents).
  double max_features = 0.0;
  bool bootstrap = true;  // each tree sees `rows` rows drawn with replacement
  uint64_t seed = 0;
  int threads = 0;              // 0 = all cores; the result does not depend on it
  bool keep_leaf_rows = false;  // keep each node's training rows (DecisionTree::node_rows)
};

struct TreeNode {
  int32_t feature = -1;    // split feature; -1 for a leaf
  double threshold = 0.0;  // rows with x[feature] <= threshold go left
  int32_t left = -1;
  int32_t right = -1;
  // Regression: weighted mean of the node's targets. Classification: the label of the most
  // probable class (the first one on ties); the probabilities are DecisionTree::proba(node).
  double value = 0.0;
  int64_t n_samples = 0;  // distinct training rows in the node (sklearn's n_node_samples)
  double weight = 0.0;    // rows counted with their bootstrap multiplicity
  bool is_leaf() const { return feature < 0; }
};

class DecisionTree {
 public:
  const std::vector<TreeNode>& nodes() const { return nodes_; }
  const TreeNode& node(int32_t index) const { return nodes_[static_cast<size_t>(index)]; }
  // Index of the leaf that `row` (one value per feature) falls in.
  int32_t leaf_index(const double* row) const;
  // Class probabilities at a node (classification; in the forest's classes() order).
  std::span<const double> proba(int32_t node) const;
  int n_classes() const { return n_classes_; }
  // Depth of the deepest leaf (a lone root has depth 0).
  int depth() const;
  // The distinct training rows (indices into the fit's X) that reached `node` — with bootstrap,
  // only the in-bag rows; ascending for a leaf. Requires ForestOptions::keep_leaf_rows.
  std::span<const int32_t> node_rows(int32_t node) const;
  bool has_node_rows() const { return !rows_.empty(); }

 private:
  friend class TreeBuilder;
  // What leaf_index reads of each node, packed (24 bytes, not TreeNode's 48): walking deep
  // trees is a cache miss per level, and half the bytes halve the lines fetched.
  struct Branch {
    double threshold;
    int32_t feature;  // -1 for a leaf
    int32_t left;
    int32_t right;
  };
  std::vector<Branch> branches_;
  std::vector<TreeNode> nodes_;
  std::vector<double> proba_;  // nodes x n_classes (classification)
  int n_classes_ = 0;
  std::vector<int32_t> rows_;                 // training rows ordered so each node is a range
  std::vector<int32_t> row_begin_, row_end_;  // per node, into rows_ (keep_leaf_rows)
};

class RandomForest {
 public:
  explicit RandomForest(ForestOptions options = {}) : options_(options) {}

  // y: targets (regression) or class labels (classification; any doubles, compared exactly).
  // Throws Error(Usage) on mismatched sizes, bad options, or NaN / infinite values.
  void fit(const FeatureMatrix& X, std::span<const double> y, Task task);

  // Regression: mean of the trees; classification: the label with the highest mean probability.
  std::vector<double> predict(const FeatureMatrix& X) const;
  // Rows x classes(), each row summing to 1 (classification only).
  FeatureMatrix predict_proba(const FeatureMatrix& X) const;

  Task task() const { return task_; }
  const ForestOptions& options() const { return options_; }
  int64_t n_features() const { return n_features_; }
  const std::vector<double>& classes() const { return classes_; }  // ascending labels
  int n_trees() const { return static_cast<int>(trees_.size()); }
  const DecisionTree& tree(int index) const { return trees_[static_cast<size_t>(index)]; }
  int32_t leaf_index(int tree_index, const double* row) const { return tree(tree_index).leaf_index(row); }

 private:
  void check_predict_input(const FeatureMatrix& X) const;

  ForestOptions options_;
  Task task_ = Task::Regression;
  int64_t n_features_ = 0;
  std::vector<double> classes_;
  std::vector<DecisionTree> trees_;
};

}  // namespace synthtab
