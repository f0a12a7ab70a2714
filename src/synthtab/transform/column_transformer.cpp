#include "synthtab/transform/column_transformer.hpp"

#include <stdexcept>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"

namespace synthtab {

void ColumnTransformer::fit(const Column& column) {
  if (takes() == ColumnKinds::Numeric && column.is_categorical())
    throw Error(ErrorKind::Input,
                fmt::format("column '{}' is categorical; the {} transformer needs numbers", column.name, name()));
  if (takes() == ColumnKinds::Categorical && !column.is_categorical())
    throw Error(ErrorKind::Input, fmt::format("column '{}' is {}; the {} transformer needs categories", column.name,
                                              to_string(column.type), name()));
  if (column.missing_count() == column.size())
    throw Error(ErrorKind::Input, "column '" + column.name + "' has no values to learn from");
  fitted_ = false;
  do_fit(column);
  prototype_ = column.empty_like();
  fitted_ = true;
}

void ColumnTransformer::require_fitted() const {
  if (!fitted_) throw std::logic_error("the " + name() + " transformer is used before fit()");
}

void ColumnTransformer::transform(const Column& column, Matrix& out, int64_t offset) const {
  require_fitted();
  require_same_kind(column, prototype_);
  require_room(column, out, offset, width());
  if (!passes_missing()) require_no_missing(column);
  do_transform(column, out, offset);
}

Column ColumnTransformer::inverse(const Matrix& in, int64_t offset, Rng& rng) const {
  require_fitted();
  require_columns(in, offset, width());
  return do_inverse(in, offset, rng);
}

ModelColumn ColumnTransformer::describe(int index) const {
  require_fitted();
  if (index < 0 || index >= width())
    throw std::out_of_range(
        fmt::format("the {} transformer has {} model column{}", name(), width(), width() == 1 ? "" : "s"));
  return do_describe(index);
}

ModelColumn ColumnTransformer::do_describe(int /*index*/) const {
  return {ModelColumnKind::Continuous, 0, prototype_.name};
}

nlohmann::json ColumnTransformer::save_state() const {
  require_fitted();
  nlohmann::json state = {{"column", prototype_to_json(prototype_)}};
  do_save(state);
  return state;
}

void ColumnTransformer::load_state(const nlohmann::json& state) {
  const std::string kind = "of a " + name() + " transformer";
  if (!state.is_object()) throw state_error(kind, "is not a JSON object");
  Column prototype = state_prototype(state, kind);
  const std::string what = column_what(prototype);
  if (takes() == ColumnKinds::Numeric && prototype.is_categorical())
    throw state_error(what, "is categorical, not numeric");
  if (takes() == ColumnKinds::Categorical && !prototype.is_categorical()) throw state_error(what, "is not categorical");
  fitted_ = false;
  do_load(state, prototype, what);
  prototype_ = std::move(prototype);
  fitted_ = true;
}

void ColumnTransformer::load(const std::string& state) {
  load_state(parse_state(state, "of a " + name() + " transformer"));
}

}  // namespace synthtab
