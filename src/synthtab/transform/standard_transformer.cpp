#include "synthtab/transform/standard_transformer.hpp"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/transformer_registry.hpp"
#include "synthtab/transform/value_rounding.hpp"

namespace synthtab {

void StandardTransformer::do_fit(const Column& column) {
  const std::vector<double> present = present_values(column);
  double mean = 0.0;
  for (double v : present) mean += v;
  mean /= static_cast<double>(present.size());
  double ss = 0.0;
  for (double v : present) ss += (v - mean) * (v - mean);
  const double sd = std::sqrt(ss / static_cast<double>(present.size()));
  mean_ = mean;
  scale_ = sd > 0.0 && std::isfinite(sd) ? sd : 1.0;
  low_ = *std::min_element(present.begin(), present.end());
  high_ = *std::max_element(present.begin(), present.end());
  resolution_ = rounding_unit(column, present);
  decimals_ = decimal_places(column, present);
}

void StandardTransformer::do_transform(const Column& column, Matrix& out, int64_t offset) const {
  for (int64_t row = 0; row < out.rows; ++row) {
    const double v = column.values[static_cast<size_t>(row)];
    out(row, offset) = std::isnan(v) ? NAN : static_cast<float>((v - mean_) / scale_);
  }
}

Column StandardTransformer::do_inverse(const Matrix& in, int64_t offset, Rng& /*rng*/) const {
  Column column = fitted_column().empty_like();
  column.values.resize(static_cast<size_t>(in.rows));
  const ValueRounding round_like_input(resolution_, decimals_, low_, high_);
  for (int64_t row = 0; row < in.rows; ++row) {
    const double model_value = in(row, offset);
    column.values[static_cast<size_t>(row)] =
        std::isnan(model_value) ? kMissingValue : round_like_input(model_value * scale_ + mean_);
  }
  return column;
}

void StandardTransformer::do_save(nlohmann::json& state) const {
  state.update({{"mean", mean_},
                {"scale", scale_},
                {"low", low_},
                {"high", high_},
                {"resolution", resolution_},
                {"decimals", decimals_}});
}

void StandardTransformer::do_load(const nlohmann::json& state, const Column& /*prototype*/, const std::string& what) {
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
  mean_ = mean;
  scale_ = scale;
  low_ = low;
  high_ = high;
  resolution_ = resolution;
  decimals_ = static_cast<int>(decimals->get<int64_t>());
}

namespace {

const TransformerRegistration registered{plain_transformer<StandardTransformer>(
    "a numeric column standardised, (x - mean) / sd, missing values passed on, for models that learn each column's "
    "shape")};

}  // namespace

}  // namespace synthtab
