#pragma once
// The quality score with SDMetrics' definitions, so users can compare numbers across tools.
//   Column shapes:   KSComplement = 1 - KS statistic (numeric, datetime);
//                    TVComplement = 1 - total variation distance of frequencies (categorical).
//   Column pair trends: CorrelationSimilarity = 1 - |pearson_real - pearson_synth| / 2
//                    (numeric pairs); ContingencySimilarity = 1 - TVD of the two-way frequency
//                    tables (pairs with a categorical; numeric columns binned into 10 equal-width
//                    bins of the real range).
//   Overall = mean(column shapes score, column pair trends score).
//   Diagnostics: BoundaryAdherence (numeric values inside the real [min, max]),
//                CategoryAdherence (categorical values that exist in the real column),
//                new-row share (synthetic rows that are not a copy of a real row).
// Missing values are left out of shapes and pairs, as SDMetrics does.
#include <string>
#include <vector>

#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct ColumnShape {
  std::string column;
  std::string metric;  // "KSComplement" or "TVComplement"
  double score = 0.0;
};

struct PairTrend {
  std::string column_a;
  std::string column_b;
  std::string metric;  // "CorrelationSimilarity" or "ContingencySimilarity"
  double score = 0.0;
  double real_correlation = 0.0;  // CorrelationSimilarity only
  double synthetic_correlation = 0.0;
};

struct Adherence {
  std::string column;
  std::string metric;  // "BoundaryAdherence" or "CategoryAdherence"
  double score = 0.0;
};

struct QualityReport {
  double overall = 0.0;
  double column_shapes = 0.0;
  double column_pair_trends = 0.0;  // NaN when the table has a single column
  std::vector<ColumnShape> shapes;
  std::vector<PairTrend> pairs;
  std::vector<Adherence> adherence;
  double new_row_share = 0.0;
};

// `real` and `synthetic` must have the same columns (see align_columns).
QualityReport quality(const Table& real, const Table& synthetic);

// Building blocks, exposed for tests.
double ks_complement(const Column& real, const Column& synthetic);
double tv_complement(const Column& real, const Column& synthetic);
double pearson(const std::vector<double>& x, const std::vector<double>& y);

}  // namespace synthtab::eval
