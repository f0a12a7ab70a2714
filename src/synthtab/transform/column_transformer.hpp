#pragma once
// Reversible per-column transformers (the RDT verbs): fit on a column, transform it into
// `width()` model columns, and turn model columns back into a column of the original type.
#include <cstdint>
#include <memory>
#include <string>

#include "synthtab/core/matrix.hpp"
#include "synthtab/core/rng.hpp"
#include "synthtab/table/column.hpp"

namespace synthtab {

// How a model should read one model column.
enum class ModelColumnKind : uint8_t {
  Continuous,   // a number in [-1, 1]
  Categorical,  // a scaled category code in [-1, 1] (the seed's encoding)
};

struct ModelColumn {
  ModelColumnKind kind = ModelColumnKind::Continuous;
  int categories = 0;  // for Categorical
  std::string source;  // the table column it comes from
  // A 0/1 column the pipeline adds after a column that has missing values: +1 where the value
  // is missing, -1 where it is present (kind Categorical, 2 categories). Models treat it as any
  // other column, so missing values are generated at the real rate and with the real pattern.
  bool missing_indicator = false;
};

class ColumnTransformer {
 public:
  virtual ~ColumnTransformer() = default;
  virtual std::string name() const = 0;  // registry name, stored in model files
  virtual void fit(const Column& column) = 0;
  // Writes `width()` values per row into out.row(r)[offset ...]; column has out.rows rows.
  virtual void transform(const Column& column, Matrix& out, int64_t offset) const = 0;
  // Reads `width()` values per row from in.row(r)[offset ...] and returns a column shaped like
  // the fitted one (same name, type, categories), clipped to the fitted range.
  virtual Column inverse(const Matrix& in, int64_t offset, Rng& rng) const = 0;
  virtual int width() const = 0;
  virtual ModelColumn describe(int index) const = 0;  // index < width()
  // Fitted state as text (JSON), and back.
  virtual std::string save() const = 0;
  virtual void load(const std::string& state) = 0;
};

}  // namespace synthtab
