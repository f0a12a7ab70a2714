#pragma once
// CTGAN's data transformer (Xu et al. 2019, section 4.2), used by the ctgan and tvae models on
// the model matrix the pipeline hands them (numeric columns standardised, categories as
// positions in [-1, 1]):
//   * a continuous column gets a variational Gaussian mixture (up to 10 modes; modes with
//     weight <= 0.005 are dropped). Each value picks a mode at random in proportion to its
//     responsibilities and becomes alpha = (x - mu_k) / (4 sigma_k) clipped to [-0.99, 0.99],
//     followed by the one-hot of k;
//   * a categorical column becomes the one-hot of its category.
// A column with missing values (NaN) in training gets one more one-hot slot meaning "missing".
// Plain C++ (no LibTorch), so it is tested on its own.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/json_checks.hpp"
#include "synthtab/core/matrix.hpp"
#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

// A run of output columns and its activation: tanh for a value, softmax for a one-hot.
struct ModeSpan {
  int64_t start = 0;
  int64_t width = 0;
  bool softmax = false;
};

struct ModeColumn {
  bool discrete = false;
  bool missing = false;       // one extra one-hot slot (the last) for missing values
  int64_t source = 0;         // column of the input matrix
  int64_t start = 0;          // first output column
  int categories = 0;         // discrete: number of categories (without the missing slot)
  std::vector<double> means;  // continuous: the kept modes
  std::vector<double> stds;
  int64_t slots() const {  // width of the one-hot
    return (discrete ? categories : static_cast<int64_t>(means.size())) + (missing ? 1 : 0);
  }
  int64_t width() const { return slots() + (discrete ? 0 : 1); }
};

struct ModeSpecificOptions {
  int max_modes = 10;
  double weight_threshold = 0.005;
  uint64_t seed = 0;  // k-means++ starts of the mixtures
};

class ModeSpecificNormalizer {
 public:
  // Fits the mixtures and returns the training rows in CTGAN's representation (each value's
  // mode drawn from its responsibilities over the kept modes, plus 1e-6, as CTGAN does).
  // Throws Error(Usage) when `layout` does not describe `data`, Error(Input) for an infinite value.
  Matrix fit(const Matrix& data, const std::vector<ModelColumn>& layout, const ModeSpecificOptions& options = {});
  // Decodes `count` generated rows (output width each; values already through tanh, one-hots as
  // scores: the largest wins) into input rows (input width each).
  void inverse(const float* generated, int64_t count, float* out) const;

  int64_t input_width() const { return input_width_; }
  int64_t output_width() const { return output_width_; }
  const std::vector<ModeColumn>& columns() const { return columns_; }
  std::vector<ModeSpan> spans() const;

  nlohmann::json to_json() const;
  // Validates everything (sizes, finite values, positive deviations) through `check`.
  void from_json(const nlohmann::json& state, const SectionCheck& check);

 private:
  void finish_layout();
  std::vector<ModeColumn> columns_;
  int64_t input_width_ = 0;
  int64_t output_width_ = 0;
};

}  // namespace synthtab
