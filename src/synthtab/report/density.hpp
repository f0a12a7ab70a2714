#pragma once
// Small numerical helpers behind the report's charts: Gaussian kernel density estimates on a
// shared grid (scipy.stats.gaussian_kde with Scott's rule), histograms with NumPy's binning,
// and deterministic thinning of long series.
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace synthtab::report {

// `points` evenly spaced values from lo to hi inclusive (numpy.linspace). points >= 2.
std::vector<double> linspace(double lo, double hi, int points);

// scipy.stats.gaussian_kde(values)(grid) in one dimension: bandwidth = sample sd (ddof = 1) *
// n^(-1/5) (Scott's rule). NaN values are left out first. Empty when fewer than 2 values remain
// or they are all equal (the kernel would be degenerate; SciPy raises there).
std::vector<double> gaussian_kde(std::span<const double> values, std::span<const double> grid);
// The same with a given bandwidth (> 0): the report draws the real and the synthetic curve with
// the real table's bandwidth, so they differ by their data, not by how much each is smoothed
// (2,000 synthetic rows would otherwise get a far narrower kernel than 19 real ones). Empty
// when no value is present.
std::vector<double> gaussian_kde(std::span<const double> values, std::span<const double> grid, double bandwidth);
// The bandwidth gaussian_kde uses, or nullopt in the cases where it returns empty.
std::optional<double> scott_bandwidth(std::span<const double> values);

struct Histogram {
  std::vector<double> edges;    // bins + 1 increasing edges
  std::vector<int64_t> counts;  // bin k = [edges[k], edges[k+1]), the last bin closed (NumPy)
  std::vector<double> density;  // counts / (total counted * width): integrates to 1
};

// numpy.histogram(values, bins=edges, density=...) for increasing edges: values outside
// [edges.front(), edges.back()] and NaN are not counted. density is all 0 when nothing counted.
Histogram histogram(std::span<const double> values, std::vector<double> edges);
// Edges [lo, hi] in `bins` equal bins as numpy.histogram(values, bins, range=(lo, hi)) makes
// them; when lo == hi the range becomes [lo - 0.5, hi + 0.5], as NumPy does.
std::vector<double> equal_edges(double lo, double hi, int bins);

// At most `limit` indexes of 0..n-1, ascending: all of them when n <= limit, else a seeded
// random subset (same seed, same subset).
std::vector<int64_t> thin_indexes(int64_t n, int64_t limit, uint64_t seed);

}  // namespace synthtab::report
