// Number columns viewed in place (a data frame's arrays) type and read exactly as the same
// numbers written as CSV text: the same schema, reasons and decimal mark, the same table bit for
// bit, the same errors. The text side is written here with std::to_chars, independently of
// RawColumn::text.
#include <gtest/gtest.h>

#include <charconv>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <random>
#include <set>

#include "support/tables.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/raw_table.hpp"

namespace synthtab {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The shortest text that reads back as `value`; whole numbers up to 2^53 without exponent,
// as a CSV written from a frame (pandas' repr) has them.
std::string csv_text(double value) {
  if (std::isnan(value)) return "";
  char buffer[64];
  const bool negative_zero = value == 0.0 && std::signbit(value);
  const bool whole = value == std::trunc(value) && std::fabs(value) <= 9007199254740992.0 && !negative_zero;
  const auto end = whole ? std::to_chars(buffer, buffer + 64, static_cast<int64_t>(value)).ptr
                         : std::to_chars(buffer, buffer + 64, value).ptr;
  return std::string(buffer, end);
}

// One column given both ways: the arrays the view reads, and the same cells as text. The view
// reads these arrays in place, so they must outlive the tables built from them.
struct NumberColumn {
  std::string name;
  std::vector<double> doubles;
  std::vector<int64_t> integers;
  std::vector<char> missing;  // for integers (and optionally doubles); empty: none

  const bool* mask() const { return missing.empty() ? nullptr : reinterpret_cast<const bool*>(missing.data()); }
  bool is_masked(size_t r) const { return !missing.empty() && missing[r] != 0; }
  int64_t size() const { return static_cast<int64_t>(integers.empty() ? doubles.size() : integers.size()); }
  std::string text(size_t r) const {
    if (is_masked(r)) return "";
    if (!integers.empty()) return std::to_string(integers[r]);
    return csv_text(doubles[r]);
  }
};

struct TwoWays {
  RawTable numbers;
  RawTable text;
};

TwoWays both_ways(const std::vector<NumberColumn>& columns,
                  const std::vector<std::pair<std::string, std::vector<std::string>>>& text_columns = {}) {
  TwoWays out;
  for (RawTable* raw : {&out.numbers, &out.text}) raw->source = "frame";
  const int64_t rows =
      columns.empty() ? static_cast<int64_t>(text_columns.front().second.size()) : columns.front().size();
  for (const auto& column : columns) {
    out.numbers.names.push_back(column.name);
    out.numbers.columns.push_back(column.integers.empty()
                                      ? RawColumn::of_doubles(column.doubles.data(), column.size(), column.mask())
                                      : RawColumn::of_integers(column.integers.data(), column.size(), column.mask()));
    RawColumn text;
    for (size_t r = 0; r < static_cast<size_t>(rows); ++r) text.push(column.text(r));
    out.text.names.push_back(column.name);
    out.text.columns.push_back(std::move(text));
  }
  for (const auto& [name, cells] : text_columns) {
    for (RawTable* raw : {&out.numbers, &out.text}) {
      RawColumn text;
      for (const auto& cell : cells) text.push(cell);
      raw->names.push_back(name);
      raw->columns.push_back(std::move(text));
    }
  }
  for (RawTable* raw : {&out.numbers, &out.text})
    for (int64_t r = 0; r < rows; ++r) raw->row_lines.push_back(r + 2);
  return out;
}

void expect_same_schema(const Schema& a, const Schema& b) {
  EXPECT_EQ(a.decimal, b.decimal);
  ASSERT_EQ(a.columns.size(), b.columns.size());
  for (size_t c = 0; c < a.columns.size(); ++c) {
    SCOPED_TRACE(a.columns[c].name);
    EXPECT_EQ(a.columns[c].name, b.columns[c].name);
    EXPECT_EQ(a.columns[c].role, b.columns[c].role);
    EXPECT_EQ(a.columns[c].reason, b.columns[c].reason);
    EXPECT_EQ(a.columns[c].datetime_format, b.columns[c].datetime_format);
    EXPECT_EQ(a.columns[c].forced, b.columns[c].forced);
  }
}

using testing::expect_same_table;

// The outcome of typing a table: its schema and table, or the error's message.
struct Outcome {
  std::optional<Schema> schema;
  std::optional<Table> table;
  std::string error;
};

Outcome type_table(const RawTable& raw, const SchemaOverrides& overrides) {
  Outcome out;
  try {
    out.schema = infer_schema(raw, overrides);
    out.table = to_table(raw, *out.schema);
  } catch (const Error& e) {
    out.error = e.what();
  }
  return out;
}

void expect_same_typing(const TwoWays& tables, const SchemaOverrides& overrides = {}) {
  const Outcome numbers = type_table(tables.numbers, overrides);
  const Outcome text = type_table(tables.text, overrides);
  EXPECT_EQ(numbers.error, text.error);
  ASSERT_EQ(numbers.schema.has_value(), text.schema.has_value());
  if (numbers.schema) expect_same_schema(*numbers.schema, *text.schema);
  ASSERT_EQ(numbers.table.has_value(), text.table.has_value());
  if (numbers.table) expect_same_table(*numbers.table, *text.table);
}

std::vector<NumberColumn> varied_columns(int64_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_int_distribution<int64_t> small(0, 3);
  std::bernoulli_distribution sometimes(0.1);
  std::vector<NumberColumn> out(12);
  const char* names[] = {"measure",  "gappy", "whole floats", "levels",       "counter",     "skewed counter",
                         "constant", "empty", "beyond 2^53",  "signed zeros", "masked ints", "masked floats"};
  for (size_t c = 0; c < out.size(); ++c) out[c].name = names[c];
  for (int64_t r = 0; r < rows; ++r) {
    const auto i = static_cast<double>(r);
    out[0].doubles.push_back(normal(rng) * 1234.5);
    out[1].doubles.push_back(sometimes(rng) ? kNaN : std::exp(normal(rng)) / 3.0);
    out[2].doubles.push_back(std::round(normal(rng) * 40.0));
    out[3].integers.push_back(small(rng));
    out[4].integers.push_back(r + 1000);
    out[5].integers.push_back(r * r * r);
    out[6].doubles.push_back(sometimes(rng) ? kNaN : 7.0);
    out[7].doubles.push_back(kNaN);
    out[8].integers.push_back(9007199254740993 + 2 * r * (r % 3));
    out[9].doubles.push_back(r % 2 == 0 ? -0.0 : 0.0 + static_cast<double>(r % 5));
    out[10].integers.push_back(-r * 17);
    out[10].missing.push_back(sometimes(rng) ? 1 : 0);
    out[11].doubles.push_back(i / 7.0);
    out[11].missing.push_back(sometimes(rng) ? 1 : 0);
  }
  return out;
}

TEST(NumberColumns, TypeAndReadAsTheirTextOnVariedColumns) {
  for (const int64_t rows : {1, 2, 3, 19, 40, 500}) {
    SCOPED_TRACE(rows);
    expect_same_typing(both_ways(varied_columns(rows, static_cast<uint64_t>(rows))));
  }
  // The columns reach every rule: each role comes out of them.
  const auto columns = varied_columns(500, 1);
  std::set<ColumnRole> roles;
  for (const auto& column : infer_schema(both_ways(columns).numbers).columns) roles.insert(column.role);
  EXPECT_EQ(roles, (std::set<ColumnRole>{ColumnRole::Float, ColumnRole::Integer, ColumnRole::Categorical,
                                         ColumnRole::Id, ColumnRole::Constant, ColumnRole::Dropped}));
}

TEST(NumberColumns, OverridesReadNumbersAsTheirTextWould) {
  const auto columns = varied_columns(60, 7);
  SchemaOverrides categorical;
  categorical.categorical = {"measure", "beyond 2^53", "signed zeros", "masked floats"};
  expect_same_typing(both_ways(columns), categorical);
  SchemaOverrides numeric;
  numeric.numeric = {"levels", "counter", "empty"};
  numeric.drop = {"gappy"};
  expect_same_typing(both_ways(columns), numeric);
  // Numbers are no dates: both ways fail with the same message.
  SchemaOverrides dates;
  dates.datetime = {"counter"};
  const Outcome failed = type_table(both_ways(columns).numbers, dates);
  EXPECT_NE(failed.error, "");
  expect_same_typing(both_ways(columns), dates);
}

TEST(NumberColumns, YearsReadAsDatesWhenAskedAsTheirTextWould) {
  NumberColumn years{"year", {}, {2019, 2020, 2021, 2022, 2020}, {}};
  SchemaOverrides dates;
  dates.datetime = {"year"};
  expect_same_typing(both_ways({years}), dates);
}

TEST(NumberColumns, VoteForTheDecimalMarkAsTheirText) {
  // Three text cells read only with ',' against fractional numbers: two numbers lose the vote,
  // four win it, exactly as their "0.5"-style text does.
  const std::vector<std::pair<std::string, std::vector<std::string>>> commas = {
      {"rate", {"0,5", "1,25", "2,5", "3", "4", "5"}}};
  for (const int fractions : {2, 4}) {
    NumberColumn share{"share", {}, {}, {}};
    for (int r = 0; r < 6; ++r) share.doubles.push_back(r < fractions ? r + 0.5 : r);
    const std::vector<NumberColumn> columns = {share};  // the views read these arrays
    const TwoWays tables = both_ways(columns, commas);
    const Schema numbers = infer_schema(tables.numbers);
    EXPECT_EQ(numbers.decimal, infer_schema(tables.text).decimal);
    EXPECT_EQ(numbers.decimal, fractions == 2 ? ',' : '.');
    // A number column stays numbers even where its text would not read with the chosen mark.
    EXPECT_EQ(numbers.columns[0].role, ColumnRole::Float);
  }
}

TEST(NumberColumns, WholeNumberRuleNamesTheCellAsText) {
  const std::vector<NumberColumn> columns = {{"x", {1.0, 2.0, 2.5, 4.0}, {}, {}}};
  const TwoWays tables = both_ways(columns);
  Schema schema = infer_schema(tables.numbers);
  schema.columns[0].role = ColumnRole::Integer;
  try {
    to_table(tables.numbers, schema);
    FAIL() << "a fraction read as an integer";
  } catch (const Error& e) {
    EXPECT_STREQ(e.what(), "frame:4:1: expected a whole number in column \"x\", found \"2.5\"");
  }
}

TEST(NumberColumns, TextOfTheViewIsTheCsvText) {
  const std::vector<double> values = {0.1, -0.0, 1e300, 123456789.0, kNaN, 2.5e-8};
  const RawColumn view = RawColumn::of_doubles(values.data(), static_cast<int64_t>(values.size()));
  ASSERT_EQ(view.size(), 6);
  for (size_t r = 0; r < values.size(); ++r) EXPECT_EQ(view.text(static_cast<int64_t>(r)), csv_text(values[r]));
  EXPECT_TRUE(view.missing_number(4));
  const RawColumn text = view.as_text();
  EXPECT_FALSE(text.holds_numbers());
  EXPECT_EQ(text.cell(2), "1e+300");
}

}  // namespace
}  // namespace synthtab
