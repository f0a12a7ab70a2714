#pragma once
// How a model file stores what FittedModel keeps beside the model itself: the schema, the fit
// report and the training rows' fingerprints (sections "schema", "fit_report", "real_rows" and
// "repeated_rows"). The readers check untrusted input: every problem fails `check`. Internal to
// engine/.
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "synthtab/core/json_checks.hpp"
#include "synthtab/models/synthesizer.hpp"
#include "synthtab/prepare/schema.hpp"

namespace synthtab {

// Fingerprints as 8 little-endian bytes each.
std::string hashes_to_bytes(const std::vector<uint64_t>& hashes);
// The fingerprints of hashes_to_bytes, which must ascend strictly (binary search relies on it).
std::vector<uint64_t> hashes_from_bytes(const std::string& bytes, const SectionCheck& check);

nlohmann::json schema_to_json(const Schema& schema);
Schema schema_from_json(const nlohmann::json& j, const SectionCheck& check);

nlohmann::json report_to_json(const FitReport& report);
// The parameters a model was fitted with, as given: {name: number or text}.
nlohmann::json parameters_to_json(const ModelParameters& parameters);
// Their values only; whether they fit the model's schema is the caller's check.
ModelParameters parameters_from_json(const nlohmann::json& j, const SectionCheck& check);
FitReport report_from_json(const nlohmann::json& j, const SectionCheck& check);

}  // namespace synthtab
