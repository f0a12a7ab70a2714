#pragma once
// The model interface: fit on model-space rows, sample model-space rows, save and load.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "synthtab/core/archive.hpp"
#include "synthtab/core/error.hpp"
#include "synthtab/core/matrix.hpp"
#include "synthtab/core/progress.hpp"
#include "synthtab/models/parameters.hpp"
#include "synthtab/transform/column_transformer.hpp"

namespace synthtab {

struct FitOptions {
  uint64_t seed = 42;
  int threads = 0;               // 0 = all cores
  Progress* progress = nullptr;  // may be null
  // The model's own parameters (its traits' schema: epochs, learning rates, the copula's
  // marginals, cart's smoothing...); a parameter not given takes the model's default.
  ModelParameters parameters;
};

// A model column held at a value (model space): what a conditional draw is given.
struct GivenValue {
  int64_t column = 0;
  float value = 0.0F;
};

// What a fit reports back (shown to the user, stored in the model file).
struct FitReport {
  std::map<std::string, std::string> settings;  // effective hyper-parameters, as text
  std::vector<double> critic_loss;              // per epoch (mean over its iterations)
  std::vector<double> generator_loss;           // per epoch
  double seconds = 0.0;
};

// A model of the model-space rows. The public calls are the contract, checked and timed here
// for every model; each model implements the do_* steps.
class Synthesizer {
 public:
  virtual ~Synthesizer() = default;
  virtual std::string name() const = 0;
  // Needs at least 2 rows and 1 column (Error(Input) otherwise), one layout entry per column and
  // parameters of this model's schema (Error(Usage)); the report's `seconds` is the time the fit
  // took.
  FitReport fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options);
  // Rows [first_row, first_row + count) of the infinite synthetic stream of `seed`:
  // row r depends only on (seed, r), so any split into shards or blocks gives the same rows.
  Matrix sample(int64_t first_row, int64_t count, uint64_t seed) const;
  // Whether sample_given can draw this model's rows given some of their values.
  virtual bool can_condition() const { return false; }
  // As sample, but from the model's distribution given that each `given` model column holds its
  // value (those columns come out holding it). Throws Error(Usage) for a model that cannot
  // condition, or a value it cannot condition on (naming the model column).
  Matrix sample_given(int64_t first_row, int64_t count, uint64_t seed, const std::vector<GivenValue>& given) const;

  // Writes its state into sections named "<prefix>..." and reads them back.
  void save(ArchiveWriter& out, const std::string& prefix) const { do_save(out, prefix); }
  void load(const ArchiveReader& in, const std::string& prefix) { do_load(in, prefix); }

 protected:
  virtual FitReport do_fit(const Matrix& data, const std::vector<ModelColumn>& layout, const FitOptions& options) = 0;
  virtual Matrix do_sample(int64_t first_row, int64_t count, uint64_t seed) const = 0;
  virtual Matrix do_sample_given(int64_t first_row, int64_t count, uint64_t seed,
                                 const std::vector<GivenValue>& given) const;
  virtual void do_save(ArchiveWriter& out, const std::string& prefix) const = 0;
  virtual void do_load(const ArchiveReader& in, const std::string& prefix) = 0;
};

}  // namespace synthtab
