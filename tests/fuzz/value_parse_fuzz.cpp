// libFuzzer target: one cell through every value parser and back through the formatters.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "synthtab/table/value_parse.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view cell(reinterpret_cast<const char*>(data), size);
  (void)synthtab::is_missing_marker(cell);
  (void)synthtab::trim(cell);
  for (char decimal : {'.', ','}) {
    if (const auto number = synthtab::parse_number(cell, decimal)) {
      // A parsed number must be finite and print back to the same value.
      if (!std::isfinite(*number)) __builtin_trap();
      const auto again = synthtab::parse_number(synthtab::format_double(*number, decimal), decimal);
      if (!again || *again != *number) __builtin_trap();
    }
  }
  const std::string format = synthtab::detect_datetime_format(cell);
  if (!format.empty()) {
    const auto seconds = synthtab::parse_datetime(cell, format);
    if (!seconds) __builtin_trap();  // the detected format must read the cell
    (void)synthtab::format_datetime(*seconds, format);
  }
  return 0;
}
