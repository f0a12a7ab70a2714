#pragma once
// The rows a response-curve fit uses: read from the table, checked and rescaled for the solver
// (response_curve.cpp fits them). Internal to marketing/.
#include <Eigen/Dense>
#include <cstdint>
#include <string>
#include <vector>

#include "synthtab/marketing/response_curve.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::marketing {

// The rows used, in model order, rescaled.
struct CurveData {
  int64_t n = 0;
  Eigen::MatrixXd x;  // n x channels, spend / x_scale
  Eigen::VectorXd y;  // (response - y_shift) / y_scale
  std::vector<double> x_scale, x_mean;
  double y_shift = 0.0, y_scale = 1.0;
  int64_t dropped = 0;  // rows left out for a missing spend, response or time
};

// The rows with every spend, the response (and the time) present, in time order when a time
// column is given. Error(Input) for a negative spend in any row, fewer than `min_rows` such
// rows, or a response or spend that takes one value only; a spend with two values only adds a
// note to `notes`.
CurveData curve_data(const Table& table, const CurveOptions& options, int64_t min_rows,
                     std::vector<std::string>& notes);

// A number in an error message or a note: 6 significant digits.
std::string format_number(double v);

}  // namespace synthtab::marketing
