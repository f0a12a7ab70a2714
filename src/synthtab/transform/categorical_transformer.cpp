#include "synthtab/transform/categorical_transformer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/transformer_registry.hpp"

namespace synthtab {

void CategoricalTransformer::do_fit(const Column& column) {
  std::vector<bool> present(column.categories.size(), false);
  for (int32_t code : column.codes) {
    if (code == kMissingCode) continue;
    if (code < 0 || static_cast<size_t>(code) >= present.size())
      throw std::invalid_argument("column '" + column.name + "' has a code without a category");
    present[static_cast<size_t>(code)] = true;
  }
  std::vector<int32_t> used;
  for (size_t i = 0; i < present.size(); ++i)
    if (present[i]) used.push_back(static_cast<int32_t>(i));
  set_used(std::move(used), column.categories.size());
}

void CategoricalTransformer::set_used(std::vector<int32_t> used, size_t categories) {
  used_ = std::move(used);
  rank_of_.assign(categories, -1);
  for (size_t k = 0; k < used_.size(); ++k) rank_of_[static_cast<size_t>(used_[k])] = static_cast<int32_t>(k);
}

double CategoricalTransformer::position(int k) const {
  const int last = fitted_categories() - 1;
  // One category: the middle of the range (the pipeline gives such a column the constant
  // transformer instead).
  if (last == 0) return 0.0;
  // MinMaxScaler on codes 0..K-1: code * scale_ + min_, with scale_ = 2 / (K - 1), min_ = -1.
  return static_cast<double>(k) * (2.0 / static_cast<double>(last)) + -1.0;
}

void CategoricalTransformer::do_transform(const Column& column, Matrix& out, int64_t offset) const {
  const Column& fitted = fitted_column();
  // A column read from another file may list its categories in another order: match by label.
  std::vector<int32_t> rank_of = rank_of_;
  if (column.categories != fitted.categories) {
    std::unordered_map<std::string, int32_t> fitted_index;
    for (size_t i = 0; i < fitted.categories.size(); ++i)
      fitted_index.emplace(fitted.categories[i], static_cast<int32_t>(i));
    rank_of.assign(column.categories.size(), -1);
    for (size_t i = 0; i < column.categories.size(); ++i) {
      const auto it = fitted_index.find(column.categories[i]);
      if (it != fitted_index.end()) rank_of[i] = rank_of_[static_cast<size_t>(it->second)];
    }
  }
  for (int64_t row = 0; row < out.rows; ++row) {
    const auto code = static_cast<size_t>(column.codes[static_cast<size_t>(row)]);
    const int32_t rank = code < rank_of.size() ? rank_of[code] : -1;
    if (rank < 0) {
      const std::string label = code < column.categories.size() ? column.categories[code] : "?";
      throw Error(ErrorKind::Input, "column '" + column.name + "' has the category '" + label + "' (row " +
                                        std::to_string(row + 1) + "), which was not seen when fitting");
    }
    out(row, offset) = static_cast<float>(position(rank));
  }
}

Column CategoricalTransformer::do_inverse(const Matrix& in, int64_t offset, Rng& /*rng*/) const {
  Column column = fitted_column().empty_like();
  column.codes.resize(static_cast<size_t>(in.rows));
  const auto last = static_cast<double>(fitted_categories() - 1);
  for (int64_t row = 0; row < in.rows; ++row) {
    const double model_value = in(row, offset);
    if (std::isnan(model_value)) {  // a model that produced NaN: report it as missing
      column.codes[static_cast<size_t>(row)] = kMissingCode;
      continue;
    }
    // Inverse min-max, then the nearest code (clamped first, so the conversion is defined). With
    // one category the span is 0, and an infinite value times 0 is NaN: that is the one code.
    const double scaled = (model_value + 1.0) / 2.0 * last;
    const double code = std::isnan(scaled) ? 0.0 : std::clamp(scaled, 0.0, last);
    column.codes[static_cast<size_t>(row)] = used_[static_cast<size_t>(std::nearbyint(code))];
  }
  return column;
}

ModelColumn CategoricalTransformer::do_describe(int /*index*/) const {
  return {ModelColumnKind::Categorical, fitted_categories(), fitted_column().name};
}

void CategoricalTransformer::do_save(nlohmann::json& state) const { state["codes"] = used_; }

void CategoricalTransformer::do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) {
  const auto codes = state.find("codes");
  if (codes == state.end() || !codes->is_array() || codes->empty()) throw state_error(what, "has no category codes");
  std::vector<int32_t> used;
  for (const auto& code : *codes) {
    if (!code.is_number_integer()) throw state_error(what, "has a code that is not an integer");
    const auto value = code.get<int64_t>();
    if (value < 0 || value >= static_cast<int64_t>(prototype.categories.size()))
      throw state_error(what, "has a code without a category");
    if (!used.empty() && value <= used.back()) throw state_error(what, "has codes out of order");
    used.push_back(static_cast<int32_t>(value));
  }
  set_used(std::move(used), prototype.categories.size());
}

namespace {

const TransformerRegistration registered{plain_transformer<CategoricalTransformer>(
    "nbsynthetic's: a category's rank among the fitted categories, scaled to [-1, 1]")};

}  // namespace

}  // namespace synthtab
