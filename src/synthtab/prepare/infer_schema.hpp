#pragma once
// Type inference on raw CSV text.
//
// Rules (documented in docs/preparation.md):
//  - missing markers are ignored when judging a column's type;
//  - all non-missing cells parse as numbers  -> numeric; whole numbers -> Integer, else Float;
//    the decimal mark is chosen for the whole file ('.' unless ',' parses strictly more cells);
//  - an Integer column with at most 10 distinct values, and at most half as many distinct values
//    as rows, -> Categorical (e.g. Year with 2021/2022; but Month 1..12 in 19 rows stays Integer);
//  - all non-missing cells parse with one known date format -> Datetime (the formats that read
//    the first cell are narrowed by each later cell; the first survivor wins);
//  - anything else -> Categorical (strings stay strings);
//  - ID (the seed's rule): not Float, more than 95 % of rows distinct and every non-missing value
//    unique; for numeric IDs only when the values are not skewed (skew <= 0.2) -> Id (dropped);
//  - one distinct non-missing value -> Constant.
//  User overrides win over every rule; naming a column that does not exist, or one column in two
//  overrides, is an Error(Usage).
#include "synthtab/prepare/schema.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

Schema infer_schema(const RawTable& raw, const SchemaOverrides& overrides = {});

// Converts raw text to typed columns following `schema` (dropped/ID columns are left out).
// A cell that does not parse as its column's type is an Error(Input) naming file, line, column,
// the cell text and the expected type.
Table to_table(const RawTable& raw, const Schema& schema);

// pandas' Series.skew(): the adjusted Fisher–Pearson coefficient G1 (NaN below 3 values).
double sample_skewness(const std::vector<double>& values);

}  // namespace synthtab
