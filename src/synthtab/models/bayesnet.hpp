#pragma once
// A Bayesian network over discretised model columns (PrivBayes-style greedy structure, without
// PrivBayes's noise). Each model column becomes a discrete variable: categorical columns and
// columns with few distinct training values keep every value as a state; other columns get
// quantile bins. The structure is built greedily by mutual information, with at most two parents
// per column; each column gets a conditional probability table with a small Dirichlet
// pseudo-count that falls back to its single-parent table and its marginal. A row is drawn
// column by column in the order the columns were placed; a binned state becomes the value of a
// training row in its bin, preferably one whose parents have the synthetic row's states. Meant for small tables of
// categories and counts. docs/models.md ("Model: bayesnet") states every rule.
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "synthtab/models/discretisation.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

// Plug-in mutual information, in nats, of two label vectors of the same length (labels >= 0):
// sum over (x, y) of p(x, y) log(p(x, y) / (p(x) p(y))), as sklearn.metrics.mutual_info_score.
// 0 for empty input.
double mutual_information(std::span<const int32_t> a, std::span<const int32_t> b);

// The rules, public so that tests and docs can name them.
struct BayesNetRules {
  static constexpr int kMaxKeptValues = 20;                    // <= this many distinct values: one state each
  static constexpr int kMaxBins = kMaxQuantileBins;            // quantile bins: min(10, rows / 5), at least 2
  static constexpr int kTwoParentsMinRows = 50;                // fewer rows: at most 1 parent per column
  static constexpr int kTwoParentsMaxColumns = 100;            // more columns: 1 parent (a Chow-Liu tree)
  static constexpr int kPairCandidates = 8;                    // parent pairs come from a column's 8 best partners
  static constexpr int64_t kStructureRows = 5000;              // the structure search uses at most this many rows
  static constexpr int64_t kMaxTableCells = int64_t{1} << 22;  // largest conditional table
  static constexpr double kPseudoCount = 0.5;                  // Dirichlet pseudo-count per parent combination
  // Number of quantile bins for a column of `rows` training values.
  static int bins_for(int64_t rows);
  // Largest parent-set size for a table of `rows` rows (structure rows) and `cols` columns.
  static int max_parents(int64_t rows, int64_t cols);
};

class BayesNetSynthesizer final : public Synthesizer {
 public:
  // One model column as a discrete variable.
  struct Node {
    bool binned = false;
    std::vector<float> values;             // not binned: the state values, strictly ascending
    std::vector<std::vector<float>> bins;  // binned: each bin's training values, ascending
    // binned: per bin and training value, the parent combination of its row (the donor's key)
    std::vector<std::vector<int32_t>> keys;
    std::vector<int32_t> parents;  // model columns, strongest first; at most 2
    // P(state | parent combination), row-major [combination][state]; the combination of parents
    // (p0, p1) is state(p0) * states(p1) + state(p1).
    std::vector<double> cpt;
    int64_t states() const { return binned ? static_cast<int64_t>(bins.size()) : static_cast<int64_t>(values.size()); }
  };

  std::string name() const override { return "bayesnet"; }
  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void do_save(ArchiveWriter& out, const std::string& prefix) const override;
  void do_load(const ArchiveReader& in, const std::string& prefix) override;

  // For tests and the fit report.
  const std::vector<Node>& nodes() const { return nodes_; }
  const std::vector<int32_t>& order() const { return order_; }  // columns in sampling order
  int max_parents() const { return max_parents_; }
  // "wool; tension <- wool; breaks <- tension, wool", in sampling order.
  std::string structure() const;
  // The state of `value` in model column `column` (the fitted discretisation).
  int32_t state_of(int64_t column, float value) const;

 private:
  void build_cumulative();  // and the donor index

  int64_t cols_ = 0;
  int64_t rows_ = 0;
  int max_parents_ = 0;
  uint64_t seed_ = 0;
  std::vector<std::string> names_;
  std::vector<int32_t> order_;
  std::vector<Node> nodes_;
  std::vector<std::vector<double>> cumulative_;  // per column: the cpt's rows as running sums
  // per binned column and bin: positions in the bin, ordered by (key, position)
  std::vector<std::vector<std::vector<int32_t>>> donors_;
};

}  // namespace synthtab
