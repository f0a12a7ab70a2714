#include "synthtab/table/value_parse.hpp"

#include <gtest/gtest.h>

#include <clocale>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <random>
#include <string>
#include <vector>

namespace synthtab {
namespace {

TEST(MissingMarker, RecognisesEveryMarker) {
  for (const char* marker : {"",     " ",    "\t",   "NA",   "na",   "N/A",  "n/a", "NaN", "nan",  "NAN",
                             "null", "NULL", "Null", "None", "none", "NONE", "?",   "-",   " NA ", "\tnull "}) {
    EXPECT_TRUE(is_missing_marker(marker)) << "'" << marker << "'";
  }
}

TEST(MissingMarker, KeepsOrdinaryValues) {
  for (const char* value :
       {"0", "-1", "--", "??", "N", "A", "NAs", "nana", "nul", "Nonee", "n.a.", "x", "-0", "inf", "0,5"}) {
    EXPECT_FALSE(is_missing_marker(value)) << "'" << value << "'";
  }
}

TEST(Trim, StripsSpacesAndTabsOnly) {
  EXPECT_EQ(trim("  a b\t "), "a b");
  EXPECT_EQ(trim("\t\t"), "");
  EXPECT_EQ(trim(""), "");
  EXPECT_EQ(trim("\na\n"), "\na\n");
}

TEST(ParseNumber, AcceptsStrictForms) {
  EXPECT_EQ(parse_number("12", '.'), 12.0);
  EXPECT_EQ(parse_number("-12.5", '.'), -12.5);
  EXPECT_EQ(parse_number("+0.25", '.'), 0.25);
  EXPECT_EQ(parse_number(".5", '.'), 0.5);
  EXPECT_EQ(parse_number("5.", '.'), 5.0);
  EXPECT_EQ(parse_number("1e3", '.'), 1000.0);
  EXPECT_EQ(parse_number("1.5E-2", '.'), 0.015);
  EXPECT_EQ(parse_number(" 7 ", '.'), 7.0);
  EXPECT_EQ(parse_number("0,91", ','), 0.91);
  EXPECT_EQ(parse_number("-909,28", ','), -909.28);
  EXPECT_EQ(parse_number("2021,00", ','), 2021.0);
  EXPECT_EQ(parse_number("1,5e3", ','), 1500.0);
}

TEST(ParseNumber, RejectsEverythingElse) {
  for (const char* text :
       {"",      " ",    "inf", "-inf", "Infinity", "nan", "NaN", "1e999", "-1e999", "1,000", "1 000", "1_000",
        "12abc", "0x1A", "--1", "+-1",  "1e",       "e5",  ".",   "1.2.3", "12%",    "$1",    "1e5.5", "abc"}) {
    EXPECT_FALSE(parse_number(text, '.').has_value()) << "'" << text << "'";
  }
  // With a decimal comma, the point is no decimal mark (nor a thousands separator).
  for (const char* text : {"0.91", "1.000,5", "1,2,3", ",", "inf"}) {
    EXPECT_FALSE(parse_number(text, ',').has_value()) << "'" << text << "'";
  }
}

TEST(ParseNumber, UnderflowRoundsToZeroOverflowIsRefused) {
  const auto tiny = parse_number("-1e-400", '.');
  ASSERT_TRUE(tiny.has_value());
  EXPECT_EQ(*tiny, 0.0);
  EXPECT_TRUE(std::signbit(*tiny));
  EXPECT_FALSE(parse_number("1.7976931348623159e308", '.').has_value());
  EXPECT_EQ(parse_number("1.7976931348623157e308", '.'), 1.7976931348623157e308);
}

TEST(ParseNumber, LongCommaNumberUsesHeapBuffer) {
  const std::string digits(300, '1');
  const std::string text = digits + ",5";
  const auto value = parse_number(text, ',');
  ASSERT_TRUE(value.has_value());
  EXPECT_EQ(*value, std::strtod((digits + ".5").c_str(), nullptr));
}

// Reference: Python's float() on the same texts (tests/data/gen_numbers_oracle.py), read
// back from hexadecimal, which strtod converts exactly.
TEST(ParseNumber, MatchesPythonFloatOracle) {
  std::ifstream in(std::string(SYNTHTAB_TEST_DATA) + "/numbers_oracle.csv");
  ASSERT_TRUE(in) << "tests/data/numbers_oracle.csv is missing";
  std::string line;
  std::getline(in, line);
  ASSERT_EQ(line, "decimal|text|expected");
  int checked = 0, accepted = 0;
  while (std::getline(in, line)) {
    const size_t first = line.find('|');
    const size_t second = line.rfind('|');
    ASSERT_NE(first, second) << line;
    const char decimal = line[0];
    const std::string text = line.substr(first + 1, second - first - 1);
    const std::string expected = line.substr(second + 1);
    const auto got = parse_number(text, decimal);
    if (expected == "REJECT") {
      EXPECT_FALSE(got.has_value()) << "'" << text << "' decimal " << decimal << " gave " << *got;
    } else {
      const double want = std::strtod(expected.c_str(), nullptr);
      ASSERT_TRUE(got.has_value()) << "'" << text << "' decimal " << decimal;
      EXPECT_EQ(*got, want) << "'" << text << "' decimal " << decimal;
      EXPECT_EQ(std::signbit(*got), std::signbit(want)) << "'" << text << "'";
      ++accepted;
    }
    ++checked;
  }
  EXPECT_GT(checked, 600);
  EXPECT_GT(accepted, 300);
}

// Second reference: strtod in the C locale, for random well-formed numbers.
TEST(ParseNumber, MatchesStrtodOnRandomNumbers) {
  ASSERT_NE(std::setlocale(LC_NUMERIC, "C"), nullptr);
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<int> length(1, 19), digit(0, 9), exponent(-330, 330), coin(0, 3);
  for (int i = 0; i < 500; ++i) {
    std::string text;
    if (coin(gen) == 0) text += '-';
    for (int k = length(gen); k > 0; --k) text += static_cast<char>('0' + digit(gen));
    if (coin(gen) != 0) {
      text += '.';
      for (int k = length(gen); k > 0; --k) text += static_cast<char>('0' + digit(gen));
    }
    if (coin(gen) == 0) text.append("e").append(std::to_string(exponent(gen)));
    const double reference = std::strtod(text.c_str(), nullptr);
    std::string comma = text;
    for (char& c : comma) c = c == '.' ? ',' : c;
    const auto dot_value = parse_number(text, '.');
    const auto comma_value = parse_number(comma, ',');
    if (std::isinf(reference)) {
      EXPECT_FALSE(dot_value.has_value()) << text;
      EXPECT_FALSE(comma_value.has_value()) << comma;
      continue;
    }
    ASSERT_TRUE(dot_value.has_value()) << text;
    ASSERT_TRUE(comma_value.has_value()) << comma;
    EXPECT_EQ(*dot_value, reference) << text;
    EXPECT_EQ(*comma_value, reference) << comma;
  }
}

TEST(FormatDouble, ShortestRoundTrip) {
  EXPECT_EQ(format_double(0.1), "0.1");
  EXPECT_EQ(format_double(1234.5), "1234.5");
  EXPECT_EQ(format_double(1e300), "1e+300");
  EXPECT_EQ(format_double(2021.0), "2021");
  EXPECT_EQ(format_double(-7.0), "-7");
  EXPECT_EQ(format_double(100000000.0), "100000000");
  EXPECT_EQ(format_double(9007199254740992.0), "9007199254740992");
  EXPECT_EQ(format_double(0.0), "0");
  EXPECT_EQ(format_double(0.91, ','), "0,91");
  EXPECT_EQ(format_double(-1.5e-7, ','), "-1,5e-07");
}

TEST(FormatDouble, RandomValuesRoundTripExactly) {
  std::mt19937_64 gen(11);
  std::uniform_int_distribution<uint64_t> bits;
  std::normal_distribution<double> normal(0.0, 1000.0);
  for (int i = 0; i < 5000; ++i) {
    double value = 0;
    if (i % 2 == 0) {
      const uint64_t raw = bits(gen);
      std::memcpy(&value, &raw, sizeof value);
      if (!std::isfinite(value)) continue;
    } else {
      value = normal(gen);
    }
    for (char decimal : {'.', ','}) {
      const std::string text = format_double(value, decimal);
      const auto back = parse_number(text, decimal);
      ASSERT_TRUE(back.has_value()) << text;
      EXPECT_EQ(*back, value) << text;
    }
  }
}

TEST(Datetime, ParsesKnownFormatsToUtcSeconds) {
  // References computed by hand from the calendar: 2021-03-04 is 18690 days after 1970-01-01.
  EXPECT_EQ(parse_datetime("1970-01-01", "%Y-%m-%d"), 0.0);
  EXPECT_EQ(parse_datetime("2021-03-04", "%Y-%m-%d"), 18690.0 * 86400);
  EXPECT_EQ(parse_datetime("2021-03-04 10:20:30", "%Y-%m-%d %H:%M:%S"), 18690.0 * 86400 + 10 * 3600 + 20 * 60 + 30);
  EXPECT_EQ(parse_datetime("2021-03-04T10:20:30", "%Y-%m-%dT%H:%M:%S"), 18690.0 * 86400 + 37230);
  EXPECT_EQ(parse_datetime("2021-03-04 10:20", "%Y-%m-%d %H:%M"), 18690.0 * 86400 + 37200);
  EXPECT_EQ(parse_datetime("2021/03/04", "%Y/%m/%d"), 18690.0 * 86400);
  EXPECT_EQ(parse_datetime("04/03/2021", "%d/%m/%Y"), 18690.0 * 86400);
  EXPECT_EQ(parse_datetime("03/04/2021", "%m/%d/%Y"), 18690.0 * 86400);
  EXPECT_EQ(parse_datetime("04.03.2021", "%d.%m.%Y"), 18690.0 * 86400);
  EXPECT_EQ(parse_datetime("1969-12-31 23:59:59", "%Y-%m-%d %H:%M:%S"), -1.0);
  EXPECT_EQ(parse_datetime("2000-03-01", "%Y-%m-%d"), 11017.0 * 86400);
}

TEST(Datetime, MatchesPythonCalendarOnManyDays) {
  // Independent reference: Python's datetime, run once:
  //   /usr/bin/python3 -c "import datetime as d; e=d.date(1970,1,1);
  //   print([(x-e).days for x in (d.date(1600,2,29), d.date(1899,12,31), d.date(2024,2,29),
  //   d.date(2100,2,28), d.date(9999,12,31))])"
  //   -> [-135081, -25568, 19782, 47540, 2932896]
  EXPECT_EQ(parse_datetime("1600-02-29", "%Y-%m-%d"), -135081.0 * 86400);
  EXPECT_EQ(parse_datetime("1899-12-31", "%Y-%m-%d"), -25568.0 * 86400);
  EXPECT_EQ(parse_datetime("2024-02-29", "%Y-%m-%d"), 19782.0 * 86400);
  EXPECT_EQ(parse_datetime("2100-02-28", "%Y-%m-%d"), 47540.0 * 86400);
  EXPECT_EQ(parse_datetime("9999-12-31", "%Y-%m-%d"), 2932896.0 * 86400);
}

TEST(Datetime, RefusesDaysThatDoNotExist) {
  for (const char* text : {"2023-02-29", "2023-02-30", "2100-02-29", "1900-02-29", "2021-04-31", "2021-13-01",
                           "2021-00-10", "2021-01-00", "2021-01-32"}) {
    EXPECT_FALSE(parse_datetime(text, "%Y-%m-%d").has_value()) << text;
  }
  EXPECT_TRUE(parse_datetime("2024-02-29", "%Y-%m-%d").has_value());
  EXPECT_TRUE(parse_datetime("2000-02-29", "%Y-%m-%d").has_value());
  EXPECT_FALSE(parse_datetime("2021-01-01 24:00:00", "%Y-%m-%d %H:%M:%S").has_value());
  EXPECT_FALSE(parse_datetime("2021-01-01 10:60:00", "%Y-%m-%d %H:%M:%S").has_value());
  EXPECT_FALSE(parse_datetime("2021-01-01 10:00:60", "%Y-%m-%d %H:%M:%S").has_value());
}

TEST(Datetime, RefusesPartialOrForeignText) {
  EXPECT_FALSE(parse_datetime("2021-03-04x", "%Y-%m-%d").has_value());
  EXPECT_FALSE(parse_datetime("2021-03", "%Y-%m-%d").has_value());
  EXPECT_FALSE(parse_datetime("21-03-04", "%Y-%m-%d").has_value());
  EXPECT_FALSE(parse_datetime("", "%Y-%m-%d").has_value());
  EXPECT_FALSE(parse_datetime("20210304", "%Y-%m-%d").has_value());
  EXPECT_FALSE(parse_datetime("2021-03-04 10:20", "%Y-%m-%d %H:%M:%S").has_value());
}

TEST(Datetime, DetectsTheFirstMatchingKnownFormat) {
  EXPECT_EQ(detect_datetime_format("2021-03-04"), "%Y-%m-%d");
  EXPECT_EQ(detect_datetime_format("2021-03-04 10:20:30"), "%Y-%m-%d %H:%M:%S");
  EXPECT_EQ(detect_datetime_format("2021-03-04T10:20:30"), "%Y-%m-%dT%H:%M:%S");
  EXPECT_EQ(detect_datetime_format("2021-03-04 10:20"), "%Y-%m-%d %H:%M");
  EXPECT_EQ(detect_datetime_format("2021/03/04"), "%Y/%m/%d");
  EXPECT_EQ(detect_datetime_format("04/03/2021"), "%d/%m/%Y");
  EXPECT_EQ(detect_datetime_format("12/31/2021"), "%m/%d/%Y");  // 31 is no month
  EXPECT_EQ(detect_datetime_format("31.12.2021"), "%d.%m.%Y");
  EXPECT_EQ(detect_datetime_format("20210304"), "");  // would be an integer
  EXPECT_EQ(detect_datetime_format("2021"), "");
  EXPECT_EQ(detect_datetime_format("2023-02-29"), "");
  EXPECT_EQ(detect_datetime_format("hello"), "");
}

TEST(Datetime, FormatsAndRoundTrips) {
  EXPECT_EQ(format_datetime(18690.0 * 86400 + 37230, "%Y-%m-%d %H:%M:%S"), "2021-03-04 10:20:30");
  EXPECT_EQ(format_datetime(-1.0, "%Y-%m-%dT%H:%M:%S"), "1969-12-31T23:59:59");
  EXPECT_EQ(format_datetime(18690.0 * 86400, "%d.%m.%Y"), "04.03.2021");
  EXPECT_EQ(format_datetime(29.6, "%H:%M:%S"), "00:00:30");  // nearest second
  std::mt19937_64 gen(3);
  std::uniform_int_distribution<int64_t> seconds(-5'000'000'000LL, 250'000'000'000LL);
  for (const char* format : {"%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%m/%d/%Y %H:%M:%S"}) {
    for (int i = 0; i < 2000; ++i) {
      const auto value = static_cast<double>(seconds(gen));
      const std::string text = format_datetime(value, format);
      EXPECT_EQ(parse_datetime(text, format), value) << text;
    }
  }
}

}  // namespace
}  // namespace synthtab
