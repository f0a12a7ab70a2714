#include "synthtab/eval/topology.hpp"
#include "synthtab/core/memory_limit.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <unordered_map>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/core/parallel.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/geometry.hpp"

namespace synthtab::eval {
namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr int64_t kMaxPoints = 30000;  // 3.6 GB of distances
constexpr int64_t kRowsPerTask = 32;
constexpr uint64_t kSampleStream = 0x746f706f2d73;  // "topo-s"

int64_t choose2(int64_t n) { return n * (n - 1) / 2; }
int64_t choose3(int64_t n) { return n * (n - 1) * (n - 2) / 6; }

// A simplex of one dimension: its diameter and its index in the combinatorial number system
// (edge {a > b}: C(a,2) + b; triangle {a > b > c}: C(a,3) + C(b,2) + c).
struct Entry {
  double diameter;
  int64_t index;
};

// Ripser's order: a comes first when it has the larger diameter, or the same diameter and the
// smaller index. Edges are reduced in this order; as a heap comparator it puts at the top the
// entry of smallest diameter and, among those, largest index: the pivot of a coboundary column.
struct GreaterDiameterOrSmallerIndex {
  bool operator()(const Entry& a, const Entry& b) const {
    return a.diameter > b.diameter || (a.diameter == b.diameter && a.index < b.index);
  }
};

class UnionFind {
 public:
  explicit UnionFind(int64_t n) : parent_(static_cast<size_t>(n)), rank_(static_cast<size_t>(n), 0) {
    std::iota(parent_.begin(), parent_.end(), 0);
  }
  int64_t find(int64_t x) {
    while (parent_[static_cast<size_t>(x)] != x) {
      auto& p = parent_[static_cast<size_t>(x)];
      p = parent_[static_cast<size_t>(p)];  // path halving
      x = p;
    }
    return x;
  }
  void link(int64_t x, int64_t y) {
    auto& rx = rank_[static_cast<size_t>(x)];
    auto& ry = rank_[static_cast<size_t>(y)];
    if (rx > ry) {
      parent_[static_cast<size_t>(y)] = x;
    } else {
      parent_[static_cast<size_t>(x)] = y;
      if (rx == ry) ++ry;
    }
  }

 private:
  std::vector<int64_t> parent_;
  std::vector<uint8_t> rank_;
};

class RipsComplex {
 public:
  RipsComplex(const RowMatrix& x, int threads) : n_(x.rows()), dist_(static_cast<size_t>(choose2(x.rows()))) {
    const int64_t d = x.cols();
    const double* data = x.data();
    parallel_for((n_ + kRowsPerTask - 1) / kRowsPerTask, threads, [&](int64_t t) {
      const int64_t end = std::min(n_, (t + 1) * kRowsPerTask);
      for (int64_t i = std::max<int64_t>(1, t * kRowsPerTask); i < end; ++i) {
        double* out = dist_.data() + choose2(i);
        for (int64_t j = 0; j < i; ++j) {
          double s = 0.0;
          for (int64_t k = 0; k < d; ++k) {
            const double u = data[i * d + k] - data[j * d + k];
            s += u * u;
          }
          out[j] = std::sqrt(s);
        }
      }
    });
  }

  int64_t points() const { return n_; }
  int64_t edges() const { return static_cast<int64_t>(dist_.size()); }
  double edge_diameter(int64_t index) const { return dist_[static_cast<size_t>(index)]; }
  double dist(int64_t i, int64_t j) const {
    return i > j ? dist_[static_cast<size_t>(choose2(i) + j)] : dist_[static_cast<size_t>(choose2(j) + i)];
  }

  // min over points of the largest distance from it: above this diameter the complex is a cone.
  double enclosing_radius() const {
    std::vector<double> row_max(static_cast<size_t>(n_), 0.0);
    for (int64_t i = 1; i < n_; ++i) {
      const double* row = dist_.data() + choose2(i);
      for (int64_t j = 0; j < i; ++j) {
        row_max[static_cast<size_t>(i)] = std::max(row_max[static_cast<size_t>(i)], row[j]);
        row_max[static_cast<size_t>(j)] = std::max(row_max[static_cast<size_t>(j)], row[j]);
      }
    }
    return *std::min_element(row_max.begin(), row_max.end());
  }

  // The vertices a > b of edge `index`.
  static std::pair<int64_t, int64_t> edge_vertices(int64_t index) {
    auto a = static_cast<int64_t>((1.0 + std::sqrt(1.0 + 8.0 * static_cast<double>(index))) / 2.0);
    while (choose2(a) > index) --a;
    while (choose2(a + 1) <= index) ++a;
    return {a, index - choose2(a)};
  }

  // Calls f(cofacet) for the triangles containing edge `index` with diameter <= threshold, in
  // decreasing index order; stops when f returns false.
  template <typename F>
  void for_each_cofacet(int64_t index, double threshold, F&& f) const {
    const auto [a, b] = edge_vertices(index);
    const double diameter = edge_diameter(index);
    const int64_t ca3 = choose3(a), ca2 = choose2(a), cb2 = choose2(b);
    for (int64_t v = n_ - 1; v >= 0; --v) {
      if (v == a || v == b) continue;
      const double c = std::max(diameter, std::max(dist(v, a), dist(v, b)));
      if (c > threshold) continue;
      const int64_t t = v > a ? choose3(v) + ca2 + b : v > b ? ca3 + choose2(v) + b : ca3 + cb2 + v;
      if (!f(Entry{c, t})) return;
    }
  }

 private:
  int64_t n_;
  std::vector<double> dist_;  // lower triangle, row by row: d(i, j), j < i, at C(i,2) + j
};

// Pops the pivot of a Z/2 column kept as a heap (equal entries cancel in pairs); index -1 when
// the column is zero.
Entry pop_pivot(std::vector<Entry>& heap) {
  const GreaterDiameterOrSmallerIndex order;
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), order);
    const Entry pivot = heap.back();
    heap.pop_back();
    if (heap.empty() || heap.front().index != pivot.index) return pivot;
    std::pop_heap(heap.begin(), heap.end(), order);
    heap.pop_back();
  }
  return Entry{0.0, -1};
}

void sort_bars(std::vector<Bar>& bars) {
  std::sort(bars.begin(), bars.end(),
            [](const Bar& x, const Bar& y) { return x.birth < y.birth || (x.birth == y.birth && x.death < y.death); });
}

// H1 by the cohomology algorithm: `columns` are the edges that do not kill an H0 class (the
// others are cleared), in reduction order.
std::vector<Bar> reduce_h1(const RipsComplex& rips, const std::vector<Entry>& columns, double threshold) {
  const GreaterDiameterOrSmallerIndex order;
  std::vector<Bar> bars;
  std::unordered_map<int64_t, int64_t> pivot_column;  // triangle -> column whose pivot it is
  pivot_column.reserve(columns.size());
  // The reduction matrix V, column by column, without its diagonal entry.
  std::vector<int64_t> v_offset{0};
  std::vector<int64_t> v_entries;
  std::vector<Entry> heap;
  std::vector<int64_t> working_v;
  v_offset.reserve(columns.size() + 1);

  const auto push_coboundary = [&](int64_t edge) {
    rips.for_each_cofacet(edge, threshold, [&](const Entry& c) {
      heap.push_back(c);
      std::push_heap(heap.begin(), heap.end(), order);
      return true;
    });
  };

  for (size_t k = 0; k < columns.size(); ++k) {
    const Entry column = columns[k];
    heap.clear();
    working_v.clear();
    // Emergent pair: the first cofacet of the same diameter (in decreasing index order) is the
    // column's pivot; if no earlier column owns it, the column is already reduced.
    bool check_emergent = true, emergent = false;
    rips.for_each_cofacet(column.index, threshold, [&](const Entry& c) {
      if (check_emergent && c.diameter == column.diameter) {
        if (pivot_column.find(c.index) == pivot_column.end()) {
          pivot_column.emplace(c.index, static_cast<int64_t>(k));
          emergent = true;
          return false;
        }
        check_emergent = false;
      }
      heap.push_back(c);
      return true;
    });
    if (!emergent) {
      std::make_heap(heap.begin(), heap.end(), order);
      Entry pivot = pop_pivot(heap);
      while (true) {
        if (pivot.index < 0) {
          bars.push_back({column.diameter, kInf});
          break;
        }
        const auto found = pivot_column.find(pivot.index);
        if (found == pivot_column.end()) {
          if (pivot.diameter > column.diameter) bars.push_back({column.diameter, pivot.diameter});
          pivot_column.emplace(pivot.index, static_cast<int64_t>(k));
          std::sort(working_v.begin(), working_v.end());
          for (size_t i = 0; i < working_v.size();) {  // keep entries of odd multiplicity
            size_t j = i;
            while (j < working_v.size() && working_v[j] == working_v[i]) ++j;
            if ((j - i) % 2 == 1) v_entries.push_back(working_v[i]);
            i = j;
          }
          break;
        }
        const auto other = static_cast<size_t>(found->second);
        heap.push_back(pivot);
        std::push_heap(heap.begin(), heap.end(), order);
        push_coboundary(columns[other].index);
        working_v.push_back(columns[other].index);
        for (auto e = v_offset[other]; e < v_offset[other + 1]; ++e) {
          push_coboundary(v_entries[static_cast<size_t>(e)]);
          working_v.push_back(v_entries[static_cast<size_t>(e)]);
        }
        pivot = pop_pivot(heap);
      }
    }
    v_offset.push_back(static_cast<int64_t>(v_entries.size()));
  }
  return bars;
}

std::vector<double> finite_lifetimes(std::span<const Bar> bars) {
  std::vector<double> out;
  for (const auto& b : bars)
    if (std::isfinite(b.death)) out.push_back(b.death - b.birth);
  return out;
}

// Hopcroft–Karp on the bottleneck graph at `eps`: is there a perfect matching?
// Left: the points of A, then the diagonal copies of B's points; right: the points of B, then
// the diagonal copies of A's points. Diagonal copies are all joined to each other.
class BottleneckGraph {
 public:
  BottleneckGraph(std::span<const Bar> a, std::span<const Bar> b, double eps)
      : a_(a), b_(b), eps_(eps), na_(static_cast<int64_t>(a.size())), nb_(static_cast<int64_t>(b.size())) {}

  bool perfect() {
    const int64_t n = na_ + nb_;
    match_left_.assign(static_cast<size_t>(n), -1);
    match_right_.assign(static_cast<size_t>(n), -1);
    layer_.assign(static_cast<size_t>(n), 0);
    int64_t matched = 0;
    while (bfs())
      for (int64_t u = 0; u < n; ++u)
        if (match_left_[static_cast<size_t>(u)] < 0 && dfs(u)) ++matched;
    return matched == n;
  }

 private:
  static constexpr int64_t kUnreached = std::numeric_limits<int64_t>::max();

  double cost(int64_t i, int64_t j) const {
    const Bar& x = a_[static_cast<size_t>(i)];
    const Bar& y = b_[static_cast<size_t>(j)];
    return std::max(std::abs(x.birth - y.birth), std::abs(x.death - y.death));
  }
  static double half_life(const Bar& x) { return (x.death - x.birth) / 2.0; }

  // f(right vertex) for each neighbour of left vertex u; stops when f returns true.
  template <typename F>
  bool any_neighbour(int64_t u, F&& f) const {
    if (u < na_) {
      for (int64_t j = 0; j < nb_; ++j)
        if (cost(u, j) <= eps_ && f(j)) return true;
      return half_life(a_[static_cast<size_t>(u)]) <= eps_ && f(nb_ + u);
    }
    const int64_t j = u - na_;
    if (half_life(b_[static_cast<size_t>(j)]) <= eps_ && f(j)) return true;
    for (int64_t i = 0; i < na_; ++i)
      if (f(nb_ + i)) return true;
    return false;
  }

  bool bfs() {
    std::vector<int64_t> queue;
    for (int64_t u = 0; u < na_ + nb_; ++u) {
      if (match_left_[static_cast<size_t>(u)] < 0) {
        layer_[static_cast<size_t>(u)] = 0;
        queue.push_back(u);
      } else {
        layer_[static_cast<size_t>(u)] = kUnreached;
      }
    }
    bool found = false;
    for (size_t q = 0; q < queue.size(); ++q) {
      const int64_t u = queue[q];
      any_neighbour(u, [&](int64_t v) {
        const int64_t w = match_right_[static_cast<size_t>(v)];
        if (w < 0) {
          found = true;
        } else if (layer_[static_cast<size_t>(w)] == kUnreached) {
          layer_[static_cast<size_t>(w)] = layer_[static_cast<size_t>(u)] + 1;
          queue.push_back(w);
        }
        return false;
      });
    }
    return found;
  }

  bool dfs(int64_t u) {
    const bool ok = any_neighbour(u, [&](int64_t v) {
      const int64_t w = match_right_[static_cast<size_t>(v)];
      if (w < 0 || (layer_[static_cast<size_t>(w)] == layer_[static_cast<size_t>(u)] + 1 && dfs(w))) {
        match_left_[static_cast<size_t>(u)] = v;
        match_right_[static_cast<size_t>(v)] = u;
        return true;
      }
      return false;
    });
    if (!ok) layer_[static_cast<size_t>(u)] = kUnreached;
    return ok;
  }

  std::span<const Bar> a_, b_;
  double eps_;
  int64_t na_, nb_;
  std::vector<int64_t> match_left_, match_right_, layer_;
};

RowMatrix seeded_sample(const RowMatrix& x, int64_t count, uint64_t seed, uint64_t which) {
  Rng rng(derive_seed(seed, kSampleStream, which));
  return sample_rows(x, count, rng);
}

DimensionComparison compare_dimension(int dimension, const std::vector<Bar>& real, const std::vector<Bar>& synthetic) {
  DimensionComparison c;
  c.dimension = dimension;
  const auto lr = finite_lifetimes(real), ls = finite_lifetimes(synthetic);
  c.real_bars = static_cast<int64_t>(lr.size());
  c.synthetic_bars = static_cast<int64_t>(ls.size());
  c.real_essential = static_cast<int64_t>(real.size()) - c.real_bars;
  c.synthetic_essential = static_cast<int64_t>(synthetic.size()) - c.synthetic_bars;
  c.real_entropy = persistent_entropy(real);
  c.synthetic_entropy = persistent_entropy(synthetic);
  c.real_max_lifetime = lr.empty() ? 0.0 : *std::max_element(lr.begin(), lr.end());
  c.synthetic_max_lifetime = ls.empty() ? 0.0 : *std::max_element(ls.begin(), ls.end());
  c.bottleneck = bottleneck_distance(real, synthetic);
  if (!lr.empty() && !ls.empty()) {
    c.lifetimes_mann_whitney = mann_whitney_u(lr, ls);
  } else {
    c.notes.push_back(
        fmt::format("no Mann-Whitney test on the H{} lifetimes: the {} diagram has "
                    "no finite bar",
                    dimension, lr.empty() ? "real" : "synthetic"));
  }
  if (c.real_essential != c.synthetic_essential)
    c.notes.push_back(
        fmt::format("H{}: {} essential class(es) in the real diagram, {} in the "
                    "synthetic one: the bottleneck distance is infinite",
                    dimension, c.real_essential, c.synthetic_essential));
  return c;
}

nlohmann::json number(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

nlohmann::json bars_json(const std::vector<Bar>& bars) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& b : bars) out.push_back({number(b.birth), number(b.death)});
  return out;
}

nlohmann::json dimension_json(const DimensionComparison& c) {
  nlohmann::json mw = nullptr;
  if (c.lifetimes_mann_whitney)
    mw = {{"statistic", number(c.lifetimes_mann_whitney->statistic)},
          {"pvalue", number(c.lifetimes_mann_whitney->pvalue)},
          {"method", c.lifetimes_mann_whitney->method}};
  return {{"dimension", c.dimension},
          {"real_bars", c.real_bars},
          {"synthetic_bars", c.synthetic_bars},
          {"real_essential", c.real_essential},
          {"synthetic_essential", c.synthetic_essential},
          {"real_entropy", number(c.real_entropy)},
          {"synthetic_entropy", number(c.synthetic_entropy)},
          {"real_max_lifetime", number(c.real_max_lifetime)},
          {"synthetic_max_lifetime", number(c.synthetic_max_lifetime)},
          {"bottleneck", number(c.bottleneck)},
          {"lifetimes_mann_whitney", mw},
          {"notes", c.notes}};
}

}  // namespace

PersistenceDiagrams rips_persistence(const RowMatrix& points, const RipsOptions& options, const std::string& what) {
  check_point_cloud(points, what);
  if (points.rows() > kMaxPoints)
    throw Error(ErrorKind::Resource, fmt::format("{}: {} points; persistent homology keeps all pairwise distances and "
                                                 "takes at most {} points (subsample first)",
                                                 what, points.rows(), kMaxPoints));
  if (std::isnan(options.threshold) || options.threshold < 0.0)
    throw usage_error("Rips threshold: must be a non-negative number");
  const RipsComplex rips(points, options.threads);
  PersistenceDiagrams out;
  out.points = points.rows();
  out.threshold = std::min(options.threshold, rips.enclosing_radius());

  std::vector<Entry> edges;
  for (int64_t e = 0; e < rips.edges(); ++e)
    if (rips.edge_diameter(e) <= out.threshold) edges.push_back({rips.edge_diameter(e), e});
  std::sort(edges.begin(), edges.end(), GreaterDiameterOrSmallerIndex{});

  // H0: edges in filtration order (the reverse); an edge joining two components kills one.
  UnionFind components(points.rows());
  std::vector<Entry> columns;  // the other edges, for H1
  for (auto e = edges.rbegin(); e != edges.rend(); ++e) {
    const auto [a, b] = RipsComplex::edge_vertices(e->index);
    const int64_t ra = components.find(a), rb = components.find(b);
    if (ra != rb) {
      components.link(ra, rb);
      if (e->diameter > 0.0) out.h0.push_back({0.0, e->diameter});
    } else {
      columns.push_back(*e);
    }
  }
  for (int64_t v = 0; v < points.rows(); ++v)
    if (components.find(v) == v) out.h0.push_back({0.0, kInf});
  std::reverse(columns.begin(), columns.end());
  edges.clear();
  edges.shrink_to_fit();

  out.h1 = reduce_h1(rips, columns, out.threshold);
  sort_bars(out.h0);
  sort_bars(out.h1);
  return out;
}

double persistent_entropy(std::span<const Bar> bars) {
  double total = 0.0;
  for (const auto& b : bars)
    if (std::isfinite(b.death) && b.death > b.birth) total += b.death - b.birth;
  if (!(total > 0.0)) return 0.0;
  double e = 0.0;
  for (const auto& b : bars)
    if (std::isfinite(b.death) && b.death > b.birth) {
      const double p = (b.death - b.birth) / total;
      e -= p * std::log(p);
    }
  return e;
}

double bottleneck_distance(std::span<const Bar> a, std::span<const Bar> b) {
  std::vector<Bar> fa, fb;
  std::vector<double> ea, eb;
  for (const auto& x : a) {
    if (std::isnan(x.birth) || std::isnan(x.death) || !std::isfinite(x.birth))
      throw Error(ErrorKind::Input, "bottleneck distance: a bar has a NaN or infinite birth");
    if (std::isfinite(x.death))
      fa.push_back(x);
    else
      ea.push_back(x.birth);
  }
  for (const auto& x : b) {
    if (std::isnan(x.birth) || std::isnan(x.death) || !std::isfinite(x.birth))
      throw Error(ErrorKind::Input, "bottleneck distance: a bar has a NaN or infinite birth");
    if (std::isfinite(x.death))
      fb.push_back(x);
    else
      eb.push_back(x.birth);
  }
  if (ea.size() != eb.size()) return kInf;
  std::sort(ea.begin(), ea.end());
  std::sort(eb.begin(), eb.end());
  double essential = 0.0;
  for (size_t i = 0; i < ea.size(); ++i) essential = std::max(essential, std::abs(ea[i] - eb[i]));

  std::vector<double> candidates{0.0};
  candidates.reserve(fa.size() * fb.size() + fa.size() + fb.size() + 1);
  for (const auto& x : fa) candidates.push_back((x.death - x.birth) / 2.0);
  for (const auto& y : fb) candidates.push_back((y.death - y.birth) / 2.0);
  for (const auto& x : fa)
    for (const auto& y : fb) candidates.push_back(std::max(std::abs(x.birth - y.birth), std::abs(x.death - y.death)));
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  // The largest candidate is feasible (every point to the diagonal); find the smallest.
  size_t lo = 0, hi = candidates.size() - 1;
  while (lo < hi) {
    const size_t mid = lo + (hi - lo) / 2;
    if (BottleneckGraph(fa, fb, candidates[mid]).perfect())
      hi = mid;
    else
      lo = mid + 1;
  }
  return std::max(essential, candidates[lo]);
}

TopologyComparison compare_topology(const RowMatrix& real, const RowMatrix& synthetic, const TopologyOptions& options) {
  check_point_cloud(real, "real");
  check_point_cloud(synthetic, "synthetic");
  if (real.cols() != synthetic.cols())
    throw Error(ErrorKind::Input,
                fmt::format("real rows have {} features, synthetic rows {}", real.cols(), synthetic.cols()));
  if (options.sample_size < 0 || options.max_points < 2)
    throw usage_error("topology sample size: need at least 2 points");
  TopologyComparison out;
  out.real_rows = real.rows();
  out.synthetic_rows = synthetic.rows();
  int64_t n = std::min(real.rows(), synthetic.rows());
  if (options.sample_size > 0) {
    if (options.sample_size > n)
      out.notes.push_back(
          fmt::format("sample size {} is more than the smaller table's {} rows; "
                      "using {}",
                      options.sample_size, n, n));
    n = std::min(n, options.sample_size);
  } else {
    n = std::min(n, options.max_points);
  }
  n = std::max<int64_t>(n, 2);
  check_memory(2 * topology_bytes(n), options.memory_limit, "topology", n, real.cols(), false);  // two clouds
  out.points = n;
  const auto describe = [&](const char* what, int64_t rows) {
    return rows > n ? fmt::format("{}: {} random rows of {}", what, n, rows)
                    : fmt::format("{}: all {} rows", what, rows);
  };
  out.sampling = describe("real", real.rows()) + "; " + describe("synthetic", synthetic.rows()) +
                 fmt::format(" (seed {}; both clouds the same size)", options.seed);

  RipsOptions rips;
  rips.threshold = options.threshold;
  rips.threads = options.threads;
  out.real = rips_persistence(seeded_sample(real, n, options.seed, 0), rips, "real (sampled rows)");
  out.synthetic = rips_persistence(seeded_sample(synthetic, n, options.seed, 1), rips, "synthetic (sampled rows)");
  out.h0 = compare_dimension(0, out.real.h0, out.synthetic.h0);
  out.h1 = compare_dimension(1, out.real.h1, out.synthetic.h1);
  return out;
}

nlohmann::json to_json(const PersistenceDiagrams& d) {
  return {{"points", d.points}, {"threshold", number(d.threshold)}, {"h0", bars_json(d.h0)}, {"h1", bars_json(d.h1)}};
}

nlohmann::json to_json(const TopologyComparison& c) {
  return {{"real_rows", c.real_rows},
          {"synthetic_rows", c.synthetic_rows},
          {"points", c.points},
          {"sampling", c.sampling},
          {"h0", dimension_json(c.h0)},
          {"h1", dimension_json(c.h1)},
          {"real_diagrams", to_json(c.real)},
          {"synthetic_diagrams", to_json(c.synthetic)},
          {"notes", c.notes}};
}

}  // namespace synthtab::eval
