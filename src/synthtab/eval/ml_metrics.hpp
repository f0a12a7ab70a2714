#pragma once
// Machine-learning scores with scikit-learn's semantics (its 1.2 release), edge cases included,
// and K-fold index splitting for cross-validation.
//
// Class labels are doubles compared exactly (category codes and our forest's predictions are
// both small whole numbers, exact in a double).
#include <cstdint>
#include <span>
#include <vector>

namespace synthtab::eval {

// sklearn.metrics.r2_score: 1 - sum (y - f)^2 / sum (y - mean y)^2, summed as NumPy sums.
// A constant y_true gives 1 when the predictions are exact, else 0 (sklearn's force_finite);
// fewer than two rows give NaN, as sklearn does.
double r2_score(std::span<const double> y_true, std::span<const double> y_pred);

// sklearn.metrics.explained_variance_score: 1 - var(y - f) / var(y), same edge cases as r2
// except that one row is allowed (it gives 1 or 0 by the constant rule).
double explained_variance_score(std::span<const double> y_true, std::span<const double> y_pred);

// Fraction of rows where the labels are equal.
double accuracy(std::span<const double> y_true, std::span<const double> y_pred);

// sklearn.metrics.f1_score(average="macro"): the unweighted mean of per-label F1 over the union
// of labels in y_true and y_pred; an undefined precision or recall counts as 0 (sklearn's
// zero_division="warn"), so a label never predicted, or predicted but absent, scores F1 = 0.
double macro_f1(std::span<const double> y_true, std::span<const double> y_pred);

// sklearn.metrics.roc_auc_score for a binary y_true (exactly two distinct values; the larger is
// the positive class, as sklearn's sorted classes_[1]); scores rank the positive class.
// Computed as Mann-Whitney U / (n_pos n_neg) with tied scores counting 1/2, which equals the
// trapezoidal area under sklearn's ROC curve. Throws Error(Usage) for other label sets.
double roc_auc(std::span<const double> y_true, std::span<const double> scores);

struct Fold {
  std::vector<int64_t> train;  // ascending
  std::vector<int64_t> test;   // ascending
};

// K folds of the rows 0..n-1: every row is in exactly one test fold; fold sizes differ by at
// most one (the first n % k folds get the extra row, as sklearn's KFold). shuffle = false gives
// contiguous blocks, exactly sklearn's KFold(shuffle=False); with shuffle the assignment is
// deterministic for a seed but NOT the same as sklearn's (a different generator).
// Throws Error(Usage) unless 2 <= k <= n.
std::vector<Fold> kfold(int64_t n, int k, uint64_t seed, bool shuffle = true);

// Stratified K folds: each label's rows are shuffled and dealt round-robin over the folds,
// continuing where the previous label stopped, so each fold holds every label in about its
// overall proportion and fold sizes differ by at most one. Deterministic for a seed; the
// assignment differs from sklearn's StratifiedKFold. A label with fewer than k rows is allowed
// (some folds then lack it; sklearn warns). Throws Error(Usage) unless 2 <= k <= rows.
std::vector<Fold> stratified_kfold(std::span<const double> labels, int k, uint64_t seed);

}  // namespace synthtab::eval
