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
// Baseline terms (time_terms.hpp) enter linearly beside base: a trend (linear or log in periods),
// seasonality (Fourier terms or one effect per month), controls; each centred, so base is the
// response at zero spend in the average period.
// Stock or flow: a flow (revenue of the period) is modelled as it is; a stock (recurring revenue,
// subscribers) by its change from the period before, which the spend of the period drives; the
// return of a unit is then counted over `payback_periods`, since what it adds to the stock stays.
//
// Choosing the model: every candidate over response kind x shape x adstock x trend x seasonality
// that an option leaves at `auto` is fitted, and the one with the lowest rolling-origin
// cross-validation error kept: for each origin o (up to 12, spread from half the rows to the last)
// the candidate is fitted on the rows before o (from the grid of starts at the first origin, then
// from the fit at the origin before) and predicts the response at o (a stock: the row before plus
// the predicted change), so every candidate is judged on the same one-step-ahead errors of the
// response itself.
// AICc = n ln(RSS / n) + 2 q + 2 q (q + 1) / (n - q - 1), q = parameters + 1 (the noise variance),
// is shown beside it (comparable only between candidates of one response kind). With too few rows
// for two origins, the lowest AICc of the detected response kind is kept.
//
// Regularisation (small data): a ridge penalty, as Robyn's, on the coefficients that enter
// linearly: the fit minimises RSS + ridge * sum c^2 over the baseline coefficients and the betas,
// all in scaled units (response over its range; baseline terms scaled to a largest absolute value
// of 1), base not penalised: a Gaussian prior of mean 0 and standard deviation sigma / sqrt(ridge)
// on each, sigma the noise in those units. Left unset, the strength is chosen for the chosen model
// by the same rolling-origin cross-validation among kRidgeStrengths and none; a strength is kept
// only when it predicts held-out periods 5 % better than none, and the bootstrap refits keep it.
// Off by default: the bootstrap does not see the bias a penalty adds nor the choice of its
// strength, and on the coverage study's simulated months (docs/marketing.md) a chosen ridge
// narrows the 90 % intervals of the next unit's return to 74 % coverage at 24 months (88 % without).
//
// Intervals: residual bootstrap (keeps the rows' time order, which adstock needs): residuals of
// the fit, centred and inflated by sqrt(n / (n - p)), resampled with replacement onto the fitted
// values; each resample refitted from the fitted parameters; percentile intervals. Resample b
// draws from its own stream derive_seed(seed, purpose, b), so results are identical for any
// thread count.
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "synthtab/marketing/least_squares.hpp"
#include "synthtab/marketing/time_terms.hpp"
#include "synthtab/table/table.hpp"

namespace synthtab::marketing {

enum class CurveShape { Hill, Logistic, Auto };
enum class Adstock { None, Geometric, Auto };
const char* to_string(CurveShape shape);
const char* to_string(Adstock adstock);
// "hill" | "logistic" | "auto"; throws Error(Usage) listing the choices otherwise.
CurveShape parse_curve_shape(const std::string& text);
// "none" | "geometric" | "auto".
Adstock parse_adstock(const std::string& text);
// "auto" (unset: chosen by cross-validation) | "none" (0) | a strength >= 0.
std::optional<double> parse_ridge(const std::string& text);

inline constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// The ridge strengths cross-validation tries beside none.
inline constexpr double kRidgeStrengths[] = {0.001, 0.003, 0.01, 0.03, 0.1, 0.3};

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
  std::string time;  // orders the rows in time; "" = the table's row order
  Adstock adstock = Adstock::Auto;
  CurveShape shape = CurveShape::Auto;
  ResponseKind kind = ResponseKind::Auto;
  Trend trend = Trend::Auto;
  Seasonality seasonality = Seasonality::Auto;
  double period = 0.0;                // periods per seasonal cycle; 0 = from the time column's dates
  std::vector<std::string> controls;  // other columns that move the response (price, promotions)
  double payback_periods = 12.0;      // a stock: periods over which a unit added to it is counted
  // Ridge strength on the baseline coefficients and the saturation levels (see "Regularisation"
  // above); unset: chosen by cross-validation among kRidgeStrengths; 0: none (the default).
  std::optional<double> ridge = 0.0;
  Loss loss = Loss::Squares;
  double loss_scale = 0.0;  // robust losses; 0 = 1.4826 MAD of the least-squares residuals
  int bootstrap = 500;      // resamples; 0 = no intervals
  double confidence = 0.95;
  int random_starts = 4;          // seeded starts beyond the deterministic grid
  double marginal_step = 1000.0;  // "the next 1,000 units"
  uint64_t seed = 42;
  int threads = 0;  // 0 = all cores
};

// What the interval of the next unit's return says: above break-even (1), below, or either (also
// when candidates about as good as the chosen one disagree about the side).
enum class Verdict { SpendMore, SpendLess, CannotTell, NoInterval };
const char* to_string(Verdict verdict);

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
  double break_even = kNaN;  // NaN: the next unit never returns 1 (a stock: over the payback periods)
  // The return of the next unit of spend at mean spend in the response's money: the marginal
  // return, times the payback periods for a stock.
  Estimate unit_return;
  double pays_share = kNaN;  // share of bootstrap draws in which the next unit returns more than 1
  Verdict verdict = Verdict::NoInterval;
  // Candidates about as good as the chosen one (CV error within 10 %) whose point estimate of the
  // return puts the next unit on the other side of break-even; any makes the verdict CannotTell.
  int close_candidates = 0;
  int close_disagreeing = 0;
  double close_low = kNaN, close_high = kNaN;  // their point returns' range, the chosen one's included
  // The steady-state curve h and the return of the next unit (unit_return's measure) on a grid
  // of spends from 0 to 1.5 times the largest, each with its bootstrap interval: the report's band.
  std::vector<double> grid;
  std::vector<Estimate> grid_response, grid_return;
  // Each bootstrap refit's steady-state curve (not in the JSON): the budget's shares of draws.
  std::vector<Curve> curve_draws;
};

// One model tried, with its errors.
struct Candidate {
  ResponseKind kind = ResponseKind::Flow;
  CurveShape shape = CurveShape::Hill;
  Adstock adstock = Adstock::None;
  Trend trend = Trend::None;
  Seasonality seasonality = Seasonality::None;
  int parameters = 0;
  double cv_rmse = kNaN;  // rolling-origin one-step-ahead RMSE of the response
  double aicc = kNaN;
  bool chosen = false;
  std::string label() const;  // "stock, hill, geometric adstock, linear trend"
};

// One ridge strength tried on the chosen model, with its cross-validation error.
struct RidgeTrial {
  double strength = 0.0;
  double cv_rmse = kNaN;
};

// One row of the fitted target split into its parts (they sum to `fitted`).
struct DecompositionRow {
  std::string period;     // the time column's date, or the row's number (1, 2, ...)
  double position = 0.0;  // periods since the first row
  double actual = 0.0;    // the target: the response, or its change for a stock
  double fitted = 0.0;
  double baseline = 0.0;         // base and the baseline terms
  std::vector<double> channels;  // each channel's contribution
  // Each channel's spend level: the spend, or with adstock the steady spend carrying the same
  // weight ((1 - lambda) a_t), where its contribution is exactly the steady-state curve's value.
  std::vector<double> levels;
};

struct CurveFit {
  std::string response;
  std::vector<std::string> spend;
  CurveShape shape = CurveShape::Hill;  // the shape fitted (never Auto)
  Loss loss = Loss::Squares;
  double loss_scale = 0.0;
  Adstock adstock = Adstock::None;
  std::string order;  // how rows were ordered in time
  ResponseKind kind = ResponseKind::Flow;
  std::string kind_reason;  // why auto chose it
  Trend trend = Trend::None;
  Seasonality seasonality = Seasonality::None;
  std::string time_unit;  // "month", "week", "day", "row"
  double payback_periods = 12.0;
  Estimate base;
  std::vector<Estimate> baseline;  // per baseline term: response per unit of the term (trend: per period)
  std::vector<Candidate> candidates;
  int cv_origins = 0;  // one-step-ahead predictions per candidate (0: chosen by AICc)
  double ridge = 0.0;  // the strength used (0: none)
  std::string ridge_reason;
  std::vector<RidgeTrial> ridge_trials;  // none first; empty when the strength was given or not chosen
  std::vector<DecompositionRow> decomposition;
  std::vector<ChannelFit> channels;
  int64_t rows_used = 0;
  int64_t rows_dropped = 0;  // rows with a missing spend, response or time
  double r2 = 0.0;
  double rmse = 0.0;
  double aicc = kNaN;
  int bootstrap = 0;  // resamples used
  double confidence = 0.95;
  double marginal_step = 1000.0;
  std::vector<std::string> notes;  // plain sentences: dropped rows, parameters at bounds

  // base + sum of the channels' steady-state curves at per-period spends `spend` (a stock: the
  // change per period).
  double predict(const std::vector<double>& spend) const;
  // What a unit of spend returns in the response's money: 1, or for a stock the payback periods.
  double unit() const { return kind == ResponseKind::Stock ? payback_periods : 1.0; }
};

// Chooses and fits the model on `table`. Errors (Error(Usage) for options, Error(Input) for data), each
// naming the column: a spend or response column that is not numeric, a negative spend, fewer
// rows than the model needs (at least max(5, parameters + 1) complete rows), no variation in
// the response, a single distinct value of a spend column. Rows with a missing spend, response
// (or time) are dropped and counted.
CurveFit fit_response_curves(const Table& table, const CurveOptions& options);

}  // namespace synthtab::marketing
