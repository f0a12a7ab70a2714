#pragma once
// Cross-fitted validation of the library's models (eval/cross_fit.hpp has the figures).
#include "synthtab/engine/synthesis.hpp"
#include "synthtab/eval/cross_fit.hpp"

namespace synthtab {

// Cross-fits the model `synthesis` names (auto included: its choice is made on each fold's
// training rows only) on `prepared` (a table as fit_table takes it).
eval::Validation validate(const Table& prepared, const SynthesisOptions& synthesis,
                          const eval::ValidationOptions& options);

}  // namespace synthtab
