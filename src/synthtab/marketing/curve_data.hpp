#pragma once
// The rows a response-curve fit uses: read from the table, checked and rescaled for the solver
// (response_curve.cpp fits them). Internal to marketing/.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "synthtab/marketing/response_curve.hpp"
#include "synthtab/marketing/time_terms.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::marketing {

// The rows with every spend, the response, the controls (and the time) present, in time order
// when a time column is given; raw values.
struct CurveRows {
  int64_t n = 0;
  Eigen::MatrixXd spend;         // n x channels
  std::vector<double> response;  // n
  Eigen::MatrixXd controls;      // n x controls
  std::vector<double> dates;     // n seconds since 1970 when the time column holds dates, else empty
  int64_t dropped = 0;           // rows left out for a missing value
};

// Error(Input) for a negative spend in any row or fewer than `min_rows` complete rows.
CurveRows curve_rows(const Table& table, const CurveOptions& options, int64_t min_rows);

// What one model fits: its rows rescaled, and its baseline columns.
struct CurveData {
  int64_t n = 0;
  Eigen::MatrixXd x;         // n x channels, spend / x_scale
  Eigen::VectorXd y;         // (target - y_shift) / y_scale; the target is the response, or its change
  Eigen::MatrixXd baseline;  // n x terms (time_terms.hpp: centred, largest absolute value 1)
  std::vector<std::string> baseline_names;
  std::vector<double> baseline_scale;
  std::vector<double> x_scale, x_mean;
  double y_shift = 0.0, y_scale = 1.0;
  int64_t dropped = 0;  // rows left out for a missing value
};

// The data of a model of `rows` from row `first` on (1 for a stock, whose target is the change
// from the row before; 0 for a flow). Error(Input) for a target or spend that takes one value
// only; a spend with two values only adds a note to `notes`.
CurveData curve_data(const CurveRows& rows, int64_t first, bool change, const BaselineTerms& terms,
                     const CurveOptions& options, std::vector<std::string>& notes);

// The first `rows` rows of `data` (the scales stay those of all rows).
CurveData first_rows(const CurveData& data, int64_t rows);

// A number in an error message or a note: 6 significant digits.
std::string format_number(double v);

}  // namespace synthtab::marketing
