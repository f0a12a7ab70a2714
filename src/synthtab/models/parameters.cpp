#include "synthtab/models/parameters.hpp"

#include <algorithm>
#include <cmath>
#include <cstdlib>

#include <fmt/format.h>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

// Shortest text that reads back as `x` (0.99, 1e-06).
std::string shown(double x) { return fmt::format("{}", x); }

// Bounds at or above 2^31 - 1 only guard the type: shown as ">= min".
bool unbounded(double max) { return max >= static_cast<double>(std::numeric_limits<int32_t>::max()); }

std::string shown_value(const ModelParameters::Value& value) {
  return std::holds_alternative<double>(value) ? shown(std::get<double>(value)) : std::get<std::string>(value);
}

bool in_range(const ParameterSpec& spec, double x) {
  if (!std::isfinite(x)) return false;
  if (spec.min_open ? !(x > spec.min) : !(x >= spec.min)) return false;
  if (spec.max_open ? !(x < spec.max) : !(x <= spec.max)) return false;
  return spec.type != ParameterType::Integer || x == std::floor(x);
}

}  // namespace

std::string ParameterSpec::expected() const {
  if (type == ParameterType::Choice) {
    std::string out;
    for (size_t i = 0; i < choices.size(); ++i)
      out += (i == 0 ? "" : i + 1 == choices.size() ? " or " : ", ") + choices[i];
    return out;
  }
  const std::string kind = type == ParameterType::Integer ? "a whole number" : "a number";
  if (type == ParameterType::Integer && unbounded(max)) return fmt::format("{} >= {}", kind, shown(min));
  if (std::isinf(max)) return fmt::format("{} {} {}", kind, min_open ? ">" : ">=", shown(min));
  if (!min_open && !max_open) return fmt::format("{} from {} to {}", kind, shown(min), shown(max));
  return fmt::format("{} {} {} and {} {}", kind, min_open ? ">" : ">=", shown(min), max_open ? "<" : "<=", shown(max));
}

std::optional<double> ModelParameters::number(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || !std::holds_alternative<double>(it->second)) return std::nullopt;
  return std::get<double>(it->second);
}

std::optional<int> ModelParameters::integer(const std::string& name) const {
  const std::optional<double> x = number(name);
  if (!x) return std::nullopt;
  return static_cast<int>(*x);  // checked whole and in range by check_parameters first
}

std::optional<std::string> ModelParameters::choice(const std::string& name) const {
  const auto it = values_.find(name);
  if (it == values_.end() || !std::holds_alternative<std::string>(it->second)) return std::nullopt;
  return std::get<std::string>(it->second);
}

void check_parameter(const ParameterSpec& spec, const ModelParameters::Value& value, const std::string& model) {
  const bool fits =
      spec.type == ParameterType::Choice
          ? std::holds_alternative<std::string>(value) &&
                std::find(spec.choices.begin(), spec.choices.end(), std::get<std::string>(value)) != spec.choices.end()
          : std::holds_alternative<double>(value) && in_range(spec, std::get<double>(value));
  if (!fits)
    throw usage_error(
        fmt::format("`{}` of {} expects {}, got '{}'", spec.name, model, spec.expected(), shown_value(value)));
}

void check_parameters(const std::string& model, const std::vector<ParameterSpec>& schema,
                      const ModelParameters& given) {
  for (const auto& [name, value] : given.values()) {
    const auto spec =
        std::find_if(schema.begin(), schema.end(), [&name = name](const auto& s) { return s.name == name; });
    if (spec == schema.end())
      throw usage_error(
          fmt::format("`{}` is not a parameter of {}; its parameters: {}", name, model, parameter_names(schema)));
    check_parameter(*spec, value, model);
  }
}

ModelParameters::Value parse_parameter(const ParameterSpec& spec, const std::string& text, const std::string& model) {
  ModelParameters::Value value = text;
  if (spec.type != ParameterType::Choice) {
    char* end = nullptr;
    const double x = text.empty() ? std::nan("") : std::strtod(text.c_str(), &end);
    if (text.empty() || end != text.c_str() + text.size())
      throw usage_error(fmt::format("`{}` of {} expects {}, got '{}'", spec.name, model, spec.expected(), text));
    value = x;
  }
  check_parameter(spec, value, model);
  return value;
}

std::string parameter_names(const std::vector<ParameterSpec>& schema) {
  if (schema.empty()) return "none";
  std::string out;
  for (const auto& spec : schema) out += (out.empty() ? "`" : ", `") + spec.name + "`";
  return out;
}

}  // namespace synthtab
