#include "synthtab/cli/option_flags.hpp"

#include <map>

#include "synthtab/cli/parameter_flags.hpp"
#include "synthtab/core/option_terms.hpp"
#include "synthtab/models/registry.hpp"

namespace synthtab::cli {

std::string flag_for(std::string_view name) {
  static const std::map<std::string_view, std::string_view> flags = {
      {"categorical", "--categorical"},
      {"color", "--color"},
      {"controls", "--control"},
      {"copies", "--copies"},
      {"datetime", "--datetime"},
      {"drop", "--drop"},
      {"folds", "--folds"},
      {"holdout", "--holdout"},
      {"json", "--json"},
      {"max_memory", "--max-memory"},
      {"missing", "--missing"},
      {"numeric", "--numeric"},
      {"output", "-o"},
      {"payback_periods", "--payback"},
      {"period", "--period"},
      {"report", "generate --report"},
      {"response", "--response"},
      {"rows", "-n"},
      {"shard", "--shard"},
      {"spend", "--spend"},
      {"target", "--target"},
      {"task", "--task"},
      {"time", "--time"},
      {"x", "--x"},
      {"y", "--y"},
  };
  if (const auto it = flags.find(name); it != flags.end()) return std::string(it->second);
  for (const ModelTraits& model : ModelRegistry::instance().loaded())
    for (const ParameterSpec& spec : model.parameters)
      if (spec.name == name) return parameter_flag(name);
  return {};
}

std::string in_cli_terms(std::string_view text) { return rename_options(text, flag_for); }

}  // namespace synthtab::cli
