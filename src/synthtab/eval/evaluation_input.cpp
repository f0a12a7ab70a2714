#include "synthtab/eval/evaluation_input.hpp"

#include <algorithm>

#include "synthtab/core/error.hpp"
#include "synthtab/prepare/infer_schema.hpp"

namespace synthtab::eval {
namespace {

std::string quoted(const std::string& text) {
  std::string out(1, '"');
  out.append(text).push_back('"');
  return out;
}

}  // namespace

EvaluationInput read_evaluation_pair(const std::string& real_path, const std::string& synthetic_path,
                                     const CsvReadOptions& csv, const SchemaOverrides& overrides) {
  const RawTable raw_real = read_csv(real_path, csv);
  const Schema real_schema = infer_schema(raw_real, overrides);
  const RawTable raw_synthetic = read_csv(synthetic_path, csv);
  EvaluationInput out;

  std::vector<std::string> used;  // real columns both tables must have
  for (const auto& column : real_schema.columns) {
    if (column.role == ColumnRole::Id) {
      out.notes.push_back("Column " + quoted(column.name) + " left out: " + column.reason + ".");
    } else if (column.role == ColumnRole::Dropped && !column.forced) {
      throw Error(ErrorKind::Input, real_path + ": column " + quoted(column.name) + " has no values (" +
                                        column.reason + "); drop it with --drop to compare the rest");
    } else if (column.role != ColumnRole::Dropped) {
      used.push_back(column.name);
    }
  }
  // The synthetic file is read with the real file's types, column by column, by name.
  Schema synthetic_schema;
  synthetic_schema.delimiter = raw_synthetic.delimiter;
  synthetic_schema.decimal = csv.decimal != 0 ? csv.decimal : infer_schema(raw_synthetic).decimal;
  for (const auto& name : raw_synthetic.names) {
    const auto it = std::find_if(real_schema.columns.begin(), real_schema.columns.end(),
                                 [&](const ColumnSchema& c) { return c.name == name; });
    if (it == real_schema.columns.end())
      throw Error(ErrorKind::Input, synthetic_path + ": column " + quoted(name) + " is not a column of " + real_path);
    ColumnSchema spec = *it;
    if (std::find(used.begin(), used.end(), name) == used.end()) spec.role = ColumnRole::Dropped;
    synthetic_schema.columns.push_back(spec);
  }
  for (const auto& name : used)
    if (std::find(raw_synthetic.names.begin(), raw_synthetic.names.end(), name) == raw_synthetic.names.end())
      throw Error(ErrorKind::Input, synthetic_path + ": has no column " + quoted(name) + ", which " + real_path + " has");
  out.real = to_table(raw_real, real_schema);
  out.synthetic = to_table(raw_synthetic, synthetic_schema);
  return out;
}

}  // namespace synthtab::eval
