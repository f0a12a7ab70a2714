#pragma once
// The seed's categorical scaling: label codes min-max scaled to [-1, 1]; the inverse bins a
// model value back to the nearest code. One model column per table column.
//
// Like sklearn's LabelEncoder, only the categories present when fitting get a code (K of them);
// unlike it, codes follow the column's category order (first appearance in the input), not the
// labels' sort order: the model sees K evenly spaced points either way, and nothing in the
// seed's model depends on which label sits at which point.
#include <string>
#include <vector>

#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

class CategoricalTransformer final : public ColumnTransformer {
 public:
  std::string name() const override { return "categorical"; }
  ColumnKinds takes() const override { return ColumnKinds::Categorical; }
  int width() const override { return 1; }

  double position(int k) const;
  int fitted_categories() const { return static_cast<int>(used_.size()); }

 private:
  void do_fit(const Column& column) override;
  void do_transform(const Column& column, Matrix& out, int64_t offset) const override;
  Column do_inverse(const Matrix& in, int64_t offset, Rng& rng) const override;
  ModelColumn do_describe(int index) const override;
  void do_save(nlohmann::json& state) const override;
  void do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) override;
  void set_used(std::vector<int32_t> used, size_t categories);

  std::vector<int32_t> used_;     // category indices present when fitting, ascending
  std::vector<int32_t> rank_of_;  // category index -> its position in used_, or -1
};

}  // namespace synthtab
