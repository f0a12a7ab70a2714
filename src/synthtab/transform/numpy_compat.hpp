#pragma once
// Ports of the NumPy routines that scikit-learn's QuantileTransformer relies on, doing the same
// arithmetic step by step, so that our scaling matches the seed's, ties and edge cases included.
#include <vector>

namespace synthtab {

// np.interp(x, xp, fp) for one x; xp non-decreasing, same length as fp, not empty.
double numpy_interp(double x, const std::vector<double>& xp, const std::vector<double>& fp);

// np.linspace(0, 1, count).
std::vector<double> numpy_unit_linspace(int count);

// np.percentile(sorted, fractions * 100) with linear interpolation; `sorted` ascending, not
// empty, without NaN.
std::vector<double> numpy_percentiles(const std::vector<double>& sorted, const std::vector<double>& fractions);

}  // namespace synthtab
