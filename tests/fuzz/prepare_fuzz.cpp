// libFuzzer target: bytes read as CSV, then typed, cleaned and transformed like `generate`
// does before any model runs.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "synthtab/core/error.hpp"
#include "synthtab/prepare/clean.hpp"
#include "synthtab/prepare/infer_schema.hpp"
#include "synthtab/table/csv_reader.hpp"
#include "synthtab/transform/pipeline.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const synthtab::RawTable raw = synthtab::parse_csv(text, "fuzz.csv");
    const synthtab::Schema schema = synthtab::infer_schema(raw);
    synthtab::Prepared prepared = synthtab::clean(synthtab::to_table(raw, schema), schema, {}, "fuzz.csv");
    synthtab::Pipeline pipeline;
    pipeline.fit(prepared.table);
    const synthtab::Matrix model_rows = pipeline.transform(prepared.table);
    synthtab::Rng rng(1);
    (void)pipeline.inverse(model_rows, rng);
  } catch (const synthtab::Error&) {
  }
  return 0;
}
