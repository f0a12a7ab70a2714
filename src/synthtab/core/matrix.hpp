#pragma once
// The model-space matrix: dense, row-major, float (what the networks consume).
#include <cassert>
#include <cstdint>
#include <vector>

namespace synthtab {

struct Matrix {
  int64_t rows = 0;
  int64_t cols = 0;
  std::vector<float> data;

  Matrix() = default;
  Matrix(int64_t r, int64_t c, float fill = 0.0f) : rows(r), cols(c), data(static_cast<size_t>(r * c), fill) {}

  float& operator()(int64_t r, int64_t c) {
    assert(r >= 0 && r < rows && c >= 0 && c < cols);
    return data[static_cast<size_t>(r * cols + c)];
  }
  float operator()(int64_t r, int64_t c) const {
    assert(r >= 0 && r < rows && c >= 0 && c < cols);
    return data[static_cast<size_t>(r * cols + c)];
  }
  float* row(int64_t r) { return data.data() + r * cols; }
  const float* row(int64_t r) const { return data.data() + r * cols; }
};

}  // namespace synthtab
