#include "synthtab/engine/option_values.hpp"

#include <charconv>
#include <string_view>
#include <variant>

#include "synthtab/core/error.hpp"
#include "synthtab/engine/model_choice.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab {

Shard parse_shard(const std::string& text) {
  const auto slash = text.find('/');
  Shard shard;
  auto parse = [&](std::string_view part, int64_t& out) {
    auto [ptr, ec] = std::from_chars(part.data(), part.data() + part.size(), out);
    return ec == std::errc() && ptr == part.data() + part.size();
  };
  if (slash == std::string::npos || !parse(std::string_view(text).substr(0, slash), shard.index) ||
      !parse(std::string_view(text).substr(slash + 1), shard.count) || shard.count < 1 || shard.index < 1 ||
      shard.index > shard.count)
    throw usage_error("`shard` expects i/K with 1 <= i <= K (e.g. 2/8), got '" + text + "'");
  return shard;
}

CopyPolicy parse_copy_policy(const std::string& text) {
  if (text == "holdout") return CopyPolicy::Holdout;
  if (text == "never") return CopyPolicy::Never;
  if (text == "allow") return CopyPolicy::Allow;
  throw usage_error("`copies` expects holdout, never or allow, got '" + text + "'");
}

const char* copy_policy_name(CopyPolicy policy) {
  return policy == CopyPolicy::Holdout ? "holdout" : policy == CopyPolicy::Never ? "never" : "allow";
}

MissingValues parse_missing_values(const std::string& text) {
  if (text == "auto") return MissingValues::Auto;
  if (text == "model") return MissingValues::Model;
  if (text == "fill") return MissingValues::Fill;
  throw usage_error("`missing` expects model, fill or auto, got '" + text + "'");
}

ModelParameters parse_model_parameters(const std::string& model, const std::map<std::string, std::string>& text) {
  std::vector<ModelTraits> models;
  if (model == "auto") {
    for (const ModelTraits& traits : ModelRegistry::instance().loaded())
      if (!traits.auto_candidates.empty()) models.push_back(traits);
  } else {
    models.push_back(ModelRegistry::instance().traits(model));
  }
  ModelParameters out;
  for (const auto& [name, value] : text) {
    const ParameterSpec* spec = nullptr;
    const std::string* owner = nullptr;
    for (const ModelTraits& traits : models)
      for (const ParameterSpec& candidate : traits.parameters)
        if (spec == nullptr && candidate.name == name) {
          spec = &candidate;
          owner = &traits.name;
        }
    if (spec == nullptr) {
      out.set(name, value);  // check_model_parameters names the models' parameters
      continue;
    }
    std::visit([&, &name = name](const auto& typed) { out.set(name, typed); }, parse_parameter(*spec, value, *owner));
  }
  SynthesisOptions options;
  options.model = model;
  options.fit.parameters = out;
  check_model_parameters(options);
  return out;
}

void check_model_parameters(const SynthesisOptions& options) {
  if (options.model == "auto")
    candidate_models(options.fit.parameters);
  else
    check_parameters(options.model, ModelRegistry::instance().traits(options.model).parameters, options.fit.parameters);
}

std::optional<Task> parse_task(const std::string& text) {
  if (text.empty()) return std::nullopt;
  if (text == "regression") return Task::Regression;
  if (text == "classification") return Task::Classification;
  throw usage_error("`task` expects regression or classification, got '" + text + "'");
}

}  // namespace synthtab
