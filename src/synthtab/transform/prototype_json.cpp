#include "synthtab/transform/prototype_json.hpp"

#include <cmath>
#include <set>

#include "synthtab/core/json_checks.hpp"

namespace synthtab {

namespace {

constexpr ColumnType kTypes[] = {ColumnType::Integer, ColumnType::Float, ColumnType::Categorical, ColumnType::Datetime};

}  // namespace

nlohmann::json prototype_to_json(const Column& column) {
  nlohmann::json out = {{"name", column.name}, {"type", to_string(column.type)}};
  if (column.is_categorical()) out["categories"] = column.categories;
  if (column.type == ColumnType::Datetime) out["datetime_format"] = column.datetime_format;
  return out;
}

Column prototype_from_json(const nlohmann::json& state) {
  const std::string what = "of a column description";
  if (!state.is_object()) throw state_error(what, "is not a JSON object");
  const auto name = state.find("name");
  const auto type = state.find("type");
  if (name == state.end() || !name->is_string()) throw state_error(what, "has no name");
  if (type == state.end() || !type->is_string())
    throw state_error(what, "of '" + name->get<std::string>() + "' has no type");

  Column column;
  column.name = name->get<std::string>();
  const std::string where = "of column '" + column.name + "'";
  const std::string type_name = type->get<std::string>();
  bool known = false;
  for (ColumnType candidate : kTypes) {
    if (type_name == to_string(candidate)) {
      column.type = candidate;
      known = true;
    }
  }
  if (!known) throw state_error(where, "has an unknown type '" + type_name + "'");

  if (column.is_categorical()) {
    const auto categories = state.find("categories");
    if (categories == state.end() || !categories->is_array()) throw state_error(where, "has no list of categories");
    std::set<std::string> seen;
    for (const auto& label : *categories) {
      if (!label.is_string()) throw state_error(where, "has a category that is not a string");
      if (!seen.insert(label.get<std::string>()).second)
        throw state_error(where, "lists the category '" + label.get<std::string>() + "' twice");
      column.categories.push_back(label.get<std::string>());
    }
  }
  if (column.type == ColumnType::Datetime) {
    const auto format = state.find("datetime_format");
    if (format == state.end() || !format->is_string()) throw state_error(where, "has no datetime format");
    column.datetime_format = format->get<std::string>();
  }
  return column;
}

nlohmann::json parse_state(const std::string& text, const std::string& what) {
  bool too_deep = false;
  nlohmann::json state = parse_untrusted_json(text, &too_deep);
  if (too_deep) throw state_error(what, "nests deeper than " + std::to_string(kMaxJsonDepth) + " levels");
  if (state.is_discarded()) throw state_error(what, "is not valid JSON");
  if (!state.is_object()) throw state_error(what, "is not a JSON object");
  return state;
}

Error state_error(const std::string& what, const std::string& problem) {
  return Error(ErrorKind::ModelFile, "the transformer state " + what + " " + problem);
}

Column state_prototype(const nlohmann::json& state, const std::string& kind) {
  const auto column = state.find("column");
  if (column == state.end()) throw state_error(kind, "has no column");
  return prototype_from_json(*column);
}

std::string column_what(const Column& prototype) { return "of column '" + prototype.name + "'"; }

double state_number(const nlohmann::json& state, const char* key, const std::string& what) {
  const auto it = state.find(key);
  if (it == state.end() || !it->is_number() || !std::isfinite(it->get<double>()))
    throw state_error(what, std::string("has no finite '") + key + "'");
  return it->get<double>();
}

}  // namespace synthtab
