#include "synthtab/eval/quality.hpp"

#include <algorithm>
#include <cmath>
#include <map>
#include <numeric>
#include <set>

#include "synthtab/eval/privacy.hpp"
#include "synthtab/eval/two_sample_tests.hpp"

namespace synthtab::eval {
namespace {

std::vector<double> present(const Column& column) {
  std::vector<double> out;
  out.reserve(column.values.size());
  for (double v : column.values)
    if (!std::isnan(v)) out.push_back(v);
  return out;
}

// Frequencies of labels among non-missing cells.
std::map<std::string, double> label_frequencies(const Column& column) {
  std::map<std::string, double> out;
  double total = 0.0;
  for (int32_t code : column.codes) {
    if (code == kMissingCode) continue;
    out[column.categories[static_cast<size_t>(code)]] += 1.0;
    total += 1.0;
  }
  for (auto& [label, count] : out) count /= total;
  return out;
}

double total_variation(const std::map<std::string, double>& a, const std::map<std::string, double>& b) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) keys.insert(k);
  for (const auto& [k, v] : b) keys.insert(k);
  double sum = 0.0;
  for (const auto& k : keys) {
    const auto ia = a.find(k), ib = b.find(k);
    sum += std::abs((ia == a.end() ? 0.0 : ia->second) - (ib == b.end() ? 0.0 : ib->second));
  }
  return sum / 2.0;
}

// The cell of row r as a label for contingency tables: its category, or its bin among
// `bins` equal-width bins of [lo, hi] (out-of-range values go to the edge bins).
std::string cell_key(const Column& column, int64_t r, double lo, double hi, int bins) {
  if (column.is_categorical()) return column.categories[static_cast<size_t>(column.codes[static_cast<size_t>(r)])];
  const double v = column.values[static_cast<size_t>(r)];
  int bin = hi > lo ? static_cast<int>(std::floor((v - lo) / (hi - lo) * bins)) : 0;
  bin = std::clamp(bin, 0, bins - 1);
  return std::to_string(bin);
}

std::map<std::string, double> pair_frequencies(const Column& a, const Column& b, double lo_a, double hi_a, double lo_b,
                                               double hi_b) {
  std::map<std::string, double> out;
  double total = 0.0;
  for (int64_t r = 0; r < a.size(); ++r) {
    if (a.is_missing(r) || b.is_missing(r)) continue;
    out[cell_key(a, r, lo_a, hi_a, 10) + '\x1f' + cell_key(b, r, lo_b, hi_b, 10)] += 1.0;
    total += 1.0;
  }
  for (auto& [key, count] : out) count /= total;
  return out;
}

std::pair<double, double> real_range(const Column& column) {
  const auto values = present(column);
  if (values.empty()) return {0.0, 0.0};
  const auto [lo, hi] = std::minmax_element(values.begin(), values.end());
  return {*lo, *hi};
}

double mean_ignoring_nan(const std::vector<double>& values) {
  double sum = 0.0;
  int n = 0;
  for (double v : values)
    if (!std::isnan(v)) {
      sum += v;
      ++n;
    }
  return n > 0 ? sum / n : std::nan("");
}

}  // namespace

double ks_complement(const Column& real, const Column& synthetic) {
  const auto a = present(real), b = present(synthetic);
  if (a.empty() || b.empty()) return std::nan("");
  return 1.0 - ks_2samp(a, b).statistic;
}

double tv_complement(const Column& real, const Column& synthetic) {
  return 1.0 - total_variation(label_frequencies(real), label_frequencies(synthetic));
}

double pearson(const std::vector<double>& x, const std::vector<double>& y) {
  const double n = static_cast<double>(x.size());
  if (x.size() < 2) return std::nan("");
  const double mx = std::accumulate(x.begin(), x.end(), 0.0) / n;
  const double my = std::accumulate(y.begin(), y.end(), 0.0) / n;
  double sxy = 0.0, sxx = 0.0, syy = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) * (x[i] - mx);
    syy += (y[i] - my) * (y[i] - my);
  }
  if (sxx == 0.0 || syy == 0.0) return std::nan("");
  return sxy / std::sqrt(sxx * syy);
}

QualityReport quality(const Table& real, const Table& synthetic) {
  QualityReport report;
  std::vector<double> shape_scores, pair_scores;
  for (size_t c = 0; c < real.columns.size(); ++c) {
    const Column& r = real.columns[c];
    const Column& s = synthetic.columns[c];
    ColumnShape shape{r.name, r.is_categorical() ? "TVComplement" : "KSComplement",
                      r.is_categorical() ? tv_complement(r, s) : ks_complement(r, s)};
    shape_scores.push_back(shape.score);
    report.shapes.push_back(shape);
    if (r.is_categorical()) {
      std::set<std::string> known(r.categories.begin(), r.categories.end());
      int64_t inside = 0, total = 0;
      for (int32_t code : s.codes) {
        if (code == kMissingCode) continue;
        ++total;
        inside += known.count(s.categories[static_cast<size_t>(code)]) ? 1 : 0;
      }
      report.adherence.push_back(
          {r.name, "CategoryAdherence", total > 0 ? static_cast<double>(inside) / total : std::nan("")});
    } else {
      const auto [lo, hi] = real_range(r);
      int64_t inside = 0, total = 0;
      for (double v : s.values) {
        if (std::isnan(v)) continue;
        ++total;
        inside += (v >= lo && v <= hi) ? 1 : 0;
      }
      report.adherence.push_back(
          {r.name, "BoundaryAdherence", total > 0 ? static_cast<double>(inside) / total : std::nan("")});
    }
  }
  for (size_t i = 0; i < real.columns.size(); ++i) {
    for (size_t j = i + 1; j < real.columns.size(); ++j) {
      const Column &ra = real.columns[i], &rb = real.columns[j];
      const Column &sa = synthetic.columns[i], &sb = synthetic.columns[j];
      PairTrend pair{ra.name, rb.name, "", 0.0, std::nan(""), std::nan("")};
      if (!ra.is_categorical() && !rb.is_categorical()) {
        auto complete = [](const Column& a, const Column& b, std::vector<double>& x, std::vector<double>& y) {
          for (size_t r = 0; r < a.values.size(); ++r) {
            if (std::isnan(a.values[r]) || std::isnan(b.values[r])) continue;
            x.push_back(a.values[r]);
            y.push_back(b.values[r]);
          }
        };
        std::vector<double> rx, ry, sx, sy;
        complete(ra, rb, rx, ry);
        complete(sa, sb, sx, sy);
        pair.metric = "CorrelationSimilarity";
        pair.real_correlation = pearson(rx, ry);
        pair.synthetic_correlation = pearson(sx, sy);
        pair.score = 1.0 - std::abs(pair.real_correlation - pair.synthetic_correlation) / 2.0;
      } else {
        const auto [lo_a, hi_a] = real_range(ra);
        const auto [lo_b, hi_b] = real_range(rb);
        pair.metric = "ContingencySimilarity";
        pair.score = 1.0 - total_variation(pair_frequencies(ra, rb, lo_a, hi_a, lo_b, hi_b),
                                           pair_frequencies(sa, sb, lo_a, hi_a, lo_b, hi_b));
      }
      pair_scores.push_back(pair.score);
      report.pairs.push_back(pair);
    }
  }
  report.column_shapes = mean_ignoring_nan(shape_scores);
  report.column_pair_trends = mean_ignoring_nan(pair_scores);
  report.overall = std::isnan(report.column_pair_trends) ? report.column_shapes
                                                         : (report.column_shapes + report.column_pair_trends) / 2.0;
  const int64_t copies = count_exact_copies(real, synthetic);
  report.new_row_share =
      synthetic.rows() > 0 ? 1.0 - static_cast<double>(copies) / static_cast<double>(synthetic.rows()) : std::nan("");
  return report;
}

}  // namespace synthtab::eval
