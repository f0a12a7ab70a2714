#pragma once
// Parsing single cell values: missing markers, numbers with '.' or ',' decimal marks, dates.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace synthtab {

// Empty (after trimming spaces), NA, N/A, NaN, nan, null, NULL, None, ?, -  count as missing.
bool is_missing_marker(std::string_view cell);

// Strips leading/trailing ASCII spaces and tabs.
std::string_view trim(std::string_view text);

// A finite number written with `decimal` ('.' or ',') as decimal mark, optional sign and
// exponent; no thousands separators. Returns nothing for anything else (inf, 1e999, "12abc").
std::optional<double> parse_number(std::string_view cell, char decimal);

// Formats of dates/times the reader recognises, as strftime-style patterns, e.g.
// "%Y-%m-%d", "%Y-%m-%dT%H:%M:%S", "%d/%m/%Y", "%m/%d/%Y", "%Y/%m/%d", "%d.%m.%Y".
// parse_datetime returns seconds since 1970-01-01 UTC, or nothing when the cell does not
// match `format` or names a date that does not exist (2023-02-30).
std::optional<double> parse_datetime(std::string_view cell, const std::string& format);
// The first known format that parses `cell`, or "" if none does.
std::string detect_datetime_format(std::string_view cell);
std::string format_datetime(double seconds, const std::string& format);

// Calendar arithmetic (proleptic Gregorian, UTC), after Howard Hinnant's algorithms: the day
// number since 1970-01-01 of a year, month (1-12) and day, and back.
int64_t days_from_civil(int64_t y, int64_t m, int64_t d);
void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d);

// Shortest text that parses back to exactly `value` ("0.1", "1e+300", "1234.5").
std::string format_double(double value, char decimal = '.');

}  // namespace synthtab
