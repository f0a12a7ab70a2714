#include "synthtab/transform/pipeline.hpp"

#include <set>

#include "synthtab/core/error.hpp"
#include "synthtab/transform/categorical_transformer.hpp"
#include "synthtab/transform/constant_transformer.hpp"
#include "synthtab/transform/prototype_json.hpp"
#include "synthtab/transform/quantile_transformer.hpp"

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
    const bool same = column.is_categorical() ? column.codes[a] == column.codes[b]
                                              : column.values[a] == column.values[b];
    if (!same) return 2;
  }
  return count;
}

const char* transformer_for(const Column& column) {
  const int distinct = distinct_values_up_to_two(column);
  if (distinct == 0)
    throw Error(ErrorKind::Input, "column '" + column.name + "' has no values to learn from");
  if (distinct == 1) return "constant";
  return column.is_categorical() ? "categorical" : "quantile";
}

}  // namespace

std::unique_ptr<ColumnTransformer> make_transformer(const std::string& name,
                                                    const PipelineOptions& options) {
  if (name == "quantile")
    return std::make_unique<QuantileTransformer>(options.n_quantiles, options.quantile_share);
  if (name == "categorical") return std::make_unique<CategoricalTransformer>();
  if (name == "constant") return std::make_unique<ConstantTransformer>();
  throw usage_error("unknown transformer '" + name + "'; known: quantile, categorical, constant");
}

void Pipeline::fit(const Table& table, const PipelineOptions& options) {
  Table prototype;
  std::vector<std::unique_ptr<ColumnTransformer>> transformers;
  std::set<std::string> names;
  for (const Column& column : table.columns) {
    if (!names.insert(column.name).second)
      throw Error(ErrorKind::Input, "the table has two columns named '" + column.name + "'");
    auto transformer = make_transformer(transformer_for(column), options);
    transformer->fit(column);
    transformers.push_back(std::move(transformer));
    prototype.columns.push_back(column.empty_like());
  }
  prototype_ = std::move(prototype);
  transformers_ = std::move(transformers);
}

Matrix Pipeline::transform(const Table& table) const {
  Matrix out(table.rows(), width());
  int64_t offset = 0;
  for (size_t i = 0; i < transformers_.size(); ++i) {
    const std::string& name = prototype_.columns[i].name;
    const int64_t index = table.find(name);
    if (index < 0)
      throw Error(ErrorKind::Input,
                  "the table has no column '" + name + "', which the model was fitted on");
    transformers_[i]->transform(table.columns[static_cast<size_t>(index)], out, offset);
    offset += transformers_[i]->width();
  }
  return out;
}

Table Pipeline::inverse(const Matrix& model_rows, Rng& rng) const {
  if (model_rows.cols != width())
    throw Error(ErrorKind::ModelFile, "the model produces " + std::to_string(model_rows.cols) +
                                          " columns, but its transformers expect " +
                                          std::to_string(width()));
  Table table;
  int64_t offset = 0;
  for (const auto& transformer : transformers_) {
    table.columns.push_back(transformer->inverse(model_rows, offset, rng));
    offset += transformer->width();
  }
  return table;
}

int64_t Pipeline::width() const {
  int64_t total = 0;
  for (const auto& transformer : transformers_) total += transformer->width();
  return total;
}

std::vector<ModelColumn> Pipeline::layout() const {
  std::vector<ModelColumn> columns;
  for (const auto& transformer : transformers_)
    for (int j = 0; j < transformer->width(); ++j) columns.push_back(transformer->describe(j));
  return columns;
}

std::string Pipeline::save() const {
  nlohmann::json columns = nlohmann::json::array();
  for (size_t i = 0; i < transformers_.size(); ++i) {
    columns.push_back({{"name", prototype_.columns[i].name},
                       {"transformer", transformers_[i]->name()},
                       {"state", nlohmann::json::parse(transformers_[i]->save())}});
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
                                          "; this synthtab reads version " +
                                          std::to_string(kVersion));
  const auto columns = state.find("columns");
  if (columns == state.end() || !columns->is_array())
    throw state_error("of the pipeline", "has no list of columns");

  Table prototype;
  std::vector<std::unique_ptr<ColumnTransformer>> transformers;
  std::set<std::string> names;
  for (const auto& entry : *columns) {
    if (!entry.is_object()) throw state_error("of the pipeline", "has a column that is no object");
    const auto name = entry.find("name");
    const auto kind = entry.find("transformer");
    const auto column_state = entry.find("state");
    if (name == entry.end() || !name->is_string() || kind == entry.end() || !kind->is_string() ||
        column_state == entry.end() || !column_state->is_object() ||
        !column_state->contains("column"))
      throw state_error("of the pipeline", "has a column without name, transformer or state");
    const std::string what = "of column '" + name->get<std::string>() + "'";
    std::unique_ptr<ColumnTransformer> transformer;
    try {
      transformer = make_transformer(kind->get<std::string>(), {});
    } catch (const Error&) {
      throw state_error(what, "names an unknown transformer '" + kind->get<std::string>() + "'");
    }
    transformer->load(column_state->dump());
    Column column = prototype_from_json(column_state->at("column"));
    if (column.name != name->get<std::string>())
      throw state_error(what, "holds the state of column '" + column.name + "'");
    if (!names.insert(column.name).second) throw state_error(what, "appears twice");
    prototype.columns.push_back(std::move(column));
    transformers.push_back(std::move(transformer));
  }
  prototype_ = std::move(prototype);
  transformers_ = std::move(transformers);
}

}  // namespace synthtab
