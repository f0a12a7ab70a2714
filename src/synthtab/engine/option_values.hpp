#pragma once
// The options' values from text ("never", "2/8", "parametric"), as a front end receives them:
// each parser throws Error(Usage) naming the option (`copies`, core/option_terms.hpp) and the
// values it accepts.
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
// "empirical" or "parametric".
Marginals parse_marginals(const std::string& text);
// "density" or "none".
Smoothing parse_smoothing(const std::string& text);
// "regression" or "classification"; "" = none (the evaluation infers it from the target's type).
std::optional<Task> parse_task(const std::string& text);

}  // namespace synthtab
