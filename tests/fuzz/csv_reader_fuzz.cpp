// libFuzzer target: any bytes through the CSV reader. Errors are fine; crashes, hangs, leaks and
// undefined behaviour are not.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "synthtab/core/error.hpp"
#include "synthtab/table/csv_reader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const synthtab::RawTable table = synthtab::parse_csv(text, "fuzz.csv");
    for (const auto& column : table.columns)
      for (int64_t r = 0; r < column.size(); ++r) (void)column.cell(r);
  } catch (const synthtab::Error&) {
  }
  return 0;
}
