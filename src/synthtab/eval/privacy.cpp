#include "synthtab/eval/privacy.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <unordered_map>
#include <unordered_set>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/table/row_key.hpp"

namespace synthtab::eval {
namespace {

constexpr int64_t kBlock = 512;
constexpr uint64_t kRandomRowsStream = 0x7072697661637921;
constexpr uint64_t kHoldoutStream = 0x686f6c646f7574;  // "holdout"

double quantile_of(std::vector<double> values, double q) {
  if (values.empty()) return std::nan("");
  // Linear interpolation between order statistics (NumPy's default).
  std::sort(values.begin(), values.end());
  const double position = q * static_cast<double>(values.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(position));
  const auto hi = std::min(lo + 1, values.size() - 1);
  return values[lo] + (position - static_cast<double>(lo)) * (values[hi] - values[lo]);
}

// SDMetrics' DCR metric (sdmetrics.single_table.privacy.dcr_utils): per numeric column
// min(|a - b| / real range, 1), 1 when exactly one side is missing, 0 when both are; per
// categorical column 0 when equal, else 1; the row distance is the mean over columns.
// Cells are stored as numbers: numeric values (NaN = missing) and label indexes (-1 = missing).
struct GowerSpace {
  RowMatrix real, synthetic, random;
  std::vector<bool> categorical;
  std::vector<double> range;
};

void encode_gower_column(const Column& column, const std::map<std::string, int>& labels, RowMatrix& out, int64_t c) {
  for (int64_t r = 0; r < column.size(); ++r) {
    if (!column.is_categorical()) {
      out(r, c) = column.values[static_cast<size_t>(r)];
      continue;
    }
    const int32_t code = column.codes[static_cast<size_t>(r)];
    out(r, c) = code == kMissingCode ? -1.0 : labels.at(column.categories[static_cast<size_t>(code)]);
  }
}

GowerSpace gower_space(const Table& real, const Table& synthetic_in, uint64_t seed) {
  const Table synthetic = align_columns(real, synthetic_in);
  const int64_t cols = real.cols();
  GowerSpace space;
  space.real = RowMatrix(real.rows(), cols);
  space.synthetic = RowMatrix(synthetic.rows(), cols);
  space.random = RowMatrix(synthetic.rows(), cols);
  space.categorical.resize(static_cast<size_t>(cols));
  space.range.resize(static_cast<size_t>(cols), 1.0);
  Rng rng(derive_seed(seed, kRandomRowsStream));
  for (int64_t c = 0; c < cols; ++c) {
    const Column& r = real.columns[static_cast<size_t>(c)];
    const Column& s = synthetic.columns[static_cast<size_t>(c)];
    std::map<std::string, int> labels;
    for (const auto* column : {&r, &s})
      for (const auto& label : column->categories) labels.emplace(label, static_cast<int>(labels.size()));
    encode_gower_column(r, labels, space.real, c);
    encode_gower_column(s, labels, space.synthetic, c);
    space.categorical[static_cast<size_t>(c)] = r.is_categorical();
    if (r.is_categorical()) {
      // Random rows: uniform over the real column's categories.
      for (int64_t i = 0; i < space.random.rows(); ++i)
        space.random(i, c) = labels.at(r.categories[rng.below(r.categories.size())]);
      continue;
    }
    double lo = std::numeric_limits<double>::infinity(), hi = -lo;
    for (double v : r.values)
      if (!std::isnan(v)) lo = std::min(lo, v), hi = std::max(hi, v);
    if (!(hi >= lo)) lo = hi = 0.0;  // an all-missing real column
    space.range[static_cast<size_t>(c)] = hi > lo ? hi - lo : 1.0;
    for (int64_t i = 0; i < space.random.rows(); ++i) space.random(i, c) = lo + rng.uniform() * (hi - lo);
  }
  return space;
}

// Adds one column's distances from the query cell `a` to every real row's cell (real_column,
// contiguous): written as branch-free selects over the real rows so the compiler vectorises it.
void add_gower_column(double a, const double* real_column, int64_t m, bool categorical, double range,
                      double* distances) {
  if (categorical) {
    for (int64_t j = 0; j < m; ++j) distances[j] += real_column[j] != a ? 1.0 : 0.0;
  } else if (std::isnan(a)) {
    for (int64_t j = 0; j < m; ++j) distances[j] += std::isnan(real_column[j]) ? 0.0 : 1.0;
  } else {
    const double inverse_range = 1.0 / range;
    for (int64_t j = 0; j < m; ++j) {
      const double b = real_column[j];
      const double d = std::min(std::abs(a - b) * inverse_range, 1.0);
      distances[j] += std::isnan(b) ? 1.0 : d;
    }
  }
}

std::vector<double> gower_nearest(const GowerSpace& space, const RowMatrix& query, int threads) {
  const int64_t n = query.rows(), m = space.real.rows(), cols = query.cols();
  // The real rows column by column, so that each column's pass over them is contiguous.
  const Eigen::MatrixXd real_by_column = space.real;
  std::vector<double> out(static_cast<size_t>(n));
  parallel_for((n + kBlock - 1) / kBlock, threads, [&](int64_t block) {
    const int64_t begin = block * kBlock, end = std::min(n, begin + kBlock);
    std::vector<double> distances(static_cast<size_t>(m));
    for (int64_t i = begin; i < end; ++i) {
      std::fill(distances.begin(), distances.end(), 0.0);
      for (int64_t c = 0; c < cols; ++c)
        add_gower_column(query(i, c), real_by_column.col(c).data(), m, space.categorical[static_cast<size_t>(c)],
                         space.range[static_cast<size_t>(c)], distances.data());
      out[static_cast<size_t>(i)] = *std::min_element(distances.begin(), distances.end()) / static_cast<double>(cols);
    }
  });
  return out;
}

// `a` then `b` (the same columns, in the same order) as one table; categorical codes of `b`
// are mapped by label, since the two tables come from separate files.
Table stack_by_label(const Table& a, const Table& b) {
  Table out = a;
  for (size_t c = 0; c < out.columns.size(); ++c) {
    Column& column = out.columns[c];
    const Column& other = b.columns[c];
    if (!column.is_categorical()) {
      column.values.insert(column.values.end(), other.values.begin(), other.values.end());
      continue;
    }
    std::map<std::string, int32_t> index;
    for (size_t k = 0; k < column.categories.size(); ++k) index.emplace(column.categories[k], static_cast<int32_t>(k));
    std::vector<int32_t> mapped(other.categories.size());
    for (size_t k = 0; k < other.categories.size(); ++k) {
      const auto [it, added] = index.emplace(other.categories[k], static_cast<int32_t>(column.categories.size()));
      if (added) column.categories.push_back(other.categories[k]);
      mapped[k] = it->second;
    }
    for (int32_t code : other.codes)
      column.codes.push_back(code == kMissingCode ? kMissingCode : mapped[static_cast<size_t>(code)]);
  }
  return out;
}

// Nearest squared distances summed coordinate by coordinate rather than by one GEMM
// (|a|^2 + |b|^2 - 2 a.b): identical rows then give exactly 0 and equal rows exactly equal
// distances, so "closer to training than to holdout" has no rounding ties on discrete tables.
std::vector<double> exact_nearest(const RowMatrix& query, const RowMatrix& reference, int threads) {
  const int64_t n = query.rows();
  std::vector<double> out(static_cast<size_t>(n), std::numeric_limits<double>::infinity());
  parallel_for((n + kBlock - 1) / kBlock, threads, [&](int64_t block) {
    const int64_t begin = block * kBlock, end = std::min(n, begin + kBlock);
    for (int64_t i = begin; i < end; ++i)
      out[static_cast<size_t>(i)] = reference.rows() == 0
                                        ? std::numeric_limits<double>::infinity()
                                        : (reference.rowwise() - query.row(i)).rowwise().squaredNorm().minCoeff();
  });
  return out;
}

}  // namespace

double duplicate_row_share(const Table& real) {
  if (real.rows() == 0) return std::nan("");
  std::unordered_map<std::string, int64_t> counts;
  counts.reserve(static_cast<size_t>(real.rows()));
  std::vector<std::string> keys(static_cast<size_t>(real.rows()));
  for (int64_t r = 0; r < real.rows(); ++r) {
    if (row_is_empty(real, r)) continue;  // never a copy, as in count_exact_copies
    keys[static_cast<size_t>(r)] = row_key(real, r);
    ++counts[keys[static_cast<size_t>(r)]];
  }
  int64_t repeated = 0;
  for (int64_t r = 0; r < real.rows(); ++r) {
    const auto& key = keys[static_cast<size_t>(r)];
    if (!key.empty() && counts[key] >= 2) ++repeated;
  }
  return static_cast<double>(repeated) / static_cast<double>(real.rows());
}

HoldoutReport holdout_comparison(const Table& training, const Table& holdout_in, const Table& synthetic_in,
                                 const PrivacyOptions& options) {
  if (training.rows() < 2 || holdout_in.rows() < 1 || synthetic_in.rows() < 1)
    throw Error(ErrorKind::Input,
                "the holdout comparison needs at least 2 training rows, 1 holdout row and 1 synthetic row");
  const Table holdout = [&] {
    try {
      return align_columns(training, holdout_in);
    } catch (const Error& e) {
      // align_columns speaks of "the synthetic table"; here it is the holdout.
      throw Error(ErrorKind::Input, std::string("the holdout table does not match the training table: ") + e.what());
    }
  }();
  const Table synthetic = align_columns(training, synthetic_in);
  HoldoutReport out;
  out.training_rows = training.rows();
  out.holdout_rows = holdout.rows();
  out.synthetic_match_share =
      static_cast<double>(count_exact_copies(training, synthetic)) / static_cast<double>(synthetic.rows());
  out.holdout_match_share =
      static_cast<double>(count_exact_copies(training, holdout)) / static_cast<double>(holdout.rows());

  // One encoding for the three tables (scaled by the training rows, as DCR), so that a label
  // seen only in the holdout still has its own one-hot position.
  const FeatureSpace space = encode_pair(training, stack_by_label(synthetic, holdout));
  const int64_t ns = synthetic.rows();
  const RowMatrix synthetic_rows = space.synthetic.topRows(ns);
  const RowMatrix holdout_rows = space.synthetic.bottomRows(holdout.rows());
  out.compared_rows = std::min(training.rows(), holdout.rows());
  Rng rng(derive_seed(options.seed, kHoldoutStream));
  const RowMatrix training_sample = sample_rows(space.real, out.compared_rows, rng);
  const RowMatrix holdout_sample = sample_rows(holdout_rows, out.compared_rows, rng);
  const std::vector<double> to_training = exact_nearest(synthetic_rows, training_sample, options.threads);
  const std::vector<double> to_holdout = exact_nearest(synthetic_rows, holdout_sample, options.threads);
  int64_t closer = 0;
  for (int64_t i = 0; i < ns; ++i)
    closer += to_training[static_cast<size_t>(i)] < to_holdout[static_cast<size_t>(i)] ? 1 : 0;
  out.closer_to_training_share = static_cast<double>(closer) / static_cast<double>(ns);
  out.overfitting_protection = std::min(1.0, 2.0 * (1.0 - out.closer_to_training_share));
  return out;
}

int64_t count_exact_copies(const Table& real, const Table& synthetic) {
  std::unordered_set<std::string> real_rows;
  real_rows.reserve(static_cast<size_t>(real.rows()));
  for (int64_t r = 0; r < real.rows(); ++r) real_rows.insert(row_key(real, r));
  int64_t copies = 0;
  for (int64_t r = 0; r < synthetic.rows(); ++r) {
    if (!row_is_empty(synthetic, r) && real_rows.count(row_key(synthetic, r))) ++copies;
  }
  return copies;
}

std::vector<double> nearest_distances(const RowMatrix& query, const RowMatrix& reference, bool leave_one_out,
                                      int threads) {
  const int64_t n = query.rows();
  std::vector<double> out(static_cast<size_t>(n), std::numeric_limits<double>::infinity());
  const int64_t blocks = (n + kBlock - 1) / kBlock;
  parallel_for(blocks, threads, [&](int64_t block) {
    const int64_t begin = block * kBlock, count = std::min(kBlock, n - begin);
    for (int64_t j0 = 0; j0 < reference.rows(); j0 += kBlock) {
      const int64_t width = std::min(kBlock, reference.rows() - j0);
      const Eigen::MatrixXd d2 = squared_distances(query.middleRows(begin, count), reference.middleRows(j0, width));
      for (int64_t i = 0; i < count; ++i) {
        double best = out[static_cast<size_t>(begin + i)];
        for (int64_t j = 0; j < width; ++j) {
          if (leave_one_out && begin + i == j0 + j) continue;
          best = std::min(best, d2(i, j));
        }
        out[static_cast<size_t>(begin + i)] = best;
      }
    }
  });
  for (double& d : out) d = std::sqrt(d);
  return out;
}

PrivacyReport privacy(const Table& real, const Table& synthetic, const PrivacyOptions& options) {
  if (real.rows() < 2 || synthetic.rows() < 1)
    throw Error(ErrorKind::Input, "privacy checks need at least 2 real rows and 1 synthetic row");
  PrivacyReport report;
  report.exact_copies = count_exact_copies(real, synthetic);
  report.exact_copy_share = static_cast<double>(report.exact_copies) / static_cast<double>(synthetic.rows());
  report.real_duplicate_share = duplicate_row_share(real);
  const FeatureSpace space = encode_pair(real, synthetic);
  report.dcr = nearest_distances(space.synthetic, space.real, false, options.threads);
  report.real_nn = nearest_distances(space.real, space.real, true, options.threads);
  report.dcr_median = quantile_of(report.dcr, 0.5);
  report.dcr_p05 = quantile_of(report.dcr, 0.05);
  report.real_nn_median = quantile_of(report.real_nn, 0.5);
  report.dcr_ratio = report.real_nn_median > 0 ? report.dcr_median / report.real_nn_median : std::nan("");

  const GowerSpace gower = gower_space(real, synthetic, options.seed);
  report.baseline_synthetic_median = quantile_of(gower_nearest(gower, gower.synthetic, options.threads), 0.5);
  report.baseline_random_median = quantile_of(gower_nearest(gower, gower.random, options.threads), 0.5);
  report.baseline_protection = report.baseline_random_median > 0
                                   ? std::min(1.0, report.baseline_synthetic_median / report.baseline_random_median)
                                   : std::nan("");
  return report;
}

}  // namespace synthtab::eval
