#pragma once
// The options' values from text ("never", "2/8", "parametric"), as a front end receives them:
// each parser throws Error(Usage) naming the option (`copies`, core/option_terms.hpp) and the
// values it accepts.
#include <map>
#include <optional>
#include <string>

#include "synthtab/engine/synthesis.hpp"
#include "synthtab/models/random_forest.hpp"
#include "synthtab/models/synthesizer.hpp"

namespace synthtab {

// "i/K" with 1 <= i <= K.
Shard parse_shard(const std::string& text);
// "holdout", "never" or "allow".
CopyPolicy parse_copy_policy(const std::string& text);
const char* copy_policy_name(CopyPolicy policy);
// "auto", "model" or "fill".
MissingValues parse_missing_values(const std::string& text);
// A model's parameters as text (a command line's, keyword arguments), read by the schema of
// `model` (auto: of its candidates); Error(Usage) naming the parameter on a bad value.
ModelParameters parse_model_parameters(const std::string& model, const std::map<std::string, std::string>& text);
// options.fit.parameters are options.model's (auto: its candidates') and valid: Error(Usage)
// naming the parameter and what it expects.
void check_model_parameters(const SynthesisOptions& options);
// "regression" or "classification"; "" = none (the evaluation infers it from the target's type).
std::optional<Task> parse_task(const std::string& text);

}  // namespace synthtab
