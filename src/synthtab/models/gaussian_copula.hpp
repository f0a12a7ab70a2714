#pragma once
// Gaussian copula on the model matrix: each model column's empirical distribution (smoothly
// interpolated for continuous columns, exact frequencies for categorical ones) joined by the
// correlation of their normal scores. No network, no LibTorch: fits in milliseconds and, on
// small tables, keeps marginals and pairwise dependence far better than the seed's GAN.
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

class GaussianCopula final : public Synthesizer {
 public:
  std::string name() const override { return "copula"; }
  FitReport fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) override;
  Matrix sample(int64_t first_row, int64_t count, uint64_t seed) const override;
  void save(ArchiveWriter& out, const std::string& prefix) const override;
  void load(const ArchiveReader& in, const std::string& prefix) override;

  // The fitted correlation of normal scores (row-major, cols x cols), for tests.
  const std::vector<double>& correlation() const { return correlation_; }

 private:
  int64_t cols_ = 0;
  std::vector<std::vector<float>> sorted_;   // per column: the training values, sorted
  std::vector<char> discrete_;               // per column: draw training values, don't interpolate
  std::vector<double> correlation_;          // cols x cols
  std::vector<double> cholesky_;             // lower-triangular factor of the correlation
};

}  // namespace synthtab
