#include "synthtab/transform/categorical_transformer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <unordered_map>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"

namespace synthtab {

void CategoricalTransformer::fit(const Column& column) {
  if (!column.is_categorical())
    throw Error(ErrorKind::Input, "column '" + column.name + "' is " + to_string(column.type) +
                                      "; the categorical transformer needs categories");
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
  if (used.empty()) throw Error(ErrorKind::Input, "column '" + column.name + "' has no values to learn from");
  prototype_ = column.empty_like();
  set_used(std::move(used));
}

void CategoricalTransformer::set_used(std::vector<int32_t> used) {
  used_ = std::move(used);
  rank_of_.assign(prototype_.categories.size(), -1);
  for (size_t k = 0; k < used_.size(); ++k) rank_of_[static_cast<size_t>(used_[k])] = static_cast<int32_t>(k);
}

void CategoricalTransformer::require_fitted() const {
  if (used_.empty()) throw std::logic_error("the categorical transformer is used before fit()");
}

double CategoricalTransformer::position(int k) const {
  const int last = fitted_categories() - 1;
  // One category: the middle of the range (the pipeline gives such a column the constant
  // transformer instead).
  if (last == 0) return 0.0;
  // MinMaxScaler on codes 0..K-1: code * scale_ + min_, with scale_ = 2 / (K - 1), min_ = -1.
  return static_cast<double>(k) * (2.0 / static_cast<double>(last)) + -1.0;
}

void CategoricalTransformer::transform(const Column& column, Matrix& out, int64_t offset) const {
  require_fitted();
  require_same_kind(column, prototype_);
  require_room(column, out, offset, width());
  require_no_missing(column);
  // A column read from another file may list its categories in another order: match by label.
  std::vector<int32_t> rank_of = rank_of_;
  if (column.categories != prototype_.categories) {
    std::unordered_map<std::string, int32_t> fitted_index;
    for (size_t i = 0; i < prototype_.categories.size(); ++i)
      fitted_index.emplace(prototype_.categories[i], static_cast<int32_t>(i));
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

Column CategoricalTransformer::inverse(const Matrix& in, int64_t offset, Rng& /*rng*/) const {
  require_fitted();
  require_columns(in, offset, width());
  Column column = prototype_.empty_like();
  column.codes.resize(static_cast<size_t>(in.rows));
  const auto last = static_cast<double>(fitted_categories() - 1);
  for (int64_t row = 0; row < in.rows; ++row) {
    const double model_value = in(row, offset);
    if (std::isnan(model_value)) {  // a model that produced NaN: report it as missing
      column.codes[static_cast<size_t>(row)] = kMissingCode;
      continue;
    }
    // Inverse min-max, then the nearest code (clamped first, so the conversion is defined).
    const double code = std::clamp((model_value + 1.0) / 2.0 * last, 0.0, last);
    column.codes[static_cast<size_t>(row)] = used_[static_cast<size_t>(std::nearbyint(code))];
  }
  return column;
}

ModelColumn CategoricalTransformer::describe(int index) const {
  if (index != 0) throw std::out_of_range("the categorical transformer has one model column");
  return {ModelColumnKind::Categorical, fitted_categories(), prototype_.name};
}

std::string CategoricalTransformer::save() const {
  require_fitted();
  const nlohmann::json state = {{"column", prototype_to_json(prototype_)}, {"codes", used_}};
  return state.dump();
}

void CategoricalTransformer::load(const std::string& text) {
  const nlohmann::json state = parse_state(text, "of a categorical transformer");
  Column prototype = state_prototype(state, "of a categorical transformer");
  const std::string what = column_what(prototype);
  if (!prototype.is_categorical()) throw state_error(what, "is not categorical");

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
  prototype_ = std::move(prototype);
  set_used(std::move(used));
}

}  // namespace synthtab
