#include "synthtab/eval/evaluation_input.hpp"

#include <algorithm>

#include "synthtab/core/error.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/magnitude.hpp"

namespace synthtab::eval {
namespace {

// The schema that reads `raw` with the real table's column types, by name; every `used` column
// must be there.
Schema schema_like_real(const RawTable& raw, const std::string& real_path, const Schema& real_schema,
                        const std::vector<std::string>& used) {
  const std::string& path = raw.source;
  Schema schema;
  schema.delimiter = raw.delimiter;
  schema.decimal = raw.decimal != 0 ? raw.decimal : infer_schema(raw).decimal;
  for (const auto& name : raw.names) {
    const auto it = std::find_if(real_schema.columns.begin(), real_schema.columns.end(),
                                 [&](const ColumnSchema& c) { return c.name == name; });
    if (it == real_schema.columns.end())
      throw Error(ErrorKind::Input, path + ": column " + in_quotes(name) + " is not a column of " + real_path);
    ColumnSchema spec = *it;
    if (std::find(used.begin(), used.end(), name) == used.end()) spec.role = ColumnRole::Dropped;
    schema.columns.push_back(spec);
  }
  for (const auto& name : used)
    if (std::find(raw.names.begin(), raw.names.end(), name) == raw.names.end())
      throw Error(ErrorKind::Input, path + ": has no column " + in_quotes(name) + ", which " + real_path + " has");
  return schema;
}

}  // namespace

EvaluationInput read_evaluation_pair(const std::string& real_path, const std::string& synthetic_path,
                                     const CsvReadOptions& csv, const SchemaOverrides& overrides) {
  return read_evaluation_files(real_path, synthetic_path, "", csv, overrides);
}

EvaluationInput read_evaluation_files(const std::string& real_path, const std::string& synthetic_path,
                                      const std::string& holdout_path, const CsvReadOptions& csv,
                                      const SchemaOverrides& overrides) {
  RawTable raw_real = read_csv(real_path, csv);
  RawTable raw_synthetic = read_csv(synthetic_path, csv);
  std::optional<RawTable> raw_holdout;
  if (!holdout_path.empty()) raw_holdout = read_csv(holdout_path, csv);
  return evaluation_input(raw_real, raw_synthetic, raw_holdout ? &*raw_holdout : nullptr, overrides);
}

EvaluationInput evaluation_input(const RawTable& raw_real, const RawTable& raw_synthetic, const RawTable* raw_holdout,
                                 const SchemaOverrides& overrides) {
  const std::string& real_path = raw_real.source;
  const Schema real_schema = infer_schema(raw_real, overrides);
  EvaluationInput out;

  std::vector<std::string> used;  // real columns the other tables must have
  for (const auto& column : real_schema.columns) {
    if (column.role == ColumnRole::Id) {
      out.notes.push_back("Column " + in_quotes(column.name) + " left out: " + column.reason + ".");
    } else if (column.role == ColumnRole::Dropped && !column.forced) {
      throw Error(ErrorKind::Input, real_path + ": column " + in_quotes(column.name) + " has no values (" +
                                        column.reason + "); drop it with `drop` to compare the rest");
    } else if (column.role != ColumnRole::Dropped) {
      used.push_back(column.name);
    }
  }
  // The synthetic (and holdout) table is read with the real table's types, column by column, by
  // name. Every table's columns are checked before any cell is read, then the cells table by table.
  const Schema synthetic_schema = schema_like_real(raw_synthetic, real_path, real_schema, used);
  std::optional<Schema> holdout_schema;
  if (raw_holdout) holdout_schema = schema_like_real(*raw_holdout, real_path, real_schema, used);
  out.real = to_table(raw_real, real_schema);
  out.synthetic = to_table(raw_synthetic, synthetic_schema);
  if (raw_holdout) out.holdout = to_table(*raw_holdout, *holdout_schema);
  const std::string step = "the checks square values (variances, distances)";
  check_squarable(out.real, raw_real, real_path, step);
  check_squarable(out.synthetic, raw_synthetic, raw_synthetic.source, step);
  if (raw_holdout) check_squarable(*out.holdout, *raw_holdout, raw_holdout->source, step);
  return out;
}

}  // namespace synthtab::eval
