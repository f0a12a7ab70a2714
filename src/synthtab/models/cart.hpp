#pragma once
// Sequential tree synthesis in the style of R's synthpop ("cart"): the first model column is
// drawn from its training values; each later column j is drawn from the training rows that
// share the synthetic row's leaf in a CART tree predicting column j from columns 0..j-1, with
// kernel smoothing of continuous values (or none, synthpop's default). Trees keep the real rows of each leaf, so the model
// file holds the training matrix (as synthpop's fitted object does) and refits on load.
#include "synthtab/models/random_forest.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

// Growing the trees visits about rows x columns² / 2 (row, predictor) pairs, and takes about as
// long again when a model file is loaded: 300 rows x 1,000 columns (1.5e8) took 20 s. Above 1e9
// (minutes) cart refuses the table at fit, and a model file that declares one at load.
inline constexpr double kCartMaxGrowWork = 1e9;
double cart_grow_work(int64_t rows, int64_t cols);

class CartSynthesizer final : public Synthesizer {
 public:
  std::string name() const override { return "cart"; }
  FitReport fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void save(ArchiveWriter& out, const std::string& prefix) const override;
  void load(const ArchiveReader& in, const std::string& prefix) override;

 private:
  void grow_trees();
  void compute_kernel_widths();
  Matrix data_;
  std::vector<char> categorical_;       // per model column
  std::vector<RandomForest> trees_;     // trees_[j - 1] predicts column j
  // Density smoothing's kernel widths: of each column's values, and for j >= 1 of the values in
  // each leaf of trees_[j - 1] (indexed by node; 0 for inner nodes and without smoothing).
  std::vector<double> column_width_;
  std::vector<std::vector<double>> leaf_width_;
  int min_leaf_ = 5;
  uint64_t seed_ = 0;
  Smoothing smoothing_ = Smoothing::Density;
};

}  // namespace synthtab
