#include "synthtab/engine/model_sections.hpp"

#include <cmath>
#include <limits>
#include <set>
#include <variant>

namespace synthtab {

using json = nlohmann::json;

namespace {

ColumnRole role_from_string(const std::string& text, const SectionCheck& check) {
  for (auto role : {ColumnRole::Integer, ColumnRole::Float, ColumnRole::Categorical, ColumnRole::Datetime,
                    ColumnRole::Id, ColumnRole::Constant, ColumnRole::Dropped})
    if (text == to_string(role)) return role;
  check.fail("unknown column role '" + text + "'");
}

}  // namespace

std::string hashes_to_bytes(const std::vector<uint64_t>& hashes) {
  std::string out(hashes.size() * sizeof(uint64_t), '\0');
  for (size_t i = 0; i < hashes.size(); ++i)
    for (size_t b = 0; b < sizeof(uint64_t); ++b) out[i * 8 + b] = static_cast<char>((hashes[i] >> (8 * b)) & 0xff);
  return out;
}

std::vector<uint64_t> hashes_from_bytes(const std::string& bytes, const SectionCheck& check) {
  if (bytes.size() % sizeof(uint64_t) != 0)
    check.fail(std::to_string(bytes.size()) + " bytes are not a whole number of 8-byte fingerprints");
  std::vector<uint64_t> out(bytes.size() / sizeof(uint64_t), 0);
  for (size_t i = 0; i < out.size(); ++i)
    for (size_t b = 0; b < sizeof(uint64_t); ++b)
      out[i] |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i * 8 + b])) << (8 * b);
  // Written sorted and without repeats: binary search relies on it.
  for (size_t i = 1; i < out.size(); ++i)
    if (out[i] <= out[i - 1])
      check.fail("fingerprints are not strictly increasing (at entry " + std::to_string(i) + ")");
  return out;
}

json schema_to_json(const Schema& schema) {
  json columns = json::array();
  for (const auto& c : schema.columns)
    columns.push_back({{"name", c.name},
                       {"role", to_string(c.role)},
                       {"reason", c.reason},
                       {"datetime_format", c.datetime_format},
                       {"forced", c.forced}});
  return {{"columns", columns},
          {"decimal", std::string(1, schema.decimal)},
          {"delimiter", std::string(1, schema.delimiter)}};
}

Schema schema_from_json(const json& j, const SectionCheck& check) {
  Schema schema;
  const json& columns = check.array(j, "columns");
  if (columns.empty()) check.fail("'columns' is empty");
  std::set<std::string> names;
  for (const auto& c : columns) {
    ColumnSchema column;
    column.name = check.string(c, "name");
    if (!names.insert(column.name).second) check.fail("column '" + column.name + "' appears twice");
    column.role = role_from_string(check.string(c, "role"), check);
    column.reason = check.string(c, "reason");
    column.datetime_format = check.string(c, "datetime_format");
    column.forced = check.boolean(c, "forced");
    schema.columns.push_back(std::move(column));
  }
  const auto decimal = check.string(j, "decimal");
  const auto delimiter = check.string(j, "delimiter");
  // The output CSV is written with these: anything else would garble every row. A delimiter
  // equal to the decimal mark is legal (such numbers are quoted, as in the seed's marketing table).
  if (decimal != "." && decimal != ",") check.fail("'decimal' is '" + decimal + "', expected . or ,");
  if (delimiter.size() != 1 || delimiter == "\"" || delimiter == "\n" || delimiter == "\r" || delimiter[0] == '\0')
    check.fail("'delimiter' is not a usable CSV delimiter");
  schema.decimal = decimal[0];
  schema.delimiter = delimiter[0];
  return schema;
}

json parameters_to_json(const ModelParameters& parameters) {
  json out = json::object();
  for (const auto& [name, value] : parameters.values())
    std::visit([&, &name = name](const auto& v) { out[name] = v; }, value);
  return out;
}

ModelParameters parameters_from_json(const json& j, const SectionCheck& check) {
  if (!j.is_object()) check.fail("'parameters' is not an object");
  ModelParameters parameters;
  for (const auto& [name, value] : j.items()) {
    if (value.is_number() && std::isfinite(value.get<double>()))
      parameters.set(name, value.get<double>());
    else if (value.is_string())
      parameters.set(name, value.get<std::string>());
    else
      check.fail("parameter '" + name + "' is neither a finite number nor text");
  }
  return parameters;
}

json report_to_json(const FitReport& report) {
  return {{"settings", report.settings},
          {"critic_loss", report.critic_loss},
          {"generator_loss", report.generator_loss},
          {"seconds", report.seconds}};
}

FitReport report_from_json(const json& j, const SectionCheck& check) {
  FitReport report;
  for (const auto& [key, value] : check.object(j, "settings").items()) {
    if (!value.is_string()) check.fail("setting '" + key + "' is not a string");
    report.settings[key] = value.get<std::string>();
  }
  // Losses may legitimately be NaN when training diverged; JSON stores those as null.
  for (const char* key : {"critic_loss", "generator_loss"}) {
    auto& losses = std::string(key) == "critic_loss" ? report.critic_loss : report.generator_loss;
    for (const auto& v : check.array(j, key)) {
      if (!v.is_number() && !v.is_null()) check.fail(std::string("'") + key + "' holds something that is not a number");
      losses.push_back(v.is_number() ? v.get<double>() : std::numeric_limits<double>::quiet_NaN());
    }
  }
  report.seconds = check.finite(j, "seconds");
  if (report.seconds < 0) check.fail("'seconds' is negative");
  return report;
}

}  // namespace synthtab
