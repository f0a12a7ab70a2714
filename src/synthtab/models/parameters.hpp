#pragma once
// A model's parameters: the schema it declares in its traits (name, type, range, default, help)
// and the values a caller gives. One schema serves every front end: the library checks values
// against it, the CLI makes its flags and help from it, the model file's stored settings are
// checked against it, and the report lists it.
#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

namespace synthtab {

enum class ParameterType {
  Integer,  // a whole number in [min, max]
  Real,     // a finite number in the range (each end open or closed)
  Choice,   // one of `choices`
};

struct ParameterSpec {
  std::string name = {};  // a field name: `epochs`, `learning_rate`
  ParameterType type = ParameterType::Real;
  std::string help = {};           // one line, without the default
  std::string default_value = {};  // as shown to a user: "10", "the nbsynthetic rule"
  double min = -std::numeric_limits<double>::infinity();
  double max = std::numeric_limits<double>::infinity();
  bool min_open = false;  // Real only: min itself is not allowed
  bool max_open = false;
  std::vector<std::string> choices = {};  // Choice only

  // "a whole number from 1 to 100", "a number > 0", "empirical or parametric".
  std::string expected() const;
};

// The values given for a fit, by parameter name. Numbers and choices are kept as given; models
// read them with the typed getters, which return nothing when the parameter was not given.
class ModelParameters {
 public:
  using Value = std::variant<double, std::string>;
  ModelParameters() = default;
  ModelParameters(std::initializer_list<std::pair<const std::string, Value>> values) : values_(values) {}

  void set(const std::string& name, double value) { values_[name] = value; }
  void set(const std::string& name, int value) { values_[name] = static_cast<double>(value); }
  void set(const std::string& name, const std::string& value) { values_[name] = value; }
  void set(const std::string& name, const char* value) { values_[name] = std::string(value); }
  void erase(const std::string& name) { values_.erase(name); }
  bool has(const std::string& name) const { return values_.count(name) > 0; }
  bool empty() const { return values_.empty(); }
  const std::map<std::string, Value>& values() const { return values_; }

  std::optional<double> number(const std::string& name) const;
  std::optional<int> integer(const std::string& name) const;
  std::optional<std::string> choice(const std::string& name) const;

 private:
  std::map<std::string, Value> values_;
};

// Throws Error(Usage) naming the parameter when `value` is not what `spec` expects.
void check_parameter(const ParameterSpec& spec, const ModelParameters::Value& value, const std::string& model);
// Every given value must be a parameter of `model` (Error(Usage) listing its parameters) and
// valid by its spec.
void check_parameters(const std::string& model, const std::vector<ParameterSpec>& schema, const ModelParameters& given);
// Parses a value as written in text (a command line, a stored setting) by the spec's type;
// throws Error(Usage) like check_parameter.
ModelParameters::Value parse_parameter(const ParameterSpec& spec, const std::string& text, const std::string& model);

// "`marginals`, `smoothing`" or "none".
std::string parameter_names(const std::vector<ParameterSpec>& schema);

}  // namespace synthtab
