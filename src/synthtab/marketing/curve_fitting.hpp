#pragma once
// Fitting one response-curve model to its data (response_curve.hpp describes the model, the
// bounds and the starts). Internal to marketing/.
#include <Eigen/Dense>
#include <vector>

#include "synthtab/marketing/curve_data.hpp"
#include "synthtab/marketing/least_squares.hpp"

namespace synthtab::marketing {

// The layout of a parameter vector: base, one coefficient per baseline term, then per channel
// (beta, location, steepness[, lambda]); all in scaled units. With a ridge strength, the fit
// minimises RSS + ridge * (sum of the squared baseline coefficients and betas), all in scaled
// units, by one extra residual sqrt(ridge) * c per coefficient c (base is not penalised).
struct Spec {
  CurveShape shape = CurveShape::Hill;
  bool adstock = false;
  int channels = 1;
  int baseline = 0;
  double ridge = 0.0;
  int block() const { return adstock ? 4 : 3; }
  int params() const { return 1 + baseline + channels * block(); }
  int index(int channel) const { return 1 + baseline + channel * block(); }
  int penalty_rows() const { return ridge > 0.0 ? baseline + channels : 0; }
};

std::vector<Bound> bounds_of(const Spec& spec);

LeastSquaresProblem problem_of(const Spec& spec, const CurveData& data, const Eigen::VectorXd& y);

// The model's values at `p` (scaled units).
Eigen::VectorXd fitted_values(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p);

// Channel c's spend level at each row (scaled units): the spend, or with adstock (1 - lambda) a_t,
// the steady spend that would carry the same weight.
Eigen::VectorXd channel_level(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p, int c);

// Channel c's contribution at each row (scaled units).
Eigen::VectorXd channel_values(const Spec& spec, const CurveData& data, const Eigen::VectorXd& p, int c);

struct ShapeFit {
  Spec spec;
  LeastSquaresResult result;
  double rss = 0.0;  // raw units
  double aicc = kNaN;
  double loss_scale = 0.0;  // scaled units
};

// The best of the deterministic grid of starts and `random_starts` seeded ones, under the
// options' loss; or, given `warm_start`, the fit from there alone.
ShapeFit fit_spec(const Spec& spec, const CurveData& data, const CurveOptions& options, int random_starts,
                  const Eigen::VectorXd* warm_start = nullptr);

double median_of(std::vector<double> v);

}  // namespace synthtab::marketing
