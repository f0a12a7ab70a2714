#pragma once
// Chains one fitted transformer per table column into one model matrix and back.
#include <memory>
#include <string>
#include <vector>

#include "synthtab/table/table.hpp"
#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

struct PipelineOptions {
  // The seed's quantile count: min(100, rows) for the vanilla path; the WGAN path of the seed
  // uses 70 % of the rows. 0 = min(100, rows).
  int n_quantiles = 0;
  double quantile_share = 0.0;  // > 0: n_quantiles = max(2, int(rows * share))
  // The transformers (transform/transformer_registry.hpp) of columns with two or more distinct
  // values; a column with one gets "constant". "standard" (numbers only standardised, missing
  // values passed on as NaN) suits models that learn each column's shape themselves (ctgan, tvae).
  std::string numeric = "quantile";
  std::string categorical = "categorical";
  // Columns with missing values get a missing-value indicator model column right after their
  // own; for the value column, missing cells are filled with observed values drawn at random
  // (so its distribution is unchanged), and the inverse empties the cells the indicator marks.
  // Off: a column with missing values is refused, as the transformers do.
  bool model_missing = false;
};

class Pipeline {
 public:
  void fit(const Table& table, const PipelineOptions& options = {});
  Matrix transform(const Table& table) const;
  Table inverse(const Matrix& model_rows, Rng& rng) const;

  int64_t width() const;
  std::vector<ModelColumn> layout() const;
  const Table& prototype() const { return prototype_; }  // fitted columns, no rows
  bool has_missing_indicator(size_t column) const;       // column: index in prototype()

  std::string save() const;             // JSON text
  void load(const std::string& state);  // throws Error(ModelFile) on malformed state

 private:
  Table prototype_;
  std::vector<std::unique_ptr<ColumnTransformer>> transformers_;
  std::vector<char> indicator_;  // per table column: followed by a missing-value indicator
};

}  // namespace synthtab
