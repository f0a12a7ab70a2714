#include "synthtab/report/density.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <numeric>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab::report {
namespace {

std::vector<double> present(std::span<const double> values) {
  std::vector<double> out;
  out.reserve(values.size());
  for (double v : values)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

}  // namespace

std::vector<double> linspace(double lo, double hi, int points) {
  if (points < 2) throw Error(ErrorKind::Usage, "linspace needs at least 2 points");
  std::vector<double> out(static_cast<size_t>(points));
  const double step = (hi - lo) / (points - 1);
  for (int i = 0; i < points; ++i) out[static_cast<size_t>(i)] = lo + i * step;
  out.back() = hi;  // NumPy sets the end point exactly
  return out;
}

std::optional<double> scott_bandwidth(std::span<const double> values) {
  const std::vector<double> x = present(values);
  if (x.size() < 2) return std::nullopt;
  const double n = static_cast<double>(x.size());
  const double mean = std::accumulate(x.begin(), x.end(), 0.0) / n;
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / (n - 1.0));
  if (!(sd > 0.0) || !std::isfinite(sd)) return std::nullopt;
  return sd * std::pow(n, -0.2);
}

std::vector<double> gaussian_kde(std::span<const double> values, std::span<const double> grid) {
  const auto bandwidth = scott_bandwidth(values);
  if (!bandwidth) return {};
  return gaussian_kde(values, grid, *bandwidth);
}

std::vector<double> gaussian_kde(std::span<const double> values, std::span<const double> grid, double bandwidth) {
  const std::vector<double> x = present(values);
  if (x.empty() || !(bandwidth > 0.0)) return {};
  const double h = bandwidth;
  const double norm = 1.0 / (static_cast<double>(x.size()) * h * std::sqrt(2.0 * std::numbers::pi));
  std::vector<double> out(grid.size(), 0.0);
  for (size_t g = 0; g < grid.size(); ++g) {
    double sum = 0.0;
    for (double v : x) {
      const double z = (grid[g] - v) / h;
      sum += std::exp(-0.5 * z * z);
    }
    out[g] = sum * norm;
  }
  return out;
}

std::vector<double> equal_edges(double lo, double hi, int bins) {
  if (bins < 1) throw Error(ErrorKind::Usage, "a histogram needs at least one bin");
  if (lo == hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  return linspace(lo, hi, bins + 1);
}

Histogram histogram(std::span<const double> values, std::vector<double> edges) {
  if (edges.size() < 2) throw Error(ErrorKind::Usage, "a histogram needs at least two edges");
  Histogram out;
  out.edges = std::move(edges);
  const size_t bins = out.edges.size() - 1;
  out.counts.assign(bins, 0);
  int64_t total = 0;
  for (double v : values) {
    if (std::isnan(v) || v < out.edges.front() || v > out.edges.back()) continue;
    // Bin k holds edges[k] <= v < edges[k+1]; the right end goes to the last bin.
    auto it = std::upper_bound(out.edges.begin(), out.edges.end(), v);
    size_t k = static_cast<size_t>(it - out.edges.begin());
    k = k == 0 ? 0 : k - 1;
    if (k >= bins) k = bins - 1;
    ++out.counts[k];
    ++total;
  }
  out.density.assign(bins, 0.0);
  if (total > 0)
    for (size_t k = 0; k < bins; ++k)
      out.density[k] =
          static_cast<double>(out.counts[k]) / (static_cast<double>(total) * (out.edges[k + 1] - out.edges[k]));
  return out;
}

std::vector<int64_t> thin_indexes(int64_t n, int64_t limit, uint64_t seed) {
  Rng rng(seed);
  return sorted_sample_indices(n, limit, rng);
}

}  // namespace synthtab::report
