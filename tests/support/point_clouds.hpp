#pragma once
// Random point clouds for the geometry and topology tests.
#include "synthtab/core/rng.hpp"
#include "synthtab/eval/feature_space.hpp"

namespace synthtab::testing {

// n points in d dimensions, standard normal coordinates, from `seed`.
inline eval::RowMatrix gaussian(int64_t n, int64_t d, uint64_t seed) {
  Rng rng(seed);
  eval::RowMatrix m(n, d);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < d; ++j) m(i, j) = rng.normal();
  return m;
}

}  // namespace synthtab::testing
