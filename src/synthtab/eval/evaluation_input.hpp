#pragma once
// Reads a real and a synthetic CSV into two tables typed alike: the real file's inferred types
// (and the user's overrides) decide how both are read, so "Year" is categorical in both even if
// the synthetic file alone would look different.
#include <optional>
#include <string>
#include <vector>

#include "synthtab/prepare/schema.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::eval {

struct EvaluationInput {
  Table real;
  Table synthetic;
  std::optional<Table> holdout;    // real rows the generator never saw (`holdout`)
  std::vector<std::string> notes;  // columns left out, and why
};

// ID columns of the real file are left out of both (with a note). Throws Error(Input) naming
// the files when the columns differ, a real column has no values, or a synthetic cell does not
// read as its column's type (file, line, column).
EvaluationInput read_evaluation_pair(const std::string& real_path, const std::string& synthetic_path,
                                     const CsvReadOptions& csv = {}, const SchemaOverrides& overrides = {});
// The same, plus a holdout file (empty path = none) read exactly as the synthetic one is: the
// same errors, naming the holdout file.
EvaluationInput read_evaluation_files(const std::string& real_path, const std::string& synthetic_path,
                                      const std::string& holdout_path, const CsvReadOptions& csv = {},
                                      const SchemaOverrides& overrides = {});

// The same for tables already split into text cells (a front end's data frames), each named by
// its `source` in messages; `holdout` may be null.
EvaluationInput evaluation_input(const RawTable& real, const RawTable& synthetic, const RawTable* holdout,
                                 const SchemaOverrides& overrides = {});

}  // namespace synthtab::eval
