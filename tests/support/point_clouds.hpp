#pragma once
// Random point clouds for the geometry and topology tests.
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

#include "support/test_paths.hpp"
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

// A JSON file of tests/data (the oracles written by the gen_*.py scripts).
inline nlohmann::json read_oracle(const std::string& name) {
  std::ifstream in(data_path(name));
  return nlohmann::json::parse(in);
}

// [[x, y, ...], ...] as a matrix.
inline eval::RowMatrix matrix_from_json(const nlohmann::json& rows) {
  eval::RowMatrix m(static_cast<int64_t>(rows.size()), static_cast<int64_t>(rows.at(0).size()));
  for (int64_t i = 0; i < m.rows(); ++i)
    for (int64_t j = 0; j < m.cols(); ++j)
      m(i, j) = rows.at(static_cast<size_t>(i)).at(static_cast<size_t>(j)).get<double>();
  return m;
}

}  // namespace synthtab::testing
