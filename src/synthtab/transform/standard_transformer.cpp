#include "synthtab/transform/standard_transformer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/value_rounding.hpp"

namespace synthtab {

void StandardTransformer::fit(const Column& column) {
  if (column.is_categorical())
    throw Error(ErrorKind::Input,
                "column '" + column.name + "' is categorical; the standard transformer needs numbers");
  std::vector<double> present;
  for (size_t row = 0; row < column.values.size(); ++row) {
    const double v = column.values[row];
    if (std::isnan(v)) continue;
    if (std::isinf(v))
      throw Error(ErrorKind::Input,
                  "column '" + column.name + "' has an infinite value at row " + std::to_string(row + 1));
    present.push_back(v);
  }
  if (present.empty()) throw Error(ErrorKind::Input, "column '" + column.name + "' has no values to learn from");
  double mean = 0.0;
  for (double v : present) mean += v;
  mean /= static_cast<double>(present.size());
  double ss = 0.0;
  for (double v : present) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(present.size()));
  prototype_ = column.empty_like();
  mean_ = mean;
  scale_ = sd > 0.0 && std::isfinite(sd) ? sd : 1.0;
  low_ = *std::min_element(present.begin(), present.end());
  high_ = *std::max_element(present.begin(), present.end());
  resolution_ = rounding_unit(column, present);
  decimals_ = decimal_places(column, present);
  fitted_ = true;
}

void StandardTransformer::require_fitted() const {
  if (!fitted_) throw std::logic_error("the standard transformer is used before fit()");
}

void StandardTransformer::transform(const Column& column, Matrix& out, int64_t offset) const {
  require_fitted();
  require_same_kind(column, prototype_);
  require_room(column, out, offset, width());
  for (int64_t row = 0; row < out.rows; ++row) {
    const double v = column.values[static_cast<size_t>(row)];
    out(row, offset) = std::isnan(v) ? NAN : static_cast<float>((v - mean_) / scale_);
  }
}

Column StandardTransformer::inverse(const Matrix& in, int64_t offset, Rng& /*rng*/) const {
  require_fitted();
  require_columns(in, offset, width());
  Column column = prototype_.empty_like();
  column.values.resize(static_cast<size_t>(in.rows));
  const ValueRounding round_like_input(resolution_, decimals_, low_, high_);
  for (int64_t row = 0; row < in.rows; ++row) {
    const double model_value = in(row, offset);
    column.values[static_cast<size_t>(row)] =
        std::isnan(model_value) ? kMissingValue : round_like_input(model_value * scale_ + mean_);
  }
  return column;
}

ModelColumn StandardTransformer::describe(int index) const {
  if (index != 0) throw std::out_of_range("the standard transformer has one model column");
  return {ModelColumnKind::Continuous, 0, prototype_.name};
}

std::string StandardTransformer::save() const {
  require_fitted();
  const nlohmann::json state = {{"column", prototype_to_json(prototype_)},
                                {"mean", mean_},
                                {"scale", scale_},
                                {"low", low_},
                                {"high", high_},
                                {"resolution", resolution_},
                                {"decimals", decimals_}};
  return state.dump();
}

void StandardTransformer::load(const std::string& text) {
  const nlohmann::json state = parse_state(text, "of a standard transformer");
  Column prototype = state_prototype(state, "of a standard transformer");
  const std::string what = column_what(prototype);
  if (prototype.is_categorical()) throw state_error(what, "is categorical, not numeric");
  const auto number = [&](const char* key) { return state_number(state, key, what); };
  const double mean = number("mean"), scale = number("scale"), low = number("low"), high = number("high"),
               resolution = number("resolution");
  if (!(scale > 0.0)) throw state_error(what, "has a scale that is not positive");
  if (low > high) throw state_error(what, "has a range whose low end is above its high end");
  if (resolution < 0.0) throw state_error(what, "has a negative rounding unit");
  if (!rounding_unit_fits(resolution, low, high))
    throw state_error(what, "has a rounding unit too small for its range");
  const auto decimals = state.find("decimals");
  if (decimals == state.end() || !decimals->is_number_integer() || decimals->get<int64_t>() < -1 ||
      decimals->get<int64_t>() > 10)
    throw state_error(what, "has an invalid number of decimal places");
  prototype_ = std::move(prototype);
  mean_ = mean;
  scale_ = scale;
  low_ = low;
  high_ = high;
  resolution_ = resolution;
  decimals_ = static_cast<int>(decimals->get<int64_t>());
  fitted_ = true;
}

}  // namespace synthtab
