#pragma once
// Maximum mean discrepancy between real and synthetic rows.
//
// Default: RBF kernel k(x, y) = exp(-|x - y|^2 / (2 sigma^2)) on the standardised feature space,
// sigma = the median pairwise distance of the pooled rows (the median heuristic), the unbiased
// estimate MMD^2_u (Gretton et al. 2012), and a permutation p-value.
// Seed-compatible: scikit-learn's rbf_kernel exp(-gamma |x - y|^2) with gamma = 1 / features on
// RAW values and the biased estimate mean(Kxx) + mean(Kyy) - 2 mean(Kxy), as nbsynthetic
// computes it. On unscaled data that kernel matrix is nearly the identity and the number says
// about 1/n_real + 1/n_synthetic, whatever the data: it is there only to reproduce the seed.
#include <cstdint>
#include <string>

#include "synthtab/eval/feature_space.hpp"

namespace synthtab::eval {

struct MmdOptions {
  bool seed_compatible = false;
  int permutations = 200;               // 0 = no p-value
  int64_t max_permutation_rows = 1000;  // per table; larger tables are subsampled for the p-value
  int64_t max_bandwidth_rows = 1000;    // rows (pooled) used for the median heuristic
  int64_t max_rows = 10000;             // per table for the statistic; larger ones are subsampled
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores
};

struct MmdResult {
  double mmd2 = 0.0;       // unbiased MMD^2 (default) or the seed's biased value
  double pvalue = -1.0;    // permutation p-value; -1 when not computed
  double bandwidth = 0.0;  // sigma (default) ...
  double gamma = 0.0;      // ... or the seed's gamma
  int permutations = 0;
  int64_t statistic_rows_real = 0;  // rows used for the statistic (after subsampling)
  int64_t statistic_rows_synthetic = 0;
  int64_t permutation_rows_real = 0;  // rows used for the p-value (after subsampling)
  int64_t permutation_rows_synthetic = 0;
  std::string estimator;  // "unbiased, RBF, median heuristic" or "seed-compatible (biased, ...)"
};

MmdResult mmd(const Table& real, const Table& synthetic, const MmdOptions& options = {});

// The kernel sums on matrices (exposed for tests): sum over all i, j of
// exp(-gamma |a_i - b_j|^2), computed blockwise on `threads` threads; identical for any count.
double rbf_kernel_sum(const RowMatrix& a, const RowMatrix& b, double gamma, int threads);

}  // namespace synthtab::eval
