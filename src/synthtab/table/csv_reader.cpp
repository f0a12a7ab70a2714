#include "synthtab/table/csv_reader.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <initializer_list>
#include <memory>
#include <optional>
#include <unordered_map>

#include "synthtab/core/error.hpp"
#include "synthtab/core/memory_limit.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {

namespace {

constexpr std::array<char, 4> kDelimiterCandidates = {',', ';', '\t', '|'};
constexpr int kSniffRecords = 50;
// Rows parsed before the column buffers are sized from the bytes they took so far.
constexpr int64_t kRowsBeforeReserve = 64;
constexpr int64_t kRowsBetweenSizeChecks = 65536;

std::string delimiter_name(char delimiter) {
  if (delimiter == '\t') return "TAB";
  return std::string("'") + delimiter + "'";
}

// 1-based column, in characters, of byte `pos` on the line that starts at byte `line_start`.
int64_t character_column(std::string_view text, size_t line_start, size_t pos) {
  int64_t column = 1;
  for (size_t i = line_start; i < pos && i < text.size(); ++i) {
    // UTF-8 continuation bytes do not start a character.
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return column;
}

struct EncodingProblem {
  size_t offset;
  std::string message;
};

// The first NUL byte or invalid UTF-8 sequence (overlong forms, surrogates, > U+10FFFF).
std::optional<EncodingProblem> find_encoding_problem(std::string_view text) {
  const auto* s = reinterpret_cast<const unsigned char*>(text.data());
  const size_t n = text.size();
  size_t i = 0;
  constexpr uint64_t kHighBits = 0x8080808080808080ull;
  constexpr uint64_t kOnes = 0x0101010101010101ull;
  while (i < n) {
    if (i + 8 <= n) {
      uint64_t word;
      std::memcpy(&word, s + i, 8);
      // Eight ASCII bytes, none of them NUL: the common case, skipped in one step.
      if ((word & kHighBits) == 0 && ((word - kOnes) & ~word & kHighBits) == 0) {
        i += 8;
        continue;
      }
    }
    const unsigned char c = s[i];
    if (c == 0) {
      return EncodingProblem{i, "NUL byte in the text (is this a binary or UTF-16 file?)"};
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    size_t length = 0;
    unsigned char low = 0x80, high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
      length = 2;
    } else if (c == 0xE0) {
      length = 3;
      low = 0xA0;
    } else if ((c >= 0xE1 && c <= 0xEC) || c == 0xEE || c == 0xEF) {
      length = 3;
    } else if (c == 0xED) {
      length = 3;
      high = 0x9F;
    } else if (c == 0xF0) {
      length = 4;
      low = 0x90;
    } else if (c >= 0xF1 && c <= 0xF3) {
      length = 4;
    } else if (c == 0xF4) {
      length = 4;
      high = 0x8F;
    }
    bool valid = length > 0 && i + length <= n && s[i + 1] >= low && s[i + 1] <= high;
    for (size_t k = 2; valid && k < length; ++k) valid = (s[i + k] & 0xC0) == 0x80;
    if (!valid) {
      char hex[8];
      std::snprintf(hex, sizeof hex, "0x%02X", c);
      return EncodingProblem{i, std::string("invalid UTF-8 (byte ") + hex + "); the file must be UTF-8 encoded"};
    }
    i += length;
  }
  return std::nullopt;
}

// Field counts of the first records when split by `delimiter`, honouring quotes.
std::vector<int> sniff_field_counts(std::string_view text, char delimiter) {
  std::vector<int> counts;
  const size_t n = text.size();
  size_t pos = 0;
  while (static_cast<int>(counts.size()) < kSniffRecords && pos < n) {
    if (text[pos] == '\n' || (text[pos] == '\r' && (pos + 1 == n || text[pos + 1] == '\n'))) {
      pos += text[pos] == '\r' ? 2 : 1;
      continue;
    }
    int fields = 1;
    while (pos < n) {
      if (text[pos] == '"') {
        ++pos;
        while (pos < n) {
          const size_t quote = text.find('"', pos);
          if (quote == std::string_view::npos) return counts;  // unterminated: sample ends
          pos = quote + 1;
          if (pos < n && text[pos] == '"') {
            ++pos;
            continue;
          }
          break;
        }
      }
      while (pos < n && text[pos] != delimiter && text[pos] != '\n') ++pos;
      if (pos < n && text[pos] == delimiter) {
        ++fields;
        ++pos;
        continue;
      }
      if (pos < n) ++pos;  // the newline
      break;
    }
    counts.push_back(fields);
  }
  return counts;
}

// The candidate whose field count is the same (> 1) on all sampled records, the larger count
// winning and ',' first on ties. When every candidate sees a one-field header, the file has a
// single column: a candidate absent from the sampled records is used (so a decimal comma does
// not split cells). Otherwise the candidate that agrees with its header count most often is
// used, so that the ragged row gets reported.
char sniff_delimiter(std::string_view text) {
  std::array<std::vector<int>, kDelimiterCandidates.size()> counts;
  for (size_t i = 0; i < kDelimiterCandidates.size(); ++i) {
    counts[i] = sniff_field_counts(text, kDelimiterCandidates[i]);
  }
  const auto all_equal = [](const std::vector<int>& values, int value) {
    return std::all_of(values.begin(), values.end(), [&](int v) { return v == value; });
  };

  char best = 0;
  int best_count = 1;
  bool single_column = true;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i].empty() || counts[i][0] < 2) continue;
    single_column = false;
    if (all_equal(counts[i], counts[i][0]) && counts[i][0] > best_count) {
      best = kDelimiterCandidates[i];
      best_count = counts[i][0];
    }
  }
  if (best != 0) return best;
  if (single_column) {
    for (size_t i = 0; i < counts.size(); ++i) {
      if (all_equal(counts[i], 1)) return kDelimiterCandidates[i];
    }
    return ',';
  }
  best = ',';
  int best_agreeing = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    if (counts[i].empty() || counts[i][0] < 2) continue;
    const auto agreeing = static_cast<int>(std::count(counts[i].begin(), counts[i].end(), counts[i][0]));
    if (agreeing > best_agreeing) {
      best = kDelimiterCandidates[i];
      best_agreeing = agreeing;
    }
  }
  return best;
}

// One pass over the bytes: fields are appended, unescaped, straight into the caller's buffer.
class Parser {
 public:
  enum class End { Field, Record, Input };

  Parser(std::string_view text, const std::string& source, char delimiter)
      : text_(text), source_(source), delimiter_(delimiter) {}

  bool at_end() const { return pos_ >= text_.size(); }
  int64_t line() const { return line_; }
  size_t position() const { return pos_; }
  int64_t column() const { return character_column(text_, line_start_, pos_); }
  // A place to report later; its column is counted only if an error needs it.
  struct Mark {
    int64_t line;
    size_t line_start;
    size_t pos;
  };
  Mark mark() const { return {line_, line_start_, pos_}; }
  int64_t column_of(const Mark& m) const { return character_column(text_, m.line_start, m.pos); }
  // Where the last field read ended (before its terminator).
  int64_t last_end_line() const { return last_end_line_; }
  int64_t last_end_column() const { return character_column(text_, last_end_line_start_, last_end_); }

  // Wholly empty lines are skipped, as pandas does (skip_blank_lines).
  void skip_blank_lines() {
    const size_t n = text_.size();
    while (pos_ < n) {
      if (text_[pos_] == '\n') {
        ++pos_;
      } else if (text_[pos_] == '\r' && (pos_ + 1 == n || text_[pos_ + 1] == '\n')) {
        pos_ += pos_ + 1 == n ? 1 : 2;
      } else {
        return;
      }
      start_line();
    }
  }

  // Appends the field at the cursor to `out` and moves past its terminator.
  End read_field(std::string& out) {
    const size_t n = text_.size();
    if (pos_ < n && text_[pos_] == '"') return read_quoted_field(out);
    const char* const begin = text_.data() + pos_;
    const char* const end = text_.data() + n;
    const char* p = skip_to_delimiter_or_newline(begin, end);
    const size_t stop = static_cast<size_t>(p - text_.data());
    size_t content_end = stop;
    if (p == end || *p == '\n') {
      // CRLF line ends: the CR is not part of the field.
      if (content_end > pos_ && text_[content_end - 1] == '\r') --content_end;
    }
    out.append(begin, content_end - pos_);
    mark_end(content_end);
    if (p == end) {
      pos_ = n;
      return End::Input;
    }
    pos_ = stop + 1;
    if (*p == delimiter_) return End::Field;
    start_line();
    return End::Record;
  }

 private:
  End read_quoted_field(std::string& out) {
    const size_t n = text_.size();
    // The column is worked out only for the message: counting it per field would make long
    // lines quadratic.
    const int64_t open_line = line_;
    const size_t open_line_start = line_start_;
    const size_t open_pos = pos_;
    ++pos_;
    for (;;) {
      const size_t quote = text_.find('"', pos_);
      if (quote == std::string_view::npos) {
        throw input_error(source_, open_line, character_column(text_, open_line_start, open_pos),
                          "unterminated quoted field: the quote opened here is never closed");
      }
      count_newlines(pos_, quote);
      out.append(text_.data() + pos_, quote - pos_);
      pos_ = quote + 1;
      if (pos_ < n && text_[pos_] == '"') {  // "" stands for one quote
        out.push_back('"');
        ++pos_;
        continue;
      }
      break;
    }
    mark_end(pos_);
    if (pos_ >= n) return End::Input;
    const char next = text_[pos_];
    if (next == delimiter_) {
      ++pos_;
      return End::Field;
    }
    if (next == '\n' || (next == '\r' && pos_ + 1 < n && text_[pos_ + 1] == '\n')) {
      pos_ += next == '\n' ? 1 : 2;
      start_line();
      return End::Record;
    }
    if (next == '\r' && pos_ + 1 == n) {
      pos_ = n;
      return End::Input;
    }
    throw input_error(source_, line_, column(),
                      "unexpected text after the closing quote of a field (expected " + delimiter_name(delimiter_) +
                          " or the end of the line; a quote inside a quoted field is written "
                          "as two quotes \"\")");
  }

  // Eight bytes at a time while none of them is the delimiter or '\n' (SWAR zero-byte test).
  const char* skip_to_delimiter_or_newline(const char* p, const char* end) const {
    constexpr uint64_t kOnes = 0x0101010101010101ull;
    constexpr uint64_t kHighBits = 0x8080808080808080ull;
    const uint64_t delimiters = kOnes * static_cast<unsigned char>(delimiter_);
    const uint64_t newlines = kOnes * static_cast<unsigned char>('\n');
    while (end - p >= 8) {
      uint64_t word;
      std::memcpy(&word, p, 8);
      const uint64_t a = word ^ delimiters;
      const uint64_t b = word ^ newlines;
      if ((((a - kOnes) & ~a) | ((b - kOnes) & ~b)) & kHighBits) break;
      p += 8;
    }
    while (p < end && *p != delimiter_ && *p != '\n') ++p;
    return p;
  }

  void count_newlines(size_t from, size_t to) {
    for (;;) {
      const void* hit = std::memchr(text_.data() + from, '\n', to - from);
      if (hit == nullptr) return;
      from = static_cast<size_t>(static_cast<const char*>(hit) - text_.data()) + 1;
      ++line_;
      line_start_ = from;
    }
  }

  void start_line() {
    ++line_;
    line_start_ = pos_;
  }

  void mark_end(size_t end) {
    last_end_ = end;
    last_end_line_ = line_;
    last_end_line_start_ = line_start_;
  }

  std::string_view text_;
  const std::string& source_;
  char delimiter_;
  size_t pos_ = 0;
  int64_t line_ = 1;
  size_t line_start_ = 0;
  size_t last_end_ = 0;
  int64_t last_end_line_ = 1;
  size_t last_end_line_start_ = 0;
};

std::string field_count_message(int64_t line, int64_t fields, size_t header_fields) {
  return "line " + std::to_string(line) + " has " + std::to_string(fields) + (fields == 1 ? " field" : " fields") +
         ", the header has " + std::to_string(header_fields);
}

void read_header(Parser& parser, const std::string& source, RawTable& table) {
  std::unordered_map<std::string, size_t> seen;
  for (;;) {
    const Parser::Mark start = parser.mark();
    std::string name;
    const Parser::End end = parser.read_field(name);
    const size_t index = table.names.size();
    if (trim(name).empty()) {
      // pandas writes its index column with an empty name (as in ROI.csv) and reads it back
      // as "Unnamed: 0"; any other unnamed column is a mistake worth reporting.
      if (index != 0) {
        throw input_error(source, start.line, parser.column_of(start),
                          "column " + std::to_string(index + 1) + " has an empty name");
      }
      name = "Unnamed: 0";
    }
    const auto [it, inserted] = seen.emplace(name, index);
    if (!inserted) {
      throw input_error(source, start.line, parser.column_of(start),
                        "column " + std::to_string(index + 1) + " is named \"" + name + "\", like column " +
                            std::to_string(it->second + 1) + "; column names must be unique");
    }
    table.names.push_back(std::move(name));
    if (end != Parser::End::Field) return;
  }
}

void reserve_from_sample(RawTable& table, size_t bytes_done, size_t bytes_total) {
  if (bytes_done == 0) return;
  const double scale = 1.1 * static_cast<double>(bytes_total) / static_cast<double>(bytes_done);
  const auto rows = static_cast<size_t>(scale * static_cast<double>(table.rows())) + 16;
  table.row_lines.reserve(rows);
  for (RawColumn& column : table.columns) {
    column.starts.reserve(rows + 1);
    column.bytes.reserve(static_cast<size_t>(scale * static_cast<double>(column.bytes.size())));
  }
}

void check_read_options(const CsvReadOptions& options) {
  for (char bad : {'"', '\n', '\r'}) {
    if (options.delimiter != 0 && options.delimiter == bad) {
      throw usage_error("the CSV delimiter cannot be a quote or a line break");
    }
  }
  if (options.decimal != 0 && options.decimal != '.' && options.decimal != ',') {
    throw usage_error(std::string("the decimal mark must be '.' or ',', not '") + options.decimal + "'");
  }
}

// Throws at the first NUL byte or invalid UTF-8 sequence, naming its line and column.
void check_encoding(std::string_view text, const std::string& source) {
  if (const auto problem = find_encoding_problem(text)) {
    const std::string_view before = text.substr(0, problem->offset);
    const int64_t line = 1 + static_cast<int64_t>(std::count(before.begin(), before.end(), '\n'));
    const size_t last_newline = before.rfind('\n');
    const size_t line_start = last_newline == std::string_view::npos ? 0 : last_newline + 1;
    throw input_error(source, line, character_column(text, line_start, problem->offset), problem->message);
  }
}

// Reads one record's fields into the columns; a record with fewer or more fields than the header
// is an error naming the place and the count (the rest of a long record read to count them).
void read_record(Parser& parser, RawTable& table, const std::string& source, std::string& extra_field) {
  const size_t width = table.names.size();
  const int64_t record_line = parser.line();
  table.row_lines.push_back(record_line);
  for (size_t c = 0; c < width; ++c) {
    RawColumn& column = table.columns[c];
    const Parser::End end = parser.read_field(column.bytes);
    column.starts.push_back(column.bytes.size());
    if (c + 1 < width && end != Parser::End::Field) {
      throw input_error(source, parser.last_end_line(), parser.last_end_column(),
                        field_count_message(record_line, static_cast<int64_t>(c + 1), width));
    }
    if (c + 1 == width && end == Parser::End::Field) {
      const int64_t line = parser.line();
      const int64_t column_number = parser.column();
      auto fields = static_cast<int64_t>(width);
      Parser::End rest = Parser::End::Field;
      while (rest == Parser::End::Field) {
        rest = parser.read_field(extra_field);
        ++fields;
      }
      throw input_error(source, line, column_number, field_count_message(record_line, fields, width));
    }
  }
}

// After kRowsBeforeReserve rows: the size check on the rows the whole file will hold (estimated
// from the bytes read so far), then buffers reserved on that estimate; every
// kRowsBetweenSizeChecks rows: the size check on the rows read.
void check_size_while_reading(RawTable& table, const CsvReadOptions& options, size_t data_bytes, size_t bytes_done) {
  const auto width = static_cast<int64_t>(table.names.size());
  if (table.rows() == kRowsBeforeReserve) {
    if (options.size_check && bytes_done > 0)
      options.size_check(static_cast<int64_t>(static_cast<double>(table.rows()) * static_cast<double>(data_bytes) /
                                              static_cast<double>(bytes_done)),
                         width, true);
    reserve_from_sample(table, bytes_done, data_bytes);
  }
  if (options.size_check && table.rows() % kRowsBetweenSizeChecks == 0) options.size_check(table.rows(), width, false);
}

}  // namespace

RawTable parse_csv(std::string_view text, const std::string& source, const CsvReadOptions& options) {
  // Classic Mac OS files end their lines with a carriage return alone: read them as line feeds
  // (a file with no line feed at all would otherwise be one header line and no data rows).
  if (text.find('\n') == std::string_view::npos && text.find('\r') != std::string_view::npos) {
    std::string lines(text);
    std::replace(lines.begin(), lines.end(), '\r', '\n');
    return parse_csv(lines, source, options);
  }
  check_read_options(options);
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  check_encoding(text, source);

  RawTable table;
  table.source = source;
  table.decimal = options.decimal;
  table.delimiter = options.delimiter != 0 ? options.delimiter : sniff_delimiter(text);

  Parser parser(text, source, table.delimiter);
  parser.skip_blank_lines();
  if (parser.at_end()) {
    throw input_error(source, 1, 1, "the file is empty; expected a header row of column names");
  }
  read_header(parser, source, table);
  const size_t width = table.names.size();
  table.columns.resize(width);

  const size_t data_begin = parser.position();
  std::string extra_field;
  for (;;) {
    parser.skip_blank_lines();
    if (parser.at_end()) break;
    read_record(parser, table, source, extra_field);
    check_size_while_reading(table, options, text.size() - data_begin, parser.position() - data_begin);
  }
  if (table.rows() == 0) {
    throw input_error(source, parser.line(), 1, "the file has a header but no data rows");
  }
  if (options.size_check) options.size_check(table.rows(), static_cast<int64_t>(width), false);
  return table;
}

RawTable read_csv(const std::string& path, const CsvReadOptions& options) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    throw input_error(path, 0, 0, std::string("cannot open the file: ") + std::strerror(errno));
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};

  struct stat info {};
  if (::fstat(fd, &info) != 0) {
    throw input_error(path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno));
  }
  if (S_ISDIR(info.st_mode)) throw input_error(path, 0, 0, "is a directory, not a CSV file");

  // One read to the end. (A regular file was once mapped instead: when another process truncated
  // it during the parse, touching the lost pages raised SIGBUS and killed the run. Read, a file
  // that shrinks is simply shorter; the copy costs what the mapped, populated pages cost.)
  const bool regular = S_ISREG(info.st_mode);
  // An uninitialised buffer: zero-filling hundreds of MB before reading over them cost a fifth
  // of the read.
  size_t capacity = info.st_size > 0 ? static_cast<size_t>(info.st_size) + 1 : size_t{1} << 16;
  std::unique_ptr<char[]> buffer(new char[capacity]);
  size_t used = 0;
  for (;;) {
    if (used == capacity) {
      std::unique_ptr<char[]> bigger(new char[capacity * 2]);
      std::memcpy(bigger.get(), buffer.get(), used);
      buffer = std::move(bigger);
      capacity *= 2;
    }
    const ssize_t got = ::read(fd, buffer.get() + used, capacity - used);
    if (got < 0) {
      if (errno == EINTR) continue;
      throw input_error(path, 0, 0, std::string("cannot read the file: ") + std::strerror(errno));
    }
    if (got == 0) break;
    used += static_cast<size_t>(got);
    if (!regular && options.memory_limit > 0 && used > options.memory_limit / 2)
      throw Error(ErrorKind::Resource, path + ": read " + format_bytes(static_cast<double>(used)) +
                                           " from this pipe or device without reaching its end; the limit is " +
                                           format_bytes(static_cast<double>(options.memory_limit)) +
                                           " (`max_memory`), half of it for the text");
  }
  const std::string_view text(buffer.get(), used);
  return parse_csv(text, path, options);
}

}  // namespace synthtab
