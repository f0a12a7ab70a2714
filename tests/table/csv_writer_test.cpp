#include "synthtab/table/csv_writer.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/table/value_parse.hpp"

namespace synthtab {
namespace {

Column numeric(const std::string& name, ColumnType type, std::vector<double> values) {
  Column c;
  c.name = name;
  c.type = type;
  c.values = std::move(values);
  return c;
}

Column categorical(const std::string& name, std::vector<std::string> categories, std::vector<int32_t> codes) {
  Column c;
  c.name = name;
  c.type = ColumnType::Categorical;
  c.categories = std::move(categories);
  c.codes = std::move(codes);
  return c;
}

std::string csv_of(const Table& table, const CsvWriteOptions& options = {}) {
  std::string out;
  append_csv_header(table, options, out);
  append_csv_rows(table, 0, table.rows(), options, out);
  return out;
}

TEST(CsvWriter, EachTypeInItsForm) {
  Table t;
  t.columns.push_back(numeric("n", ColumnType::Integer, {2021, -3, kMissingValue}));
  t.columns.push_back(numeric("x", ColumnType::Float, {0.1, 1e300, 2.0}));
  t.columns.push_back(categorical("c", {"red", "blue"}, {1, kMissingCode, 0}));
  Column d = numeric("d", ColumnType::Datetime, {18690.0 * 86400, kMissingValue, 0});
  d.datetime_format = "%Y-%m-%d";
  t.columns.push_back(d);
  EXPECT_EQ(csv_of(t),
            "n,x,c,d\n"
            "2021,0.1,blue,2021-03-04\n"
            "-3,1e+300,,\n"
            ",2,red,1970-01-01\n");
}

TEST(CsvWriter, IntegersNeverCarryADecimalPart) {
  Table t;
  t.columns.push_back(numeric("n", ColumnType::Integer, {4611686018427387904.0, -0.0, 7.0000000001, 1e20}));
  EXPECT_EQ(csv_of(t), "n\n4611686018427387904\n0\n7\n100000000000000000000\n");
}

TEST(CsvWriter, DatetimeWithoutFormatUsesIsoSeconds) {
  Table t;
  t.columns.push_back(numeric("d", ColumnType::Datetime, {86400 + 3661}));
  EXPECT_EQ(csv_of(t), "d\n1970-01-02 01:01:01\n");
}

TEST(CsvWriter, QuotesOnlyWhenNeeded) {
  Table t;
  t.columns.push_back(categorical(
      "label", {"plain", "a,b", "say \"hi\"", "two\nlines", "cr\rhere", " lead", "trail ", "in side", "semi;colon"},
      {0, 1, 2, 3, 4, 5, 6, 7, 8}));
  t.columns.push_back(numeric("k", ColumnType::Integer, {1, 2, 3, 4, 5, 6, 7, 8, 9}));
  EXPECT_EQ(csv_of(t),
            "label,k\n"
            "plain,1\n"
            "\"a,b\",2\n"
            "\"say \"\"hi\"\"\",3\n"
            "\"two\nlines\",4\n"
            "\"cr\rhere\",5\n"
            "\" lead\",6\n"
            "\"trail \",7\n"
            "in side,8\n"
            "semi;colon,9\n");
  CsvWriteOptions semicolon;
  semicolon.delimiter = ';';
  EXPECT_THAT(csv_of(t, semicolon), ::testing::HasSubstr("\n\"semi;colon\";9\n"));
  EXPECT_THAT(csv_of(t, semicolon), ::testing::HasSubstr("\na,b;2\n"));
}

TEST(CsvWriter, DecimalCommaIsQuotedOnlyWithCommaDelimiter) {
  Table t;
  t.columns.push_back(numeric("roas", ColumnType::Float, {0.91, 2.0}));
  t.columns.push_back(numeric("cost", ColumnType::Float, {909.28, -1.5}));
  CsvWriteOptions comma;
  comma.decimal = ',';
  EXPECT_EQ(csv_of(t, comma), "roas,cost\n\"0,91\",\"909,28\"\n2,\"-1,5\"\n");
  comma.delimiter = ';';
  EXPECT_EQ(csv_of(t, comma), "roas;cost\n0,91;909,28\n2;-1,5\n");
}

TEST(CsvWriter, LoneEmptyFieldIsQuotedSoTheRowSurvives) {
  Table t;
  t.columns.push_back(numeric("x", ColumnType::Float, {1.5, kMissingValue, 2.5}));
  const std::string text = csv_of(t);
  EXPECT_EQ(text, "x\n1.5\n\"\"\n2.5\n");
  EXPECT_EQ(parse_csv(text, "w.csv").rows(), 3);
}

TEST(CsvWriter, RowRange) {
  Table t;
  t.columns.push_back(numeric("n", ColumnType::Integer, {1, 2, 3, 4}));
  std::string out;
  append_csv_rows(t, 1, 2, {}, out);
  EXPECT_EQ(out, "2\n3\n");
  EXPECT_THROW(append_csv_rows(t, 3, 2, {}, out), std::out_of_range);
}

TEST(CsvWriter, WritesFileAtomicallyInChunks) {
  // Big enough (several MB) to be flushed in more than one chunk.
  Table t;
  Column x = numeric("x", ColumnType::Float, {});
  Column c = categorical("c", {"alpha", "beta, gamma"}, {});
  std::mt19937_64 gen(1);
  std::normal_distribution<double> normal;
  for (int i = 0; i < 150000; ++i) {
    x.values.push_back(normal(gen));
    c.codes.push_back(i % 3 == 0 ? kMissingCode : i % 2);
  }
  t.columns = {x, c};
  const auto dir = testing::scratch_dir("csv-writer-file");
  const std::string path = (dir / "out.csv").string();
  write_csv(t, path);
  const std::string on_disk = testing::read_text(path);
  EXPECT_GT(on_disk.size(), size_t{3} << 20);
  EXPECT_EQ(on_disk, csv_of(t));
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 1);
}

TEST(CsvWriter, UnwritablePathIsAnOutputError) {
  Table t;
  t.columns.push_back(numeric("x", ColumnType::Float, {1}));
  try {
    write_csv(t, "/nonexistent-dir/out.csv");
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Output);
  }
}

TEST(CsvWriter, BadOptionsAreUsageErrorsAndCreateNoFile) {
  Table t;
  t.columns.push_back(numeric("x", ColumnType::Float, {1}));
  const auto dir = testing::scratch_dir("csv-writer-options");
  CsvWriteOptions options;
  options.decimal = ';';
  try {
    write_csv(t, (dir / "out.csv").string(), options);
    FAIL() << "no error";
  } catch (const Error& error) {
    EXPECT_EQ(error.kind(), ErrorKind::Usage);
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir), {}), 0);
}

// Write, read back with the reader, and compare every cell with the table written.
TEST(CsvWriter, RoundTripThroughTheReader) {
  std::mt19937_64 gen(99);
  std::uniform_int_distribution<uint64_t> bits;
  std::uniform_int_distribution<int> small(-1000000, 1000000), code(-1, 4);
  std::uniform_int_distribution<int64_t> seconds(-2'000'000'000LL, 4'000'000'000LL);
  const std::vector<std::string> labels = {"plain", "a,b", "q\"uote", "multi\nline", " pad "};
  for (const CsvWriteOptions options : {CsvWriteOptions{',', '.'}, CsvWriteOptions{',', ','}, CsvWriteOptions{';', ','},
                                        CsvWriteOptions{'\t', '.'}, CsvWriteOptions{'|', '.'}}) {
    Table t;
    Column f = numeric("float col", ColumnType::Float, {});
    Column n = numeric("int,col", ColumnType::Integer, {});
    Column c = categorical("cat \"col\"", labels, {});
    Column d = numeric("when", ColumnType::Datetime, {});
    d.datetime_format = "%Y-%m-%dT%H:%M:%S";
    for (int i = 0; i < 500; ++i) {
      double value = 0;
      const uint64_t raw = bits(gen);
      std::memcpy(&value, &raw, sizeof value);
      f.values.push_back(std::isfinite(value) ? value : kMissingValue);
      n.values.push_back(i % 17 == 0 ? kMissingValue : small(gen));
      c.codes.push_back(code(gen));
      d.values.push_back(i % 13 == 0 ? kMissingValue : static_cast<double>(seconds(gen)));
    }
    t.columns = {f, n, c, d};
    const std::string text = csv_of(t, options);
    CsvReadOptions read_options;
    read_options.delimiter = options.delimiter;
    const RawTable back = parse_csv(text, "round.csv", read_options);
    ASSERT_EQ(back.names, (std::vector<std::string>{"float col", "int,col", "cat \"col\"", "when"}));
    ASSERT_EQ(back.rows(), 500);
    // The delimiter is also found without being told.
    EXPECT_EQ(parse_csv(text, "round.csv").delimiter, options.delimiter);
    for (int64_t r = 0; r < 500; ++r) {
      const size_t i = static_cast<size_t>(r);
      if (std::isnan(f.values[i])) {
        EXPECT_EQ(back.columns[0].cell(r), "");
      } else {
        const auto value = parse_number(back.columns[0].cell(r), options.decimal);
        ASSERT_TRUE(value.has_value()) << back.columns[0].cell(r);
        EXPECT_EQ(*value, f.values[i]);
      }
      if (std::isnan(n.values[i])) {
        EXPECT_EQ(back.columns[1].cell(r), "");
      } else {
        EXPECT_EQ(back.columns[1].cell(r), std::to_string(static_cast<int64_t>(n.values[i])));
      }
      EXPECT_EQ(back.columns[2].cell(r), c.codes[i] < 0 ? "" : labels[static_cast<size_t>(c.codes[i])]);
      if (std::isnan(d.values[i])) {
        EXPECT_EQ(back.columns[3].cell(r), "");
      } else {
        EXPECT_EQ(parse_datetime(back.columns[3].cell(r), d.datetime_format), d.values[i]);
      }
    }
  }
}

}  // namespace
}  // namespace synthtab
