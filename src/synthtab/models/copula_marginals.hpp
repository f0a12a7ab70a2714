#pragma once
// The copula's parametric marginals (GaussianCopula with Marginals::Parametric): per continuous
// column the best of normal, lognormal, gamma, beta and uniform by AIC, and its quantile function.
#include <string>
#include <vector>

namespace synthtab {

// A continuous column's marginal distribution: the interpolated training values
// ("empirical"), or a parametric family fitted by maximum likelihood.
struct Marginal {
  std::string family = "empirical";  // empirical, normal, lognormal, gamma, beta, uniform
  // normal: mean, sd; lognormal: loc, sigma, scale (= exp(mu)), as scipy.stats.lognorm(s, loc,
  // scale); gamma: shape, loc, scale; beta: a, b, loc, scale; uniform: loc, scale.
  std::vector<double> parameters;
  double aic = 0.0;  // of the chosen family (0 for empirical)
};

// Fits each candidate family to `values` (at least 2, not all equal) and returns the one with the
// lowest AIC. lognormal and gamma have their location fixed just below the minimum
// (min - 1 % of the range), beta its support just around [min, max] (1 % margins), so each is
// a two-parameter maximum-likelihood fit, as scipy.stats' `fit(data, floc=..., fscale=...)`.
Marginal fit_parametric_marginal(const std::vector<double>& values);
// One family's fit (normal, uniform, lognormal, gamma, beta), with the same fixed locations.
Marginal fit_marginal_family(const std::vector<double>& values, const std::string& family);
// The family's quantile function at u in (0, 1).
double marginal_quantile(const Marginal& marginal, double u);
// Whether the parameters suit the family (their count, finite, positive scales and shapes).
bool valid_parameters(const Marginal& marginal);

}  // namespace synthtab
