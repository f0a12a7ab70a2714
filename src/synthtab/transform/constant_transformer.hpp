#pragma once
// A column with one distinct value: nothing for the model to learn (no model columns); the
// inverse repeats the value (or the single category) on every row.
#include <string>

#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

class ConstantTransformer final : public ColumnTransformer {
 public:
  std::string name() const override { return "constant"; }
  ColumnKinds takes() const override { return ColumnKinds::Any; }
  int width() const override { return 0; }

 private:
  // Throws Error(Input) when the column has more than one distinct value.
  void do_fit(const Column& column) override;
  // Nothing to write; the contract (no missing cells, the fitted kind) is checked all the same.
  void do_transform(const Column&, Matrix&, int64_t) const override {}
  Column do_inverse(const Matrix& in, int64_t offset, Rng& rng) const override;
  void do_save(nlohmann::json& state) const override;
  void do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) override;

  double value_ = 0.0;  // numeric columns
  int32_t code_ = 0;    // categorical columns
};

}  // namespace synthtab
