#pragma once
// The JSON form of a column prototype (name, type, categories, datetime format; no rows),
// which every transformer's saved state holds under "column".
#include <string>

#include <nlohmann/json.hpp>

#include "synthtab/core/error.hpp"
#include "synthtab/table/column.hpp"

namespace synthtab {

nlohmann::json prototype_to_json(const Column& column);

// Throws Error(ModelFile) when `state` is not a valid prototype.
Column prototype_from_json(const nlohmann::json& state);

// The fitted state as a JSON object, or Error(ModelFile) naming `what` when it is not one.
nlohmann::json parse_state(const std::string& text, const std::string& what);

// An Error(ModelFile) for a malformed transformer state.
Error state_error(const std::string& what, const std::string& problem);

// The column prototype a transformer state holds under "column"; `kind` names the transformer
// in the error when there is none ("of a quantile transformer").
Column state_prototype(const nlohmann::json& state, const std::string& kind);
// How state errors name a column: "of column 'NAME'".
std::string column_what(const Column& prototype);
// The finite number under `key`, or Error(ModelFile) naming `what`.
double state_number(const nlohmann::json& state, const char* key, const std::string& what);

}  // namespace synthtab
