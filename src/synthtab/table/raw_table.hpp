#pragma once
// A table as read, before typing: text cells from a CSV, or numbers viewed in a caller's memory
// (a data frame's arrays). Typing happens in prepare/.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace synthtab {

// One column. A text column stores its cells contiguously: cell i is bytes[starts[i] ..
// starts[i+1]). A number column views numbers the caller owns and keeps alive while the table
// is used: prepare/ reads them in place, so they are neither copied nor turned into text and
// parsed back. Its cells read as the text format_double (or, for integers, the decimal digits)
// gives them, so a frame's numbers type and label exactly as the same numbers read from a CSV.
struct RawColumn {
  std::string bytes;
  std::vector<uint64_t> starts{0};

  static RawColumn of_doubles(const double* values, int64_t size, const bool* missing = nullptr);  // NaN = missing
  static RawColumn of_integers(const int64_t* values, int64_t size, const bool* missing = nullptr);

  bool holds_numbers() const { return doubles_ != nullptr || integers_ != nullptr; }
  int64_t size() const { return holds_numbers() ? number_count_ : static_cast<int64_t>(starts.size()) - 1; }
  // Text columns only.
  std::string_view cell(int64_t row) const {
    const auto b = starts[static_cast<size_t>(row)];
    return std::string_view(bytes).substr(b, starts[static_cast<size_t>(row) + 1] - b);
  }
  void push(std::string_view text) {
    bytes.append(text);
    starts.push_back(bytes.size());
  }
  // Number columns only.
  bool missing_number(int64_t row) const {
    const auto r = static_cast<size_t>(row);
    return (missing_ != nullptr && missing_[r]) || (doubles_ != nullptr && doubles_[r] != doubles_[r]);
  }
  double number(int64_t row) const {
    const auto r = static_cast<size_t>(row);
    return doubles_ != nullptr ? doubles_[r] : static_cast<double>(integers_[r]);
  }
  // Any column: the cell as text; "" for a missing number.
  std::string text(int64_t row) const;
  // The column as text cells (for the rare paths that read numbers as text: dates, messages).
  RawColumn as_text() const;

 private:
  static RawColumn numbers_view(const double* doubles, const int64_t* integers, int64_t size, const bool* missing);

  const double* doubles_ = nullptr;
  const int64_t* integers_ = nullptr;
  const bool* missing_ = nullptr;
  int64_t number_count_ = 0;
};

struct RawTable {
  std::string source;              // file name, for messages
  std::vector<std::string> names;  // header cells, in order
  std::vector<RawColumn> columns;  // one per header cell
  std::vector<int64_t> row_lines;  // 1-based line in the file where each data row starts
  char delimiter = ',';            // as used (forced or sniffed)
  char decimal = 0;                // forced mark, or 0 when prepare/ should decide

  int64_t rows() const { return static_cast<int64_t>(row_lines.size()); }
  int64_t line_of(int64_t row) const { return row_lines[static_cast<size_t>(row)]; }
};

}  // namespace synthtab
