#pragma once
// "What if we spent S?": a model's synthetic rows with one spend column held at planned values,
// set beside the fitted response curve (docs/marketing.md). Here because it needs both a fitted
// model (engine/) and the curve's report (marketing/).
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "synthtab/engine/synthesis.hpp"
#include "synthtab/marketing/curve_report.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab {

// Rows drawn at each planned spend by the curve command and the report: enough for quartiles and
// the 5 % and 95 % points to within a few hundredths of the response's spread.
inline constexpr int64_t kPlannedSpendRows = 1000;

// The real spends' 10th, 30th, 50th, 70th and 90th percentiles, each an observed value (nearest
// rank, so a whole-number column gets whole numbers and every value is one the model learnt),
// without repeats.
std::vector<double> planned_spends_of(const Column& spend);

// A spend to hold one channel at: (spend column, value per period).
using PlannedValue = std::pair<std::string, double>;

// "COLUMN=SPEND" (as a condition is written; a decimal point or comma). Error(Usage) naming the
// text for one that is not a spend column of `spend` and a number.
PlannedValue parse_planned_value(const std::string& text, const std::vector<std::string>& spend);

// For each of `spend`'s columns, `rows` rows drawn from `model` with that column held at each of
// its planned spends, summarised by the response's mean and quantiles; the model's conditions are
// restored afterwards. The planned spends are `plan`'s, in its order, or when it is empty each
// column's planned_spends_of `real`. Error(Usage) when the model lacks a spend or the response
// column, its response is not numeric, or `plan` names a column not in `spend`. A model that
// cannot hold a spend (a real-valued spend on a model that draws again until values are held, or
// a value outside what it learnt) gives no points and says why in `unavailable`.
marketing::PlannedSpends draw_at_planned_spends(FittedModel& model, const Table& real,
                                                const std::vector<std::string>& spend, const std::string& response,
                                                int64_t rows, uint64_t seed,
                                                const std::vector<PlannedValue>& plan = {});

}  // namespace synthtab
