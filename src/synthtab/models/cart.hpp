#pragma once
// Sequential tree synthesis in the style of R's synthpop ("cart"): the first model column is
// drawn from its training values; each later column j is drawn from the training rows that
// share the synthetic row's leaf in a CART tree predicting column j from columns 0..j-1, with
// kernel smoothing of continuous values (or none, synthpop's default). Trees keep the real rows of each leaf, so the
// model file holds the training matrix (as synthpop's fitted object does) and refits on load.
#include "synthtab/models/random_forest.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

// How cart draws a continuous value from its leaf (its `smoothing` parameter).
enum class Smoothing {
  Density,  // the donor's value plus a Gaussian kernel (synthpop's smoothing = "density")
  None,     // the donor's value itself (synthpop's default): closer to the real rows
};
inline const char* smoothing_name(Smoothing smoothing) { return smoothing == Smoothing::None ? "none" : "density"; }

// Growing the trees visits about rows x columns² / 2 (row, predictor) pairs, and takes about as
// long again when a model file is loaded: 300 rows x 1,000 columns (1.5e8) took 20 s. Above 1e9
// (minutes) cart refuses the table at fit, and a model file that declares one at load.
inline constexpr double kCartMaxGrowWork = 1e9;
double cart_grow_work(int64_t rows, int64_t cols);

// Above this many rows the trees are grown on a seeded random subset of this many, and every
// row is then routed to its leaf as a donor. Trees grown on 5 M rows took 8 minutes, and
// drawing through their ~1 M leaves per tree 5 more (a cache miss per level); 200,000 rows
// give leaves of 5 to 9 of them (about 25 to 45 donors per 1 M rows), finer than any
// 12-column table needs.
inline constexpr int64_t kCartMaxTreeRows = 200'000;

class CartSynthesizer final : public Synthesizer {
 public:
  // `max_tree_rows`: kCartMaxTreeRows, or smaller in tests.
  explicit CartSynthesizer(int64_t max_tree_rows = kCartMaxTreeRows) : max_tree_rows_(max_tree_rows) {}
  std::string name() const override { return "cart"; }
  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void do_save(ArchiveWriter& out, const std::string& prefix) const override;
  void do_load(const ArchiveReader& in, const std::string& prefix) override;

 private:
  // One tree's donors when the trees were grown on a subset: the rows of leaf L are
  // rows[begin[L] .. begin[L + 1]).
  struct LeafDonors {
    std::vector<int64_t> begin;
    std::vector<int32_t> rows;
  };
  // One tree per column; `progress` (may be null) is asked between trees whether to stop.
  void grow_trees(Progress* progress = nullptr);
  LeafDonors route_rows(const DecisionTree& tree, const FeatureMatrix& features) const;
  // The training rows in `leaf` of the tree that predicts `column` (>= 1).
  std::span<const int32_t> leaf_donors(int64_t column, int32_t leaf) const;
  void compute_kernel_widths();
  Matrix data_;
  std::vector<char> categorical_;    // per model column
  std::vector<RandomForest> trees_;  // trees_[j - 1] predicts column j
  // Density smoothing's kernel widths: of each column's values, and for j >= 1 of the values in
  // each leaf of trees_[j - 1] (indexed by node; 0 for inner nodes and without smoothing).
  std::vector<double> column_width_;
  std::vector<std::vector<double>> leaf_width_;
  std::vector<LeafDonors> donors_;  // donors_[j - 1], when tree_rows_ > 0
  int64_t max_tree_rows_;
  int64_t tree_rows_ = 0;  // rows the trees were grown on (0 = all of them)
  int min_leaf_ = 5;
  uint64_t seed_ = 0;
  Smoothing smoothing_ = Smoothing::Density;
};

}  // namespace synthtab
