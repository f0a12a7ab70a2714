#pragma once
// nbsynthetic's scaling of a numeric column: scikit-learn's QuantileTransformer with a uniform
// output, then MinMaxScaler to [-1, 1] fitted on the transformed training values. One model
// column per table column.
//
// Differences from sklearn, on purpose: the quantile count is capped at the number of
// non-missing values (sklearn counts rows), and every value is used (sklearn subsamples 10,000
// rows at random beyond that size). The inverse clips to the fitted range and rounds integer and
// datetime columns to the unit of their training values.
#include <string>
#include <vector>

#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

class QuantileTransformer final : public ColumnTransformer {
 public:
  // n_quantiles: 0 = min(100, rows); quantile_share > 0 overrides it with
  // max(2, int(rows * share)) (the seed's WGAN path uses 0.7). Either is capped at the number of
  // non-missing values. Throws Error(Usage) for n_quantiles < 0 or 1, or a share outside (0, 1].
  explicit QuantileTransformer(int n_quantiles = 0, double quantile_share = 0.0);

  std::string name() const override { return "quantile"; }
  ColumnKinds takes() const override { return ColumnKinds::Numeric; }
  int width() const override { return 1; }

  const std::vector<double>& quantiles() const { return quantiles_; }
  double minmax_scale() const { return scale_; }
  double minmax_offset() const { return offset_; }
  // Inverse values are rounded to multiples of this (1 for integers, the common unit of
  // datetimes: day, hour, minute or second); 0 = not rounded.
  double resolution() const { return resolution_; }
  int decimals() const { return decimals_; }  // -1 = full precision

 private:
  void do_fit(const Column& column) override;
  void do_transform(const Column& column, Matrix& out, int64_t offset) const override;
  Column do_inverse(const Matrix& in, int64_t offset, Rng& rng) const override;
  void do_save(nlohmann::json& state) const override;
  void do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) override;
  // The quantile step alone: a value's position in [0, 1].
  double to_uniform(double value) const;
  void set_quantiles(std::vector<double> quantiles);

  int n_quantiles_;
  double quantile_share_;
  std::vector<double> quantiles_;   // non-decreasing
  std::vector<double> references_;  // linspace(0, 1, quantiles_.size())
  // The same two, negated and reversed: sklearn interpolates both ways to average over ties.
  std::vector<double> negated_quantiles_;
  std::vector<double> negated_references_;
  double scale_ = 1.0;
  double offset_ = 0.0;
  double resolution_ = 0.0;
  int decimals_ = -1;
};

}  // namespace synthtab
