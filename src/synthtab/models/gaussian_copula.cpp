#include "synthtab/models/gaussian_copula.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <nlohmann/json.hpp>

#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <boost/math/special_functions/erf.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab {
namespace {

constexpr uint64_t kCopulaRowStream = 0x636f70756c61;  // "copula"
constexpr uint64_t kCopulaFitStream = 0x636f702d666974;
// Shrinks the correlation towards the identity by this much: keeps it positive definite when
// columns are collinear (e.g. shares that sum to one) or rows are few.
constexpr double kShrinkage = 1e-3;

double normal_cdf(double z) { return 0.5 * std::erfc(-z / std::sqrt(2.0)); }
double normal_quantile(double p) { return -std::sqrt(2.0) * boost::math::erfc_inv(2.0 * p); }

// Inverse of a column's empirical distribution at u in (0, 1): for continuous columns linear
// interpolation between order statistics (NumPy's default quantile: u spans min..max, so no
// probability piles up on the extremes), so values between the training values appear; for
// discrete columns the training value whose cumulative share
// covers u, so each value keeps its frequency.
double inverse_ecdf(const std::vector<float>& sorted, bool discrete, double u) {
  const auto n = static_cast<double>(sorted.size());
  if (discrete) {
    const auto index = std::min(sorted.size() - 1, static_cast<size_t>(u * n));
    return sorted[index];
  }
  const double position = u * (n - 1.0);
  const auto lo = static_cast<size_t>(position);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (position - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

FitReport GaussianCopula::fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) {
  const auto start = std::chrono::steady_clock::now();
  if (data.rows < 2) throw Error(ErrorKind::Input, "the copula needs at least 2 rows");
  cols_ = data.cols;
  const int64_t rows = data.rows;
  sorted_.assign(static_cast<size_t>(cols_), {});
  discrete_.assign(static_cast<size_t>(cols_), 0);
  // Normal scores: mid-ranks of each column (ties broken at random, so a categorical column's
  // rows spread over its category's interval of the normal scale).
  Rng rng(derive_seed(options.seed, kCopulaFitStream));
  Eigen::MatrixXd scores(rows, cols_);
  for (int64_t c = 0; c < cols_; ++c) {
    std::vector<std::pair<float, double>> keyed(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) keyed[static_cast<size_t>(r)] = {data(r, c), rng.uniform()};
    std::vector<int64_t> order(static_cast<size_t>(rows));
    for (int64_t r = 0; r < rows; ++r) order[static_cast<size_t>(r)] = r;
    std::sort(order.begin(), order.end(), [&](int64_t a, int64_t b) { return keyed[static_cast<size_t>(a)] < keyed[static_cast<size_t>(b)]; });
    auto& sorted = sorted_[static_cast<size_t>(c)];
    sorted.resize(static_cast<size_t>(rows));
    for (int64_t i = 0; i < rows; ++i) {
      const int64_t r = order[static_cast<size_t>(i)];
      sorted[static_cast<size_t>(i)] = data(r, c);
      scores(r, c) = normal_quantile((static_cast<double>(i) + 0.5) / static_cast<double>(rows));
    }
    const bool categorical = static_cast<size_t>(c) < layout.size() && layout[static_cast<size_t>(c)].kind == ModelColumnKind::Categorical;
    discrete_[static_cast<size_t>(c)] = categorical ? 1 : 0;
  }
  // Correlation of the normal scores (each column has the same scores, so mean 0 and equal
  // variance up to the permutation), shrunk a little towards the identity.
  Eigen::MatrixXd correlation = (scores.transpose() * scores) / static_cast<double>(rows);
  const Eigen::VectorXd sd = correlation.diagonal().cwiseSqrt();
  for (int64_t i = 0; i < cols_; ++i)
    for (int64_t j = 0; j < cols_; ++j)
      correlation(i, j) = (i == j ? 1.0 : (1.0 - kShrinkage) * correlation(i, j) / (sd(i) * sd(j)));
  Eigen::LLT<Eigen::MatrixXd> llt(correlation);
  if (llt.info() != Eigen::Success) throw Error(ErrorKind::Input, "the copula's correlation matrix is not positive definite");
  const Eigen::MatrixXd lower = llt.matrixL();
  correlation_.assign(correlation.data(), correlation.data() + correlation.size());
  cholesky_.assign(static_cast<size_t>(cols_ * cols_), 0.0);
  for (int64_t i = 0; i < cols_; ++i)
    for (int64_t j = 0; j <= i; ++j) cholesky_[static_cast<size_t>(i * cols_ + j)] = lower(i, j);

  FitReport report;
  report.settings = {{"model", "copula"}, {"rows", std::to_string(rows)}, {"columns", std::to_string(cols_)},
                     {"shrinkage", "0.001"}, {"seed", std::to_string(options.seed)}};
  report.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return report;
}

Matrix GaussianCopula::sample(int64_t first_row, int64_t count, uint64_t seed) const {
  Matrix out(count, cols_);
  std::vector<double> z(static_cast<size_t>(cols_));
  for (int64_t i = 0; i < count; ++i) {
    // Row r's draws depend only on (seed, r): any split into shards gives the same rows.
    Rng rng(derive_seed(seed, kCopulaRowStream, static_cast<uint64_t>(first_row + i)));
    for (auto& v : z) v = rng.normal();
    for (int64_t c = cols_ - 1; c >= 0; --c) {
      double correlated = 0.0;
      for (int64_t k = 0; k <= c; ++k) correlated += cholesky_[static_cast<size_t>(c * cols_ + k)] * z[static_cast<size_t>(k)];
      const double u = std::clamp(normal_cdf(correlated), 1e-12, 1.0 - 1e-12);
      out(i, c) = static_cast<float>(inverse_ecdf(sorted_[static_cast<size_t>(c)], discrete_[static_cast<size_t>(c)] != 0, u));
    }
  }
  return out;
}

void GaussianCopula::save(ArchiveWriter& out, const std::string& prefix) const {
  nlohmann::json state = {{"columns", cols_}, {"sorted", sorted_}, {"discrete", discrete_},
                          {"correlation", correlation_}, {"cholesky", cholesky_}};
  out.put(prefix + "copula", state.dump());
}

void GaussianCopula::load(const ArchiveReader& in, const std::string& prefix) {
  try {
    const auto state = nlohmann::json::parse(in.get(prefix + "copula"));
    cols_ = state.at("columns").get<int64_t>();
    sorted_ = state.at("sorted").get<std::vector<std::vector<float>>>();
    discrete_ = state.at("discrete").get<std::vector<char>>();
    correlation_ = state.at("correlation").get<std::vector<double>>();
    cholesky_ = state.at("cholesky").get<std::vector<double>>();
  } catch (const nlohmann::json::exception& e) {
    throw Error(ErrorKind::ModelFile, in.source() + ": malformed copula state: " + e.what());
  }
  const auto n = static_cast<size_t>(cols_);
  bool valid = cols_ >= 0 && sorted_.size() == n && discrete_.size() == n && cholesky_.size() == n * n &&
               correlation_.size() == n * n;
  for (const auto& column : sorted_) valid = valid && !column.empty() && std::is_sorted(column.begin(), column.end());
  if (!valid) throw Error(ErrorKind::ModelFile, in.source() + ": malformed copula state (sizes do not match)");
}

}  // namespace synthtab
