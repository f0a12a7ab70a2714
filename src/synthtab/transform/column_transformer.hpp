#pragma once
// Reversible per-column transformers (the RDT verbs): fit on a column, transform it into
// `width()` model columns, and turn model columns back into a column of the original type.
#include <cstdint>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

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

// The kinds of column a transformer takes.
enum class ColumnKinds : uint8_t { Numeric, Categorical, Any };

// The public verbs are the contract, checked here once for every transformer (fitted before use,
// the column's kind, the matrix's shape, the state's column); each transformer writes only the
// do_* steps. Transformers register themselves (transform/transformer_registry.hpp).
class ColumnTransformer {
 public:
  virtual ~ColumnTransformer() = default;
  virtual std::string name() const = 0;  // registry name, stored in model files
  virtual ColumnKinds takes() const = 0;
  virtual int width() const = 0;  // model columns per table column

  // Throws Error(Input) when the column is of a kind the transformer does not take, has no
  // values, or has values it cannot learn from (each transformer says which).
  void fit(const Column& column);
  // Writes `width()` values per row into out.row(r)[offset ...]; column has out.rows rows and
  // no missing values unless the transformer passes them on (passes_missing()).
  void transform(const Column& column, Matrix& out, int64_t offset) const;
  // Reads `width()` values per row from in.row(r)[offset ...] and returns a column shaped like
  // the fitted one (same name, type, categories), clipped to the fitted range.
  Column inverse(const Matrix& in, int64_t offset, Rng& rng) const;
  ModelColumn describe(int index) const;  // index < width()
  // Fitted state as JSON: the column's prototype under "column" beside the transformer's own
  // keys; load throws Error(ModelFile) naming the column on a malformed state.
  nlohmann::json save_state() const;
  void load_state(const nlohmann::json& state);
  std::string save() const { return save_state().dump(); }
  void load(const std::string& state);

 protected:
  const Column& fitted_column() const { return prototype_; }  // name, type, categories; no rows

 private:
  // Missing cells pass through transform() as NaN rather than being refused.
  virtual bool passes_missing() const { return false; }
  virtual void do_fit(const Column& column) = 0;  // a column of a kind it takes, with values
  virtual void do_transform(const Column& column, Matrix& out, int64_t offset) const = 0;
  virtual Column do_inverse(const Matrix& in, int64_t offset, Rng& rng) const = 0;
  // By default a continuous model column.
  virtual ModelColumn do_describe(int index) const;
  virtual void do_save(nlohmann::json& state) const = 0;
  // Reads the transformer's own keys; `prototype` (of a kind it takes) becomes the fitted column
  // once this returns. `what` names the column in errors.
  virtual void do_load(const nlohmann::json& state, const Column& prototype, const std::string& what) = 0;

  void require_fitted() const;

  Column prototype_;
  bool fitted_ = false;
};

}  // namespace synthtab
