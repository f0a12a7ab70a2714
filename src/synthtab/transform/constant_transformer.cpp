#include "synthtab/transform/constant_transformer.hpp"

#include <cmath>
#include <optional>
#include <stdexcept>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/transformer_registry.hpp"

namespace synthtab {

void ConstantTransformer::do_fit(const Column& column) {
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
  if (value && !std::isfinite(*value))
    throw Error(ErrorKind::Input, "column '" + column.name + "' holds only an infinite value");
  if (code && (*code < 0 || static_cast<size_t>(*code) >= column.categories.size()))
    throw std::invalid_argument("column '" + column.name + "' has a code without a category");
  value_ = value.value_or(0.0);
  code_ = code.value_or(0);
}

Column ConstantTransformer::do_inverse(const Matrix& in, int64_t /*offset*/, Rng& /*rng*/) const {
  Column column = fitted_column().empty_like();
  if (column.is_categorical())
    column.codes.assign(static_cast<size_t>(in.rows), code_);
  else
    column.values.assign(static_cast<size_t>(in.rows), value_);
  return column;
}

void ConstantTransformer::do_save(nlohmann::json& state) const {
  if (fitted_column().is_categorical())
    state["code"] = code_;
  else
    state["value"] = value_;
}

void ConstantTransformer::do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) {
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
  value_ = value;
  code_ = code;
}

namespace {

const TransformerRegistration registered{plain_transformer<ConstantTransformer>(
    "a column with one distinct value: no model column, the value repeated on the way back")};

}  // namespace

}  // namespace synthtab
