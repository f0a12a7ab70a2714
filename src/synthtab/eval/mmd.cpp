#include "synthtab/eval/mmd.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab::eval {
namespace {

constexpr int64_t kBlock = 256;
constexpr uint64_t kBandwidthStream = 0x6d6d642d6277;  // "mmd-bw"
constexpr uint64_t kPermutationStream = 0x6d6d642d7065;
constexpr uint64_t kStatisticStream = 0x6d6d642d7374;

double median_pairwise_distance(const RowMatrix& pooled) {
  const Eigen::MatrixXd d2 = squared_distances(pooled, pooled);
  std::vector<double> upper;
  upper.reserve(static_cast<size_t>(pooled.rows() * (pooled.rows() - 1) / 2));
  for (int64_t i = 0; i < pooled.rows(); ++i)
    for (int64_t j = i + 1; j < pooled.rows(); ++j) upper.push_back(d2(i, j));
  if (upper.empty()) return 1.0;
  // The median of the distances (not of their squares: with an even count the two middle
  // values are averaged as distances).
  auto mid = upper.begin() + static_cast<std::ptrdiff_t>(upper.size() / 2);
  std::nth_element(upper.begin(), mid, upper.end());
  const double upper_middle = std::sqrt(*mid);
  if (upper.size() % 2 == 1) return upper_middle;
  return (upper_middle + std::sqrt(*std::max_element(upper.begin(), mid))) / 2.0;
}

// The seed's MMD: biased, RBF gamma = 1 / features, on raw values, every row.
MmdResult seed_compatible_mmd(const Table& real, const Table& synthetic, const MmdOptions& options) {
  MmdResult result;
  const FeatureSpace space = encode_pair(real, synthetic, {false, false});
  const double m = static_cast<double>(space.real.rows());
  const double n = static_cast<double>(space.synthetic.rows());
  result.gamma = 1.0 / static_cast<double>(space.real.cols());
  const double kxx = rbf_kernel_sum(space.real, space.real, result.gamma, options.threads);
  const double kyy = rbf_kernel_sum(space.synthetic, space.synthetic, result.gamma, options.threads);
  const double kxy = rbf_kernel_sum(space.real, space.synthetic, result.gamma, options.threads);
  result.mmd2 = kxx / (m * m) + kyy / (n * n) - 2.0 * kxy / (m * n);
  result.estimator = "seed-compatible: biased, RBF gamma = 1/features on raw values";
  return result;
}

// The median heuristic: the median distance between rows of a seeded sample of both tables
// pooled (1 when all of them are equal).
double median_bandwidth(const FeatureSpace& space, const MmdOptions& options) {
  Rng bandwidth_rng(derive_seed(options.seed, kBandwidthStream));
  const int64_t half = std::max<int64_t>(1, options.max_bandwidth_rows / 2);
  RowMatrix pooled(0, space.real.cols());
  {
    const RowMatrix a = sample_rows(space.real, half, bandwidth_rng);
    const RowMatrix b = sample_rows(space.synthetic, half, bandwidth_rng);
    pooled.resize(a.rows() + b.rows(), a.cols());
    pooled << a, b;
  }
  const double bandwidth = median_pairwise_distance(pooled);
  return bandwidth > 0.0 ? bandwidth : 1.0;
}

// The unbiased MMD^2 into `result` (whose gamma is set). It costs (rows)^2 kernel evaluations:
// past max_rows per table it is computed on a seeded random subsample (still unbiased), and the
// result says so.
void unbiased_statistic(const FeatureSpace& space, const MmdOptions& options, MmdResult& result) {
  Rng statistic_rng(derive_seed(options.seed, kStatisticStream));
  const RowMatrix x_all = sample_rows(space.real, options.max_rows, statistic_rng);
  const RowMatrix y_all = sample_rows(space.synthetic, options.max_rows, statistic_rng);
  result.statistic_rows_real = x_all.rows();
  result.statistic_rows_synthetic = y_all.rows();
  const double m = static_cast<double>(x_all.rows());
  const double n = static_cast<double>(y_all.rows());
  // k(x, x) = 1, so the i != j sums are the full sums minus the diagonal.
  const double sxx = rbf_kernel_sum(x_all, x_all, result.gamma, options.threads);
  const double syy = rbf_kernel_sum(y_all, y_all, result.gamma, options.threads);
  const double sxy = rbf_kernel_sum(x_all, y_all, result.gamma, options.threads);
  result.mmd2 = (sxx - m) / (m * (m - 1)) + (syy - n) / (n * (n - 1)) - 2.0 * sxy / (m * n);
}

// The full kernel matrix of the rows of z, in row blocks on `threads` threads.
Eigen::MatrixXd kernel_matrix(const RowMatrix& z, double gamma, int threads) {
  const int64_t total = z.rows();
  Eigen::MatrixXd kernel(total, total);
  const int64_t blocks = (total + kBlock - 1) / kBlock;
  parallel_for(blocks, threads, [&](int64_t b) {
    const int64_t i0 = b * kBlock, ni = std::min(kBlock, total - i0);
    const Eigen::ArrayXXd exponent = -gamma * squared_distances(z.middleRows(i0, ni), z).array();
    kernel.middleRows(i0, ni) = (exponent < -700.0).select(0.0, exponent.exp()).matrix();
  });
  return kernel;
}

// Permutation test on the pooled kernel matrix (subsampled when large): relabel rows at random
// and see how often the statistic is at least the observed one. Fills the p-value and its rows.
void permutation_test(const FeatureSpace& space, const MmdOptions& options, MmdResult& result) {
  Rng rng(derive_seed(options.seed, kPermutationStream));
  const RowMatrix x = sample_rows(space.real, options.max_permutation_rows, rng);
  const RowMatrix y = sample_rows(space.synthetic, options.max_permutation_rows, rng);
  const int64_t mx = x.rows(), ny = y.rows(), total = mx + ny;
  RowMatrix z(total, x.cols());
  z << x, y;
  const Eigen::MatrixXd kernel = kernel_matrix(z, result.gamma, options.threads);
  const double grand = kernel.sum();
  auto statistic = [&](const Eigen::VectorXd& in_x) {
    const Eigen::VectorXd v = kernel * in_x;
    const double s_xx = in_x.dot(v);
    const double s_xy = v.sum() - s_xx;  // sum over x-rows i, y-rows j of k
    const double s_yy = grand - s_xx - 2.0 * s_xy;
    const double a = static_cast<double>(mx), b = static_cast<double>(ny);
    return (s_xx - a) / (a * (a - 1)) + (s_yy - b) / (b * (b - 1)) - 2.0 * s_xy / (a * b);
  };
  Eigen::VectorXd labels = Eigen::VectorXd::Zero(total);
  labels.head(mx).setOnes();
  const double observed = statistic(labels);
  std::vector<int64_t> order(static_cast<size_t>(total));
  std::iota(order.begin(), order.end(), 0);
  int at_least = 0;
  for (int p = 0; p < options.permutations; ++p) {
    for (int64_t i = total - 1; i > 0; --i)
      std::swap(order[static_cast<size_t>(i)], order[rng.below(static_cast<uint64_t>(i + 1))]);
    Eigen::VectorXd permuted = Eigen::VectorXd::Zero(total);
    for (int64_t i = 0; i < mx; ++i) permuted(order[static_cast<size_t>(i)]) = 1.0;
    if (statistic(permuted) >= observed) ++at_least;
  }
  // (b + 1) / (B + 1): a permutation p-value is never exactly 0 (Phipson & Smyth 2010).
  result.pvalue = (at_least + 1.0) / (options.permutations + 1.0);
  result.permutations = options.permutations;
  result.permutation_rows_real = mx;
  result.permutation_rows_synthetic = ny;
}

}  // namespace

double rbf_kernel_sum(const RowMatrix& a, const RowMatrix& b, double gamma, int threads) {
  const int64_t row_blocks = (a.rows() + kBlock - 1) / kBlock;
  const int64_t col_blocks = (b.rows() + kBlock - 1) / kBlock;
  std::vector<double> partial(static_cast<size_t>(row_blocks * col_blocks), 0.0);
  parallel_for(row_blocks * col_blocks, threads, [&](int64_t task) {
    const int64_t i0 = (task / col_blocks) * kBlock;
    const int64_t j0 = (task % col_blocks) * kBlock;
    const int64_t ni = std::min(kBlock, a.rows() - i0);
    const int64_t nj = std::min(kBlock, b.rows() - j0);
    const Eigen::ArrayXXd exponent = -gamma * squared_distances(a.middleRows(i0, ni), b.middleRows(j0, nj)).array();
    // exp(-700) is below 1e-304: counting it as 0 changes no sum that matters and avoids
    // subnormal arithmetic, which is many times slower (the seed's MMD on raw units lives there).
    partial[static_cast<size_t>(task)] = (exponent < -700.0).select(0.0, exponent.exp()).sum();
  });
  // Summed in a fixed order: the same bits for any thread count.
  return std::accumulate(partial.begin(), partial.end(), 0.0);
}

MmdResult mmd(const Table& real, const Table& synthetic, const MmdOptions& options) {
  if (real.rows() < 2 || synthetic.rows() < 2)
    throw Error(ErrorKind::Input, "MMD needs at least 2 real and 2 synthetic rows");
  if (options.seed_compatible) return seed_compatible_mmd(real, synthetic, options);
  MmdResult result;
  const FeatureSpace space = encode_pair(real, synthetic);
  result.bandwidth = median_bandwidth(space, options);
  result.gamma = 1.0 / (2.0 * result.bandwidth * result.bandwidth);
  unbiased_statistic(space, options, result);
  result.estimator = "unbiased MMD^2, RBF kernel, median-distance bandwidth, standardised data";
  if (options.permutations > 0) permutation_test(space, options, result);
  return result;
}

}  // namespace synthtab::eval
