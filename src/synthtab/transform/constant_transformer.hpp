#pragma once
// A column with one distinct value: nothing for the model to learn (no model columns); the
// inverse repeats the value (or the single category) on every row.
#include <string>

#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

class ConstantTransformer final : public ColumnTransformer {
 public:
  std::string name() const override { return "constant"; }
  // Throws Error(Input) when the column has no value or more than one distinct value.
  void fit(const Column& column) override;
  void transform(const Column& column, Matrix& out, int64_t offset) const override;
  Column inverse(const Matrix& in, int64_t offset, Rng& rng) const override;
  int width() const override { return 0; }
  ModelColumn describe(int index) const override;
  std::string save() const override;
  void load(const std::string& state) override;

 private:
  void require_fitted() const;

  Column prototype_;
  bool fitted_ = false;
  double value_ = 0.0;  // numeric columns
  int32_t code_ = 0;    // categorical columns
};

}  // namespace synthtab
