#include "synthtab/eval/relationships.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "synthtab/eval/feature_space.hpp"

namespace synthtab::eval {
namespace {

constexpr int kQuantileBins = 5;
constexpr size_t kMinCompleteRows = 3;
// Contingency tables larger than this are counted by sorting cell keys instead of in a dense
// array (two columns of 2,000 labels each would need 4M cells per pair).
constexpr int64_t kMaxDenseCells = int64_t{1} << 18;

// One column of one table, ready for every pair it enters.
struct Prepared {
  bool categorical = false;
  const std::vector<double>* values = nullptr;  // numeric: the column's values (NaN = missing)
  bool complete = true;                         // numeric: no missing value
  bool constant = false;                        // numeric: every present value equal
  std::vector<double> centred;                  // numeric: values - mean of the present ones, 0 if missing
  std::vector<double> present;                  // numeric: 1 present, 0 missing
  double norm = 0.0;                            // complete: the centred values' Euclidean norm
  std::vector<int32_t> codes;  // category, or quantile bin for numeric columns; -1 = missing
  int32_t levels = 0;          // codes are in [0, levels)
};

double quantile_sorted(const std::vector<double>& sorted, double q) {
  // Linear interpolation between order statistics (NumPy's default).
  const double position = q * static_cast<double>(sorted.size() - 1);
  const auto lo = static_cast<size_t>(std::floor(position));
  const auto hi = std::min(lo + 1, sorted.size() - 1);
  return sorted[lo] + (position - static_cast<double>(lo)) * (sorted[hi] - sorted[lo]);
}

// Inner bin edges of the real column: its 20/40/60/80 % quantiles, repeats merged.
std::vector<double> quantile_edges(const Column& real) {
  std::vector<double> sorted;
  for (double v : real.values)
    if (!std::isnan(v)) sorted.push_back(v);
  if (sorted.empty()) return {};
  std::sort(sorted.begin(), sorted.end());
  std::vector<double> edges;
  for (int k = 1; k < kQuantileBins; ++k) edges.push_back(quantile_sorted(sorted, static_cast<double>(k) / kQuantileBins));
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  return edges;
}

Prepared prepare(const Column& column, const std::vector<double>& edges) {
  Prepared p;
  p.categorical = column.is_categorical();
  const auto n = static_cast<size_t>(column.size());
  if (p.categorical) {
    p.codes = column.codes;
    p.levels = static_cast<int32_t>(column.categories.size());
    return p;
  }
  p.values = &column.values;
  // Bin i holds edges[i-1] <= v < edges[i] (NumPy's digitize), so values outside the real
  // range fall into the outer bins.
  p.codes.resize(n);
  p.levels = static_cast<int32_t>(edges.size()) + 1;
  double sum = 0.0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
  size_t count = 0;
  for (size_t r = 0; r < n; ++r) {
    const double v = column.values[r];
    if (std::isnan(v)) {
      p.codes[r] = kMissingCode;
      p.complete = false;
      continue;
    }
    p.codes[r] = static_cast<int32_t>(std::upper_bound(edges.begin(), edges.end(), v) - edges.begin());
    sum += v;
    lo = std::min(lo, v);
    hi = std::max(hi, v);
    ++count;
  }
  // Centred once here, so a pair costs one branch-free pass (a dot product when both are
  // complete); centring first also keeps the one-pass sums of a pair with missing rows exact
  // enough (their means are then near 0).
  p.constant = !(lo < hi);
  const double mean = count > 0 ? sum / static_cast<double>(count) : 0.0;
  p.centred.assign(n, 0.0);
  p.present.assign(n, 0.0);
  double ss = 0.0;
  for (size_t r = 0; r < n; ++r) {
    if (p.codes[r] == kMissingCode) continue;
    p.centred[r] = column.values[r] - mean;
    ss += p.centred[r] * p.centred[r];
    p.present[r] = 1.0;
  }
  p.norm = std::sqrt(ss);
  return p;
}

constexpr double kUndefined = std::numeric_limits<double>::quiet_NaN();

double pearson_pair(const Prepared& a, const Prepared& b) {
  const size_t n = a.centred.size();
  if (a.constant || b.constant) return kUndefined;
  const double* x = a.centred.data();
  const double* y = b.centred.data();
  if (a.complete && b.complete) {
    if (n < kMinCompleteRows) return kUndefined;
    double dot = 0.0;
    for (size_t r = 0; r < n; ++r) dot += x[r] * y[r];
    return std::clamp(dot / (a.norm * b.norm), -1.0, 1.0);
  }
  // Rows complete in both columns only. Missing cells are 0 in `centred`, so x[r] * y[r] and
  // x[r] * mask_b[r] already leave out every incomplete row: one pass, no branch.
  const double* ma = a.present.data();
  const double* mb = b.present.data();
  double count = 0.0, sx = 0.0, sy = 0.0, sxx = 0.0, syy = 0.0, sxy = 0.0;
  for (size_t r = 0; r < n; ++r) {
    const double wa = ma[r], wb = mb[r];
    count += wa * wb;
    sx += wb * x[r];
    sy += wa * y[r];
    sxx += wb * x[r] * x[r];
    syy += wa * y[r] * y[r];
    sxy += x[r] * y[r];
  }
  if (count < static_cast<double>(kMinCompleteRows)) return kUndefined;
  const double cxx = sxx - sx * sx / count, cyy = syy - sy * sy / count, cxy = sxy - sx * sy / count;
  // A column that varies but is constant on these rows leaves only rounding in cxx: relative
  // to the rows' squared size it is then ~1e-16, where any real spread is far larger.
  constexpr double kConstant = 1e-12;
  if (!(cxx > kConstant * sxx) || !(cyy > kConstant * syy)) return kUndefined;
  return std::clamp(cxy / std::sqrt(cxx * cyy), -1.0, 1.0);
}

// Reused between pairs: the dense contingency table is cleared cell by cell after use.
struct Workspace {
  std::vector<double> cells, row_totals, column_totals;
  std::vector<int64_t> keys;
};

// Cramér's V without bias correction: sqrt(chi2 / (n (min(r, c) - 1))) over the observed
// levels, with chi2 / n = sum O^2 / (R C) - 1.
double cramers_v_pair(const Prepared& a, const Prepared& b, Workspace& w) {
  const size_t n = a.codes.size();
  const int64_t ka = a.levels, kb = b.levels;
  w.row_totals.assign(static_cast<size_t>(ka), 0.0);
  w.column_totals.assign(static_cast<size_t>(kb), 0.0);
  const bool dense = ka * kb <= kMaxDenseCells;
  if (dense && w.cells.size() < static_cast<size_t>(ka * kb)) w.cells.resize(static_cast<size_t>(ka * kb), 0.0);
  size_t count = 0;
  for (size_t r = 0; r < n; ++r) {
    const int32_t i = a.codes[r], j = b.codes[r];
    if (i < 0 || j < 0) continue;
    w.row_totals[static_cast<size_t>(i)] += 1.0;
    w.column_totals[static_cast<size_t>(j)] += 1.0;
    if (dense) w.cells[static_cast<size_t>(i * kb + j)] += 1.0;
    ++count;
  }
  // Clears the dense table for the next pair: by cells when it is smaller than the rows.
  const auto clear_cells = [&] {
    if (!dense) return;
    if (ka * kb <= static_cast<int64_t>(n)) {
      std::fill(w.cells.begin(), w.cells.begin() + ka * kb, 0.0);
    } else {
      for (size_t r = 0; r < n; ++r)
        if (a.codes[r] >= 0 && b.codes[r] >= 0) w.cells[static_cast<size_t>(a.codes[r] * kb + b.codes[r])] = 0.0;
    }
  };
  if (count < kMinCompleteRows) {
    clear_cells();
    return kUndefined;
  }
  const auto observed = [](const std::vector<double>& totals) {
    return static_cast<int64_t>(std::count_if(totals.begin(), totals.end(), [](double t) { return t > 0; }));
  };
  const int64_t levels = std::min(observed(w.row_totals), observed(w.column_totals));
  if (levels < 2) {  // a constant column among the complete rows
    clear_cells();
    return kUndefined;
  }
  double sum = 0.0;
  const auto add_cell = [&](int64_t i, int64_t j, double o) {
    sum += o * o / (w.row_totals[static_cast<size_t>(i)] * w.column_totals[static_cast<size_t>(j)]);
  };
  if (dense && ka * kb <= static_cast<int64_t>(n)) {
    for (int64_t i = 0; i < ka; ++i)
      for (int64_t j = 0; j < kb; ++j) {
        double& cell = w.cells[static_cast<size_t>(i * kb + j)];
        if (cell > 0) add_cell(i, j, cell);
        cell = 0.0;
      }
  } else if (dense) {
    for (size_t r = 0; r < n; ++r) {
      const int32_t i = a.codes[r], j = b.codes[r];
      if (i < 0 || j < 0) continue;
      double& cell = w.cells[static_cast<size_t>(i * kb + j)];
      if (cell > 0) add_cell(i, j, cell);
      cell = 0.0;  // counted once, and the table is clean for the next pair
    }
  } else {
    w.keys.clear();
    for (size_t r = 0; r < n; ++r) {
      const int32_t i = a.codes[r], j = b.codes[r];
      if (i >= 0 && j >= 0) w.keys.push_back(int64_t{i} * kb + j);
    }
    std::sort(w.keys.begin(), w.keys.end());
    for (size_t s = 0; s < w.keys.size();) {
      size_t e = s;
      while (e < w.keys.size() && w.keys[e] == w.keys[s]) ++e;
      add_cell(w.keys[s] / kb, w.keys[s] % kb, static_cast<double>(e - s));
      s = e;
    }
  }
  const double phi2 = std::max(0.0, sum - 1.0);  // rounding can leave -1e-16 for independence
  return std::min(1.0, std::sqrt(phi2 / static_cast<double>(levels - 1)));
}

bool same_layout(const Table& real, const Table& synthetic) {
  if (real.cols() != synthetic.cols()) return false;
  for (size_t c = 0; c < real.columns.size(); ++c)
    if (real.columns[c].name != synthetic.columns[c].name ||
        real.columns[c].is_categorical() != synthetic.columns[c].is_categorical())
      return false;
  return true;
}

}  // namespace

size_t strongest_count(const std::vector<PairRelationship>& pairs) {
  const auto strong = static_cast<size_t>(std::count_if(pairs.begin(), pairs.end(), [](const PairRelationship& p) {
    return std::abs(p.real) >= kStrongRelationship;
  }));
  return std::max(strong, std::min(kMinStrongest, pairs.size()));
}

void summarise_relationships(RelationshipReport& report) {
  report.max_change = 0.0;
  report.strongest_max_change = 0.0;
  report.worst.reset();
  for (const auto& p : report.pairs) report.max_change = std::max(report.max_change, p.change);
  const size_t strongest = strongest_count(report.pairs);
  for (size_t k = 0; k < strongest; ++k)
    if (!report.worst || report.pairs[k].change > report.worst->change) report.worst = report.pairs[k];
  if (report.worst) report.strongest_max_change = report.worst->change;
}

RelationshipReport relationships(const Table& real, const Table& synthetic_in) {
  Table aligned;
  if (!same_layout(real, synthetic_in)) aligned = align_columns(real, synthetic_in);
  const Table& synthetic = same_layout(real, synthetic_in) ? synthetic_in : aligned;
  // Wider tables: the first 100 columns only (100 x 100 columns of pairs, 4,950 pairs), which
  // bounds the cost when auto's model choice calls this many times.
  const size_t cols = std::min(real.columns.size(), kMaxRelationshipColumns);
  std::vector<Prepared> r(cols), s(cols);
  for (size_t c = 0; c < cols; ++c) {
    const Column& column = real.columns[c];
    const std::vector<double> edges = column.is_categorical() ? std::vector<double>{} : quantile_edges(column);
    r[c] = prepare(column, edges);
    s[c] = prepare(synthetic.columns[c], edges);
  }
  RelationshipReport report;
  Workspace workspace;
  for (size_t i = 0; i < cols; ++i) {
    for (size_t j = i + 1; j < cols; ++j) {
      const bool numeric = !r[i].categorical && !r[j].categorical;
      const auto value = [&](const Prepared& a, const Prepared& b) {
        return numeric ? pearson_pair(a, b) : cramers_v_pair(a, b, workspace);
      };
      const double real_value = value(r[i], r[j]);
      if (std::isnan(real_value)) continue;
      const double synthetic_value = value(s[i], s[j]);
      if (std::isnan(synthetic_value)) continue;
      report.pairs.push_back({real.columns[i].name, real.columns[j].name, numeric ? "Pearson" : "Cramér's V",
                              real_value, synthetic_value, std::abs(real_value - synthetic_value)});
    }
  }
  std::stable_sort(report.pairs.begin(), report.pairs.end(), [](const PairRelationship& a, const PairRelationship& b) {
    return std::abs(a.real) > std::abs(b.real);
  });
  summarise_relationships(report);
  return report;
}

}  // namespace synthtab::eval
