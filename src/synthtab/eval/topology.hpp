#pragma once
// Vietoris–Rips persistent homology in dimensions 0 and 1 of a point cloud (rows x features,
// Euclidean), computed the way Ripser (U. Bauer, 2021) does it: a compressed lower-triangular
// distance matrix, edges sorted once, H0 by union-find, H1 by reducing the coboundary matrix
// over Z/2 in reverse filtration order with implicit coboundaries, clearing of the H0 death
// edges and the emergent-pair shortcut; the complex is cut at min(threshold, enclosing radius),
// above which every Rips complex is a cone (so the diagrams are those of the full complex).
// Bars of zero length are not reported (as Ripser and GUDHI do).
//
// Then the summaries used to compare a real and a synthetic cloud: persistent entropy,
// bottleneck distance, and a Mann–Whitney U test on the bar lengths.
#include <cstdint>
#include <limits>
#include <nlohmann/json.hpp>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "synthtab/eval/feature_space.hpp"
#include "synthtab/eval/two_sample_tests.hpp"

namespace synthtab::eval {

struct Bar {
  double birth = 0.0;
  double death = 0.0;  // +inf for an essential class
};

struct RipsOptions {
  // Rips complexes up to this diameter; +inf = the full complex. Classes still alive at the
  // threshold get death = +inf.
  double threshold = std::numeric_limits<double>::infinity();
  int threads = 0;  // distance matrix only; the reduction is sequential
};

struct PersistenceDiagrams {
  std::vector<Bar> h0, h1;  // sorted by (birth, death)
  double threshold = 0.0;   // the diameter the complex was cut at
  int64_t points = 0;
};

// Throws Error(Input) as check_point_cloud (geometry.hpp) does: fewer than 2 points, NaN or
// infinite coordinates, all columns constant. O(n^2) memory (8 bytes per pair).
PersistenceDiagrams rips_persistence(const RowMatrix& points, const RipsOptions& options = {},
                                     const std::string& what = "points");

// E = -sum p_i log p_i with p_i = l_i / sum l over the finite bars of positive length l_i
// (natural log). 0 when there is no such bar.
double persistent_entropy(std::span<const Bar> bars);

// Bottleneck distance (L-infinity ground metric; a point (b, d) may be matched to the diagonal
// at cost (d - b) / 2). Exact: binary search over the sorted candidate values with a
// Hopcroft–Karp perfect-matching test. Essential bars (death = +inf) are matched among
// themselves by sorted birth; different numbers of them give +inf.
double bottleneck_distance(std::span<const Bar> a, std::span<const Bar> b);

struct TopologyOptions {
  // Points per cloud: 0 = min(real rows, synthetic rows, max_points). Both clouds are
  // subsampled (seeded) to the same size, so that like is compared with like.
  int64_t sample_size = 0;
  int64_t max_points = 1000;
  double threshold = std::numeric_limits<double>::infinity();
  uint64_t seed = 42;
  int threads = 0;
  // The memory limit (bytes; 0: none): a point count whose persistence would need more is refused
  // before any distance is computed (Error(Resource)).
  uint64_t memory_limit = 0;
};

struct DimensionComparison {
  int dimension = 0;
  int64_t real_bars = 0, synthetic_bars = 0;            // finite bars
  int64_t real_essential = 0, synthetic_essential = 0;  // death = +inf
  double real_entropy = 0.0, synthetic_entropy = 0.0;
  double real_max_lifetime = 0.0, synthetic_max_lifetime = 0.0;
  double bottleneck = 0.0;
  std::optional<TestResult> lifetimes_mann_whitney;  // finite lifetimes, real vs synthetic
  std::vector<std::string> notes;
};

struct TopologyComparison {
  int64_t real_rows = 0, synthetic_rows = 0;  // before subsampling
  int64_t points = 0;                         // per cloud, after subsampling
  std::string sampling;                       // how the points were chosen
  PersistenceDiagrams real, synthetic;
  DimensionComparison h0, h1;
  std::vector<std::string> notes;
};

TopologyComparison compare_topology(const RowMatrix& real, const RowMatrix& synthetic,
                                    const TopologyOptions& options = {});

// Diagrams as [[birth, death], ...] with null for +inf.
nlohmann::json to_json(const PersistenceDiagrams& diagrams);
nlohmann::json to_json(const TopologyComparison& comparison);

}  // namespace synthtab::eval
