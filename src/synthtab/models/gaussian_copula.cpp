#include "synthtab/models/gaussian_copula.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

#include <fmt/format.h>
#include <Eigen/Cholesky>
#include <Eigen/Core>
#include <Eigen/Eigenvalues>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/models/copula_latent.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {
namespace {

bool parametric_marginals(const FitOptions& options) {
  return options.parameters.choice("marginals").value_or("empirical") == "parametric";
}

constexpr uint64_t kCopulaRowStream = 0x636f70756c61;  // "copula"
constexpr uint64_t kCopulaFitStream = 0x636f702d666974;
constexpr uint64_t kCopulaOrderStream = 0x636f702d6f7264;  // "cop-ord"
constexpr uint64_t kCopulaSumsStream = 0x636f702d73756d;   // "cop-sum"
// Shrinks the correlation towards the identity by this much: keeps it positive definite when
// columns are collinear (e.g. shares that sum to one) or rows are few.
constexpr double kShrinkage = 1e-3;
// A numeric column with at most this many distinct values, each seen kRowsPerLevel times on
// average, is drawn from its levels rather than interpolated.
constexpr int kMaxNumericLevels = 20;
constexpr int64_t kRowsPerLevel = 5;

// Inverse of a column's empirical distribution at u in (0, 1): for continuous columns linear
// interpolation between order statistics (NumPy's default quantile: u spans min..max, so no
// probability piles up on the extremes), so values between the training values appear; for
// discrete columns the training value whose cumulative share covers u, so each value keeps its
// frequency.
double inverse_ecdf(const std::vector<float>& sorted, bool discrete, double u) {
  const auto n = static_cast<double>(sorted.size());
  if (discrete) {
    const auto index = std::min(sorted.size() - 1, static_cast<size_t>(u * n));
    return sorted[index];
  }
  // Hazen's plotting positions: the i-th smallest of n values sits at (i - 0.5) / n, and the
  // outer half-steps fall on the minimum and maximum (values stay in the real range). Spanning
  // min to max over [0, 1] instead put a whole 1/n step of error at the low end: on a 16-row
  // column every KS statistic was >= 1/16.
  const double position = std::clamp(u * n - 0.5, 0.0, n - 1.0);
  const auto lo = static_cast<size_t>(position);
  const size_t hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (position - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

}  // namespace

// A categorical column's codes follow the order its labels first appear in, which says nothing
// about the other columns; the copula can only hold a monotone relation, so a label order that
// zigzags against the numbers (party codes against a left-right scale) loses the relation. The
// categories are put in the order of their rows' mean score on the first principal component
// of the continuous columns, which makes such relations as monotone as one order can.
void GaussianCopula::interval_mean_scores(const Matrix& data, Eigen::MatrixXd& scores) const {
  const std::vector<char> grouped = interval_scored(sorted_, discrete_);
  for (int64_t c = 0; c < cols_; ++c) {
    if (!grouped[static_cast<size_t>(c)]) continue;
    // The same score for every row of a value, so its correlations carry no tie-breaking noise
    // (on 19 rows a random spread within a two-level column moved its correlation by +-0.1
    // from seed to seed).
    std::map<float, double> means;
    for (const auto& interval : normal_intervals(sorted_[static_cast<size_t>(c)]))
      means[interval.value] = interval.mean;
    for (int64_t r = 0; r < data.rows; ++r) {
      if (std::isnan(scores(r, c))) continue;
      const auto it = means.find(data(r, c));
      if (it != means.end()) scores(r, c) = it->second;
    }
  }
}

void GaussianCopula::order_categories(const Matrix& data, const std::vector<ModelColumn>& layout, uint64_t seed,
                                      Eigen::MatrixXd& scores) {
  const int64_t rows = data.rows;
  if (cols_ > rows) return;  // wide tables keep the plain order (the low-rank form is about speed)
  std::vector<int64_t> continuous;
  for (int64_t c = 0; c < cols_; ++c)
    if (!discrete_[static_cast<size_t>(c)]) continuous.push_back(c);
  if (continuous.empty()) return;
  const auto m = static_cast<int64_t>(continuous.size());
  Eigen::MatrixXd z(rows, m);
  for (int64_t j = 0; j < m; ++j)
    for (int64_t r = 0; r < rows; ++r) {
      const double v = scores(r, continuous[static_cast<size_t>(j)]);
      z(r, j) = std::isnan(v) ? 0.0 : v;
    }
  const Eigen::MatrixXd gram = z.transpose() * z;
  Eigen::VectorXd direction = Eigen::VectorXd::Ones(m) / std::sqrt(static_cast<double>(m));
  for (int i = 0; i < 50; ++i) {  // power iteration: the leading eigenvector
    const Eigen::VectorXd next = gram * direction;
    if (next.norm() <= 0.0) return;
    direction = next / next.norm();
  }
  const Eigen::VectorXd component = z * direction;
  for (int64_t c = 0; c < cols_; ++c) {
    const auto sc = static_cast<size_t>(c);
    if (sc >= layout.size() || layout[sc].kind != ModelColumnKind::Categorical || layout[sc].missing_indicator ||
        distinct_count(sorted_[sc]) < 3)
      continue;
    std::vector<int64_t> present;
    for (int64_t r = 0; r < rows; ++r)
      if (!std::isnan(scores(r, c))) present.push_back(r);
    if (present.empty()) continue;
    // Mean component score per category (model value), then each category's rank.
    std::map<float, std::pair<double, double>> sums;
    for (int64_t r : present) {
      auto& s = sums[data(r, c)];
      s.first += component(r);
      s.second += 1.0;
    }
    std::vector<std::pair<double, float>> by_mean;
    for (const auto& [value, s] : sums) by_mean.push_back({s.first / s.second, value});
    std::sort(by_mean.begin(), by_mean.end());
    std::map<float, int> rank;
    for (size_t i = 0; i < by_mean.size(); ++i) rank[by_mean[i].second] = static_cast<int>(i);
    Rng rng(derive_seed(seed, kCopulaOrderStream, static_cast<uint64_t>(c)));
    std::vector<std::pair<int, double>> key(static_cast<size_t>(rows));
    for (int64_t r : present) key[static_cast<size_t>(r)] = {rank[data(r, c)], rng.uniform()};
    std::sort(present.begin(), present.end(),
              [&](int64_t a, int64_t b) { return key[static_cast<size_t>(a)] < key[static_cast<size_t>(b)]; });
    auto& sorted = sorted_[sc];  // grouped by category, in the new order (no longer ascending)
    const auto n = static_cast<double>(present.size());
    for (size_t i = 0; i < present.size(); ++i) {
      sorted[i] = data(present[i], c);
      scores(present[i], c) = normal_quantile((static_cast<double>(i) + 0.5) / n);
    }
  }
}

namespace {

// A missing-value indicator follows its value column (same source); the value column's cells
// where the indicator says "missing" hold filler and are left out of its fit.
struct IndicatorPairs {
  std::vector<int64_t> indicator_of, value_of;  // -1 where none
  bool missing(const Matrix& data, int64_t r, int64_t c) const {
    const int64_t indicator = indicator_of[static_cast<size_t>(c)];
    return indicator >= 0 && data(r, indicator) > 0.0f;
  }
};

IndicatorPairs pair_indicators(const std::vector<ModelColumn>& layout, int64_t cols) {
  const auto n_cols = static_cast<size_t>(cols);
  auto kind = [&](int64_t c) -> const ModelColumn* {
    return static_cast<size_t>(c) < layout.size() ? &layout[static_cast<size_t>(c)] : nullptr;
  };
  std::vector<int64_t> indicator_of(n_cols, -1), value_of(n_cols, -1);
  for (int64_t c = 1; c < cols; ++c) {
    const ModelColumn* k = kind(c);
    const ModelColumn* v = kind(c - 1);
    if (k != nullptr && k->missing_indicator && v != nullptr && !v->missing_indicator && v->source == k->source) {
      indicator_of[static_cast<size_t>(c - 1)] = c;
      value_of[static_cast<size_t>(c)] = c - 1;
    }
  }
  return {std::move(indicator_of), std::move(value_of)};
}

// Wide table: the correlation of the scores has rank <= rows, so keep its factor (each column's
// scores scaled to unit length, row-major rows x cols) rather than a cols x cols matrix and its
// cubic Cholesky. Missing scores count as 0 here (the pairwise corrections need the full form).
std::vector<double> low_rank_factor(const Eigen::MatrixXd& scores) {
  const int64_t rows = scores.rows(), cols = scores.cols();
  std::vector<double> factor(static_cast<size_t>(rows * cols), 0.0);
  for (int64_t c = 0; c < cols; ++c) {
    double norm = 0.0;
    for (int64_t r = 0; r < rows; ++r)
      if (!std::isnan(scores(r, c))) norm += scores(r, c) * scores(r, c);
    if (norm <= 0.0) continue;  // a column with one present value: independent of the rest
    norm = std::sqrt(norm);
    for (int64_t r = 0; r < rows; ++r)
      if (!std::isnan(scores(r, c))) factor[static_cast<size_t>(r * cols + c)] = scores(r, c) / norm;
  }
  return factor;
}

// The scores' correlation; with missing scores, Pearson's over the rows where both are present.
Eigen::MatrixXd score_correlation(const Eigen::MatrixXd& scores, bool any_missing) {
  const int64_t cols_ = scores.cols();
  Eigen::MatrixXd correlation(cols_, cols_);
  if (!any_missing) {
    // Each column has the same scores, so mean 0 and equal variance up to the permutation.
    correlation = scores.transpose() * scores;
    const Eigen::VectorXd sd = correlation.diagonal().cwiseSqrt();
    for (int64_t i = 0; i < cols_; ++i)
      for (int64_t j = 0; j < cols_; ++j) correlation(i, j) /= sd(i) * sd(j);
  } else {
    DependenceSums sums(cols_);
    add_score_sums(scores, sums);
    correlation = correlation_from_sums(sums);
  }
  return correlation;
}

// Levels of each discrete column (0 for the others): two-level columns pair by the tetrachoric
// correlation.
std::vector<int> discrete_levels(const std::vector<std::vector<float>>& sorted, const std::vector<char>& discrete) {
  std::vector<int> levels(sorted.size(), 0);
  for (size_t c = 0; c < sorted.size(); ++c)
    if (discrete[c]) levels[c] = distinct_count(sorted[c]);
  return levels;
}

// The counts the corrections need, added to `sums`: for a missing-value indicator k against
// column j, the rows where j is present and k says missing (gaps) or present; for two binary
// columns i > j, the rows where both are present, where i is at its first value, j at its
// first value, and both.
void add_pair_counts(const Matrix& data, const IndicatorPairs& pairs, const std::vector<std::vector<float>>& sorted,
                     const std::vector<char>& discrete, DependenceSums& sums) {
  const int64_t rows = data.rows, cols = data.cols;
  for (int64_t k = 0; k < cols; ++k) {
    if (pairs.value_of[static_cast<size_t>(k)] < 0) continue;
    for (int64_t r = 0; r < rows; ++r) {
      const bool gap = data(r, k) > 0.0f;
      for (int64_t j = 0; j < cols; ++j) {
        if (pairs.missing(data, r, j)) continue;
        (gap ? sums.gaps_with : sums.present_with)(k, j) += 1.0;
      }
    }
  }
  const std::vector<int> levels = discrete_levels(sorted, discrete);
  for (int64_t i = 0; i < cols; ++i)
    for (int64_t j = 0; j < i; ++j) {
      const auto si = static_cast<size_t>(i), sj = static_cast<size_t>(j);
      if (levels[si] != 2 || levels[sj] != 2) continue;
      const float low_i = sorted[si].front(), low_j = sorted[sj].front();
      double n = 0, a = 0, b = 0, both = 0;
      for (int64_t row = 0; row < rows; ++row) {
        if (pairs.missing(data, row, i) || pairs.missing(data, row, j)) continue;
        const bool li = data(row, i) == low_i, lj = data(row, j) == low_j;
        n += 1, a += li, b += lj, both += li && lj;
      }
      sums.binary_rows(i, j) += n, sums.binary_low_first(i, j) += a, sums.binary_low_second(i, j) += b,
          sums.binary_low_both(i, j) += both;
    }
}

// Interval-mean scores shrink a discrete column's correlations; undo it (exact for a
// discrete-continuous pair; the tetrachoric correlation for two binary columns, such as two
// missing-value indicators; to first order for other discrete pairs).
void correct_for_discreteness(Eigen::MatrixXd& correlation, const DependenceSums& counts, const IndicatorPairs& pairs,
                              const std::vector<std::vector<float>>& sorted, const std::vector<char>& discrete) {
  const int64_t cols = correlation.rows();
  const auto n_cols = static_cast<size_t>(cols);
  std::vector<double> factor(n_cols, 1.0);
  const std::vector<int> levels = discrete_levels(sorted, discrete);
  // For a missing-value indicator against another column: the rows where the other column
  // is present and this one missing (or present), the smaller of the two counts. An estimate
  // from a handful of gaps, scaled up by the correction, is mostly noise and would break the
  // (well estimated) block of indicator correlations when the matrix is repaired: it is
  // shrunk towards 0 by minority / (minority + kGapPrior).
  constexpr double kGapPrior = 20.0;
  auto reliability = [&](int64_t k, int64_t j) {
    const double minority = std::min(counts.gaps_with(k, j), counts.present_with(k, j));
    return minority / (minority + kGapPrior);
  };
  for (size_t c = 0; c < n_cols; ++c)
    if (discrete[c]) factor[c] = std::sqrt(discreteness_factor(sorted[c]));
  for (int64_t i = 0; i < cols; ++i) {
    const auto si = static_cast<size_t>(i);
    correlation(i, i) = 1.0;
    for (int64_t j = 0; j < i; ++j) {
      const auto sj = static_cast<size_t>(j);
      double r = correlation(i, j);
      if (pairs.value_of[si] == j || pairs.value_of[sj] == i) {
        r = 0.0;  // an indicator and its own column are never present together
      } else if (levels[si] == 2 && levels[sj] == 2) {
        const double n = counts.binary_rows(i, j), a = counts.binary_low_first(i, j),
                     b = counts.binary_low_second(i, j), both = counts.binary_low_both(i, j);
        r = n > 0 && a > 0 && a < n && b > 0 && b < n ? tetrachoric(a / n, b / n, both / n) : 0.0;
      } else if (factor[si] > 0 && factor[sj] > 0) {
        r /= factor[si] * factor[sj];
        if (pairs.value_of[si] >= 0) r *= reliability(i, j);
        if (pairs.value_of[sj] >= 0) r *= reliability(j, i);
      }
      correlation(i, j) = correlation(j, i) = std::clamp(r, -kMaxCorrelation, kMaxCorrelation);
    }
  }
}

// Pairwise estimates need not form a correlation matrix: clip negative eigenvalues, then rescale
// to a unit diagonal, then shrink towards the identity.
void repair_correlation(Eigen::MatrixXd& correlation) {
  const int64_t cols_ = correlation.rows();
  Eigen::LLT<Eigen::MatrixXd> check(correlation);
  if (check.info() != Eigen::Success) {
    Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(correlation);
    const Eigen::VectorXd values = eigen.eigenvalues().cwiseMax(1e-6);
    correlation = eigen.eigenvectors() * values.asDiagonal() * eigen.eigenvectors().transpose();
    const Eigen::VectorXd sd = correlation.diagonal().cwiseSqrt();
    for (int64_t i = 0; i < cols_; ++i)
      for (int64_t j = 0; j < cols_; ++j) correlation(i, j) /= sd(i) * sd(j);
  }
  for (int64_t i = 0; i < cols_; ++i)
    for (int64_t j = 0; j < cols_; ++j) correlation(i, j) = i == j ? 1.0 : (1.0 - kShrinkage) * correlation(i, j);
}

// The correlation corrected, repaired and factored: the lower-triangular Cholesky factor, row by row.
std::vector<double> dependence_factor(Eigen::MatrixXd correlation, const DependenceSums& counts,
                                      const IndicatorPairs& pairs, const std::vector<std::vector<float>>& sorted,
                                      const std::vector<char>& discrete) {
  correct_for_discreteness(correlation, counts, pairs, sorted, discrete);
  repair_correlation(correlation);
  Eigen::LLT<Eigen::MatrixXd> llt(correlation);
  if (llt.info() != Eigen::Success)
    throw Error(ErrorKind::Input, "the copula's correlation matrix is not positive definite");
  const Eigen::MatrixXd lower = llt.matrixL();
  const int64_t cols = correlation.rows();
  std::vector<double> out;
  out.reserve(static_cast<size_t>(cols * (cols + 1) / 2));
  for (int64_t i = 0; i < cols; ++i)
    for (int64_t j = 0; j <= i; ++j) out.push_back(lower(i, j));
  return out;
}

// A continuous value's normal score among the training values: its position between them (in a
// run of equal ones, a uniform place along it, as the fit breaks ties at random), as a Hazen
// plotting position, through the normal quantile. The inverse of inverse_ecdf.
double continuous_score(float value, const std::vector<float>& sorted, Rng& rng) {
  const auto n = static_cast<double>(sorted.size());
  const auto first = std::lower_bound(sorted.begin(), sorted.end(), value);
  const auto last = std::upper_bound(first, sorted.end(), value);
  double position;
  if (first != last) {
    const auto run_start = static_cast<double>(first - sorted.begin());
    position = run_start + rng.uniform() * static_cast<double>(last - first - 1);
  } else if (first == sorted.begin()) {
    position = 0.0;
  } else if (first == sorted.end()) {
    position = n - 1.0;
  } else {
    const auto hi = static_cast<double>(first - sorted.begin());
    position = hi - 1.0 + (value - *(first - 1)) / (*first - *(first - 1));
  }
  return normal_quantile((position + 0.5) / n);
}

// What the fit reports: its size, seed, dependence and marginals.
FitReport fit_report(const FitOptions& options, int64_t rows, const std::vector<Marginal>& marginals, bool low_rank) {
  const auto cols = static_cast<int64_t>(marginals.size());
  FitReport report;
  int parametric = 0;
  for (const auto& m : marginals) parametric += m.family != "empirical";
  report.settings = {
      {"model", "copula"},
      {"rows", std::to_string(rows)},
      {"columns", std::to_string(cols)},
      {"shrinkage", "0.001"},
      {"seed", std::to_string(options.seed)},
      {"dependence", low_rank ? "low rank (more columns than rows)" : "full correlation"},
      {"marginals", parametric_marginals(options)
                        ? fmt::format("parametric ({} of {} columns; the rest discrete or constant)", parametric, cols)
                        : "empirical"}};
  return report;
}

}  // namespace

FitReport GaussianCopula::do_fit(const Matrix& data, const std::vector<ModelColumn>& layout,
                                 const FitOptions& options) {
  cols_ = data.cols;
  const int64_t rows = data.rows;
  const auto n_cols = static_cast<size_t>(cols_);
  auto kind = [&](int64_t c) -> const ModelColumn* {
    return static_cast<size_t>(c) < layout.size() ? &layout[static_cast<size_t>(c)] : nullptr;
  };
  const IndicatorPairs pairs = pair_indicators(layout, cols_);
  sorted_.assign(n_cols, {});
  discrete_.assign(n_cols, 0);
  marginals_.assign(n_cols, Marginal{});
  // Normal scores: mid-ranks of each column's present values (ties broken at random, so a
  // categorical column's rows spread over its category's interval of the normal scale); NaN
  // where the value is missing.
  Rng rng(derive_seed(options.seed, kCopulaFitStream));
  Eigen::MatrixXd scores(rows, cols_);
  bool any_missing = false;
  std::vector<std::pair<float, double>> keyed;
  std::vector<int64_t> order;
  for (int64_t c = 0; c < cols_; ++c) {
    order.clear();
    keyed.assign(static_cast<size_t>(rows), {});
    for (int64_t r = 0; r < rows; ++r) {
      keyed[static_cast<size_t>(r)] = {data(r, c), rng.uniform()};
      if (pairs.missing(data, r, c)) {
        scores(r, c) = std::numeric_limits<double>::quiet_NaN();
        any_missing = true;
      } else {
        order.push_back(r);
      }
    }
    if (order.empty()) order.push_back(0);  // a column missing everywhere: keep its filler as its only value
    std::sort(order.begin(), order.end(),
              [&](int64_t a, int64_t b) { return keyed[static_cast<size_t>(a)] < keyed[static_cast<size_t>(b)]; });
    auto& sorted = sorted_[static_cast<size_t>(c)];
    sorted.resize(order.size());
    const auto present = static_cast<double>(order.size());
    for (size_t i = 0; i < order.size(); ++i) {
      const int64_t r = order[i];
      sorted[i] = data(r, c);
      scores(r, c) = normal_quantile((static_cast<double>(i) + 0.5) / present);
    }
    const ModelColumn* k = kind(c);
    // A numeric column with a few levels (ages in 5-year steps, counts of children, ratings) is
    // drawn like a categorical one: interpolating would invent values between the levels that
    // no real row has, which makes synthetic rows easy to tell apart.
    const int levels = distinct_count(sorted);
    const bool few_levels =
        levels <= kMaxNumericLevels && levels * kRowsPerLevel <= static_cast<int64_t>(sorted.size());
    discrete_[static_cast<size_t>(c)] = (k != nullptr && k->kind == ModelColumnKind::Categorical) || few_levels ? 1 : 0;
    if (parametric_marginals(options) && !discrete_[static_cast<size_t>(c)] && distinct_count(sorted) >= 2)
      marginals_[static_cast<size_t>(c)] = fit_parametric_marginal(std::vector<double>(sorted.begin(), sorted.end()));
  }
  order_categories(data, layout, options.seed, scores);
  interval_mean_scores(data, scores);

  cholesky_.clear();
  factor_.clear();
  rank_ = 0;
  if (cols_ > rows) {
    rank_ = rows;
    factor_ = low_rank_factor(scores);
  } else {
    Eigen::MatrixXd correlation = score_correlation(scores, any_missing);
    DependenceSums counts(cols_);
    const std::vector<char> grouped = interval_scored(sorted_, discrete_);
    add_pair_counts(data, pairs, sorted_, grouped, counts);
    cholesky_ = dependence_factor(std::move(correlation), counts, pairs, sorted_, grouped);
  }

  return fit_report(options, rows, marginals_, !factor_.empty());
}

DependenceSums GaussianCopula::dependence_sums(const Matrix& data, const std::vector<ModelColumn>& layout,
                                               uint64_t seed) const {
  if (data.cols != cols_)
    throw Error(ErrorKind::Input, fmt::format("the copula has {} columns, the rows {}", cols_, data.cols));
  const IndicatorPairs pairs = pair_indicators(layout, cols_);
  Rng rng(derive_seed(seed, kCopulaSumsStream));
  Eigen::MatrixXd scores(data.rows, cols_);
  const std::vector<char> grouped = interval_scored(sorted_, discrete_);
  for (int64_t c = 0; c < cols_; ++c) {
    const auto sc = static_cast<size_t>(c);
    std::map<float, double> means;  // a discrete or spiked column's values: their intervals' mean scores
    if (grouped[sc])
      for (const auto& interval : normal_intervals(sorted_[sc])) means[interval.value] = interval.mean;
    for (int64_t r = 0; r < data.rows; ++r) {
      double score = std::numeric_limits<double>::quiet_NaN();
      if (!pairs.missing(data, r, c) && !std::isnan(data(r, c))) {
        const auto it = means.find(data(r, c));
        if (it != means.end()) {
          score = it->second;
        } else if (!discrete_[sc]) {
          score = continuous_score(data(r, c), sorted_[sc], rng);
        }  // (a level the training rows lack counts as missing)
      }
      scores(r, c) = score;
    }
  }
  DependenceSums sums(cols_);
  sums.rows = static_cast<double>(data.rows);
  add_score_sums(scores, sums);
  add_pair_counts(data, pairs, sorted_, grouped, sums);
  return sums;
}

void GaussianCopula::refit_dependence(const DependenceSums& sums, const std::vector<ModelColumn>& layout) {
  if (!factor_.empty())
    throw Error(ErrorKind::Usage, "a low-rank copula (more columns than training rows) cannot refit its dependence");
  if (sums.count.rows() != cols_)
    throw Error(ErrorKind::Input,
                fmt::format("dependence sums of {} columns for a copula of {}", sums.count.rows(), cols_));
  cholesky_ = dependence_factor(correlation_from_sums(sums), sums, pair_indicators(layout, cols_), sorted_,
                                interval_scored(sorted_, discrete_));
}

std::vector<double> GaussianCopula::correlation() const {
  const auto n = static_cast<size_t>(cols_);
  std::vector<double> out(n * n, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < n; ++j) {
      double sum = 0.0;
      if (factor_.empty()) {
        for (size_t k = 0; k <= std::min(i, j); ++k)
          sum += cholesky_[i * (i + 1) / 2 + k] * cholesky_[j * (j + 1) / 2 + k];
      } else {
        for (int64_t k = 0; k < rank_; ++k)
          sum += factor_[static_cast<size_t>(k) * n + i] * factor_[static_cast<size_t>(k) * n + j];
        sum = i == j ? 1.0 : (1.0 - kShrinkage) * sum;
      }
      out[i * n + j] = sum;
    }
  return out;
}

Matrix GaussianCopula::do_sample(int64_t first_row, int64_t count, uint64_t seed) const {
  Matrix out(count, cols_);
  const auto n = static_cast<size_t>(cols_);
  std::vector<double> z(factor_.empty() ? n : n + static_cast<size_t>(rank_)), latent(n);
  // Low rank: x = sqrt(1 - s) F'g + residual * e, where the residual makes each variance 1.
  std::vector<double> residual;
  if (!factor_.empty()) {
    residual.assign(n, 0.0);
    for (size_t c = 0; c < n; ++c) {
      double norm = 0.0;
      for (int64_t k = 0; k < rank_; ++k)
        norm += factor_[static_cast<size_t>(k) * n + c] * factor_[static_cast<size_t>(k) * n + c];
      residual[c] = std::sqrt(std::max(0.0, 1.0 - (1.0 - kShrinkage) * norm));
    }
  }
  const double loading = std::sqrt(1.0 - kShrinkage);
  for (int64_t i = 0; i < count; ++i) {
    // Row r's draws depend only on (seed, r): any split into shards gives the same rows.
    Rng rng(derive_seed(seed, kCopulaRowStream, static_cast<uint64_t>(first_row + i)));
    for (auto& v : z) v = rng.normal();
    if (factor_.empty()) {
      for (size_t c = 0; c < n; ++c) {
        const double* row = &cholesky_[c * (c + 1) / 2];
        double sum = 0.0;
        for (size_t k = 0; k <= c; ++k) sum += row[k] * z[k];
        latent[c] = sum;
      }
    } else {
      for (size_t c = 0; c < n; ++c) latent[c] = residual[c] * z[c];
      for (int64_t k = 0; k < rank_; ++k) {
        const double g = loading * z[n + static_cast<size_t>(k)];
        const double* f = &factor_[static_cast<size_t>(k) * n];
        for (size_t c = 0; c < n; ++c) latent[c] += f[c] * g;
      }
    }
    for (size_t c = 0; c < n; ++c)
      out(i, static_cast<int64_t>(c)) = static_cast<float>(value_at(c, normal_cdf(latent[c])));
  }
  return out;
}

double GaussianCopula::value_at(size_t c, double u) const {
  u = std::clamp(u, 1e-12, 1.0 - 1e-12);
  const auto& sorted = sorted_[c];
  if (marginals_[c].family == "empirical") return inverse_ecdf(sorted, discrete_[c] != 0, u);
  // Inside the training range, as the empirical marginal is.
  return std::clamp(marginal_quantile(marginals_[c], u), static_cast<double>(sorted.front()),
                    static_cast<double>(sorted.back()));
}

namespace {

ModelTraits gaussian_copula_traits() {
  ModelTraits traits;
  traits.name = "copula";
  traits.description =
      "Gaussian copula: empirical (or parametric) marginals joined by the correlation of normal scores; models missing "
      "values; fast, no network";
  // A family fitted to quantile-transformed (uniform) values would say nothing about the
  // column: the parametric marginals read standardised numbers.
  traits.input_space = [](const FitOptions& options, PipelineOptions& input) {
    if (parametric_marginals(options)) input.numeric = "standard";
  };
  traits.parameters = {{.name = "marginals",
                        .type = ParameterType::Choice,
                        .help = "each continuous column's distribution: empirical (the training values, interpolated) "
                                "or parametric (per column the best of normal, lognormal, gamma, beta, uniform by AIC)",
                        .default_value = "empirical",
                        .choices = {"empirical", "parametric"}}};
  traits.auto_candidates = {{.label = "copula", .parameters = {}, .order = 0}};
  traits.create = [] { return std::make_unique<GaussianCopula>(); };
  return traits;
}

const ModelRegistration registered{gaussian_copula_traits()};

}  // namespace

}  // namespace synthtab
