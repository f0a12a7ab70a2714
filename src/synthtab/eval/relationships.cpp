#include "synthtab/eval/relationships.hpp"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "synthtab/eval/feature_space.hpp"

namespace synthtab::eval {
namespace {

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
  std::vector<int32_t> codes;                   // categorical: the category, or kMissingCode
  int32_t levels = 0;                           // categorical: codes are in [0, levels)
};

Prepared prepare(const Column& column) {
  Prepared p;
  p.categorical = column.is_categorical();
  const auto n = static_cast<size_t>(column.size());
  if (p.categorical) {
    p.codes = column.codes;
    p.levels = static_cast<int32_t>(column.categories.size());
    return p;
  }
  p.values = &column.values;
  double sum = 0.0, lo = std::numeric_limits<double>::infinity(), hi = -lo;
  size_t count = 0;
  for (size_t r = 0; r < n; ++r) {
    const double v = column.values[r];
    if (std::isnan(v)) {
      p.complete = false;
      continue;
    }
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
    if (std::isnan(column.values[r])) continue;
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

// Cramér's V with Bergsma's (2013) bias correction over the observed levels: with chi2 / n =
// sum O^2 / (R C) - 1, phi2 = max(0, chi2 / n - (r - 1)(c - 1) / (n - 1)), r~ = r - (r - 1)^2 /
// (n - 1) and likewise c~, V = sqrt(phi2 / min(r~ - 1, c~ - 1)). Uncorrected, V of two
// independent columns on 19 rows is about 0.3, so a tiny real table's "strongest" pairs would
// be noise, and 2,000 synthetic rows would look as if they lost them.
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
  const int64_t rows_observed = observed(w.row_totals), columns_observed = observed(w.column_totals);
  if (std::min(rows_observed, columns_observed) < 2) {  // a constant column among the complete rows
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
  const auto n1 = static_cast<double>(count) - 1.0;
  const auto kr = static_cast<double>(rows_observed), kc = static_cast<double>(columns_observed);
  const double phi2 = std::max(0.0, sum - 1.0 - (kr - 1.0) * (kc - 1.0) / n1);
  const double denominator = std::min(kr - (kr - 1.0) * (kr - 1.0) / n1, kc - (kc - 1.0) * (kc - 1.0) / n1) - 1.0;
  if (!(denominator > 0.0)) return kUndefined;
  return std::min(1.0, std::sqrt(phi2 / denominator));
}

// The correlation ratio eta of a numeric column on a categorical one (for two categories, the
// point-biserial |r|), from its adjusted eta^2 = 1 - (1 - eta^2)(n - 1)/(n - k), the between-group
// share of variance less what k groups explain by chance. The numeric column is used as it is:
// binning it first would lose its spread within a category.
double correlation_ratio_pair(const Prepared& category, const Prepared& number, Workspace& w) {
  if (number.constant) return kUndefined;
  const size_t n = category.codes.size();
  w.row_totals.assign(static_cast<size_t>(category.levels), 0.0);     // rows per category
  w.column_totals.assign(static_cast<size_t>(category.levels), 0.0);  // sum of the values per category
  double count = 0.0, sum = 0.0, squares = 0.0;
  for (size_t r = 0; r < n; ++r) {
    const int32_t code = category.codes[r];
    if (code < 0 || number.present[r] == 0.0) continue;
    const double v = number.centred[r];
    w.row_totals[static_cast<size_t>(code)] += 1.0;
    w.column_totals[static_cast<size_t>(code)] += v;
    count += 1.0;
    sum += v;
    squares += v * v;
  }
  double groups = 0.0, between = 0.0;
  for (size_t g = 0; g < w.row_totals.size(); ++g) {
    if (w.row_totals[g] == 0.0) continue;
    groups += 1.0;
    between += w.column_totals[g] * w.column_totals[g] / w.row_totals[g];
  }
  if (count < static_cast<double>(kMinCompleteRows) || groups < 2.0 || count <= groups) return kUndefined;
  const double total = squares - sum * sum / count;
  if (!(total > 1e-12 * squares)) return kUndefined;  // constant on these rows
  const double eta2 = std::clamp((between - sum * sum / count) / total, 0.0, 1.0);
  const double adjusted = 1.0 - (1.0 - eta2) * (count - 1.0) / (count - groups);
  return std::sqrt(std::max(0.0, adjusted));
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
  const auto strong = static_cast<size_t>(std::count_if(
      pairs.begin(), pairs.end(), [](const PairRelationship& p) { return std::abs(p.real) >= kStrongRelationship; }));
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
    r[c] = prepare(real.columns[c]);
    s[c] = prepare(synthetic.columns[c]);
  }
  RelationshipReport report;
  Workspace workspace;
  for (size_t i = 0; i < cols; ++i) {
    for (size_t j = i + 1; j < cols; ++j) {
      const bool numeric = !r[i].categorical && !r[j].categorical;
      const bool categorical = r[i].categorical && r[j].categorical;
      const auto value = [&](const Prepared& a, const Prepared& b) {
        if (numeric) return pearson_pair(a, b);
        if (categorical) return cramers_v_pair(a, b, workspace);
        return a.categorical ? correlation_ratio_pair(a, b, workspace) : correlation_ratio_pair(b, a, workspace);
      };
      const double real_value = value(r[i], r[j]);
      if (std::isnan(real_value)) continue;
      const double synthetic_value = value(s[i], s[j]);
      if (std::isnan(synthetic_value)) continue;
      report.pairs.push_back({real.columns[i].name, real.columns[j].name,
                              numeric       ? "Pearson"
                              : categorical ? "Cramér's V"
                                            : "correlation ratio",
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
