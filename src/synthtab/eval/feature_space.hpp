#pragma once
// A shared numeric space for comparing a real and a synthetic table row by row (MMD, distances
// to closest records, geometry): numeric columns standardised with the REAL table's mean and
// standard deviation, categorical columns one-hot over the union of labels (matched by label,
// not by code, since the two tables may come from separate files), datetimes as numbers.
// A missing numeric value sits at the real mean (0) and sets a missing-indicator column when the
// column has any missing value in either table.
#include <Eigen/Core>
#include <string>
#include <vector>

#include "synthtab/core/rng.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

using RowMatrix = Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

struct FeatureSpaceOptions {
  bool standardize = true;  // false = raw units (the seed's MMD); categoricals become codes
  bool one_hot = true;      // false = categorical codes as numbers (the seed)
};

struct FeatureSpace {
  RowMatrix real;
  RowMatrix synthetic;
  std::vector<std::string> feature_names;  // "Year=2021", "Google ads", "Cost (missing)"
};

// Throws Error(Input) when the tables' columns differ (names, or numeric vs categorical).
FeatureSpace encode_pair(const Table& real, const Table& synthetic, const FeatureSpaceOptions& options = {});

// Squared Euclidean distances between the rows of a and b (|a|^2 + |b|^2 - 2 a.b, one GEMM),
// clamped at 0 against rounding.
Eigen::MatrixXd squared_distances(const RowMatrix& a, const RowMatrix& b);

// Up to `limit` rows of `m` drawn by `rng` without replacement, kept in their order (all of them
// when it has no more): the seeded subsample the quadratic checks work on.
RowMatrix sample_rows(const RowMatrix& m, int64_t limit, Rng& rng);

// Checks that `synthetic` has the same column names as `real`, in any order, with compatible
// kinds, and returns it reordered like `real`. Names the first difference in the message.
Table align_columns(const Table& real, const Table& synthetic);

}  // namespace synthtab::eval
