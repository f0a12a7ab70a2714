#pragma once
// Choosing a response-curve model among the candidates the options leave open, by rolling-origin
// cross-validation (response_curve.hpp describes how). Internal to marketing/.
#include <string>
#include <vector>

#include "synthtab/marketing/curve_data.hpp"
#include "synthtab/marketing/curve_fitting.hpp"
#include "synthtab/marketing/time_terms.hpp"

namespace synthtab::marketing {

// A candidate whose cross-validation error is within kCloseCandidates of the chosen one's: as good
// on held-out periods, given how few there are.
inline constexpr double kCloseCandidates = 0.10;

struct CloseRival {
  Candidate candidate;
  Spec spec;
  CurveData data;
  Eigen::VectorXd params;
};

struct ChosenModel {
  Candidate candidate;  // the one kept
  CurveData data;       // its rows
  ShapeFit fit;         // its fit on all of them
  int64_t first = 0;    // 1 for a stock (its first change is at the second row)
  std::vector<Candidate> candidates;
  int cv_origins = 0;
  std::string kind_reason;
  std::vector<std::string> notes;
  std::vector<CloseRival> close;  // the other candidates within kCloseCandidates of its CV error
  std::string ridge_reason;       // how the ridge strength (fit.spec.ridge) was set
  std::vector<RidgeTrial> ridge_trials;
};

// Error(Input) when no candidate has enough rows for its parameters.
ChosenModel choose_model(const CurveRows& rows, const TimeAxis& axis, const CurveOptions& options);

}  // namespace synthtab::marketing
