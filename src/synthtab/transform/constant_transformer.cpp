#include "synthtab/transform/constant_transformer.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"

namespace synthtab {

void ConstantTransformer::fit(const Column& column) {
  std::optional<double> value;
  std::optional<int32_t> code;
  bool single = true;
  for (int64_t row = 0; row < column.size() && single; ++row) {
    if (column.is_missing(row)) continue;
    if (column.is_categorical()) {
      const int32_t c = column.codes[static_cast<size_t>(row)];
      single = !code || *code == c;
      code = c;
    } else {
      const double v = column.values[static_cast<size_t>(row)];
      single = !value || *value == v;
      value = v;
    }
  }
  if (!single)
    throw Error(ErrorKind::Input, "column '" + column.name + "' has more than one distinct value; it is not constant");
  if (!value && !code) throw Error(ErrorKind::Input, "column '" + column.name + "' has no values to learn from");
  if (value && !std::isfinite(*value))
    throw Error(ErrorKind::Input, "column '" + column.name + "' holds only an infinite value");
  if (code && (*code < 0 || static_cast<size_t>(*code) >= column.categories.size()))
    throw std::invalid_argument("column '" + column.name + "' has a code without a category");
  prototype_ = column.empty_like();
  value_ = value.value_or(0.0);
  code_ = code.value_or(0);
  fitted_ = true;
}

void ConstantTransformer::require_fitted() const {
  if (!fitted_) throw std::logic_error("the constant transformer is used before fit()");
}

void ConstantTransformer::transform(const Column& column, Matrix& out, int64_t offset) const {
  require_fitted();
  require_same_kind(column, prototype_);
  require_room(column, out, offset, width());
  require_no_missing(column);  // as every transformer does, though nothing is written
}

Column ConstantTransformer::inverse(const Matrix& in, int64_t /*offset*/, Rng& /*rng*/) const {
  require_fitted();
  Column column = prototype_.empty_like();
  if (column.is_categorical())
    column.codes.assign(static_cast<size_t>(in.rows), code_);
  else
    column.values.assign(static_cast<size_t>(in.rows), value_);
  return column;
}

ModelColumn ConstantTransformer::describe(int /*index*/) const {
  throw std::out_of_range("the constant transformer has no model columns");
}

std::string ConstantTransformer::save() const {
  require_fitted();
  nlohmann::json state = {{"column", prototype_to_json(prototype_)}};
  if (prototype_.is_categorical())
    state["code"] = code_;
  else
    state["value"] = value_;
  return state.dump();
}

void ConstantTransformer::load(const std::string& text) {
  const nlohmann::json state = parse_state(text, "of a constant transformer");
  Column prototype = state_prototype(state, "of a constant transformer");
  const std::string what = column_what(prototype);
  double value = 0.0;
  int32_t code = 0;
  if (prototype.is_categorical()) {
    const auto it = state.find("code");
    if (it == state.end() || !it->is_number_integer() || it->get<int64_t>() < 0 ||
        it->get<int64_t>() >= static_cast<int64_t>(prototype.categories.size()))
      throw state_error(what, "has no valid category code");
    code = static_cast<int32_t>(it->get<int64_t>());
  } else {
    const auto it = state.find("value");
    if (it == state.end() || !it->is_number() || !std::isfinite(it->get<double>()))
      throw state_error(what, "has no finite value");
    value = it->get<double>();
  }
  prototype_ = std::move(prototype);
  value_ = value;
  code_ = code;
  fitted_ = true;
}

}  // namespace synthtab
