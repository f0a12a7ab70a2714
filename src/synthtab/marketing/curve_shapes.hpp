#pragma once
// A curve's value and its partial derivatives, shared by the curves' methods (curve_shapes.cpp)
// and their least-squares fit (response_curve.cpp).
#include "synthtab/marketing/response_curve.hpp"

namespace synthtab::marketing {

// f and its partial derivatives with respect to (beta, location, steepness, x).
struct Terms {
  double f, d_beta, d_location, d_steepness, d_x;
};

Terms curve_terms(CurveShape shape, double beta, double location, double steepness, double x);

}  // namespace synthtab::marketing
