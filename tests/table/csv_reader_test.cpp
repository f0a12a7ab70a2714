#include "synthtab/table/csv_reader.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

std::vector<std::string> cells_of(const RawColumn& column) {
  std::vector<std::string> out;
  for (int64_t r = 0; r < column.size(); ++r) out.emplace_back(column.cell(r));
  return out;
}

using Cells = std::vector<std::string>;

// The error parse_csv throws for `text`, which must be an input error.
std::string input_error_for(std::string_view text, const CsvReadOptions& options = {}) {
  try {
    parse_csv(text, "data.csv", options);
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Input);
    return error.what();
  }
  ADD_FAILURE() << "no error for: " << text;
  return "";
}

TEST(CsvReader, ReadsHeaderAndCells) {
  const RawTable t = parse_csv("a,b,c\n1,2,3\n4,5,6\n", "data.csv");
  EXPECT_EQ(t.source, "data.csv");
  EXPECT_EQ(t.names, (Cells{"a", "b", "c"}));
  ASSERT_EQ(t.columns.size(), 3u);
  EXPECT_EQ(t.rows(), 2);
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"1", "4"}));
  EXPECT_EQ(cells_of(t.columns[2]), (Cells{"3", "6"}));
  EXPECT_EQ(t.row_lines, (std::vector<int64_t>{2, 3}));
  EXPECT_EQ(t.delimiter, ',');
  EXPECT_EQ(t.decimal, 0);
}

TEST(CsvReader, SniffsEachDelimiter) {
  for (char delimiter : {',', ';', '\t', '|'}) {
    std::string text = "x#y#z\n1#2#3\n4#5#\n";
    for (char& c : text) c = c == '#' ? delimiter : c;
    const RawTable t = parse_csv(text, "data.csv");
    EXPECT_EQ(t.delimiter, delimiter);
    EXPECT_EQ(t.names, (Cells{"x", "y", "z"}));
    EXPECT_EQ(cells_of(t.columns[2]), (Cells{"3", ""}));
  }
}

TEST(CsvReader, SniffingIgnoresDelimitersInsideQuotes) {
  const RawTable t = parse_csv("\"a;b\",c\n\"1;2;3\",4\n\"x\",\"5;6\"\n", "data.csv");
  EXPECT_EQ(t.delimiter, ',');
  EXPECT_EQ(t.names, (Cells{"a;b", "c"}));
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"1;2;3", "x"}));
}

TEST(CsvReader, SniffingPrefersCommaOnTies) {
  const RawTable t = parse_csv("a,b;c\n1,2;3\n", "data.csv");
  EXPECT_EQ(t.delimiter, ',');
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"2;3"}));
}

TEST(CsvReader, SniffingPrefersTheConsistentDelimiter) {
  // Semicolons with decimal commas, as European spreadsheets write them.
  const RawTable t = parse_csv("name;cost;roas\nA;1,5;0,9\nB;2;1,25\n", "data.csv");
  EXPECT_EQ(t.delimiter, ';');
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"1,5", "2"}));
  // Both consistent: the one that splits into more fields wins.
  const RawTable u = parse_csv("name;cost, EUR;x\nA;1,5;3\n", "data.csv");
  EXPECT_EQ(u.delimiter, ';');
}

TEST(CsvReader, ForcedDelimiterIsUsed) {
  CsvReadOptions options;
  options.delimiter = ';';
  const RawTable t = parse_csv("a,b;c\n1,2;3\n", "data.csv", options);
  EXPECT_EQ(t.delimiter, ';');
  EXPECT_EQ(t.names, (Cells{"a,b", "c"}));
}

TEST(CsvReader, SingleColumnFile) {
  const RawTable t = parse_csv("value\n1.5\nx y\n\"\"\n", "data.csv");
  EXPECT_EQ(t.names, (Cells{"value"}));
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"1.5", "x y", ""}));
}

TEST(CsvReader, QuotedFields) {
  const RawTable t = parse_csv(
      "id,text\n"
      "1,\"a,b\"\n"
      "2,\"say \"\"hi\"\"\"\n"
      "3,\"two\nlines\"\n"
      "4,\"\"\n"
      "5,\"\"\"\"\n"
      "6,plain\"quote\n",
      "data.csv");
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"a,b", "say \"hi\"", "two\nlines", "", "\"", "plain\"quote"}));
  // The row after the two-line cell starts on line 6.
  EXPECT_EQ(t.row_lines, (std::vector<int64_t>{2, 3, 4, 6, 7, 8}));
}

TEST(CsvReader, Utf8BomIsStripped) {
  const RawTable t = parse_csv("\xEF\xBB\xBFname,n\nJos\xC3\xA9,1\n", "data.csv");
  EXPECT_EQ(t.names, (Cells{"name", "n"}));
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"Jos\xC3\xA9"}));
}

TEST(CsvReader, CrlfLineEnds) {
  const RawTable t = parse_csv("a,b\r\n1,\"x\r\ny\"\r\n3,4\r\n", "data.csv");
  EXPECT_EQ(t.names, (Cells{"a", "b"}));
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"1", "3"}));
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"x\r\ny", "4"}));  // kept inside quotes
  EXPECT_EQ(t.row_lines, (std::vector<int64_t>{2, 4}));
}

TEST(CsvReader, CarriageReturnOnlyLineEnds) {
  // Classic Mac OS line ends: the file has no line feed at all.
  const RawTable t = parse_csv("a,b\r1,\"x\ry\"\r3,4\r", "data.csv");
  EXPECT_EQ(t.names, (Cells{"a", "b"}));
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"1", "3"}));
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"x\ny", "4"}));  // inside quotes, a line break too
  EXPECT_EQ(t.row_lines, (std::vector<int64_t>{2, 4}));
}

TEST(CsvReader, NoFinalNewline) {
  const RawTable t = parse_csv("a,b\n1,2", "data.csv");
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"2"}));
  const RawTable u = parse_csv("a,b\r\n1,\"2\"", "data.csv");
  EXPECT_EQ(cells_of(u.columns[1]), (Cells{"2"}));
}

TEST(CsvReader, BlankLinesAreSkipped) {
  const RawTable t = parse_csv("\na,b\n1,2\n\n\r\n3,4\n\n\n", "data.csv");
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"1", "3"}));
  EXPECT_EQ(t.row_lines, (std::vector<int64_t>{3, 6}));
}

TEST(CsvReader, CellsAreRawMissingMarkersIncluded) {
  const RawTable t = parse_csv("a,b\nNA,\n?,-\nnull, None \n", "data.csv");
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"NA", "?", "null"}));
  EXPECT_EQ(cells_of(t.columns[1]), (Cells{"", "-", " None "}));
  for (const RawColumn& column : t.columns) {
    for (int64_t r = 0; r < column.size(); ++r) EXPECT_TRUE(is_missing_marker(column.cell(r)));
  }
}

TEST(CsvReader, DecimalOptionIsRecorded) {
  CsvReadOptions options;
  options.decimal = ',';
  EXPECT_EQ(parse_csv("a;b\n1,5;2\n", "data.csv", options).decimal, ',');
}

TEST(CsvReader, SingleColumnOfDecimalCommas) {
  // One name in the header and commas in the data: one column, not a ragged row.
  const RawTable t = parse_csv("roas\n0,91\n1,5\n2\n", "data.csv");
  EXPECT_EQ(t.names, (Cells{"roas"}));
  EXPECT_EQ(cells_of(t.columns[0]), (Cells{"0,91", "1,5", "2"}));
}

TEST(CsvReader, MarketingCampaignsWithQuotedDecimalCommas) {
  const RawTable t = read_csv(testing::data_path("Marketing_campaigns.csv"));
  EXPECT_EQ(t.delimiter, ',');
  ASSERT_EQ(t.names.size(), 13u);
  EXPECT_EQ(t.rows(), 39);
  EXPECT_EQ(t.names.front(), "% costFemale");
  EXPECT_EQ(t.names.back(), "ROAS");
  EXPECT_EQ(t.columns[12].cell(0), "0,91");
  EXPECT_EQ(t.columns[8].cell(0), "909,28");
  EXPECT_EQ(t.columns[9].cell(1), "2020,00");
  EXPECT_EQ(t.row_lines.front(), 2);
  EXPECT_EQ(t.row_lines.back(), 40);
}

TEST(CsvReader, RoiNamesThePandasIndexColumn) {
  const RawTable t = read_csv(testing::data_path("ROI.csv"));
  EXPECT_EQ(t.names, (Cells{"Unnamed: 0", "Google ads", "MRR (Monthly Recurring Revenue)", "Month", "Year"}));
  EXPECT_EQ(t.rows(), 19);
  EXPECT_EQ(t.columns[0].cell(0), "0");
  EXPECT_EQ(t.columns[1].cell(0), "490.0");
}

TEST(CsvReader, RandomTablesSurviveQuoting) {
  // Cells drawn from characters that need care; written here with every field quoted.
  std::mt19937 gen(5);
  const std::vector<std::string> alphabet = {"a", "b", ",", ";", "\t", "|", "\"", "\n", "\r", " ", "x", "\xC3\xA9"};
  std::uniform_int_distribution<size_t> pick(0, alphabet.size() - 1), length(0, 6);
  for (int trial = 0; trial < 50; ++trial) {
    const size_t cols = 1 + trial % 4;
    std::vector<Cells> expected(cols);
    std::string text;
    for (size_t c = 0; c < cols; ++c) text.append(c ? ",c" : "c").append(std::to_string(c));
    text += "\n";
    for (int row = 0; row < 20; ++row) {
      for (size_t c = 0; c < cols; ++c) {
        std::string cell;
        for (size_t k = length(gen); k > 0; --k) cell += alphabet[pick(gen)];
        expected[c].push_back(cell);
        text += c ? "," : "";
        text += '"';
        for (char ch : cell) text += ch == '"' ? std::string("\"\"") : std::string(1, ch);
        text += '"';
      }
      text += trial % 2 ? "\r\n" : "\n";
    }
    CsvReadOptions options;
    options.delimiter = ',';
    const RawTable t = parse_csv(text, "data.csv", options);
    ASSERT_EQ(t.columns.size(), cols);
    for (size_t c = 0; c < cols; ++c) EXPECT_EQ(cells_of(t.columns[c]), expected[c]);
  }
}

TEST(CsvReader, ManyRowsFillContiguousBuffers) {
  std::string text = "i,s\n";
  for (int i = 0; i < 10000; ++i) text += std::to_string(i) + ",v" + std::to_string(i % 7) + "\n";
  const RawTable t = parse_csv(text, "data.csv");
  ASSERT_EQ(t.rows(), 10000);
  EXPECT_EQ(t.columns[0].cell(9999), "9999");
  EXPECT_EQ(t.columns[1].cell(12), "v5");
  EXPECT_EQ(t.line_of(9999), 10001);
}

TEST(CsvReader, WideQuotedRows) {
  // Thousands of quoted cells on one line (positions must not be recounted per field).
  std::string text;
  for (int c = 0; c < 20000; ++c) text.append(c ? ",\"c" : "\"c").append(std::to_string(c)).append("\"");
  text += '\n';
  for (int r = 0; r < 3; ++r) {
    for (int c = 0; c < 20000; ++c) text.append(c ? ",\"" : "\"").append(std::to_string(r)).append("\"");
    text += '\n';
  }
  const RawTable t = parse_csv(text, "wide.csv");
  ASSERT_EQ(t.names.size(), 20000u);
  EXPECT_EQ(t.names[19999], "c19999");
  EXPECT_EQ(t.columns[19999].cell(2), "2");
}

// --- errors: each names the file, the line and column, and the problem -----------------------

TEST(CsvReaderErrors, MissingFileNamesFileAndReason) {
  const std::string path = "/nonexistent-dir/none.csv";
  try {
    read_csv(path);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Input);
    EXPECT_THAT(error.what(), StartsWith(path + ": "));
    EXPECT_THAT(error.what(), HasSubstr("No such file or directory"));
  }
}

TEST(CsvReaderErrors, DirectoryIsRefused) {
  const auto dir = testing::scratch_dir("csv-reader-dir");
  try {
    read_csv(dir.string());
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Input);
    EXPECT_THAT(error.what(), HasSubstr("is a directory"));
  }
}

TEST(CsvReaderErrors, ReadsFromDisk) {
  const auto dir = testing::scratch_dir("csv-reader-file");
  testing::write_text(dir / "t.csv", "a;b\n1;2\n");
  const RawTable t = read_csv((dir / "t.csv").string());
  EXPECT_EQ(t.source, (dir / "t.csv").string());
  EXPECT_EQ(t.delimiter, ';');
  testing::write_text(dir / "bad.csv", "a,b\n1,2,3\n");
  try {
    read_csv((dir / "bad.csv").string());
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_THAT(error.what(), StartsWith((dir / "bad.csv").string() + ":2:5: line 2 has 3"));
  }
}

TEST(CsvReaderErrors, ReadsFromAPipe) {
  // Not a regular file: read to the end rather than mapped.
  const auto dir = testing::scratch_dir("csv-reader-fifo");
  const std::string path = (dir / "fifo.csv").string();
  ASSERT_EQ(::mkfifo(path.c_str(), 0600), 0);
  std::string text = "a|b\n";
  for (int i = 0; i < 30000; ++i) text += std::to_string(i) + "|x\n";  // more than one pipe buffer
  std::thread writer([&] { testing::write_text(path, text); });
  const RawTable t = read_csv(path);
  writer.join();
  EXPECT_EQ(t.delimiter, '|');
  ASSERT_EQ(t.rows(), 30000);
  EXPECT_EQ(t.columns[0].cell(29999), "29999");
}

TEST(CsvReaderErrors, EmptyFile) {
  EXPECT_THAT(input_error_for(""), StartsWith("data.csv:1:1: the file is empty"));
  EXPECT_THAT(input_error_for("\n\r\n\n"), StartsWith("data.csv:1:1: the file is empty"));
  EXPECT_THAT(input_error_for("\xEF\xBB\xBF"), StartsWith("data.csv:1:1: the file is empty"));
}

TEST(CsvReaderErrors, HeaderOnly) {
  EXPECT_EQ(input_error_for("a,b\n"), "data.csv:2:1: the file has a header but no data rows");
  EXPECT_EQ(input_error_for("a,b\n\n\n"), "data.csv:4:1: the file has a header but no data rows");
}

TEST(CsvReaderErrors, RowWithTooManyFields) {
  const std::string text = "a,b,c,d\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4\n1,2,3,4,5\n";
  CsvReadOptions options;
  options.delimiter = ',';
  EXPECT_EQ(input_error_for(text, options), "data.csv:7:9: line 7 has 5 fields, the header has 4");
  // Sniffing must not hide the error by picking another delimiter.
  EXPECT_EQ(input_error_for(text), "data.csv:7:9: line 7 has 5 fields, the header has 4");
}

TEST(CsvReaderErrors, RowWithTooFewFields) {
  EXPECT_EQ(input_error_for("a,b,c,d\n1,2,3,4\n1,2,3\n"), "data.csv:3:6: line 3 has 3 fields, the header has 4");
  EXPECT_EQ(input_error_for("a,b\n1,2\n7"), "data.csv:3:2: line 3 has 1 field, the header has 2");
}

TEST(CsvReaderErrors, UnterminatedQuotePointsAtTheOpeningQuote) {
  EXPECT_THAT(input_error_for("a,b\n1,2\n3,\"abc\n4,5\n"), StartsWith("data.csv:3:3: unterminated quoted field"));
}

TEST(CsvReaderErrors, TextAfterClosingQuote) {
  const std::string message = input_error_for("a,b\n1,\"x\"y\n");
  EXPECT_THAT(message, StartsWith("data.csv:2:6: unexpected text after the closing quote"));
  EXPECT_THAT(message, HasSubstr("two quotes"));
}

TEST(CsvReaderErrors, NulByte) {
  EXPECT_THAT(input_error_for(std::string("a,b\n1,2\0\n", 9)), StartsWith("data.csv:2:4: NUL byte"));
}

TEST(CsvReaderErrors, InvalidUtf8ColumnCountsCharacters) {
  // 'é' is two bytes but one column; the bad byte is the third character of line 2.
  EXPECT_THAT(input_error_for("a,b\n\xC3\xA9,\xFF\n"), StartsWith("data.csv:2:3: invalid UTF-8 (byte 0xFF)"));
  for (const char* bad :
       {"\xC0\xAF", "\xE0\x80\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80", "\xC3", "\x80", "\xF8\x88\x80\x80\x80"}) {
    EXPECT_THAT(input_error_for(std::string("a,b\n1,") + bad + "\n"), StartsWith("data.csv:2:3: invalid UTF-8"))
        << "bytes " << bad;
  }
  // Valid multi-byte forms of every length pass.
  EXPECT_NO_THROW(parse_csv("a,b\n\xC3\xA9,\xE2\x82\xAC\n\xF0\x9F\x98\x80,\xEF\xBF\xBD\n", "d"));
}

TEST(CsvReaderErrors, EmptyColumnName) {
  EXPECT_EQ(input_error_for("a,,c\n1,2,3\n"), "data.csv:1:3: column 2 has an empty name");
  EXPECT_EQ(input_error_for("a,b, \n1,2,3\n"), "data.csv:1:5: column 3 has an empty name");
  // Only the first column may be unnamed (the pandas index).
  EXPECT_EQ(parse_csv(",x\n0,1\n", "data.csv").names, (Cells{"Unnamed: 0", "x"}));
}

TEST(CsvReaderErrors, DuplicateColumnName) {
  EXPECT_EQ(input_error_for("a,b,a\n1,2,3\n"),
            "data.csv:1:5: column 3 is named \"a\", like column 1; column names must be unique");
}

TEST(CsvReaderErrors, LocationSkipsTheBom) {
  EXPECT_THAT(input_error_for("\xEF\xBB\xBF"
                              "a,,c\n1,2,3\n"),
              StartsWith("data.csv:1:3: column 2 has an empty name"));
}

TEST(CsvReaderErrors, BadOptionsAreUsageErrors) {
  CsvReadOptions options;
  options.delimiter = '"';
  try {
    parse_csv("a\n1\n", "data.csv", options);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Usage);
  }
}

}  // namespace
}  // namespace synthtab

namespace synthtab {
namespace {

TEST(CsvReader, AFileCutShortWhileItIsReadIsNoCrash) {
  // Another process truncates and rewrites the input during the read. A mapped file raised
  // SIGBUS (the test binary would die); read, the file is only as long as it was then.
  const auto path = (testing::scratch_dir("shrinking") / "t.csv").string();
  std::string content = "a,b,c\n";
  for (int i = 0; i < 200000; ++i) content += std::to_string(i) + "," + std::to_string(i % 7) + ",x\n";
  testing::write_text(path, content);
  std::atomic<bool> stop{false};
  std::thread truncator([&] {
    while (!stop) {
      ::truncate(path.c_str(), 0);
      testing::write_text(path, content);
    }
  });
  int read = 0, refused = 0;
  for (int i = 0; i < 40; ++i) {
    try {
      const RawTable t = read_csv(path);
      EXPECT_LE(t.rows(), 200000);
      ++read;
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::Input) << e.what();  // empty, or cut inside a line
      ++refused;
    }
  }
  stop = true;
  truncator.join();
  EXPECT_EQ(read + refused, 40);
}

}  // namespace
}  // namespace synthtab
