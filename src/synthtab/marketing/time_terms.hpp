#pragma once
// What a response does over time apart from the spend: the baseline terms of a response-curve
// model (trend, seasonality, controls), the time axis they are measured on, and whether the
// response is a flow (each period's own revenue) or a stock (recurring revenue that accumulates).
#include <Eigen/Dense>
#include <string>
#include <vector>

namespace synthtab::marketing {

enum class ResponseKind { Flow, Stock, Auto };
enum class Trend { None, Linear, Log, Auto };
enum class Seasonality { None, Fourier, Month, Auto };

const char* to_string(ResponseKind kind);
const char* to_string(Trend trend);
const char* to_string(Seasonality seasonality);
// Each throws Error(Usage) listing the choices for a word it does not know.
ResponseKind parse_response_kind(const std::string& text);
Trend parse_trend(const std::string& text);
Seasonality parse_seasonality(const std::string& text);

// Where each used row sits in time.
struct TimeAxis {
  std::vector<double> position;  // periods since the first row (0, 1, 2, ... for evenly spaced rows)
  std::vector<double> phase;     // place in the seasonal cycle, in periods from its start (0 <= phase < period)
  double period = 0.0;           // periods per seasonal cycle; 0 = unknown (no seasonality)
  std::string unit;              // "month", "week", "day", "row"
  std::string source;            // how the axis was made, for the output
};

// The axis of rows in time order. `dates` (seconds since 1970, sorted) when the time column holds
// dates: the unit is the median spacing (month, week or day), monthly rows get month-of-year
// phases. Otherwise each row is one period. `period` > 0 overrides the cycle length.
TimeAxis time_axis(const std::vector<double>& dates, int64_t rows, double period, const std::string& source);

// The baseline columns of a model, one per term, each centred on the rows given and divided by its
// largest absolute value (so the fitted coefficient is in response units per unit of `scale`).
struct BaselineTerms {
  std::vector<std::string> names;  // "trend", "log trend", "season sin 1", "season: month 2", control names
  std::vector<double> scale;       // raw units per column unit
  Eigen::MatrixXd columns;         // rows x names.size()
};

// Number of Fourier harmonics used for Seasonality::Fourier.
inline constexpr int kFourierHarmonics = 2;

// The terms for `trend`, `seasonality` (neither Auto) and `controls` (one row per axis entry, raw
// values) over the axis' rows from `first` on (a stock's changes start at its second row).
BaselineTerms baseline_terms(const TimeAxis& axis, int64_t first, Trend trend, Seasonality seasonality,
                             const Eigen::MatrixXd& controls, const std::vector<std::string>& control_names);

// Spearman rank correlation of `values` with their order (ties get their mean rank).
double rank_correlation_with_time(const std::vector<double>& values);

}  // namespace synthtab::marketing
