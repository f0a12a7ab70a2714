#include "synthtab/eval/ml_metrics.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>
#include <numeric>
#include <string>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab::eval {
namespace {

constexpr uint64_t kFoldPurpose = 0x6b666f6c64ULL;  // "kfold"

void check_same_length(std::span<const double> a, std::span<const double> b, const char* what) {
  if (a.size() != b.size())
    throw usage_error(std::string(what) + ": y_true has " + std::to_string(a.size()) +
                      " values but the other argument has " + std::to_string(b.size()));
  if (a.empty()) throw usage_error(std::string(what) + ": no values");
}

// NumPy's pairwise summation of a contiguous block (numpy/core/src/umath/loops_utils.h), so that
// the zero tests in r2 / explained variance see the very numbers sklearn sees.
double pairwise_sum(const double* a, size_t n) {
  if (n < 8) {
    double res = 0.0;
    for (size_t i = 0; i < n; ++i) res += a[i];
    return res;
  }
  if (n <= 128) {
    double r[8];
    for (int j = 0; j < 8; ++j) r[j] = a[j];
    size_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int j = 0; j < 8; ++j) r[j] += a[i + static_cast<size_t>(j)];
    double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) res += a[i];
    return res;
  }
  size_t n2 = n / 2;
  n2 -= n2 % 8;
  return pairwise_sum(a, n2) + pairwise_sum(a + n2, n - n2);
}

// np.sum of a 1-D array: the reduction runs over buffers of 8192 elements, pairwise in each.
double numpy_sum(const std::vector<double>& a) {
  constexpr size_t kBuffer = 8192;
  double acc = 0.0;
  for (size_t start = 0; start < a.size(); start += kBuffer)
    acc += pairwise_sum(a.data() + start, std::min(kBuffer, a.size() - start));
  return acc;
}

double numpy_mean(const std::vector<double>& a) { return numpy_sum(a) / static_cast<double>(a.size()); }

// sklearn's _assemble_r2_explained_variance with force_finite=True.
double assemble(double numerator, double denominator) {
  if (denominator != 0.0) return numerator != 0.0 ? 1.0 - numerator / denominator : 1.0;
  return numerator != 0.0 ? 0.0 : 1.0;
}

std::vector<Fold> folds_from_assignment(const std::vector<int>& fold_of, int k) {
  std::vector<Fold> folds(static_cast<size_t>(k));
  for (size_t row = 0; row < fold_of.size(); ++row)
    for (int f = 0; f < k; ++f) {
      auto& target = f == fold_of[row] ? folds[static_cast<size_t>(f)].test : folds[static_cast<size_t>(f)].train;
      target.push_back(static_cast<int64_t>(row));
    }
  return folds;
}

void check_folds(int64_t n, int k, const char* what) {
  if (k < 2 || k > n)
    throw usage_error(std::string(what) + ": the number of folds must be between 2 and the " + "number of rows (" +
                      std::to_string(n) + "), got " + std::to_string(k));
}

}  // namespace

double r2_score(std::span<const double> y_true, std::span<const double> y_pred) {
  check_same_length(y_true, y_pred, "r2_score");
  if (y_true.size() < 2) return std::numeric_limits<double>::quiet_NaN();
  const size_t n = y_true.size();
  std::vector<double> terms(n);
  for (size_t i = 0; i < n; ++i) {
    const double d = y_true[i] - y_pred[i];
    terms[i] = d * d;
  }
  const double numerator = numpy_sum(terms);
  const double mean = numpy_mean(std::vector<double>(y_true.begin(), y_true.end()));
  for (size_t i = 0; i < n; ++i) {
    const double d = y_true[i] - mean;
    terms[i] = d * d;
  }
  return assemble(numerator, numpy_sum(terms));
}

double explained_variance_score(std::span<const double> y_true, std::span<const double> y_pred) {
  check_same_length(y_true, y_pred, "explained_variance_score");
  const size_t n = y_true.size();
  std::vector<double> diff(n), terms(n);
  for (size_t i = 0; i < n; ++i) diff[i] = y_true[i] - y_pred[i];
  const double diff_mean = numpy_mean(diff);
  for (size_t i = 0; i < n; ++i) {
    // sklearn evaluates y_true - y_pred - avg left to right, i.e. (y_true - y_pred) - avg.
    const double d = diff[i] - diff_mean;
    terms[i] = d * d;
  }
  const double numerator = numpy_mean(terms);
  const double mean = numpy_mean(std::vector<double>(y_true.begin(), y_true.end()));
  for (size_t i = 0; i < n; ++i) {
    const double d = y_true[i] - mean;
    terms[i] = d * d;
  }
  return assemble(numerator, numpy_mean(terms));
}

double accuracy(std::span<const double> y_true, std::span<const double> y_pred) {
  check_same_length(y_true, y_pred, "accuracy");
  int64_t hits = 0;
  for (size_t i = 0; i < y_true.size(); ++i) hits += y_true[i] == y_pred[i] ? 1 : 0;
  return static_cast<double>(hits) / static_cast<double>(y_true.size());
}

double macro_f1(std::span<const double> y_true, std::span<const double> y_pred) {
  check_same_length(y_true, y_pred, "macro_f1");
  struct Counts {
    int64_t tp = 0, fp = 0, fn = 0;
  };
  std::map<double, Counts> labels;  // sorted union, as sklearn's unique_labels
  for (size_t i = 0; i < y_true.size(); ++i) {
    if (y_true[i] == y_pred[i]) {
      ++labels[y_true[i]].tp;
    } else {
      ++labels[y_true[i]].fn;
      ++labels[y_pred[i]].fp;
    }
  }
  // sklearn: precision and recall are 0 where undefined; f = 2 p r / (p + r), 0 when p + r = 0;
  // the macro average is np.average over the labels, so NumPy's summation order.
  std::vector<double> f1;
  f1.reserve(labels.size());
  for (const auto& [label, c] : labels) {
    const double precision = c.tp + c.fp > 0 ? static_cast<double>(c.tp) / static_cast<double>(c.tp + c.fp) : 0.0;
    const double recall = c.tp + c.fn > 0 ? static_cast<double>(c.tp) / static_cast<double>(c.tp + c.fn) : 0.0;
    const double denom = precision + recall;
    f1.push_back(denom > 0.0 ? 2.0 * precision * recall / denom : 0.0);
  }
  return numpy_mean(f1);
}

double roc_auc(std::span<const double> y_true, std::span<const double> scores) {
  check_same_length(y_true, scores, "roc_auc");
  double lo = y_true[0], hi = y_true[0];
  for (double v : y_true) {
    if (std::isnan(v)) throw usage_error("roc_auc: y_true holds NaN");
    if (v != lo && v != hi) {
      if (lo != hi) throw usage_error("roc_auc: y_true must hold exactly two classes, found more");
      (v < lo ? lo : hi) = v;
    }
  }
  if (lo == hi) throw usage_error("roc_auc: only one class present in y_true; the ROC AUC is not defined");
  for (double s : scores)
    if (std::isnan(s)) throw usage_error("roc_auc: scores hold NaN");

  std::vector<size_t> order(y_true.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return scores[a] < scores[b]; });
  // Walk tie groups by increasing score: each positive beats every negative below its group
  // and ties half of the negatives in it. Counts of halves stay exact in a double.
  double pairs = 0.0, negatives_below = 0.0, positives = 0.0;
  for (size_t i = 0; i < order.size();) {
    size_t j = i;
    double pos = 0.0, neg = 0.0;
    while (j < order.size() && scores[order[j]] == scores[order[i]]) {
      (y_true[order[j]] == hi ? pos : neg) += 1.0;
      ++j;
    }
    pairs += pos * negatives_below + 0.5 * pos * neg;
    negatives_below += neg;
    positives += pos;
    i = j;
  }
  return pairs / (positives * negatives_below);
}

std::vector<Fold> kfold(int64_t n, int k, uint64_t seed, bool shuffle) {
  check_folds(n, k, "kfold");
  std::vector<int64_t> rows(static_cast<size_t>(n));
  std::iota(rows.begin(), rows.end(), int64_t{0});
  if (shuffle) {
    Rng rng(derive_seed(seed, kFoldPurpose, 0));
    for (size_t i = rows.size() - 1; i > 0; --i) std::swap(rows[i], rows[rng.below(i + 1)]);
  }
  // Fold f covers positions [start_f, start_f + size_f) of the (shuffled) order.
  std::vector<int> fold_of(static_cast<size_t>(n));
  int64_t position = 0;
  for (int f = 0; f < k; ++f) {
    const int64_t size = n / k + (f < n % k ? 1 : 0);
    for (int64_t i = 0; i < size; ++i, ++position)
      fold_of[static_cast<size_t>(rows[static_cast<size_t>(position)])] = f;
  }
  return folds_from_assignment(fold_of, k);
}

std::vector<Fold> stratified_kfold(std::span<const double> labels, int k, uint64_t seed) {
  const auto n = static_cast<int64_t>(labels.size());
  check_folds(n, k, "stratified_kfold");
  std::map<double, std::vector<int64_t>> by_label;
  for (int64_t row = 0; row < n; ++row) {
    if (std::isnan(labels[static_cast<size_t>(row)]))
      throw usage_error("stratified_kfold: labels hold NaN at row " + std::to_string(row));
    by_label[labels[static_cast<size_t>(row)]].push_back(row);
  }
  Rng rng(derive_seed(seed, kFoldPurpose, 1));
  std::vector<int> fold_of(static_cast<size_t>(n));
  int64_t dealt = 0;
  for (auto& [label, rows] : by_label) {
    for (size_t i = rows.size() - 1; i > 0; --i) std::swap(rows[i], rows[rng.below(i + 1)]);
    for (int64_t row : rows) fold_of[static_cast<size_t>(row)] = static_cast<int>(dealt++ % k);
  }
  return folds_from_assignment(fold_of, k);
}

}  // namespace synthtab::eval
