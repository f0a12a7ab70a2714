#pragma once
// Reads CSV into columns of raw text cells; typing happens in prepare/.
// RFC 4180 quoting (embedded delimiters, doubled quotes, newlines inside quotes), delimiter
// sniffing among , ; TAB |, UTF-8 with or without BOM, LF or CRLF line ends, one header row.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace synthtab {

struct CsvReadOptions {
  char delimiter = 0;  // 0 = sniff from the first lines
  char decimal = 0;    // 0 = decide from the data ('.' or ','); recorded in RawTable::decimal
  // Called with the table's size while it is read, so that a memory limit can stop a table too
  // large before it is all in memory: once with the rows estimated from the first rows
  // (estimated = true), then with the rows read so far every 65,536 rows and at the end.
  // It may throw. Unset: no check.
  std::function<void(int64_t rows, int64_t cols, bool estimated)> size_check;
  // The memory limit (bytes; 0: none). An input without a size (a pipe, /dev/zero) is read whole
  // before it is parsed: more than half of this stops the read with Error(Resource).
  uint64_t memory_limit = 0;
};

// One column's cells, stored contiguously: cell i is bytes[starts[i] .. starts[i+1]).
struct RawColumn {
  std::string bytes;
  std::vector<uint64_t> starts{0};
  int64_t size() const { return static_cast<int64_t>(starts.size()) - 1; }
  std::string_view cell(int64_t row) const {
    const auto b = starts[static_cast<size_t>(row)];
    return std::string_view(bytes).substr(b, starts[static_cast<size_t>(row) + 1] - b);
  }
  void push(std::string_view text) {
    bytes.append(text);
    starts.push_back(bytes.size());
  }
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

// Throws Error(Input) naming file, line and column for: a missing or unreadable file, an empty
// file, a header only, a row with a different number of fields than the header, an unterminated
// quote, bytes after a closing quote, invalid UTF-8, NUL bytes, empty or duplicate column names.
RawTable read_csv(const std::string& path, const CsvReadOptions& options = {});
RawTable parse_csv(std::string_view text, const std::string& source, const CsvReadOptions& options = {});

}  // namespace synthtab
