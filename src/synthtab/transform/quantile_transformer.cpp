#include "synthtab/transform/quantile_transformer.hpp"

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <stdexcept>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/column_checks.hpp"
#include "synthtab/transform/numpy_compat.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/transformer_registry.hpp"
#include "synthtab/transform/value_rounding.hpp"

namespace synthtab {

namespace {

constexpr int kDefaultQuantiles = 100;  // the seed's min(100, rows)

}  // namespace

QuantileTransformer::QuantileTransformer(int n_quantiles, double quantile_share)
    : n_quantiles_(n_quantiles), quantile_share_(quantile_share) {
  if (n_quantiles < 0 || n_quantiles == 1)
    throw usage_error("the number of quantiles must be at least 2 (or 0 for the default), not " +
                      std::to_string(n_quantiles));
  if (!(quantile_share >= 0.0 && quantile_share <= 1.0))
    throw usage_error("the quantile share must lie in (0, 1] (or be 0 for the default)");
}

void QuantileTransformer::do_fit(const Column& column) {
  std::vector<double> present = present_values(column);
  std::sort(present.begin(), present.end());

  const auto rows = static_cast<int64_t>(present.size());
  int64_t count = n_quantiles_ > 0 ? n_quantiles_ : kDefaultQuantiles;
  if (quantile_share_ > 0.0)
    count = std::max<int64_t>(2, static_cast<int64_t>(static_cast<double>(rows) * quantile_share_));
  count = std::min(count, rows);

  const std::vector<double> references = numpy_unit_linspace(static_cast<int>(count));
  std::vector<double> quantiles = numpy_percentiles(present, references);
  // sklearn's guard against NumPy's rounding: np.maximum.accumulate.
  for (size_t i = 1; i < quantiles.size(); ++i) quantiles[i] = std::max(quantiles[i], quantiles[i - 1]);

  set_quantiles(std::move(quantiles));

  // MinMaxScaler(feature_range=(-1, 1)) fitted on the training values' uniform positions.
  double low = 1.0;
  double high = 0.0;
  for (double v : present) {
    const double u = to_uniform(v);
    low = std::min(low, u);
    high = std::max(high, u);
  }
  double range = high - low;
  if (range < 10.0 * DBL_EPSILON) range = 1.0;  // sklearn's _handle_zeros_in_scale
  scale_ = 2.0 / range;
  offset_ = -1.0 - low * scale_;
  resolution_ = rounding_unit(column, present);
  decimals_ = decimal_places(column, present);
}

void QuantileTransformer::set_quantiles(std::vector<double> quantiles) {
  quantiles_ = std::move(quantiles);
  references_ = numpy_unit_linspace(static_cast<int>(quantiles_.size()));
  negated_quantiles_.assign(quantiles_.rbegin(), quantiles_.rend());
  negated_references_.assign(references_.rbegin(), references_.rend());
  for (double& v : negated_quantiles_) v = -v;
  for (double& v : negated_references_) v = -v;
}

double QuantileTransformer::to_uniform(double value) const {
  // sklearn's _transform_col for a uniform output: the fitted ends map to exactly 0 and 1 (the
  // lower end wins when they coincide); in between, the mean of the interpolations from both
  // sides, so that a run of tied quantiles maps to its middle. Values outside the fitted range
  // map to 0 or 1 through np.interp's ends (BOUNDS_THRESHOLD only concerns a normal output).
  if (value == quantiles_.front()) return 0.0;
  if (value == quantiles_.back()) return 1.0;
  return 0.5 *
         (numpy_interp(value, quantiles_, references_) - numpy_interp(-value, negated_quantiles_, negated_references_));
}

void QuantileTransformer::do_transform(const Column& column, Matrix& out, int64_t offset) const {
  for (int64_t row = 0; row < out.rows; ++row) {
    const double scaled = to_uniform(column.values[static_cast<size_t>(row)]) * scale_ + offset_;
    out(row, offset) = static_cast<float>(std::clamp(scaled, -1.0, 1.0));
  }
}

Column QuantileTransformer::do_inverse(const Matrix& in, int64_t offset, Rng& /*rng*/) const {
  Column column = fitted_column().empty_like();
  column.values.resize(static_cast<size_t>(in.rows));
  const double low = quantiles_.front();
  const double high = quantiles_.back();
  const ValueRounding round_like_input(resolution_, decimals_, low, high);
  for (int64_t row = 0; row < in.rows; ++row) {
    const double model_value = in(row, offset);
    if (std::isnan(model_value)) {  // a model that produced NaN: report it as missing
      column.values[static_cast<size_t>(row)] = kMissingValue;
      continue;
    }
    const double uniform = std::clamp((model_value - offset_) / scale_, 0.0, 1.0);
    const double value = round_like_input(numpy_interp(uniform, references_, quantiles_));
    column.values[static_cast<size_t>(row)] = value;
  }
  return column;
}

void QuantileTransformer::do_save(nlohmann::json& state) const {
  state.update({{"quantiles", quantiles_},
                {"scale", scale_},
                {"offset", offset_},
                {"resolution", resolution_},
                {"decimals", decimals_}});
}

void QuantileTransformer::do_load(const nlohmann::json& state, const Column& /*prototype*/, const std::string& what) {
  const auto number = [&](const char* key) { return state_number(state, key, what); };
  const double scale = number("scale");
  const double offset = number("offset");
  const double resolution = number("resolution");
  if (!(scale > 0.0)) throw state_error(what, "has a min-max scale that is not positive");
  if (resolution < 0.0) throw state_error(what, "has a negative rounding unit");

  const auto list = state.find("quantiles");
  if (list == state.end() || !list->is_array() || list->empty()) throw state_error(what, "has no quantiles");
  std::vector<double> quantiles;
  for (const auto& q : *list) {
    if (!q.is_number() || !std::isfinite(q.get<double>()))
      throw state_error(what, "has a quantile that is not a finite number");
    if (!quantiles.empty() && q.get<double>() < quantiles.back()) throw state_error(what, "has decreasing quantiles");
    quantiles.push_back(q.get<double>());
  }
  if (!rounding_unit_fits(resolution, quantiles.front(), quantiles.back()))
    throw state_error(what, "has a rounding unit too small for its range");

  set_quantiles(std::move(quantiles));
  scale_ = scale;
  offset_ = offset;
  resolution_ = resolution;
  // Absent in states written before decimals were kept: full precision.
  const auto decimals = state.find("decimals");
  decimals_ = decimals != state.end() && decimals->is_number_integer() ? decimals->get<int>() : -1;
  if (decimals_ < -1 || decimals_ > 10) throw state_error(what, "has an invalid number of decimal places");
}

namespace {

const TransformerRegistration registered{{
    .name = "quantile",
    .description = "nbsynthetic's: a numeric column through its empirical quantiles to [-1, 1], back by interpolation, "
                   "rounded like its values",
    .create = [](const PipelineOptions& options) -> std::unique_ptr<ColumnTransformer> {
      return std::make_unique<QuantileTransformer>(options.n_quantiles, options.quantile_share);
    },
}};

}  // namespace

}  // namespace synthtab
