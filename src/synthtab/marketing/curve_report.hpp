#pragma once
// `synthtab curve`: the response-curve fit on real rows, optionally beside the same fit on
// synthetic rows, and a budget split; as JSON and as a plain-text table for the terminal.
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "synthtab/marketing/budget_allocation.hpp"
#include "synthtab/marketing/response_curve.hpp"
#include "synthtab/table/csv_reader.hpp"

namespace synthtab::marketing {

// A CSV typed for curve fitting: the spend and response columns are read as numbers whatever
// inference would say (an all-unique integer spend column is not taken for an ID), and nothing is
// filled or dropped (fit_response_curves drops and counts incomplete rows). A cell that is not a
// number in those columns is an Error(Input) naming file, line and column; a column name not in
// the file is an Error(Usage).
Table read_curve_csv(const std::string& path, const CurveOptions& options, const CsvReadOptions& csv = {});
// The same for a table already split into text cells (a front end's data frame), named in
// messages by its `source`.
Table curve_table(const RawTable& raw, const CurveOptions& options);

// Synthetic width / real width of one interval.
struct IntervalRatio {
  std::string channel;  // "" for the base
  std::string parameter;
  double real_width = 0.0;
  double synthetic_width = 0.0;
  double ratio = 0.0;  // < 1: the synthetic rows claim more certainty than the real ones hold
};

// The response among synthetic rows drawn with one channel's spend held at a planned value, the
// other columns drawn from the model's distribution given it (engine/planned_spend.hpp draws them).
struct PlannedSpend {
  std::string channel;
  double spend = 0.0;
  int64_t rows = 0;
  double mean = kNaN;
  double p5 = kNaN, p25 = kNaN, median = kNaN, p75 = kNaN, p95 = kNaN;  // quantiles of the response
};

struct PlannedSpends {
  std::string model;  // the model that drew them
  std::vector<PlannedSpend> points;
  std::string unavailable;  // why none were drawn (a model that cannot hold a real-valued spend)
};

struct CurveReport {
  CurveFit real;
  std::optional<CurveFit> synthetic;
  std::vector<IntervalRatio> interval_ratios;  // with synthetic and bootstrap
  std::optional<BudgetAllocation> budget;      // on the real fit
  std::optional<PlannedSpends> planned;        // a model's rows at planned spends, when given one
};

// The real fit's response at `spend` of channel `channel`, the other channels at their mean
// spend: what the synthetic rows at a planned spend are set beside (a stock: its change).
double curve_response_at(const CurveFit& fit, size_t channel, double spend);

// Fits `real` (and `synthetic` when given, with the same options except adstock, since
// synthetic rows have no time order) and splits `budget` when given.
CurveReport analyse_response(const Table& real, const Table* synthetic, const CurveOptions& options,
                             std::optional<double> budget = std::nullopt);

nlohmann::json to_json(const CurveFit& fit);
nlohmann::json to_json(const BudgetAllocation& allocation);
nlohmann::json to_json(const CurveReport& report);

// What the interval of a channel's next-unit return says, in a sentence ("spend more: ...", "the
// data cannot tell: ... test it").
std::string verdict_sentence(const CurveFit& fit, const ChannelFit& channel);

// A plain-text summary for the terminal (fixed-width tables, no colour).
std::string format_report(const CurveReport& report);

}  // namespace synthtab::marketing
