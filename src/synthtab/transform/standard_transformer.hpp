#pragma once
// A numeric column only standardised, (x - mean) / sd, for models that learn the shape of each
// distribution themselves (ctgan and tvae fit a Gaussian mixture per column: the seed's
// quantile transform would hand them a flattened, uniform column instead). Standardising rather
// than passing raw values keeps full precision in the float model matrix (a datetime in seconds
// or an amount of 10^9 with cents would lose its last digits as a float).
//
// Missing values pass through as NaN (the model decides what to do with them) and come back as
// missing. The inverse clips to the fitted range and rounds like the quantile transformer:
// integers and datetimes to the unit of their training values, floats to their decimals.
#include <string>

#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

class StandardTransformer final : public ColumnTransformer {
 public:
  std::string name() const override { return "standard"; }
  ColumnKinds takes() const override { return ColumnKinds::Numeric; }
  int width() const override { return 1; }

  double mean() const { return mean_; }
  double scale() const { return scale_; }

 private:
  bool passes_missing() const override { return true; }
  void do_fit(const Column& column) override;
  void do_transform(const Column& column, Matrix& out, int64_t offset) const override;
  Column do_inverse(const Matrix& in, int64_t offset, Rng& rng) const override;
  void do_save(nlohmann::json& state) const override;
  void do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) override;

  double mean_ = 0.0;
  double scale_ = 1.0;  // the population standard deviation, or 1 when it is 0
  double low_ = 0.0, high_ = 0.0;
  double resolution_ = 0.0;
  int decimals_ = -1;
};

}  // namespace synthtab
