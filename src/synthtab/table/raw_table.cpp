#include "synthtab/table/raw_table.hpp"

#include <charconv>

#include "synthtab/table/value_parse.hpp"

namespace synthtab {

RawColumn RawColumn::of_doubles(const double* values, int64_t size, const bool* missing) {
  return numbers_view(values, nullptr, size, missing);
}

RawColumn RawColumn::of_integers(const int64_t* values, int64_t size, const bool* missing) {
  return numbers_view(nullptr, values, size, missing);
}

RawColumn RawColumn::numbers_view(const double* doubles, const int64_t* integers, int64_t size, const bool* missing) {
  RawColumn column;
  column.doubles_ = doubles;
  column.integers_ = integers;
  column.missing_ = missing;
  column.number_count_ = size;
  return column;
}

std::string RawColumn::text(int64_t row) const {
  if (!holds_numbers()) return std::string(cell(row));
  if (missing_number(row)) return "";
  if (doubles_ != nullptr) return format_double(doubles_[static_cast<size_t>(row)]);
  char buffer[24];
  const auto end = std::to_chars(buffer, buffer + sizeof buffer, integers_[static_cast<size_t>(row)]).ptr;
  return std::string(buffer, end);
}

RawColumn RawColumn::as_text() const {
  if (!holds_numbers()) return *this;
  RawColumn out;
  out.starts.reserve(static_cast<size_t>(size()) + 1);
  for (int64_t r = 0; r < size(); ++r) out.push(text(r));
  return out;
}

}  // namespace synthtab
