#include "synthtab/engine/planned_spend.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "synthtab/core/error.hpp"
#include "synthtab/core/sorted_quantile.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {

namespace {

constexpr double kPlannedShares[] = {0.1, 0.3, 0.5, 0.7, 0.9};

// The model's column of `name`, or Error(Usage) naming the model file's columns.
const Column& model_column(const FittedModel& model, const std::string& name, const std::string& role) {
  const Table& prototype = model.pipeline().prototype();
  const int64_t at = prototype.find(name);
  if (at < 0)
    throw usage_error(fmt::format("the model has no {} column '{}': it was fitted on other columns", role, name));
  return prototype.columns[static_cast<size_t>(at)];
}

// A number as a condition's text: the shortest form that reads back as the same double.
std::string condition_text(double v) { return fmt::format("{}", v); }

// Restores the model's conditions however the draws end.
class HeldConditions {
 public:
  explicit HeldConditions(FittedModel& model) : model_(model), saved_(model.conditions()) {}
  ~HeldConditions() {
    try {
      model_.set_conditions(saved_);
    } catch (...) {  // they were valid when saved; nothing may escape a destructor
    }
  }
  HeldConditions(const HeldConditions&) = delete;
  HeldConditions& operator=(const HeldConditions&) = delete;

 private:
  FittedModel& model_;
  std::vector<Condition> saved_;
};

}  // namespace

std::vector<double> planned_spends_of(const Column& spend) {
  std::vector<double> values;
  for (size_t i = 0; i < spend.values.size(); ++i)
    if (!spend.is_missing(static_cast<int64_t>(i)) && std::isfinite(spend.values[i])) values.push_back(spend.values[i]);
  std::sort(values.begin(), values.end());
  std::vector<double> out;
  if (values.empty()) return out;
  for (double share : kPlannedShares) {
    const auto rank = static_cast<size_t>(std::lround(share * static_cast<double>(values.size() - 1)));
    if (out.empty() || values[rank] != out.back()) out.push_back(values[rank]);
  }
  return out;
}

PlannedValue parse_planned_value(const std::string& text, const std::vector<std::string>& spend) {
  const Condition condition = parse_condition(text, spend);
  if (std::find(spend.begin(), spend.end(), condition.column) == spend.end())
    throw usage_error(
        fmt::format("the planned spend '{}': '{}' is not one of the spend columns", text, condition.column));
  std::optional<double> value = parse_number(condition.value, '.');
  if (!value) value = parse_number(condition.value, ',');
  if (!value || !std::isfinite(*value))
    throw usage_error(
        fmt::format("the planned spend '{}': expected a number after '=', such as 'Google ads=6000'", text));
  return {condition.column, *value};
}

marketing::PlannedSpends draw_at_planned_spends(FittedModel& model, const Table& real,
                                                const std::vector<std::string>& spend, const std::string& response,
                                                int64_t rows, uint64_t seed, const std::vector<PlannedValue>& plan) {
  if (rows < 1) throw usage_error("the rows drawn at each planned spend must be 1 or more");
  marketing::PlannedSpends out;
  out.model = model.model_name();
  const Column& response_column = model_column(model, response, "response");
  if (!response_column.is_numeric())
    throw usage_error(fmt::format("the model's response column '{}' is not numeric", response));
  for (const auto& name : spend) model_column(model, name, "spend");
  for (const auto& [name, value] : plan) {
    if (std::find(spend.begin(), spend.end(), name) == spend.end())
      throw usage_error(fmt::format("the planned spend '{}' = {} names no spend column of the curve", name, value));
    if (!std::isfinite(value)) throw usage_error(fmt::format("the planned spend of '{}' is not a number", name));
  }
  std::vector<PlannedValue> points = plan;
  if (points.empty())
    for (const auto& name : spend)
      for (double planned : planned_spends_of(real.column(name))) points.emplace_back(name, planned);
  const HeldConditions restore(model);
  for (const auto& [name, planned] : points) {
    try {
      model.set_conditions({{name, condition_text(planned)}});
    } catch (const Error& e) {
      if (e.kind() != ErrorKind::Usage) throw;
      out.points.clear();
      out.unavailable = fmt::format("the {} model cannot hold '{}' at {}: {}", model.model_name(), name,
                                    condition_text(planned), e.what());
      return out;
    }
    const Table drawn = model.sample(0, rows, seed);
    const Column& values = drawn.column(response);
    std::vector<double> sorted;
    for (size_t i = 0; i < values.values.size(); ++i)
      if (!values.is_missing(static_cast<int64_t>(i)) && std::isfinite(values.values[i]))
        sorted.push_back(values.values[i]);
    std::sort(sorted.begin(), sorted.end());
    marketing::PlannedSpend point;
    point.channel = name;
    point.spend = planned;
    point.rows = static_cast<int64_t>(sorted.size());
    if (!sorted.empty()) {
      double sum = 0.0;
      for (double v : sorted) sum += v;
      point.mean = sum / static_cast<double>(sorted.size());
    }
    point.p5 = sorted_quantile(sorted, 0.05);
    point.p25 = sorted_quantile(sorted, 0.25);
    point.median = sorted_quantile(sorted, 0.5);
    point.p75 = sorted_quantile(sorted, 0.75);
    point.p95 = sorted_quantile(sorted, 0.95);
    out.points.push_back(point);
  }
  return out;
}

}  // namespace synthtab
