#include "synthtab/models/copula_dependence_sums.hpp"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"

namespace synthtab {

DependenceSums::DependenceSums(int64_t cols) {
  for (Eigen::MatrixXd* m : matrices()) *m = Eigen::MatrixXd::Zero(cols, cols);
}

std::array<Eigen::MatrixXd*, 10> DependenceSums::matrices() {
  return {&count,        &sum,         &square,           &product,           &gaps_with,
          &present_with, &binary_rows, &binary_low_first, &binary_low_second, &binary_low_both};
}

std::array<const Eigen::MatrixXd*, 10> DependenceSums::matrices() const {
  const auto mutable_ones = const_cast<DependenceSums*>(this)->matrices();  // the same list, read only
  std::array<const Eigen::MatrixXd*, 10> out;
  std::copy(mutable_ones.begin(), mutable_ones.end(), out.begin());
  return out;
}

DependenceSums& DependenceSums::operator+=(const DependenceSums& other) {
  rows += other.rows;
  auto mine = matrices();
  const auto theirs = other.matrices();
  for (size_t m = 0; m < mine.size(); ++m) {
    if (mine[m]->rows() != theirs[m]->rows())
      throw Error(ErrorKind::Input, fmt::format("dependence sums of {} and of {} columns cannot be added",
                                                mine[m]->rows(), theirs[m]->rows()));
    *mine[m] += *theirs[m];
  }
  return *this;
}

std::vector<double> DependenceSums::to_vector() const {
  std::vector<double> out{rows};
  for (const Eigen::MatrixXd* m : matrices()) out.insert(out.end(), m->data(), m->data() + m->size());
  return out;
}

DependenceSums DependenceSums::from_vector(std::span<const double> values, int64_t cols) {
  DependenceSums out(cols);
  const auto cells = static_cast<size_t>(cols * cols);
  if (values.size() != 1 + out.matrices().size() * cells)
    throw Error(ErrorKind::Input, fmt::format("expected dependence sums of {} columns ({} numbers), got {} numbers",
                                              cols, 1 + out.matrices().size() * cells, values.size()));
  out.rows = values[0];
  size_t at = 1;
  for (Eigen::MatrixXd* m : out.matrices()) {
    std::copy(values.begin() + static_cast<std::ptrdiff_t>(at),
              values.begin() + static_cast<std::ptrdiff_t>(at + cells), m->data());
    at += cells;
  }
  return out;
}

Eigen::MatrixXd correlation_from_sums(const DependenceSums& sums) {
  const int64_t cols = sums.count.rows();
  Eigen::MatrixXd correlation(cols, cols);
  for (int64_t i = 0; i < cols; ++i)
    for (int64_t j = 0; j < cols; ++j) {
      const double n = sums.count(i, j);
      const double vi = n * sums.square(i, j) - sums.sum(i, j) * sums.sum(i, j),
                   vj = n * sums.square(j, i) - sums.sum(j, i) * sums.sum(j, i);
      correlation(i, j) = n >= 3 && vi > 0 && vj > 0
                              ? (n * sums.product(i, j) - sums.sum(i, j) * sums.sum(j, i)) / std::sqrt(vi * vj)
                              : 0.0;
    }
  return correlation;
}

void add_score_sums(const Eigen::MatrixXd& scores, DependenceSums& sums) {
  const int64_t rows = scores.rows(), cols = scores.cols();
  Eigen::MatrixXd x = scores, mask = Eigen::MatrixXd::Ones(rows, cols);
  for (int64_t r = 0; r < rows; ++r)
    for (int64_t c = 0; c < cols; ++c)
      if (std::isnan(x(r, c))) x(r, c) = 0.0, mask(r, c) = 0.0;
  sums.count += mask.transpose() * mask;
  sums.sum += x.transpose() * mask;
  sums.square += x.cwiseProduct(x).transpose() * mask;
  sums.product += x.transpose() * x;
}

}  // namespace synthtab
