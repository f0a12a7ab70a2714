#include "synthtab/transform/pipeline.hpp"

#include <set>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/transformer_registry.hpp"

namespace synthtab {

namespace {

constexpr const char* kFormat = "synthtab-pipeline";
constexpr int kVersion = 1;

// 0, 1 or 2 (meaning "two or more") distinct non-missing values.
int distinct_values_up_to_two(const Column& column) {
  int count = 0;
  int64_t first = -1;
  for (int64_t row = 0; row < column.size(); ++row) {
    if (column.is_missing(row)) continue;
    if (first < 0) {
      first = row;
      count = 1;
      continue;
    }
    const auto a = static_cast<size_t>(first);
    const auto b = static_cast<size_t>(row);
    const bool same =
        column.is_categorical() ? column.codes[a] == column.codes[b] : column.values[a] == column.values[b];
    if (!same) return 2;
  }
  return count;
}

const std::string& transformer_for(const Column& column, const PipelineOptions& options) {
  static const std::string constant = "constant";
  const int distinct = distinct_values_up_to_two(column);
  if (distinct == 0) throw Error(ErrorKind::Input, "column '" + column.name + "' has no values to learn from");
  if (distinct == 1) return constant;
  return column.is_categorical() ? options.categorical : options.numeric;
}

constexpr uint64_t kFillStream = 0x66696c6c;  // "fill"

// A copy of `column` whose missing cells hold observed values drawn at random (seeded by the
// column's position, so the same table always gives the same matrix).
Column fill_missing(const Column& column, size_t index) {
  Column filled = column;
  std::vector<int64_t> observed;
  for (int64_t r = 0; r < column.size(); ++r)
    if (!column.is_missing(r)) observed.push_back(r);
  if (observed.empty()) return filled;
  Rng rng(derive_seed(kFillStream, static_cast<uint64_t>(index)));
  for (int64_t r = 0; r < column.size(); ++r) {
    if (!column.is_missing(r)) continue;
    const auto donor = static_cast<size_t>(observed[rng.below(observed.size())]);
    if (column.is_categorical())
      filled.codes[static_cast<size_t>(r)] = column.codes[donor];
    else
      filled.values[static_cast<size_t>(r)] = column.values[donor];
  }
  return filled;
}

}  // namespace

void Pipeline::fit(const Table& table, const PipelineOptions& options) {
  Table prototype;
  std::vector<std::unique_ptr<ColumnTransformer>> transformers;
  std::vector<char> indicator;
  std::set<std::string> names;
  for (const Column& column : table.columns) {
    if (!names.insert(column.name).second)
      throw Error(ErrorKind::Input, "the table has two columns named '" + column.name + "'");
    auto transformer = TransformerRegistry::instance().create(transformer_for(column, options), options);
    transformer->fit(column);
    transformers.push_back(std::move(transformer));
    prototype.columns.push_back(column.empty_like());
    indicator.push_back(options.model_missing && column.missing_count() > 0 ? 1 : 0);
  }
  prototype_ = std::move(prototype);
  transformers_ = std::move(transformers);
  indicator_ = std::move(indicator);
}

Matrix Pipeline::transform(const Table& table) const {
  Matrix out(table.rows(), width());
  int64_t offset = 0;
  for (size_t i = 0; i < transformers_.size(); ++i) {
    const std::string& name = prototype_.columns[i].name;
    const int64_t index = table.find(name);
    if (index < 0)
      throw Error(ErrorKind::Input, "the table has no column '" + name + "', which the model was fitted on");
    const Column& column = table.columns[static_cast<size_t>(index)];
    if (!indicator_[i]) {
      transformers_[i]->transform(column, out, offset);
      offset += transformers_[i]->width();
      continue;
    }
    transformers_[i]->transform(fill_missing(column, i), out, offset);
    offset += transformers_[i]->width();
    for (int64_t r = 0; r < out.rows; ++r) out(r, offset) = column.is_missing(r) ? 1.0f : -1.0f;
    ++offset;
  }
  return out;
}

Table Pipeline::inverse(const Matrix& model_rows, Rng& rng) const {
  if (model_rows.cols != width())
    throw Error(ErrorKind::ModelFile, "the model produces " + std::to_string(model_rows.cols) +
                                          " columns, but its transformers expect " + std::to_string(width()));
  Table table;
  int64_t offset = 0;
  for (size_t i = 0; i < transformers_.size(); ++i) {
    table.columns.push_back(transformers_[i]->inverse(model_rows, offset, rng));
    offset += transformers_[i]->width();
    if (!indicator_[i]) continue;
    Column& column = table.columns.back();
    for (int64_t r = 0; r < model_rows.rows; ++r) {
      if (!(model_rows(r, offset) > 0.0f)) continue;  // NaN counts as present
      if (column.is_categorical())
        column.codes[static_cast<size_t>(r)] = kMissingCode;
      else
        column.values[static_cast<size_t>(r)] = kMissingValue;
    }
    ++offset;
  }
  return table;
}

int64_t Pipeline::width() const {
  int64_t total = 0;
  for (size_t i = 0; i < transformers_.size(); ++i) total += transformers_[i]->width() + indicator_[i];
  return total;
}

std::vector<ModelColumn> Pipeline::layout() const {
  std::vector<ModelColumn> columns;
  for (size_t i = 0; i < transformers_.size(); ++i) {
    for (int j = 0; j < transformers_[i]->width(); ++j) columns.push_back(transformers_[i]->describe(j));
    if (indicator_[i]) columns.push_back({ModelColumnKind::Categorical, 2, prototype_.columns[i].name, true});
  }
  return columns;
}

bool Pipeline::has_missing_indicator(size_t column) const { return column < indicator_.size() && indicator_[column]; }

std::string Pipeline::save() const {
  nlohmann::json columns = nlohmann::json::array();
  for (size_t i = 0; i < transformers_.size(); ++i) {
    columns.push_back({{"name", prototype_.columns[i].name},
                       {"transformer", transformers_[i]->name()},
                       {"state", transformers_[i]->save_state()}});
    if (indicator_[i]) columns.back()["missing_indicator"] = true;
  }
  const nlohmann::json state = {{"format", kFormat}, {"version", kVersion}, {"columns", columns}};
  return state.dump();
}

void Pipeline::load(const std::string& text) {
  const nlohmann::json state = parse_state(text, "of the pipeline");
  const auto format = state.find("format");
  const auto version = state.find("version");
  if (format == state.end() || *format != kFormat)
    throw Error(ErrorKind::ModelFile, "the transformer state is not a synthtab pipeline");
  if (version == state.end() || *version != kVersion)
    throw Error(ErrorKind::ModelFile, "the pipeline state has an unsupported format version " +
                                          (version == state.end() ? "(none)" : version->dump()) +
                                          "; this synthtab reads version " + std::to_string(kVersion));
  const auto columns = state.find("columns");
  if (columns == state.end() || !columns->is_array()) throw state_error("of the pipeline", "has no list of columns");

  Table prototype;
  std::vector<std::unique_ptr<ColumnTransformer>> transformers;
  std::vector<char> indicator;
  std::set<std::string> names;
  for (const auto& entry : *columns) {
    if (!entry.is_object()) throw state_error("of the pipeline", "has a column that is no object");
    const auto name = entry.find("name");
    const auto kind = entry.find("transformer");
    const auto column_state = entry.find("state");
    if (name == entry.end() || !name->is_string() || kind == entry.end() || !kind->is_string() ||
        column_state == entry.end() || !column_state->is_object() || !column_state->contains("column"))
      throw state_error("of the pipeline", "has a column without name, transformer or state");
    const std::string what = "of column '" + name->get<std::string>() + "'";
    std::unique_ptr<ColumnTransformer> transformer;
    try {
      transformer = TransformerRegistry::instance().create(kind->get<std::string>(), {});
    } catch (const Error&) {
      throw state_error(what, "names an unknown transformer '" + kind->get<std::string>() + "'");
    }
    transformer->load_state(*column_state);
    Column column = prototype_from_json(column_state->at("column"));
    if (column.name != name->get<std::string>())
      throw state_error(what, "holds the state of column '" + column.name + "'");
    if (!names.insert(column.name).second) throw state_error(what, "appears twice");
    // Absent in files written before missing values were modelled: no indicator.
    const auto flag = entry.find("missing_indicator");
    if (flag != entry.end() && !flag->is_boolean())
      throw state_error(what, "has a 'missing_indicator' that is not true or false");
    indicator.push_back(flag != entry.end() && flag->get<bool>() ? 1 : 0);
    prototype.columns.push_back(std::move(column));
    transformers.push_back(std::move(transformer));
  }
  prototype_ = std::move(prototype);
  transformers_ = std::move(transformers);
  indicator_ = std::move(indicator);
}

}  // namespace synthtab
