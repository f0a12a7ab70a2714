#pragma once
// Geometry of a point cloud (rows x features, Euclidean), the seed's "is the synthetic cloud
// shaped like the real one?" check, done so that real, synthetic and uniform-random clouds can be
// put side by side:
//   - pairwise distances: mean, variance (over pairs, ddof = 0), Dmin / Dmax over distinct pairs
//     i < j, contrast Dmax - Dmin (Hinneburg et al. 2000), relative contrast (Dmax - Dmin) / Dmin
//     (Beyer et al. 1999; infinite when two rows coincide, see `notes`), a histogram;
//   - relative variance of the row norms sd / mean (François et al. 2007; ddof = 0);
//   - singular values of the column-centred matrix divided by the largest, and the variance
//     concentration ratio VCR = s1 / sum s_i (Han et al.).
// Pairs are streamed in row blocks, never stored: all n (n - 1) / 2 pairs when rows <=
// `exact_rows`, else `sampled_pairs` random pairs i != j (seeded); `pairs_method` says which.
// Results are identical for any thread count.
#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "synthtab/eval/feature_space.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct GeometryOptions {
  int64_t exact_rows = 5000;               // rows <= this: every pair (5000 rows = 12.5 M pairs)
  int64_t sampled_pairs = 2'000'000;       // otherwise this many random pairs
  int histogram_bins = 50;                 // used when histogram_edges is empty
  std::vector<double> histogram_edges;     // increasing; empty = [0, Dmax] in histogram_bins bins
  std::vector<std::string> feature_names;  // optional, for messages and notes
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores
};

struct DistanceHistogram {
  std::vector<double> edges;    // bins+1 increasing edges; bin k = [edges[k], edges[k+1]),
                                // the last bin closed on the right (NumPy's convention)
  std::vector<int64_t> counts;  // pairs per bin
  std::vector<double> density;  // counts / (sum of counts * bin width), like NumPy's
                                // histogram(density=True): integrates to 1 over the range
  int64_t outside = 0;          // pairs outside [edges.front(), edges.back()], not counted
};

struct GeometryResult {
  int64_t rows = 0, features = 0;
  int64_t pairs = 0;         // pairs the distance statistics are over
  bool exact = true;         // every pair (true) or a random sample of pairs
  std::string pairs_method;  // "exact, all N pairs" or "sampled: M random pairs"
  double distance_mean = 0.0;
  double distance_variance = 0.0;   // over pairs, ddof = 0
  double dmin = 0.0, dmax = 0.0;    // over distinct pairs i < j (of the sample when sampled)
  double contrast = 0.0;            // Dmax - Dmin
  double relative_contrast = 0.0;   // (Dmax - Dmin) / Dmin; +inf when Dmin = 0 (null in JSON)
  int64_t zero_distance_pairs = 0;  // pairs of identical rows seen
  double norm_mean = 0.0, norm_sd = 0.0;
  double norm_relative_variance = 0.0;  // norm_sd / norm_mean (François); ddof = 0
  DistanceHistogram histogram;
  std::vector<double> singular_values;  // of the column-centred matrix, divided by the largest
  double vcr = 0.0;                     // s1 / sum s_i (raw singular values)
  std::vector<std::string> notes;
};

// Throws Error(Input) for fewer than 2 rows, no columns, a NaN or infinite value (naming row
// and feature), or when every column is constant (naming them). `what` names the matrix in
// messages ("real", "synthetic"). Returns the indexes of the constant columns.
std::vector<int64_t> check_point_cloud(const RowMatrix& x, const std::string& what,
                                       const std::vector<std::string>& feature_names = {});

GeometryResult geometry(const RowMatrix& x, const GeometryOptions& options = {}, const std::string& what = "data");

// Several clouds with one set of histogram bins: when options.histogram_edges is empty the
// edges are [0, max Dmax over all clouds] in options.histogram_bins bins (two passes over the
// pairs). `names` label the clouds in messages ("real", "synthetic", "uniform random").
std::vector<GeometryResult> geometry_shared_bins(const std::vector<const RowMatrix*>& clouds,
                                                 const std::vector<std::string>& names,
                                                 const GeometryOptions& options = {});

// The seed's uniform-random comparison table: `rows` rows with the columns of `real`; numeric
// columns uniform in the REAL column's [min, max] (Integer columns: uniform integers in it,
// Float/Datetime continuous), categorical columns uniform over the real column's categories.
// No missing values. Throws Error(Input) when a column has no present value (or no category).
Table uniform_random_table(const Table& real, int64_t rows, uint64_t seed);

// NaN / inf become null.
nlohmann::json to_json(const GeometryResult& result);

}  // namespace synthtab::eval
