#include "synthtab/table/value_parse.hpp"

#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <system_error>

namespace synthtab {

namespace {

char lower_ascii(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

bool equals_ignoring_case(std::string_view text, std::string_view lower_word) {
  if (text.size() != lower_word.size()) return false;
  for (size_t i = 0; i < text.size(); ++i) {
    if (lower_ascii(text[i]) != lower_word[i]) return false;
  }
  return true;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// The strict number grammar: [+-] digits [decimal digits] [(e|E) [+-] digits], with at least
// one mantissa digit. Also reports where the mantissa digits are, to tell an overflow from an
// underflow when from_chars reports the result out of range.
struct NumberShape {
  bool valid = false;
  size_t mantissa_begin = 0;           // after the sign
  int64_t leading_integer_digits = 0;  // integer-part digits after leading zeros
  int64_t fraction_leading_zeros = 0;  // zeros right after the decimal mark (when integer is 0)
  bool mantissa_is_zero = true;
  int64_t exponent = 0;  // saturated
};

NumberShape scan_number(std::string_view s, char decimal) {
  NumberShape shape;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  shape.mantissa_begin = i;
  size_t digits = 0;
  bool seen_nonzero = false;
  while (i < s.size() && is_digit(s[i])) {
    if (s[i] != '0') seen_nonzero = true;
    if (seen_nonzero) ++shape.leading_integer_digits;
    ++i;
    ++digits;
  }
  if (i < s.size() && s[i] == decimal) {
    ++i;
    while (i < s.size() && is_digit(s[i])) {
      if (s[i] != '0') {
        seen_nonzero = true;
      } else if (!seen_nonzero) {
        ++shape.fraction_leading_zeros;
      }
      ++i;
      ++digits;
    }
  }
  if (digits == 0) return shape;
  shape.mantissa_is_zero = !seen_nonzero;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    bool negative = false;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
    size_t exponent_digits = 0;
    while (i < s.size() && is_digit(s[i])) {
      if (shape.exponent < 100000) shape.exponent = shape.exponent * 10 + (s[i] - '0');
      ++i;
      ++exponent_digits;
    }
    if (exponent_digits == 0) return shape;
    if (negative) shape.exponent = -shape.exponent;
  }
  shape.valid = i == s.size();
  return shape;
}

bool is_leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int64_t days_in_month(int64_t y, int64_t m) {
  static constexpr std::array<int, 12> kDays = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : kDays[static_cast<size_t>(m - 1)];
}

// Reads between min_digits and max_digits decimal digits at text[pos].
bool read_digits(std::string_view text, size_t& pos, int min_digits, int max_digits, int64_t& value) {
  value = 0;
  int count = 0;
  while (pos < text.size() && count < max_digits && is_digit(text[pos])) {
    value = value * 10 + (text[pos] - '0');
    ++pos;
    ++count;
  }
  return count >= min_digits;
}

constexpr std::array<const char*, 8> kKnownDatetimeFormats = {
    "%Y-%m-%d", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y/%m/%d", "%d/%m/%Y",          "%m/%d/%Y",          "%d.%m.%Y",
};

void append_padded(std::string& out, int64_t value, int width) {
  if (value < 0) {
    out.push_back('-');
    value = -value;
  }
  char buffer[24];
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  for (auto len = result.ptr - buffer; len < width; ++len) out.push_back('0');
  out.append(buffer, result.ptr);
}

}  // namespace

int64_t days_from_civil(int64_t y, int64_t m, int64_t d) {
  y -= m <= 2 ? 1 : 0;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int64_t yoe = y - era * 400;
  const int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

void civil_from_days(int64_t z, int64_t& y, int64_t& m, int64_t& d) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int64_t doe = z - era * 146097;
  const int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int64_t mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = yoe + era * 400 + (m <= 2 ? 1 : 0);
}

std::string_view trim(std::string_view text) {
  size_t begin = 0;
  size_t end = text.size();
  while (begin < end && (text[begin] == ' ' || text[begin] == '\t')) ++begin;
  while (end > begin && (text[end - 1] == ' ' || text[end - 1] == '\t')) --end;
  return text.substr(begin, end - begin);
}

bool is_missing_marker(std::string_view cell) {
  const std::string_view t = trim(cell);
  switch (t.size()) {
    case 0:
      return true;
    case 1:
      return t[0] == '?' || t[0] == '-';
    case 2:
      return equals_ignoring_case(t, "na");
    case 3:
      return equals_ignoring_case(t, "n/a") || equals_ignoring_case(t, "nan");
    case 4:
      return equals_ignoring_case(t, "null") || equals_ignoring_case(t, "none");
    default:
      return false;
  }
}

std::optional<double> parse_number(std::string_view cell, char decimal) {
  const std::string_view text = trim(cell);
  const NumberShape shape = scan_number(text, decimal);
  if (!shape.valid) return std::nullopt;

  // from_chars takes neither a leading '+' nor a decimal comma.
  std::string_view digits = text.substr(shape.mantissa_begin);
  const bool negative = shape.mantissa_begin > 0 && text[0] == '-';
  std::array<char, 128> stack_buffer;
  std::string heap_buffer;
  if (decimal != '.') {
    char* out = stack_buffer.data();
    if (digits.size() > stack_buffer.size()) {
      heap_buffer.assign(digits);
      out = heap_buffer.data();
    } else {
      std::memcpy(out, digits.data(), digits.size());
    }
    for (size_t i = 0; i < digits.size(); ++i) {
      if (out[i] == decimal) out[i] = '.';
    }
    digits = std::string_view(out, digits.size());
  }

  double value = 0.0;
  const auto result = std::from_chars(digits.data(), digits.data() + digits.size(), value, std::chars_format::general);
  if (result.ptr != digits.data() + digits.size()) return std::nullopt;
  if (result.ec == std::errc::result_out_of_range) {
    // Out of range is either an overflow (refused: not finite) or an underflow, which rounds
    // to zero as Python's float() and strtod do. The decimal exponent of the leading digit
    // tells which.
    const int64_t magnitude = shape.leading_integer_digits > 0 ? shape.leading_integer_digits - 1 + shape.exponent
                                                               : -(shape.fraction_leading_zeros + 1) + shape.exponent;
    if (shape.mantissa_is_zero || magnitude < 0) {
      value = 0.0;
    } else {
      return std::nullopt;
    }
  } else if (result.ec != std::errc()) {
    return std::nullopt;
  }
  if (!std::isfinite(value)) return std::nullopt;
  return negative ? -value : value;
}

std::optional<double> parse_datetime(std::string_view cell, const std::string& format) {
  const std::string_view text = trim(cell);
  int64_t year = 1970, month = 1, day = 1, hour = 0, minute = 0, second = 0;
  size_t pos = 0;
  for (size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%') {
      if (pos >= text.size() || text[pos] != format[f]) return std::nullopt;
      ++pos;
      continue;
    }
    if (++f >= format.size()) return std::nullopt;
    bool ok = false;
    switch (format[f]) {
      case 'Y':
        ok = read_digits(text, pos, 4, 4, year);
        break;
      case 'm':
        ok = read_digits(text, pos, 1, 2, month) && month >= 1 && month <= 12;
        break;
      case 'd':
        ok = read_digits(text, pos, 1, 2, day) && day >= 1;
        break;
      case 'H':
        ok = read_digits(text, pos, 1, 2, hour) && hour <= 23;
        break;
      case 'M':
        ok = read_digits(text, pos, 1, 2, minute) && minute <= 59;
        break;
      case 'S':
        ok = read_digits(text, pos, 1, 2, second) && second <= 59;
        break;
      case '%':
        ok = pos < text.size() && text[pos++] == '%';
        break;
      default:
        ok = false;
    }
    if (!ok) return std::nullopt;
  }
  if (pos != text.size() || pos == 0) return std::nullopt;
  if (day > days_in_month(year, month)) return std::nullopt;
  const int64_t days = days_from_civil(year, month, day);
  return static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second);
}

std::string detect_datetime_format(std::string_view cell) {
  for (const char* format : kKnownDatetimeFormats) {
    if (parse_datetime(cell, format)) return format;
  }
  return "";
}

std::string format_datetime(double seconds, const std::string& format) {
  // Beyond about +-2.9e11 years the day count no longer fits; such values are not dates.
  if (!std::isfinite(seconds) || std::fabs(seconds) > 1e17) return "";
  // Generated values may carry fractions of a second; the nearest whole second is written.
  const auto total = static_cast<int64_t>(std::llround(seconds));
  int64_t days = total / 86400;
  int64_t in_day = total % 86400;
  if (in_day < 0) {
    in_day += 86400;
    days -= 1;
  }
  int64_t year = 0, month = 0, day = 0;
  civil_from_days(days, year, month, day);
  std::string out;
  out.reserve(format.size() + 8);
  for (size_t f = 0; f < format.size(); ++f) {
    if (format[f] != '%' || f + 1 >= format.size()) {
      out.push_back(format[f]);
      continue;
    }
    switch (format[++f]) {
      case 'Y':
        append_padded(out, year, 4);
        break;
      case 'm':
        append_padded(out, month, 2);
        break;
      case 'd':
        append_padded(out, day, 2);
        break;
      case 'H':
        append_padded(out, in_day / 3600, 2);
        break;
      case 'M':
        append_padded(out, in_day / 60 % 60, 2);
        break;
      case 'S':
        append_padded(out, in_day % 60, 2);
        break;
      case '%':
        out.push_back('%');
        break;
      default:
        out.push_back('%');
        out.push_back(format[f]);
    }
  }
  return out;
}

std::string format_double(double value, char decimal) {
  if (std::isnan(value)) return "nan";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  char buffer[64];
  std::to_chars_result result;
  constexpr double kExactIntegerLimit = 9007199254740992.0;  // 2^53
  if (value == std::trunc(value) && std::fabs(value) <= kExactIntegerLimit && !(value == 0.0 && std::signbit(value))) {
    // Whole numbers such as years print as "2021", never "2.021e+03".
    result = std::to_chars(buffer, buffer + sizeof buffer, static_cast<int64_t>(value));
  } else {
    result = std::to_chars(buffer, buffer + sizeof buffer, value);
  }
  std::string out(buffer, result.ptr);
  if (decimal != '.') {
    for (char& c : out) {
      if (c == '.') c = decimal;
    }
  }
  return out;
}

}  // namespace synthtab
