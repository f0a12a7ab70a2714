#pragma once
// Reads CSV into columns of raw text cells; typing happens in prepare/.
// RFC 4180 quoting (embedded delimiters, doubled quotes, newlines inside quotes), delimiter
// sniffing among , ; TAB |, UTF-8 with or without BOM, LF or CRLF line ends, one header row.
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "synthtab/table/raw_table.hpp"

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

// Throws Error(Input) naming file, line and column for: a missing or unreadable file, an empty
// file, a header only, a row with a different number of fields than the header, an unterminated
// quote, bytes after a closing quote, invalid UTF-8, NUL bytes, empty or duplicate column names.
RawTable read_csv(const std::string& path, const CsvReadOptions& options = {});
RawTable parse_csv(std::string_view text, const std::string& source, const CsvReadOptions& options = {});

}  // namespace synthtab
