#pragma once
// Writes a Table as CSV: the columns in order, integers as integers, floats in shortest
// round-trip form, categories as their labels, datetimes in their format, missing as empty;
// fields quoted only when needed. Files are written atomically (temp file + rename).
#include <string>

#include "synthtab/table/table.hpp"

namespace synthtab {

struct CsvWriteOptions {
  char delimiter = ',';
  char decimal = '.';  // ',' writes decimal commas (and quotes them when delimiter is ',')
};

// Appends the CSV text of the header line.
void append_csv_header(const Table& table, const CsvWriteOptions& options, std::string& out);
// Appends the CSV text of rows [first, first + count).
void append_csv_rows(const Table& table, int64_t first, int64_t count, const CsvWriteOptions& options,
                     std::string& out);
// Header plus all rows, written atomically to `path`.
void write_csv(const Table& table, const std::string& path, const CsvWriteOptions& options = {});

}  // namespace synthtab
