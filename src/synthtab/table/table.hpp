#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "synthtab/table/column.hpp"

namespace synthtab {

// Columns of equal length, in the input's order.
struct Table {
  std::vector<Column> columns;

  int64_t rows() const { return columns.empty() ? 0 : columns.front().size(); }
  int64_t cols() const { return static_cast<int64_t>(columns.size()); }
  // Index of the column named `name`, or -1.
  int64_t find(const std::string& name) const;
  // Throws Error(Usage) naming the column and listing the table's columns when absent.
  const Column& column(const std::string& name) const;
  // The rows [first, first + count) of every column.
  Table slice(int64_t first, int64_t count) const;
  // The rows at `rows` (any order, repeats allowed) of every column.
  Table take(const std::vector<int64_t>& rows) const;
  // Appends the rows of `other` (same schema) to this table.
  void append(const Table& other);
};

}  // namespace synthtab
