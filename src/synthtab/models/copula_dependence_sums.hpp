#pragma once
// The sums the Gaussian copula's dependence is fitted from, which add up over rows (so rows on
// many machines can each give theirs), and Pearson's correlation from them.
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include <Eigen/Core>

namespace synthtab {

// Sums over rows from which the copula's dependence is fitted against fixed marginals. Every
// member adds up over disjoint sets of rows, so rows held on many machines can each give their
// sums (GaussianCopula::dependence_sums) and the total fits the dependence of all of them
// (GaussianCopula::refit_dependence). Matrices are cols x cols.
struct DependenceSums {
  explicit DependenceSums(int64_t cols = 0);
  double rows = 0;
  // Pearson's sums of the normal scores over the rows where both are present: counts N = M'M,
  // sums S = X'M, squares Q = (X.X)'M, products P = X'X (X the scores, 0 where missing; M presence).
  Eigen::MatrixXd count, sum, square, product;
  // A missing-value indicator k against column j: rows where j is present and k says missing
  // (gaps_with) or present.
  Eigen::MatrixXd gaps_with, present_with;
  // Two binary columns i > j: rows where both are present, and where i, j and both are at their
  // first value.
  Eigen::MatrixXd binary_rows, binary_low_first, binary_low_second, binary_low_both;

  DependenceSums& operator+=(const DependenceSums& other);
  // For sending: the row count, then every matrix. from_vector throws Error(Input) when the
  // length does not fit `cols`.
  std::vector<double> to_vector() const;
  static DependenceSums from_vector(std::span<const double> values, int64_t cols);

 private:
  std::array<Eigen::MatrixXd*, 10> matrices();
  std::array<const Eigen::MatrixXd*, 10> matrices() const;
};

// Adds the Pearson sums of `scores` (rows x cols, NaN = missing) to `sums`.
void add_score_sums(const Eigen::MatrixXd& scores, DependenceSums& sums);
// Pearson's correlation of every pair over the rows where both are present (0 with fewer than
// 3 such rows or no spread), from the sums.
Eigen::MatrixXd correlation_from_sums(const DependenceSums& sums);

}  // namespace synthtab
