// Type inference rules, overrides and their error messages, one rule per test; the ID rule is
// checked against pandas (tests/data/prepare_oracle.json, from gen_prepare_oracle.py).
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>

#include "support/errors.hpp"
#include "support/test_paths.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/prepare/infer_schema.hpp"

namespace synthtab {
namespace {

using testing::data_path;

const ColumnSchema& spec(const Schema& schema, const std::string& name) {
  for (const auto& c : schema.columns)
    if (c.name == name) return c;
  throw std::runtime_error("no column " + name);
}

ColumnRole role(const std::string& text, const std::string& name, const SchemaOverrides& o = {}) {
  return spec(infer_schema(parse_csv(text, "t.csv"), o), name).role;
}

using testing::error_of;

bool starts_with(const std::string& text, const std::string& prefix) {
  return text.compare(0, prefix.size(), prefix) == 0;
}

nlohmann::json infer_schema_oracle() {
  std::ifstream in(data_path("prepare_oracle.json"));
  return nlohmann::json::parse(in);
}

// A column of `values` beside a column of two labels, so the table has more than one column.
std::string two_columns(const std::string& name, const std::vector<std::string>& values) {
  std::string text = name + ",other\n";
  for (size_t i = 0; i < values.size(); ++i) text += values[i] + (i % 2 ? ",a\n" : ",b\n");
  return text;
}

std::vector<std::string> counting(int from, int to) {
  std::vector<std::string> out;
  for (int i = from; i <= to; ++i) out.push_back(std::to_string(i));
  return out;
}

TEST(InferSchemaRules, RoiReasonsInPlainWords) {
  const Schema schema = infer_schema(read_csv(data_path("ROI.csv")));
  EXPECT_EQ(schema.delimiter, ',');
  EXPECT_EQ(spec(schema, "Unnamed: 0").reason, "19 unique whole numbers in 19 rows, so it looks like an ID");
  EXPECT_EQ(spec(schema, "Month").reason, "12 distinct whole numbers in 19 rows");
  EXPECT_EQ(spec(schema, "Google ads").reason, "18 distinct numbers in 19 rows");  // 4848.0 twice
  EXPECT_NE(spec(schema, "Year").reason.find("2 distinct whole numbers in 19 rows"), std::string::npos);
  for (const auto& c : schema.columns) EXPECT_FALSE(c.forced) << c.name;
}

TEST(InferSchemaRules, MarketingCampaignsKeepsAllColumnsAsNumbers) {
  const RawTable raw = read_csv(data_path("Marketing_campaigns.csv"));
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(schema.decimal, ',');
  EXPECT_EQ(schema.delimiter, ',');
  const Table table = to_table(raw, schema);
  ASSERT_EQ(table.cols(), 13);
  ASSERT_EQ(table.rows(), 39);
  // Every column reads as numbers; whole numbers with few values (year, day) are categories
  // whose labels keep the file's text.
  for (const auto& c : schema.columns)
    EXPECT_TRUE(c.role == ColumnRole::Float || c.role == ColumnRole::Integer || c.role == ColumnRole::Categorical)
        << c.name << " " << to_string(c.role);
  EXPECT_EQ(spec(schema, "ROAS").role, ColumnRole::Float);
  EXPECT_EQ(spec(schema, "%costMale").role, ColumnRole::Float);
  EXPECT_EQ(spec(schema, "week").role, ColumnRole::Integer);  // 16 distinct
  const Column& year = table.column("year");
  EXPECT_EQ(year.categories, (std::vector<std::string>{"2021,00", "2020,00", "2022,00"}));
  EXPECT_DOUBLE_EQ(table.column("ROAS").values[0], 0.91);
  EXPECT_DOUBLE_EQ(table.column("Cost").values[0], 909.28);
  EXPECT_DOUBLE_EQ(table.column("%cosSexUn").values[0], 1.0);
  EXPECT_DOUBLE_EQ(table.column("week").values[0], 35.0);
}

TEST(InferSchemaRules, DecimalMarkIsCommaOnlyWhenMoreCellsReadWithIt) {
  // Two cells read only with ',' and one only with '.': the file uses decimal commas, and the
  // cell "3.5" then makes its column text.
  const RawTable comma = parse_csv("x;y\n1,5;2\n1,5;3\n3.5;4\n", "t.csv");
  const Schema schema = infer_schema(comma);
  EXPECT_EQ(schema.decimal, ',');
  EXPECT_EQ(schema.delimiter, ';');
  EXPECT_EQ(spec(schema, "x").role, ColumnRole::Categorical);
  // A tie keeps the decimal point.
  const RawTable tie = parse_csv("x;y\n1,5;2.5\n7;8\n", "t.csv");
  EXPECT_EQ(infer_schema(tie).decimal, '.');
  // Whole numbers read with both marks and do not count.
  EXPECT_EQ(infer_schema(parse_csv("x,y\n1,2\n3,4\n", "t.csv")).decimal, '.');
  // A forced mark wins over the count.
  CsvReadOptions forced;
  forced.decimal = ',';
  const RawTable forced_raw = parse_csv("x;y\n1.5;2\n2.5;3\n1.5;4\n", "t.csv", forced);
  const Schema forced_schema = infer_schema(forced_raw);
  EXPECT_EQ(forced_schema.decimal, ',');
  EXPECT_EQ(spec(forced_schema, "x").role, ColumnRole::Categorical);  // "1.5" is text then
}

TEST(InferSchemaRules, IdRuleEqualsTheSeedsOnPandas) {
  const nlohmann::json columns = infer_schema_oracle().at("id_rule");  // a copy: the parsed document is a temporary
  ASSERT_GE(columns.size(), 12u);
  for (const auto& c : columns) {
    std::vector<std::string> cells;
    std::vector<double> values;
    for (const auto& v : c.at("values")) {
      cells.push_back(std::to_string(v.get<int64_t>()));
      values.push_back(static_cast<double>(v.get<int64_t>()));
    }
    const double expected = c.at("skew").get<double>();
    // Near-zero skews (counters) differ only by rounding: compare absolutely there.
    EXPECT_NEAR(sample_skewness(values), expected, 1e-9 * std::max(1.0, std::abs(expected)));
    const ColumnSchema column = spec(infer_schema(parse_csv(two_columns("v", cells), "t.csv")), "v");
    EXPECT_EQ(column.role == ColumnRole::Id, c.at("is_id").get<bool>())
        << column.reason << " (pandas skew " << expected << ")";
    if (column.role != ColumnRole::Id) {
      EXPECT_EQ(column.role, ColumnRole::Integer);
      EXPECT_NE(column.reason.find("skewed"), std::string::npos) << column.reason;
    }
  }
}

TEST(InferSchemaRules, IdNeedsWholeUniqueAndMostlyDistinctValues) {
  // Unique text is an ID; one repeated label is not.
  std::vector<std::string> names;
  for (int i = 0; i < 20; ++i) names.push_back("name" + std::to_string(i));
  EXPECT_EQ(role(two_columns("n", names), "n"), ColumnRole::Id);
  names[5] = "name4";
  EXPECT_EQ(role(two_columns("n", names), "n"), ColumnRole::Categorical);
  // Unique real numbers are a measurement, never an ID (the seed: dtype float).
  EXPECT_EQ(role(two_columns("f", {"1.5", "2.5", "3.5", "4.5", "5.5"}), "f"), ColumnRole::Float);
  // Unique dates are dates.
  EXPECT_EQ(role(two_columns("d", {"2023-01-01", "2023-01-02", "2023-01-03", "2023-01-04"}), "d"),
            ColumnRole::Datetime);
  // Missing values count in the rows: 19 distinct of 20 rows is not more than 95 %...
  std::vector<std::string> gap = counting(1, 19);
  gap.push_back("");
  EXPECT_EQ(role(two_columns("i", gap), "i"), ColumnRole::Integer);
  // ...but 20 of 21 is.
  gap = counting(1, 20);
  gap.push_back("NA");
  EXPECT_EQ(role(two_columns("i", gap), "i"), ColumnRole::Id);
}

TEST(InferSchemaRules, FewDistinctWholeNumbersAreCategories) {
  auto cycle = [](int values, int rows) {
    std::vector<std::string> out;
    for (int i = 0; i < rows; ++i) out.push_back(std::to_string(values - i % values));
    return out;
  };
  // 10 distinct in 100 rows (10 rows per value): categorical; labels keep the text, in order of
  // first appearance.
  const RawTable raw = parse_csv(two_columns("r", cycle(10, 100)), "t.csv");
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(spec(schema, "r").role, ColumnRole::Categorical);
  const Table table_1 = to_table(raw, schema);
  const Column& r = table_1.column("r");
  EXPECT_EQ(r.categories.front(), "10");
  EXPECT_EQ(r.codes[10], 0);  // the 11th row is "10" again
  // 10 distinct in 99 rows: fewer than 10 rows per value, so a measurement (integer).
  EXPECT_EQ(role(two_columns("r", cycle(10, 99)), "r"), ColumnRole::Integer);
  // Up to 5 distinct are categories whenever they fill at most half the rows...
  EXPECT_EQ(role(two_columns("r", cycle(5, 10)), "r"), ColumnRole::Categorical);
  EXPECT_EQ(role(two_columns("r", cycle(5, 9)), "r"), ColumnRole::Integer);
  // ...6 need 60 rows.
  EXPECT_EQ(role(two_columns("r", cycle(6, 59)), "r"), ColumnRole::Integer);
  EXPECT_EQ(role(two_columns("r", cycle(6, 60)), "r"), ColumnRole::Categorical);
  // 11 distinct in 300 rows: too many values for categories.
  EXPECT_EQ(role(two_columns("r", cycle(11, 300)), "r"), ColumnRole::Integer);
  // Few distinct real numbers stay numbers.
  std::vector<std::string> halves;
  for (int i = 0; i < 20; ++i) halves.push_back(i % 2 ? "0.5" : "1.5");
  EXPECT_EQ(role(two_columns("h", halves), "h"), ColumnRole::Float);
}

TEST(InferSchemaRules, ConstantsKeepTheTypeOfTheirValue) {
  const RawTable raw = parse_csv("n,s,x\n7,on,1\n7,on,2\n,on,3\n7,,4\n", "t.csv");
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(spec(schema, "n").role, ColumnRole::Constant);
  EXPECT_EQ(spec(schema, "n").reason, "one distinct value (\"7\") in 4 rows, 1 of them missing");
  EXPECT_EQ(spec(schema, "s").reason, "one distinct value (\"on\") in 4 rows, 1 of them missing");
  EXPECT_EQ(spec(schema, "s").role, ColumnRole::Constant);
  const Table table = to_table(raw, schema);
  EXPECT_EQ(table.column("n").type, ColumnType::Integer);
  EXPECT_TRUE(std::isnan(table.column("n").values[2]));
  EXPECT_EQ(table.column("s").type, ColumnType::Categorical);
  EXPECT_EQ(table.column("s").categories, (std::vector<std::string>{"on"}));
  EXPECT_EQ(table.column("s").codes[3], kMissingCode);
}

TEST(InferSchemaRules, EmptyColumnIsDropped) {
  const RawTable raw = parse_csv("e,x\nNA,1\n,2\nnull,1\n", "t.csv");
  const Schema schema = infer_schema(raw);
  EXPECT_EQ(spec(schema, "e").role, ColumnRole::Dropped);
  EXPECT_EQ(spec(schema, "e").reason, "every value is missing");
  EXPECT_EQ(to_table(raw, schema).cols(), 1);
}

TEST(InferSchemaRules, CategoriesAreTrimmedTextInOrderOfFirstAppearance) {
  const RawTable raw = parse_csv("city,x\n  Paris ,1\nLyon,2\nParis,3\nNice,4\n?,5\nLyon,6\n", "t.csv");
  const Schema schema = infer_schema(raw);
  ASSERT_EQ(spec(schema, "city").role, ColumnRole::Categorical);
  const Table table_2 = to_table(raw, schema);
  const Column& city = table_2.column("city");
  EXPECT_EQ(city.categories, (std::vector<std::string>{"Paris", "Lyon", "Nice"}));
  EXPECT_EQ(city.codes, (std::vector<int32_t>{0, 1, 0, 2, kMissingCode, 1}));
}

TEST(InferSchemaRules, DatesAreSecondsSinceEpochInTheOneFormatThatReadsAll) {
  const RawTable raw = parse_csv("d,x\n2023-01-05,1\n2023-01-01,2\n,3\n2023-01-05,4\n", "t.csv");
  const Schema schema = infer_schema(raw);
  ASSERT_EQ(spec(schema, "d").role, ColumnRole::Datetime);
  const Table table_3 = to_table(raw, schema);
  const Column& d = table_3.column("d");
  EXPECT_EQ(d.type, ColumnType::Datetime);
  EXPECT_EQ(d.datetime_format, "%Y-%m-%d");
  EXPECT_DOUBLE_EQ(d.values[0], 1672876800.0);  // 2023-01-05T00:00:00Z
  EXPECT_DOUBLE_EQ(d.values[1], 1672531200.0);  // 2023-01-01T00:00:00Z
  EXPECT_TRUE(std::isnan(d.values[2]));
  // The first cell reads as day/month and as month/day; a later cell decides.
  const Schema us = infer_schema(parse_csv("d,x\n05/01/2023,1\n12/25/2023,2\n01/01/2023,1\n", "t.csv"));
  EXPECT_EQ(spec(us, "d").datetime_format, "%m/%d/%Y");
  const Schema eu = infer_schema(parse_csv("d,x\n05/01/2023,1\n25/12/2023,2\n05/01/2023,1\n", "t.csv"));
  EXPECT_EQ(spec(eu, "d").datetime_format, "%d/%m/%Y");
  const std::pair<const char*, const char*> formats[] = {{"2023-01-05 10:30:00", "2023-01-06 23:59:59"},
                                                         {"2023-01-05T10:30:00", "2023-01-06T00:00:00"},
                                                         {"2023-01-05 10:30", "2023-01-06 11:00"},
                                                         {"2023/01/05", "2023/01/06"},
                                                         {"05.01.2023", "06.01.2023"}};
  for (const auto& [a, b] : formats) {
    const std::string text = std::string("d,x\n") + a + ",1\n" + b + ",2\n" + a + ",3\n";
    EXPECT_EQ(role(text, "d"), ColumnRole::Datetime) << a;
  }
  // A date that does not exist makes the column text.
  EXPECT_EQ(role("d,x\n2023-02-28,1\n2023-02-30,2\n2023-02-28,3\n", "d"), ColumnRole::Categorical);
  // Day/month in one cell and month/day in another: no single format, so text.
  EXPECT_EQ(role("d,x\n25/12/2023,1\n12/25/2023,2\n25/12/2023,3\n", "d"), ColumnRole::Categorical);
}

TEST(InferSchemaRules, OverridesWinOverEveryRule) {
  const RawTable raw = read_csv(data_path("ROI.csv"));
  SchemaOverrides o;
  o.categorical = {"Year"};
  o.numeric = {"Unnamed: 0"};  // an ID by the rules; the user wants it
  o.datetime = {};
  o.drop = {"MRR (Monthly Recurring Revenue)"};
  const Schema schema = infer_schema(raw, o);
  EXPECT_EQ(spec(schema, "Unnamed: 0").role, ColumnRole::Integer);
  EXPECT_TRUE(spec(schema, "Unnamed: 0").forced);
  EXPECT_NE(spec(schema, "Unnamed: 0").reason.find("`numeric`"), std::string::npos);
  EXPECT_EQ(spec(schema, "Year").role, ColumnRole::Categorical);
  EXPECT_TRUE(spec(schema, "Year").forced);
  EXPECT_EQ(spec(schema, "MRR (Monthly Recurring Revenue)").role, ColumnRole::Dropped);
  EXPECT_NE(spec(schema, "MRR (Monthly Recurring Revenue)").reason.find("`drop`"), std::string::npos);
  EXPECT_FALSE(spec(schema, "Month").forced);
  const Table table = to_table(raw, schema);
  EXPECT_EQ(table.cols(), 4);
  EXPECT_EQ(table.column("Year").categories, (std::vector<std::string>{"2021", "2022"}));
  EXPECT_EQ(table.column("Unnamed: 0").values[18], 18.0);
  // `numeric` on real numbers gives Float; `categorical` on real numbers keeps their text.
  SchemaOverrides more;
  more.numeric = {"Google ads"};
  more.categorical = {"Month"};
  const Schema other = infer_schema(raw, more);
  EXPECT_EQ(spec(other, "Google ads").role, ColumnRole::Float);
  EXPECT_EQ(to_table(raw, other).column("Month").categories.front(), "2");
}

TEST(InferSchemaRules, OneImpossibleDateIsNamedNotSilent) {
  // A column of dates with 2024-02-30 among them is text, and the log says which value broke it.
  const Schema schema =
      infer_schema(parse_csv("d,x\n2024-01-01,1\n2024-01-02,2\n2024-02-30,1\n2024-01-01,2\n2024-01-02,1\n", "t.csv"));
  EXPECT_EQ(spec(schema, "d").role, ColumnRole::Categorical);
  EXPECT_NE(spec(schema, "d").reason.find("not dates: \"2024-02-30\" is not a date in the format %Y-%m-%d"),
            std::string::npos)
      << spec(schema, "d").reason;
  // Text that never read as dates says nothing of dates.
  const Schema words = infer_schema(parse_csv("w,x\nred,1\nblue,2\nred,1\nblue,2\n", "t.csv"));
  EXPECT_EQ(spec(words, "w").reason.find("date"), std::string::npos) << spec(words, "w").reason;
}

TEST(InferSchemaRules, DatetimeOverride) {
  SchemaOverrides o;
  o.datetime = {"d"};
  // Unique dates would be dates anyway; an override marks them forced.
  const Schema schema = infer_schema(parse_csv("d,x\n01.02.2023,1\n03.02.2023,2\n", "t.csv"), o);
  EXPECT_EQ(spec(schema, "d").role, ColumnRole::Datetime);
  EXPECT_EQ(spec(schema, "d").datetime_format, "%d.%m.%Y");
  EXPECT_TRUE(spec(schema, "d").forced);
  // A cell that is no date: file, line, column, cell.
  std::string message =
      error_of([&] { infer_schema(parse_csv("x,d\n1,2023-01-01\n2,soon\n", "t.csv"), o); }, ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "t.csv:3:2: expected a date in column \"d\" in the format %Y-%m-%d")) << message;
  EXPECT_NE(message.find("\"soon\""), std::string::npos) << message;
  message = error_of([&] { infer_schema(parse_csv("x,d\n1,\n2,tomorrow\n", "t.csv"), o); }, ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "t.csv:3:2: expected a date in column \"d\", found \"tomorrow\"")) << message;
  // Mixed formats: the first cell the format of the cells above cannot read.
  message = error_of([&] { infer_schema(parse_csv("d\n2023-01-01\n2023-01-02\n02/01/2023\n", "t.csv"), o); },
                     ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "t.csv:4:1: ")) << message;
  EXPECT_NE(message.find("\"02/01/2023\""), std::string::npos) << message;
}

TEST(InferSchemaRules, NumericOverrideOnTextNamesFileLineColumnAndCell) {
  SchemaOverrides o;
  o.numeric = {"Month"};
  const RawTable raw = parse_csv("id,spend,Month\n1,10,3\n2,20,4\n3,30,5\n4,40,May\n", "ROI.csv");
  const std::string message = error_of([&] { infer_schema(raw, o); }, ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "ROI.csv:5:3: expected a number in column \"Month\", found \"May\"")) << message;
}

TEST(InferSchemaRules, UnknownOrConflictingOverridesAreUsageErrors) {
  const RawTable raw = parse_csv("a,b\n1,x\n2,y\n", "t.csv");
  for (int list = 0; list < 4; ++list) {
    SchemaOverrides o;
    std::vector<std::string>* lists[] = {&o.categorical, &o.numeric, &o.datetime, &o.drop};
    lists[list]->push_back("c");
    const std::string message = error_of([&] { infer_schema(raw, o); }, ErrorKind::Usage);
    const char* option[] = {"`categorical`", "`numeric`", "`datetime`", "`drop`"};
    EXPECT_NE(message.find(option[list]), std::string::npos) << message;
    EXPECT_NE(message.find("\"c\""), std::string::npos) << message;
    EXPECT_NE(message.find("the columns are \"a\", \"b\""), std::string::npos) << message;
  }
  SchemaOverrides both;
  both.numeric = {"a"};
  both.drop = {"a"};
  const std::string message = error_of([&] { infer_schema(raw, both); }, ErrorKind::Usage);
  EXPECT_NE(message.find("`numeric` and `drop`"), std::string::npos) << message;
}

TEST(InferSchemaRules, ToTableRefusesCellsThatDoNotFitTheSchema) {
  // A schema learnt on one file, applied to another.
  const Schema schema =
      infer_schema(parse_csv("n,w,d\n1.5,1,2023-01-01\n2.5,2,2023-01-02\n3.5,3,2023-01-03\n"
                             "4.5,4,2023-01-04\n5.5,5,2023-01-05\n6.5,6,2023-01-06\n"
                             "7.5,7,2023-01-07\n8.5,8,2023-01-08\n9.5,9,2023-01-09\n"
                             "10.5,10,2023-01-10\n11.5,11,2023-01-11\n",
                             "a.csv"));
  ASSERT_EQ(spec(schema, "w").role, ColumnRole::Id);
  Schema typed = schema;
  typed.columns[1].role = ColumnRole::Integer;
  std::string message = error_of(
      [&] { to_table(parse_csv("n,w,d\n1.5,1,2023-01-01\nlots,2,2023-01-02\n", "b.csv"), typed); }, ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "b.csv:3:1: expected a number in column \"n\", found \"lots\"")) << message;
  message = error_of([&] { to_table(parse_csv("n,w,d\n1.5,1,2023-01-01\n2.5,2.5,2023-01-02\n", "b.csv"), typed); },
                     ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "b.csv:3:2: expected a whole number")) << message;
  message = error_of([&] { to_table(parse_csv("n,w,d\n1.5,1,2023-01-01\n2.5,2,1/2/2023\n", "b.csv"), typed); },
                     ErrorKind::Input);
  EXPECT_TRUE(starts_with(message, "b.csv:3:3: expected a date in the format %Y-%m-%d")) << message;
  error_of([&] { to_table(parse_csv("n,w\n1.5,1\n", "b.csv"), typed); }, ErrorKind::Input);
}

}  // namespace
}  // namespace synthtab
