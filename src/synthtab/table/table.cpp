#include "synthtab/table/table.hpp"

#include "synthtab/core/error.hpp"

namespace synthtab {

int64_t Table::find(const std::string& name) const {
  for (size_t i = 0; i < columns.size(); ++i)
    if (columns[i].name == name) return static_cast<int64_t>(i);
  return -1;
}

const Column& Table::column(const std::string& name) const {
  const int64_t index = find(name);
  if (index < 0) {
    std::string names;
    for (const auto& c : columns) {
      names.append(names.empty() ? "'" : ", '").append(c.name).append("'");
    }
    throw usage_error("no column named '" + name + "'; the columns are " + names);
  }
  return columns[static_cast<size_t>(index)];
}

Table Table::slice(int64_t first, int64_t count) const {
  Table out;
  out.columns.reserve(columns.size());
  for (const auto& c : columns) {
    Column part = c.empty_like();
    if (c.is_categorical())
      part.codes.assign(c.codes.begin() + first, c.codes.begin() + first + count);
    else
      part.values.assign(c.values.begin() + first, c.values.begin() + first + count);
    out.columns.push_back(std::move(part));
  }
  return out;
}

Table Table::take(const std::vector<int64_t>& rows) const {
  Table out;
  out.columns.reserve(columns.size());
  for (const auto& column : columns) {
    Column part = column.empty_like();
    for (int64_t r : rows) {
      if (column.is_categorical())
        part.codes.push_back(column.codes[static_cast<size_t>(r)]);
      else
        part.values.push_back(column.values[static_cast<size_t>(r)]);
    }
    out.columns.push_back(std::move(part));
  }
  return out;
}

void Table::append(const Table& other) {
  if (columns.empty()) {
    *this = other;
    return;
  }
  for (size_t i = 0; i < columns.size(); ++i) {
    auto& c = columns[i];
    const auto& o = other.columns[i];
    if (c.is_categorical())
      c.codes.insert(c.codes.end(), o.codes.begin(), o.codes.end());
    else
      c.values.insert(c.values.end(), o.values.begin(), o.values.end());
  }
}

}  // namespace synthtab
