#pragma once
// The library's one dense matrix: row-major, the cells in one vector. In float it is the model
// space (what the networks consume: Matrix); in double, features and probabilities for the
// forests and the checks (FeatureMatrix). Eigen is used only inside the linear algebra.
#include <cassert>
#include <cstdint>
#include <vector>

namespace synthtab {

template <typename T>
struct DenseMatrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<T> data;

  DenseMatrix() = default;
  DenseMatrix(int64_t r, int64_t c, T fill = T(0)) : rows(r), cols(c), data(static_cast<size_t>(r * c), fill) {}

  T& operator()(int64_t r, int64_t c) {
    assert(r >= 0 && r < rows && c >= 0 && c < cols);
    return data[static_cast<size_t>(r * cols + c)];
  }
  T operator()(int64_t r, int64_t c) const {
    assert(r >= 0 && r < rows && c >= 0 && c < cols);
    return data[static_cast<size_t>(r * cols + c)];
  }
  T* row(int64_t r) { return data.data() + r * cols; }
  const T* row(int64_t r) const { return data.data() + r * cols; }
};

using Matrix = DenseMatrix<float>;
using FeatureMatrix = DenseMatrix<double>;

}  // namespace synthtab
