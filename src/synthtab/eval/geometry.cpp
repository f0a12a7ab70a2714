#include "synthtab/eval/geometry.hpp"

#include <Eigen/SVD>
#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab::eval {
namespace {

constexpr int64_t kRowsPerTask = 64;                 // exact path: rows i of a task, all j > i
constexpr int64_t kPairsPerTask = 1 << 16;           // sampled path
constexpr uint64_t kPairStream = 0x67656f2d7061;     // "geo-pa"
constexpr uint64_t kUniformStream = 0x67656f2d756e;  // "geo-un"

std::string feature_name(const std::vector<std::string>& names, int64_t c) {
  if (c < static_cast<int64_t>(names.size())) return "'" + names[static_cast<size_t>(c)] + "'";
  return fmt::format("#{}", c + 1);
}

double distance(const double* a, const double* b, int64_t d) {
  double s = 0.0;
  for (int64_t k = 0; k < d; ++k) {
    const double t = a[k] - b[k];
    s += t * t;
  }
  return std::sqrt(s);
}

// Which pairs are visited: every pair i < j, or `sampled` random pairs i != j.
struct PairPlan {
  bool exact = true;
  int64_t pairs = 0;
  int64_t tasks = 0;
};

PairPlan plan_pairs(int64_t n, const GeometryOptions& o) {
  PairPlan p;
  p.exact = n <= o.exact_rows;
  if (p.exact) {
    p.pairs = n * (n - 1) / 2;
    p.tasks = (n + kRowsPerTask - 1) / kRowsPerTask;
  } else {
    p.pairs = std::max<int64_t>(1, o.sampled_pairs);
    p.tasks = (p.pairs + kPairsPerTask - 1) / kPairsPerTask;
  }
  return p;
}

// Calls visit(d) for every distance of task `t`; the pairs of a task do not depend on threads.
template <typename Visit>
void visit_task(const RowMatrix& x, const PairPlan& plan, uint64_t seed, int64_t t, Visit&& visit) {
  const int64_t n = x.rows(), d = x.cols();
  const double* data = x.data();
  if (plan.exact) {
    const int64_t end = std::min(n, (t + 1) * kRowsPerTask);
    for (int64_t i = t * kRowsPerTask; i < end; ++i)
      for (int64_t j = i + 1; j < n; ++j) visit(distance(data + i * d, data + j * d, d));
    return;
  }
  Rng rng(derive_seed(seed, kPairStream, static_cast<uint64_t>(t)));
  const int64_t count = std::min(kPairsPerTask, plan.pairs - t * kPairsPerTask);
  for (int64_t k = 0; k < count; ++k) {
    const auto i = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n)));
    auto j = static_cast<int64_t>(rng.below(static_cast<uint64_t>(n - 1)));
    if (j >= i) ++j;
    visit(distance(data + i * d, data + j * d, d));
  }
}

struct Moments {
  int64_t count = 0;
  double mean = 0.0, m2 = 0.0;
  double min = std::numeric_limits<double>::infinity();
  double max = 0.0;
  int64_t zeros = 0;

  void add(double v) {
    ++count;
    const double delta = v - mean;
    mean += delta / static_cast<double>(count);
    m2 += delta * (v - mean);
    min = std::min(min, v);
    max = std::max(max, v);
    zeros += v == 0.0;
  }
  // Chan et al.'s pairwise combination.
  void merge(const Moments& o) {
    if (o.count == 0) return;
    if (count == 0) {
      *this = o;
      return;
    }
    const double na = static_cast<double>(count), nb = static_cast<double>(o.count);
    const double delta = o.mean - mean;
    count += o.count;
    mean += delta * nb / static_cast<double>(count);
    m2 += o.m2 + delta * delta * na * nb / static_cast<double>(count);
    min = std::min(min, o.min);
    max = std::max(max, o.max);
    zeros += o.zeros;
  }
};

Moments distance_moments(const RowMatrix& x, const PairPlan& plan, const GeometryOptions& o) {
  std::vector<Moments> per_task(static_cast<size_t>(plan.tasks));
  parallel_for(plan.tasks, o.threads, [&](int64_t t) {
    Moments m;
    visit_task(x, plan, o.seed, t, [&m](double v) { m.add(v); });
    per_task[static_cast<size_t>(t)] = m;
  });
  Moments all;
  for (const auto& m : per_task) all.merge(m);
  return all;
}

DistanceHistogram distance_histogram(const RowMatrix& x, const PairPlan& plan, const GeometryOptions& o,
                                     const std::vector<double>& edges) {
  const auto bins = static_cast<int64_t>(edges.size()) - 1;
  std::vector<std::vector<int64_t>> per_task(static_cast<size_t>(plan.tasks));
  std::vector<int64_t> outside(static_cast<size_t>(plan.tasks), 0);
  parallel_for(plan.tasks, o.threads, [&](int64_t t) {
    std::vector<int64_t> counts(static_cast<size_t>(bins), 0);
    int64_t out = 0;
    visit_task(x, plan, o.seed, t, [&](double v) {
      if (v < edges.front() || v > edges.back()) {
        ++out;
        return;
      }
      auto k = std::upper_bound(edges.begin(), edges.end(), v) - edges.begin() - 1;
      counts[static_cast<size_t>(std::min<int64_t>(k, bins - 1))]++;
    });
    per_task[static_cast<size_t>(t)] = std::move(counts);
    outside[static_cast<size_t>(t)] = out;
  });
  DistanceHistogram h;
  h.edges = edges;
  h.counts.assign(static_cast<size_t>(bins), 0);
  for (int64_t t = 0; t < plan.tasks; ++t) {
    for (int64_t k = 0; k < bins; ++k)
      h.counts[static_cast<size_t>(k)] += per_task[static_cast<size_t>(t)][static_cast<size_t>(k)];
    h.outside += outside[static_cast<size_t>(t)];
  }
  int64_t inside = 0;
  for (auto c : h.counts) inside += c;
  h.density.assign(static_cast<size_t>(bins), 0.0);
  if (inside > 0)
    for (int64_t k = 0; k < bins; ++k) {
      const auto kk = static_cast<size_t>(k);
      h.density[kk] = static_cast<double>(h.counts[kk]) / static_cast<double>(inside) / (edges[kk + 1] - edges[kk]);
    }
  return h;
}

std::vector<double> uniform_edges(double hi, int bins) {
  if (!(hi > 0.0)) hi = 1.0;
  std::vector<double> edges(static_cast<size_t>(bins) + 1);
  for (int k = 0; k <= bins; ++k) edges[static_cast<size_t>(k)] = hi * k / bins;
  edges.back() = hi;
  return edges;
}

void check_edges(const std::vector<double>& edges) {
  if (edges.size() < 2) throw usage_error("histogram edges: need at least 2 edges");
  for (size_t k = 0; k < edges.size(); ++k) {
    if (!std::isfinite(edges[k])) throw usage_error("histogram edges: an edge is not finite");
    if (k > 0 && !(edges[k] > edges[k - 1]))
      throw usage_error(
          fmt::format("histogram edges: edge {} ({}) is not above edge {} ({})", k, edges[k], k - 1, edges[k - 1]));
  }
}

// Everything but the histogram.
GeometryResult measure(const RowMatrix& x, const std::string& what, const GeometryOptions& o, const PairPlan& plan) {
  const auto constant = check_point_cloud(x, what, o.feature_names);
  GeometryResult r;
  r.rows = x.rows();
  r.features = x.cols();
  r.exact = plan.exact;
  r.pairs = plan.pairs;
  r.pairs_method =
      plan.exact ? fmt::format("exact, all {} pairs", plan.pairs) : fmt::format("sampled: {} random pairs", plan.pairs);
  if (!constant.empty()) {
    std::string names;
    for (auto c : constant) names += (names.empty() ? "" : ", ") + feature_name(o.feature_names, c);
    r.notes.push_back(
        fmt::format("{} constant column(s) (zero variance) add nothing to the "
                    "distances: {}",
                    constant.size(), names));
  }

  const Moments m = distance_moments(x, plan, o);
  r.distance_mean = m.mean;
  r.distance_variance = m.m2 / static_cast<double>(m.count);
  r.dmin = m.min;
  r.dmax = m.max;
  r.contrast = m.max - m.min;
  r.zero_distance_pairs = m.zeros;
  if (m.min > 0.0) {
    r.relative_contrast = r.contrast / m.min;
  } else {
    r.relative_contrast = std::numeric_limits<double>::infinity();
    r.notes.push_back(
        fmt::format("Dmin = 0: {} pair(s) of identical rows{}; the relative contrast (Dmax - Dmin) / Dmin "
                    "is infinite (null)",
                    m.zeros, plan.exact ? "" : " in the sample"));
  }

  // Row norms (sequential: cheap, and the order of the sums is fixed).
  double sum = 0.0;
  std::vector<double> norms(static_cast<size_t>(x.rows()));
  for (int64_t i = 0; i < x.rows(); ++i) {
    norms[static_cast<size_t>(i)] = x.row(i).norm();
    sum += norms[static_cast<size_t>(i)];
  }
  r.norm_mean = sum / static_cast<double>(x.rows());
  double ss = 0.0;
  for (double v : norms) ss += (v - r.norm_mean) * (v - r.norm_mean);
  r.norm_sd = std::sqrt(ss / static_cast<double>(x.rows()));
  if (r.norm_mean > 0.0) {
    r.norm_relative_variance = r.norm_sd / r.norm_mean;
  } else {
    r.norm_relative_variance = std::numeric_limits<double>::quiet_NaN();
    r.notes.emplace_back("every row norm is 0: the relative variance of the norm is undefined");
  }

  const Eigen::MatrixXd centred = x.rowwise() - x.colwise().mean();
  // JacobiSVD: what BDCSVD runs below 16 columns anyway, as accurate above, and a third of the
  // compile time (BDCSVD's divide and conquer alone took 24 s to compile).
  Eigen::JacobiSVD<Eigen::MatrixXd> svd(centred);
  const Eigen::VectorXd s = svd.singularValues();
  const double s1 = s.size() > 0 ? s(0) : 0.0;
  r.singular_values.resize(static_cast<size_t>(s.size()));
  for (int64_t k = 0; k < s.size(); ++k) r.singular_values[static_cast<size_t>(k)] = s1 > 0.0 ? s(k) / s1 : 0.0;
  const double total = s.sum();
  r.vcr = total > 0.0 ? s1 / total : std::numeric_limits<double>::quiet_NaN();
  return r;
}

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

}  // namespace

std::vector<int64_t> check_point_cloud(const RowMatrix& x, const std::string& what,
                                       const std::vector<std::string>& feature_names) {
  if (x.rows() < 2)
    throw Error(ErrorKind::Input,
                fmt::format("{}: needs at least 2 rows to measure distances between rows, has {}", what, x.rows()));
  if (x.cols() < 1) throw Error(ErrorKind::Input, what + ": has no feature columns");
  for (int64_t i = 0; i < x.rows(); ++i)
    for (int64_t c = 0; c < x.cols(); ++c)
      if (!std::isfinite(x(i, c)))
        throw Error(ErrorKind::Input,
                    fmt::format("{}: row {}, feature {} is {}; distances need finite values", what, i + 1,
                                feature_name(feature_names, c), std::isnan(x(i, c)) ? "NaN" : "infinite"));
  std::vector<int64_t> constant;
  for (int64_t c = 0; c < x.cols(); ++c) {
    const auto col = x.col(c);
    if (col.maxCoeff() == col.minCoeff()) constant.push_back(c);
  }
  if (static_cast<int64_t>(constant.size()) == x.cols()) {
    std::string names;
    for (size_t k = 0; k < constant.size() && k < 10; ++k)
      names += (k ? ", " : "") + feature_name(feature_names, constant[k]);
    if (constant.size() > 10) names += fmt::format(", ... ({} in all)", constant.size());
    throw Error(ErrorKind::Input, fmt::format("{}: every column is constant (zero variance: {}), so all {} rows are "
                                              "the same point and there is no geometry to measure",
                                              what, names, x.rows()));
  }
  return constant;
}

std::vector<GeometryResult> geometry_shared_bins(const std::vector<const RowMatrix*>& clouds,
                                                 const std::vector<std::string>& names,
                                                 const GeometryOptions& options) {
  if (options.histogram_edges.empty() && options.histogram_bins < 1)
    throw usage_error("histogram bins: need at least 1");
  if (!options.histogram_edges.empty()) check_edges(options.histogram_edges);
  std::vector<GeometryResult> results;
  std::vector<PairPlan> plans;
  double hi = 0.0;
  for (size_t k = 0; k < clouds.size(); ++k) {
    const std::string what = k < names.size() ? names[k] : fmt::format("cloud {}", k + 1);
    plans.push_back(plan_pairs(clouds[k]->rows(), options));
    results.push_back(measure(*clouds[k], what, options, plans.back()));
    hi = std::max(hi, results.back().dmax);
  }
  const auto edges =
      options.histogram_edges.empty() ? uniform_edges(hi, options.histogram_bins) : options.histogram_edges;
  for (size_t k = 0; k < clouds.size(); ++k)
    results[k].histogram = distance_histogram(*clouds[k], plans[k], options, edges);
  return results;
}

GeometryResult geometry(const RowMatrix& x, const GeometryOptions& options, const std::string& what) {
  return geometry_shared_bins({&x}, {what}, options).front();
}

Table uniform_random_table(const Table& real, int64_t rows, uint64_t seed) {
  if (rows < 0) throw usage_error(fmt::format("uniform random table: {} rows", rows));
  Rng rng(derive_seed(seed, kUniformStream));
  Table out;
  for (const auto& column : real.columns) {
    Column c = column.empty_like();
    if (column.is_categorical()) {
      if (column.categories.empty())
        throw Error(ErrorKind::Input,
                    "column '" + column.name + "' has no categories to draw uniform random values from");
      const auto k = static_cast<uint64_t>(column.categories.size());
      c.codes.resize(static_cast<size_t>(rows));
      for (auto& code : c.codes) code = static_cast<int32_t>(rng.below(k));
    } else {
      double lo = std::numeric_limits<double>::infinity(), hi = -lo;
      for (double v : column.values)
        if (!std::isnan(v)) {
          lo = std::min(lo, v);
          hi = std::max(hi, v);
        }
      if (lo > hi)
        throw Error(ErrorKind::Input, "column '" + column.name +
                                          "' has no present value: no range for uniform random "
                                          "values");
      if (!std::isfinite(lo) || !std::isfinite(hi))
        throw Error(ErrorKind::Input, "column '" + column.name + "' has an infinite value: no finite range");
      c.values.resize(static_cast<size_t>(rows));
      if (column.type == ColumnType::Integer) {
        const double a = std::ceil(lo), b = std::floor(hi);
        const auto span = static_cast<uint64_t>(b - a) + 1;
        for (auto& v : c.values) v = a + static_cast<double>(rng.below(span));
      } else {
        for (auto& v : c.values) v = lo + (hi - lo) * rng.uniform();
      }
    }
    out.columns.push_back(std::move(c));
  }
  return out;
}

nlohmann::json to_json(const GeometryResult& r) {
  nlohmann::json sv = nlohmann::json::array();
  for (double v : r.singular_values) sv.push_back(number(v));
  nlohmann::json density = nlohmann::json::array();
  for (double v : r.histogram.density) density.push_back(number(v));
  return {
      {"rows", r.rows},
      {"features", r.features},
      {"pairs", r.pairs},
      {"pairs_method", r.pairs_method},
      {"distance_mean", number(r.distance_mean)},
      {"distance_variance", number(r.distance_variance)},
      {"dmin", number(r.dmin)},
      {"dmax", number(r.dmax)},
      {"contrast", number(r.contrast)},
      {"relative_contrast", number(r.relative_contrast)},
      {"zero_distance_pairs", r.zero_distance_pairs},
      {"norm_mean", number(r.norm_mean)},
      {"norm_sd", number(r.norm_sd)},
      {"norm_relative_variance", number(r.norm_relative_variance)},
      {"histogram",
       {{"edges", r.histogram.edges},
        {"counts", r.histogram.counts},
        {"density", density},
        {"outside", r.histogram.outside}}},
      {"singular_values_normalised", sv},
      {"vcr", number(r.vcr)},
      {"notes", r.notes},
  };
}

}  // namespace synthtab::eval
