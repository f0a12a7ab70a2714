#pragma once
// Marketing response curves: response = base + sum over channels f_c(spend_c).
//
// Shapes (each zero at zero spend, rising to the saturation level beta):
//   Hill      f(x) = beta x^a / (x^a + k^a)          S-shaped when a > 1, concave when a <= 1
//   logistic  f(x) = beta (g(x) - g(0)) / (1 - g(0)), g(x) = 1 / (1 + exp(-s (x - m)))
//             (the logistic S-curve shifted to pass through 0 and rescaled so f(inf) = beta;
//              S-shaped with its inflection at m when m > 0)
// Optional geometric adstock (rows ordered by a time column): a_t = x_t + lambda a_{t-1},
// lambda in [0, 0.95], and f is applied to a_t. Reported parameters (k, m, s) are those of f on
// a_t as defined. Everything derived (inflection, saturation spend, marginal returns,
// break-even, budgets) is about the per-period spend x held steady, whose adstocked level is
// x / (1 - lambda): the steady-state curve h(x) = f(x / (1 - lambda)), i.e. h = f when lambda = 0.
//
// Fitting: bounded (robust) Levenberg–Marquardt on rescaled data (spend / max spend, response
// minus min over its range) from a deterministic grid of starts plus seeded random ones; for each
// start the linear parameters (base, beta) come from least squares given the others. Bounds, in
// units of the channel's max spend x_max and the response range R:
//   beta in [0, 10 R]; Hill k in [0.02, 5] x_max, a in [0.5, 6];
//   logistic m in [0, 3] x_max, s in [0.5, 60] / x_max; base unbounded.
// A parameter that ends on a bound is reported in `notes` (e.g. no saturation visible in the
// observed spend range).
// `auto` fits both shapes (the same shape for every channel) and keeps the lower AICc
// = n ln(RSS / n) + 2 q + 2 q (q + 1) / (n - q - 1), q = parameters + 1 (the noise variance).
// Both shapes have the same number of parameters, so this is the lower residual sum of squares.
//
// Intervals: residual bootstrap (keeps the rows' time order, which adstock needs): residuals of
// the fit, centred and inflated by sqrt(n / (n - p)), resampled with replacement onto the fitted
// values; each resample refitted from the fitted parameters; percentile intervals. Resample b
// draws from its own stream derive_seed(seed, purpose, b), so results are identical for any
// thread count.
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "synthtab/marketing/least_squares.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::marketing {

enum class CurveShape { Hill, Logistic, Auto };
enum class Adstock { None, Geometric };
const char* to_string(CurveShape shape);
const char* to_string(Adstock adstock);
// "hill" | "logistic" | "auto"; throws Error(Usage) listing the choices otherwise.
CurveShape parse_curve_shape(const std::string& text);
// "none" | "geometric".
Adstock parse_adstock(const std::string& text);

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// One channel's response to a per-period spend x (steady state), in the response's units.
struct Curve {
  CurveShape shape = CurveShape::Hill;
  double beta = 0.0;       // saturation level
  double location = 1.0;   // Hill: k (half-saturation spend); logistic: m (midpoint)
  double steepness = 1.0;  // Hill: a (shape); logistic: s (per unit of spend)

  double value(double x) const;
  double marginal(double x) const;  // df/dx
  // Where returns start to diminish (max of df/dx): Hill k ((a-1)/(a+1))^(1/a) for a > 1,
  // logistic m; 0 for a curve concave from the first unit.
  double inflection() const;
  // The spend reaching `share` (0 < share < 1) of beta.
  double spend_for_share(double share) const;
  double peak_marginal() const;  // df/dx at the inflection (infinite for Hill a < 1)
  // The spend beyond the inflection where df/dx falls to 1; NaN when df/dx never reaches 1.
  double break_even() const;
  // The spend beyond the inflection where df/dx = level (level > 0); NaN when never reached.
  double spend_for_marginal(double level) const;
};

struct CurveOptions {
  std::vector<std::string> spend;  // one column per channel
  std::string response;
  std::string time;  // orders the rows for adstock; "" = the table's row order
  Adstock adstock = Adstock::None;
  CurveShape shape = CurveShape::Auto;
  Loss loss = Loss::Squares;
  double loss_scale = 0.0;  // robust losses; 0 = 1.4826 MAD of the least-squares residuals
  int bootstrap = 500;      // resamples; 0 = no intervals
  double confidence = 0.95;
  int random_starts = 4;          // seeded starts beyond the deterministic grid
  double marginal_step = 1000.0;  // "the next 1,000 units"
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores
};

// A value with its bootstrap percentile interval (NaN bounds when there is no bootstrap).
struct Estimate {
  std::string name;
  double value = kNaN;
  double low = kNaN;
  double high = kNaN;
};

struct ChannelFit {
  std::string spend;                 // column name
  Curve curve;                       // steady-state curve h(x): all derived numbers use it
  std::vector<Estimate> parameters;  // beta, k, a (Hill) or beta, m, s (logistic), then lambda
  double adstock = 0.0;              // lambda (0 without adstock)
  double mean_spend = 0.0;           // average per-period spend over the rows used
  double max_spend = 0.0;
  double response_at_mean = 0.0;  // h(mean spend): this channel's contribution
  Estimate marginal_return;       // dh/dx at mean spend: return of the next unit
  Estimate marginal_return_step;  // h(mean + step) - h(mean): return of the next `step` units
  double inflection = 0.0;
  double saturation = 0.0;        // beta
  double saturation_spend = 0.0;  // spend reaching 90 % of beta
  double peak_marginal = 0.0;
  double break_even = kNaN;  // NaN: the next unit never returns 1
};

struct CurveFit {
  std::string response;
  std::vector<std::string> spend;
  CurveShape shape = CurveShape::Hill;  // the shape fitted (never Auto)
  Loss loss = Loss::Squares;
  double loss_scale = 0.0;
  Adstock adstock = Adstock::None;
  std::string order;  // how rows were ordered for adstock
  Estimate base;
  std::vector<ChannelFit> channels;
  int64_t rows_used = 0;
  int64_t rows_dropped = 0;  // rows with a missing spend, response or time
  double r2 = 0.0;
  double rmse = 0.0;
  double aicc = kNaN;
  double aicc_hill = kNaN;  // both, when shape was Auto
  double aicc_logistic = kNaN;
  int bootstrap = 0;  // resamples used
  double confidence = 0.95;
  double marginal_step = 1000.0;
  std::vector<std::string> notes;  // plain sentences: dropped rows, parameters at bounds

  // base + sum of the channels' steady-state curves at per-period spends `spend`.
  double predict(const std::vector<double>& spend) const;
};

// Fits the model on `table`. Errors (Error(Usage) for options, Error(Input) for data), each
// naming the column: a spend or response column that is not numeric, a negative spend, fewer
// rows than the model needs (at least max(5, parameters + 1) complete rows), no variation in
// the response, a single distinct value of a spend column. Rows with a missing spend, response
// (or time) are dropped and counted.
CurveFit fit_response_curves(const Table& table, const CurveOptions& options);

}  // namespace synthtab::marketing
