// The curve shapes (Hill, logistic) and adstock as values: their response, marginal response,
// inflection and break-even spend, and the names they are given in text. The fitting is in
// response_curve.cpp.
#include "synthtab/marketing/curve_shapes.hpp"

#include <algorithm>
#include <cmath>
#include <exception>
#include <string>

#include "synthtab/core/error.hpp"

namespace synthtab::marketing {

const char* to_string(CurveShape shape) {
  switch (shape) {
    case CurveShape::Hill:
      return "hill";
    case CurveShape::Logistic:
      return "logistic";
    case CurveShape::Auto:
      return "auto";
  }
  return "?";
}

const char* to_string(Adstock adstock) {
  switch (adstock) {
    case Adstock::None:
      return "none";
    case Adstock::Geometric:
      return "geometric";
    case Adstock::Auto:
      return "auto";
  }
  return "?";
}

CurveShape parse_curve_shape(const std::string& text) {
  if (text == "hill") return CurveShape::Hill;
  if (text == "logistic") return CurveShape::Logistic;
  if (text == "auto") return CurveShape::Auto;
  throw usage_error("unknown curve shape '" + text + "': choose hill, logistic or auto");
}

Adstock parse_adstock(const std::string& text) {
  if (text == "geometric") return Adstock::Geometric;
  if (text == "none") return Adstock::None;
  if (text == "auto") return Adstock::Auto;
  throw usage_error("unknown adstock '" + text + "': choose none, geometric or auto");
}

std::optional<double> parse_ridge(const std::string& text) {
  if (text == "auto") return std::nullopt;
  if (text == "none") return 0.0;
  size_t used = 0;
  double strength = kNaN;
  try {
    strength = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (used == 0 || used != text.size() || !(strength >= 0.0) || !std::isfinite(strength))
    throw usage_error("unknown ridge '" + text + "': choose auto, none or a strength of 0 or more (e.g. 0.01)");
  return strength;
}

namespace {

double sigmoid(double z) {
  if (z >= 0) return 1.0 / (1.0 + std::exp(-z));
  const double e = std::exp(z);
  return e / (1.0 + e);
}

}  // namespace

Terms curve_terms(CurveShape shape, double beta, double location, double steepness, double x) {
  if (shape == CurveShape::Hill) {
    const double a = steepness, k = location;
    if (x <= 0.0) {
      // df/dx at 0: 0 for a > 1, beta / k for a = 1, unbounded for a < 1.
      const double dx = a > 1.0 ? 0.0 : a == 1.0 ? beta / k : std::numeric_limits<double>::infinity();
      return {0.0, 0.0, 0.0, 0.0, dx};
    }
    const double log_ratio = std::log(x / k);
    const double q = sigmoid(a * log_ratio);  // x^a / (x^a + k^a), stable for any ratio
    const double slope = q * (1.0 - q);
    return {beta * q, q, -beta * slope * a / k, beta * slope * log_ratio, beta * slope * a / x};
  }
  const double s = steepness, m = location;
  const double g = sigmoid(s * (x - m)), g0 = sigmoid(-s * m), d = sigmoid(s * m);  // d = 1 - g0
  const double gs = g * (1.0 - g), g0s = g0 * (1.0 - g0);
  const double dg_ds = gs * (x - m), dg_dm = -s * gs;
  const double dg0_ds = -m * g0s, dg0_dm = s * g0s;
  const double n = g - g0;
  // d(n / d)/dtheta with dd = -dg0.
  auto partial = [&](double dg, double dg0) { return beta * ((dg - dg0) / d + n * dg0 / (d * d)); };
  return {beta * n / d, n / d, partial(dg_dm, dg0_dm), partial(dg_ds, dg0_ds), beta * s * gs / d};
}

double Curve::value(double x) const { return curve_terms(shape, beta, location, steepness, x).f; }
double Curve::marginal(double x) const { return curve_terms(shape, beta, location, steepness, x).d_x; }

double Curve::inflection() const {
  if (shape == CurveShape::Hill)
    return steepness > 1.0 ? location * std::pow((steepness - 1.0) / (steepness + 1.0), 1.0 / steepness) : 0.0;
  return std::max(location, 0.0);
}

double Curve::spend_for_share(double share) const {
  if (shape == CurveShape::Hill) return location * std::pow(share / (1.0 - share), 1.0 / steepness);
  const double g0 = sigmoid(-steepness * location);
  const double g = g0 + share * (1.0 - g0);
  return location + std::log(g / (1.0 - g)) / steepness;
}

double Curve::peak_marginal() const { return marginal(inflection()); }

double Curve::spend_for_marginal(double level) const {
  const double start = inflection();
  if (!(peak_marginal() >= level) || beta <= 0.0) return kNaN;
  // df/dx falls from its peak at the inflection towards 0: bracket, then bisect.
  double lo = start, hi = std::max(2.0 * start, std::max(location, 1e-300));
  for (int i = 0; i < 2000 && marginal(hi) >= level; ++i) {
    lo = hi;
    hi *= 2.0;
  }
  if (marginal(hi) >= level) return kNaN;
  for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; ++i) {
    const double mid = 0.5 * (lo + hi);
    (marginal(mid) >= level ? lo : hi) = mid;
  }
  return 0.5 * (lo + hi);
}

double Curve::break_even() const { return spend_for_marginal(1.0); }

double CurveFit::predict(const std::vector<double>& spend) const {
  double total = base.value;
  for (size_t c = 0; c < channels.size() && c < spend.size(); ++c) total += channels[c].curve.value(spend[c]);
  return total;
}

}  // namespace synthtab::marketing
