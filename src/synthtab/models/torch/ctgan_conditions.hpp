#pragma once
// CTGAN's conditional vector and training-by-sampling (Xu et al. 2019, section 4.3): which
// discrete column and category each generated row is conditioned on, and which training rows
// answer it. Plain C++ (no LibTorch), shared by ctgan's training and sampling and by the model
// file's "frequencies".
#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/matrix.hpp"
#include "synthtab/transform/mode_specific.hpp"

namespace synthtab::ctgan {

// The discrete columns, as the conditional vector and training-by-sampling see them.
struct Conditions {
  struct Column {
    int64_t start = 0;  // first one-hot column in the data representation
    int64_t slots = 0;
    int64_t offset = 0;                      // first entry in the conditional vector
    std::vector<double> log_cumulative;      // training-by-sampling: log(count + 1), cumulative
    std::vector<double> cumulative;          // sampling: real frequencies, cumulative
    std::vector<std::vector<int64_t>> rows;  // training rows per category
  };
  std::vector<Column> columns;
  int64_t width = 0;  // conditional vector size

  // The slot whose cumulative share first exceeds u (in [0, 1)).
  static int64_t pick(const std::vector<double>& cumulative, double u);
};

// The conditions' layout (columns, slots, offsets) from the fitted transformer; no counts yet.
Conditions make_conditions(const ModeSpecificNormalizer& normalizer);

// Each category's training rows and both cumulative weights, from the training representation.
void count_conditions(Conditions& conditions, const Matrix& data);

// Each discrete column's real frequencies, as the model file stores them.
nlohmann::json frequencies_to_json(const Conditions& conditions);
// Reads them back into `conditions` (laid out by make_conditions), validated through `check`.
void frequencies_from_json(const nlohmann::json& frequencies, Conditions& conditions, const SectionCheck& check);

}  // namespace synthtab::ctgan
