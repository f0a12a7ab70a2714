#pragma once
// The models' parameters as flags, made from their schemas (models/parameters.hpp): one flag per
// parameter name over all models, its help naming the models and their defaults, its check the
// widest range any model accepts (the library then checks the chosen model's own).
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include <CLI/CLI.hpp>

#include "synthtab/models/registry.hpp"

namespace synthtab::cli {

// "--lr" for "learning_rate" (the flags' older short spellings), else "--critic-steps" for
// "critic_steps".
std::string parameter_flag(std::string_view name);

class ParameterFlags {
 public:
  void add_to(CLI::App& command, const std::vector<ModelTraits>& models);
  // The parameters given on the command line, as typed, by name.
  std::map<std::string, std::string> given() const;

 private:
  std::map<std::string, std::string> text_;
  std::vector<std::pair<std::string, const CLI::Option*>> options_;
};

// `synthtab models`' lines for one model's parameters ("" when it has none).
std::string describe_parameters(const ModelTraits& model);

}  // namespace synthtab::cli
