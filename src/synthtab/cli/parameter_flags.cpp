#include "synthtab/cli/parameter_flags.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/format.h>

#include "synthtab/cli/option_checks.hpp"

namespace synthtab::cli {
namespace {

struct Merged {
  std::vector<const ParameterSpec*> specs;  // one per model that has it
  std::vector<std::string> models;
};

// "default: 10 for gan, wgan; 300 for ctgan, tvae", or "default: 0.5" when they agree.
std::string defaults_text(const Merged& merged) {
  std::vector<std::pair<std::string, std::string>> by_default;  // default, its models
  for (size_t i = 0; i < merged.specs.size(); ++i) {
    const std::string& value = merged.specs[i]->default_value;
    auto it = std::find_if(by_default.begin(), by_default.end(), [&](const auto& d) { return d.first == value; });
    if (it == by_default.end())
      by_default.emplace_back(value, merged.models[i]);
    else
      it->second += ", " + merged.models[i];
  }
  if (by_default.size() == 1) return "default: " + by_default.front().first;
  std::string out = "default:";
  for (const auto& [value, models] : by_default) out += fmt::format(" {} for {};", value, models);
  out.pop_back();
  return out;
}

CLI::Validator widest_check(const Merged& merged) {
  double min = std::numeric_limits<double>::infinity(), max = -min;
  for (const ParameterSpec* spec : merged.specs) {
    min = std::min(min, spec->min);
    max = std::max(max, spec->max);
  }
  // An end is open only when every model that reaches it leaves it open.
  bool min_open = true, max_open = true;
  for (const ParameterSpec* spec : merged.specs) {
    if (spec->min == min) min_open = min_open && spec->min_open;
    if (spec->max == max) max_open = max_open && spec->max_open;
  }
  if (merged.specs.front()->type == ParameterType::Real) return real_number(min, min_open, max, max_open);
  constexpr auto kLargest = std::numeric_limits<int64_t>::max();
  return whole_number(static_cast<int64_t>(min),
                      max >= static_cast<double>(kLargest) ? kLargest : static_cast<int64_t>(max));
}

}  // namespace

std::string parameter_flag(std::string_view name) {
  if (name == "learning_rate") return "--lr";
  if (name == "critic_learning_rate") return "--critic-lr";
  std::string flag = "--" + std::string(name);
  std::replace(flag.begin(), flag.end(), '_', '-');
  return flag;
}

void ParameterFlags::add_to(CLI::App& command, const std::vector<ModelTraits>& models) {
  std::map<std::string, Merged> merged;
  for (const ModelTraits& model : models)
    for (const ParameterSpec& spec : model.parameters) {
      merged[spec.name].specs.push_back(&spec);
      merged[spec.name].models.push_back(model.name);
    }
  for (const auto& [name, m] : merged) {
    std::string models;
    for (const auto& model : m.models) models += (models.empty() ? "" : ", ") + model;
    const std::string help = fmt::format("{}: {} ({})", models, m.specs.front()->help, defaults_text(m));
    CLI::Option* option = command.add_option(parameter_flag(name), text_[name], help);
    if (m.specs.front()->type != ParameterType::Choice) option->check(widest_check(m));
    options_.emplace_back(name, option);
  }
}

std::map<std::string, std::string> ParameterFlags::given() const {
  std::map<std::string, std::string> out;
  for (const auto& [name, option] : options_)
    if (option->count() > 0) out[name] = text_.at(name);
  return out;
}

std::string describe_parameters(const ModelTraits& model) {
  std::string out;
  for (const ParameterSpec& spec : model.parameters)
    out += fmt::format("           {:<15} {} (default {}; {})\n", parameter_flag(spec.name), spec.help,
                       spec.default_value, spec.expected());
  return out;
}

}  // namespace synthtab::cli
