#include "synthtab/engine/validation.hpp"

namespace synthtab {

eval::Validation validate(const Table& prepared, const SynthesisOptions& synthesis,
                          const eval::ValidationOptions& options) {
  const eval::FoldGenerator generator = [&](const Table& training, int64_t rows, uint64_t seed) {
    SynthesisOptions fold = synthesis;
    fold.fit.seed = seed;
    fold.fit.progress = nullptr;
    fold.fit.threads = options.threads;
    const FittedModel model = FittedModel::fit_table(training, fold);
    return model.sample(0, rows, seed);
  };
  return eval::cross_fit(prepared, options, generator, synthesis.model);
}

}  // namespace synthtab
