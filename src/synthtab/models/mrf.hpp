#pragma once
// A pairwise Markov random field over discretised model columns: the log-linear model with every
// two-way interaction, i.e. the maximum-entropy distribution whose one- and two-way tables equal
// the training rows' (each mixed with a little of the independent table, so that every pair of
// observed states keeps some weight). It is fitted by iterative proportional fitting on the full
// joint table, so it is for narrow tables: small tables of categories and counts, where a copula
// bends the contingency tables and a tree-shaped network keeps only some of them.
//
// Discretisation as bayesnet's (models/discretisation.hpp). When every column keeps its values, a
// joint cell is a whole row: the cells of rows that are unique in the training data get no weight
// (structural zeros), so the model never draws a copy of a unique training row (synthpop's
// rm.replicated.uniques) and the two-way tables are met with the other cells. A binned column's
// value is a jittered training value of its bin, from a row that shares the drawn state of the
// column it is most associated with. docs/models.md ("Model: mrf") states every rule.
#include <cstdint>
#include <string>
#include <vector>

#include "synthtab/models/discretisation.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

struct MrfRules {
  // A numeric column keeps its values as states when it has at most 20 distinct values and
  // at least 3 rows per value (else it is a continuous column in a small table).
  static constexpr int kMaxKeptValues = 20;
  static constexpr int kRowsPerKeptValue = 3;
  static bool keeps_values(int64_t distinct, int64_t rows);
  static constexpr int kMaxBins = kMaxQuantileBins;  // quantile bins: min(10, rows / 5), at least 2
  // Largest joint table, counted as cells x (columns + column pairs): one sweep of the fit visits
  // every cell once per table it matches. Binned columns lose bins (down to 2) to fit under it.
  static constexpr int64_t kMaxWork = int64_t{1} << 22;
  static constexpr int kMaxSweeps = 200;
  // Converged when no one- or two-way table is off by more than this (in probability).
  static constexpr double kTolerance = 1e-6;
  // A loaded model's log factors stay within +-1e9 (a fit moves them by at most a few thousand),
  // so that their sums stay finite.
  static constexpr double kMaxLogFactor = 1e9;
  // Share of the independent table (product of the one-way tables) mixed into each two-way table:
  // 1 / (rows + 1), a pseudo-count of about one row.
  static double independence_share(int64_t rows) { return 1.0 / static_cast<double>(rows + 1); }
  static int bins_for(int64_t rows);
};

class MrfSynthesizer final : public Synthesizer {
 public:
  struct Node {
    bool binned = false;
    std::vector<float> values;                         // not binned: the state values, strictly ascending
    std::vector<std::vector<float>> bins;              // binned: each bin's training values, ascending
    int32_t partner = -1;                              // binned: the column its donors are matched on
    std::vector<std::vector<int32_t>> partner_states;  // binned: per bin and value, the partner's state
    int64_t states() const { return binned ? static_cast<int64_t>(bins.size()) : static_cast<int64_t>(values.size()); }
  };
  // A factor of the joint table, as logs: over column a alone (b = -1) or columns a < b, row-major.
  struct Potential {
    int32_t a = 0;
    int32_t b = -1;
    std::vector<double> log_table;
  };

  std::string name() const override { return "mrf"; }
  FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void do_save(ArchiveWriter& out, const std::string& prefix) const override;
  void do_load(const ArchiveReader& in, const std::string& prefix) override;

  // For tests and the fit report.
  const std::vector<Node>& nodes() const { return nodes_; }
  int64_t cells() const { return cells_; }
  const std::vector<int64_t>& structural_zeros() const { return zeros_; }
  // The fitted probability of each joint cell; cell = sum over columns of state x stride, the last
  // column varying fastest.
  const std::vector<double>& joint() const { return joint_; }
  int sweeps() const { return sweeps_; }
  double max_error() const { return max_error_; }  // largest table difference after the last sweep

 private:
  void build_joint();  // joint_ and cumulative_ from the potentials and structural zeros
  void build_donors();

  int64_t cols_ = 0;
  int64_t rows_ = 0;
  uint64_t seed_ = 0;
  int sweeps_ = 0;
  double max_error_ = 0.0;
  std::vector<std::string> names_;
  std::vector<Node> nodes_;
  std::vector<Potential> potentials_;
  std::vector<int64_t> zeros_;  // ascending cells
  int64_t cells_ = 0;
  std::vector<double> joint_;
  std::vector<double> cumulative_;
  // per binned column and bin: positions in the bin ordered by (partner state, position)
  std::vector<std::vector<std::vector<int32_t>>> donors_;
};

}  // namespace synthtab
