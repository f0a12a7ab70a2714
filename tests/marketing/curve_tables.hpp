#pragma once
// What the response-curve tests share: the options of the model they simulate monthly data from.
#include "synthtab/marketing/response_curve.hpp"

namespace synthtab::testing {

// The one model monthly data are simulated from: a flow, Hill curve, geometric adstock, linear
// trend and Fourier seasons (no candidates compared).
inline void fix_monthly_model(marketing::CurveOptions& o) {
  using namespace marketing;
  o.kind = ResponseKind::Flow;
  o.shape = CurveShape::Hill;
  o.adstock = Adstock::Geometric;
  o.trend = Trend::Linear;
  o.seasonality = Seasonality::Fourier;
}

}  // namespace synthtab::testing
