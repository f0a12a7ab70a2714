#pragma once
// A one-dimensional variational Bayesian Gaussian mixture: scikit-learn's
// BayesianGaussianMixture(weight_concentration_prior_type="dirichlet_process",
// covariance_type="full", n_init=1) for one feature, the mixture CTGAN's mode-specific
// normalisation fits to every continuous column (Xu et al. 2019).
//
// Same priors, updates, lower bound and stopping rule as scikit-learn 1.2 (mean prior = the data
// mean, mean precision prior 1, degrees-of-freedom prior 1, covariance prior = the sample
// variance with ddof 1, reg_covar added to every variance), and the same start: k-means with a
// k-means++ seeding, run to convergence. Only the random numbers of that seeding differ
// (synthtab's Rng from `seed` instead of NumPy's), so a fit is a function of (data, seed).
#include <cstdint>
#include <vector>

namespace synthtab {

struct BayesianGmmOptions {
  int components = 10;
  double weight_concentration_prior = 0.001;  // CTGAN's choice (sklearn's default is 1/K)
  int max_iter = 100;
  double tol = 1e-3;
  double reg_covar = 1e-6;
  uint64_t seed = 0;  // of the k-means++ start
};

class BayesianGmm {
 public:
  // Throws Error(Input) when `x` is empty or holds a value that is not finite, and
  // Error(Usage) for options out of range.
  void fit(const std::vector<double>& x, const BayesianGmmOptions& options = {});

  // Fitted mixture, per component (scikit-learn's weights_, means_, covariances_).
  const std::vector<double>& weights() const { return weights_; }
  const std::vector<double>& means() const { return means_; }
  const std::vector<double>& variances() const { return variances_; }
  double lower_bound() const { return lower_bound_; }
  int iterations() const { return iterations_; }
  bool converged() const { return converged_; }

  // scikit-learn's predict_proba for one value: the variational responsibilities.
  void responsibilities(double x, std::vector<double>& out) const;

  // Exposed for the tests: the k-means start (labels per value) and the fit from given labels.
  static std::vector<int> kmeans_labels(const std::vector<double>& x, int k, uint64_t seed);
  void fit_from_labels(const std::vector<double>& x, const std::vector<int>& labels, const BayesianGmmOptions& options);

 private:
  // One M step from responsibilities resp (n x K, row-major).
  void m_step(const std::vector<double>& x, const std::vector<double>& resp);
  // log of the weighted probabilities of x under each component (before normalising).
  void weighted_log_prob(double x, double* out) const;
  // One E step: resp and log_resp (n x K, row-major) from the current components; returns
  // sum resp * log resp.
  double e_step(const std::vector<double>& x, std::vector<double>& resp, std::vector<double>& log_resp) const;
  // sklearn's _compute_lower_bound (full covariance, one feature) after an E step of this entropy.
  double evidence_lower_bound(double entropy) const;

  int k_ = 0;
  double reg_covar_ = 1e-6;
  double weight_prior_ = 0.001;
  double mean_prior_ = 0.0;
  double mean_precision_prior_ = 1.0;
  double dof_prior_ = 1.0;
  double covariance_prior_ = 1.0;

  // Variational parameters.
  std::vector<double> concentration_a_, concentration_b_;  // weight_concentration_
  std::vector<double> mean_precision_, means_, dof_, variances_;
  // Cached per-component constants of the E step.
  std::vector<double> log_weights_, log_const_, precision_;
  std::vector<double> weights_;
  double lower_bound_ = 0.0;
  int iterations_ = 0;
  bool converged_ = false;
};

}  // namespace synthtab
