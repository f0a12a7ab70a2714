#pragma once
// Short plain-text summaries printed after a run.
#include <string>

#include "synthtab/models/synthesizer.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::cli {

// "epochs 10, batch 8, ..." from a fit report's settings.
std::string describe_settings(const FitReport& report);
// One line per column: type, then real vs synthetic (mean and range, or category counts).
std::string compare_columns(const Table& real, const Table& synthetic);

}  // namespace synthtab::cli
