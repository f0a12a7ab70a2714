#include "synthtab/transform/bayesian_gmm.hpp"

#include <algorithm>
#include <boost/math/special_functions/digamma.hpp>
#include <cmath>
#include <limits>
#include <numbers>
#include <numeric>

#include "synthtab/core/error.hpp"
#include "synthtab/core/rng.hpp"

namespace synthtab {

namespace {

constexpr double kEps = std::numeric_limits<double>::epsilon();  // numpy's finfo(float64).eps
constexpr int kKmeansMaxIter = 300;                              // sklearn's KMeans default

double digamma(double x) { return boost::math::digamma(x); }
double betaln(double a, double b) { return std::lgamma(a) + std::lgamma(b) - std::lgamma(a + b); }

void check_fit_input(const std::vector<double>& x, const std::vector<int>& labels, const BayesianGmmOptions& options) {
  if (options.components < 1 || options.max_iter < 1 || !(options.tol >= 0.0) || !(options.reg_covar >= 0.0) ||
      !(options.weight_concentration_prior > 0.0))
    throw usage_error("Gaussian mixture options out of range");
  if (x.empty()) throw Error(ErrorKind::Input, "the Gaussian mixture has no values to fit");
  if (labels.size() != x.size()) throw usage_error("one k-means label per value is needed");
  for (double v : x)
    if (!std::isfinite(v)) throw Error(ErrorKind::Input, "the Gaussian mixture got a value that is not finite");
}

// sklearn's data-dependent priors: mean prior = mean, covariance prior = np.cov (ddof 1).
struct DataPriors {
  double mean = 0.0;
  double covariance = 0.0;
};

DataPriors data_priors(const std::vector<double>& x) {
  const size_t n = x.size();
  double mean = 0.0;
  for (double v : x) mean += v;
  mean /= static_cast<double>(n);
  double ss = 0.0;
  for (double v : x) ss += (v - mean) * (v - mean);
  return {mean, n > 1 ? ss / static_cast<double>(n - 1) : 0.0};
}

// The k-means labels as responsibilities (n x k, row-major): 1 for each value's cluster.
std::vector<double> one_hot(const std::vector<int>& labels, int k) {
  const auto width = static_cast<size_t>(k);
  std::vector<double> resp(labels.size() * width, 0.0);
  for (size_t i = 0; i < labels.size(); ++i) {
    const int label = labels[i];
    if (label < 0 || label >= k) throw usage_error("a k-means label is out of range");
    resp[i * width + static_cast<size_t>(label)] = 1.0;
  }
  return resp;
}

// weights_ of a Dirichlet process: stick-breaking expectations, normalised.
std::vector<double> stick_breaking_weights(const std::vector<double>& a, const std::vector<double>& b) {
  std::vector<double> weights(a.size(), 0.0);
  double stick = 1.0, total = 0.0;
  for (size_t j = 0; j < a.size(); ++j) {
    const double s = a[j] + b[j];
    weights[j] = a[j] / s * stick;
    stick *= b[j] / s;
    total += weights[j];
  }
  for (double& w : weights) w /= total;
  return weights;
}

}  // namespace

std::vector<int> BayesianGmm::kmeans_labels(const std::vector<double>& x, int k, uint64_t seed) {
  const size_t n = x.size();
  const auto kk = static_cast<size_t>(k);
  Rng rng(seed);
  // k-means++ seeding as scikit-learn does it: the first centre uniformly at random, then
  // 2 + int(log k) candidates drawn in proportion to the squared distance to the nearest
  // centre, keeping the one that lowers the total squared distance most.
  const int trials = 2 + static_cast<int>(std::log(static_cast<double>(k)));
  std::vector<double> centres;
  centres.reserve(kk);
  centres.push_back(x[static_cast<size_t>(rng.below(n))]);
  std::vector<double> closest(n);
  for (size_t i = 0; i < n; ++i) closest[i] = (x[i] - centres[0]) * (x[i] - centres[0]);
  std::vector<double> cumulative(n);
  std::vector<double> candidate_closest(n), best_closest(n);
  while (centres.size() < kk) {
    std::partial_sum(closest.begin(), closest.end(), cumulative.begin());
    double best_potential = std::numeric_limits<double>::infinity();
    double best_centre = x[0];
    for (int t = 0; t < trials; ++t) {
      const double u = rng.uniform() * cumulative.back();
      size_t pick = static_cast<size_t>(std::upper_bound(cumulative.begin(), cumulative.end(), u) - cumulative.begin());
      pick = std::min(pick, n - 1);
      const double c = x[pick];
      double p = 0.0;
      for (size_t i = 0; i < n; ++i) p += candidate_closest[i] = std::min(closest[i], (x[i] - c) * (x[i] - c));
      if (p < best_potential) {
        best_potential = p;
        best_centre = c;
        best_closest.swap(candidate_closest);
      }
    }
    centres.push_back(best_centre);
    closest.swap(best_closest);
  }
  // Lloyd's iterations until no label changes.
  std::vector<int> labels(n, -1);
  std::vector<double> sum(kk);
  std::vector<double> count(kk);
  for (int iter = 0; iter < kKmeansMaxIter; ++iter) {
    bool changed = false;
    std::fill(sum.begin(), sum.end(), 0.0);
    std::fill(count.begin(), count.end(), 0.0);
    for (size_t i = 0; i < n; ++i) {
      int best = 0;
      double best_d = std::abs(x[i] - centres[0]);
      for (size_t j = 1; j < kk; ++j) {
        const double d = std::abs(x[i] - centres[j]);
        if (d < best_d) best = static_cast<int>(j), best_d = d;  // ties: the lower index
      }
      changed = changed || labels[i] != best;
      labels[i] = best;
      sum[static_cast<size_t>(best)] += x[i];
      count[static_cast<size_t>(best)] += 1.0;
    }
    if (!changed) break;
    // An empty cluster keeps its centre (it then starts the mixture as an unused component).
    for (size_t j = 0; j < kk; ++j)
      if (count[j] > 0) centres[j] = sum[j] / count[j];
  }
  return labels;
}

void BayesianGmm::fit(const std::vector<double>& x, const BayesianGmmOptions& options) {
  if (options.components < 1) throw usage_error("the Gaussian mixture needs at least 1 component");
  if (x.empty()) throw Error(ErrorKind::Input, "the Gaussian mixture has no values to fit");
  fit_from_labels(x, kmeans_labels(x, options.components, options.seed), options);
}

void BayesianGmm::fit_from_labels(const std::vector<double>& x, const std::vector<int>& labels,
                                  const BayesianGmmOptions& options) {
  check_fit_input(x, labels, options);
  const size_t n = x.size();
  k_ = options.components;
  const auto k = static_cast<size_t>(k_);
  reg_covar_ = options.reg_covar;
  weight_prior_ = options.weight_concentration_prior;
  const DataPriors priors = data_priors(x);
  mean_prior_ = priors.mean;
  mean_precision_prior_ = 1.0;
  dof_prior_ = 1.0;
  covariance_prior_ = priors.covariance;

  std::vector<double> resp = one_hot(labels, k_);
  m_step(x, resp);

  std::vector<double> log_resp(n * k);
  lower_bound_ = -std::numeric_limits<double>::infinity();
  converged_ = false;
  iterations_ = 0;
  for (int iter = 1; iter <= options.max_iter; ++iter) {
    const double previous = lower_bound_;
    const double entropy = e_step(x, resp, log_resp);
    m_step(x, resp);
    lower_bound_ = evidence_lower_bound(entropy);
    iterations_ = iter;
    if (std::abs(lower_bound_ - previous) < options.tol) {
      converged_ = true;
      break;
    }
  }
  weights_ = stick_breaking_weights(concentration_a_, concentration_b_);
}

double BayesianGmm::e_step(const std::vector<double>& x, std::vector<double>& resp,
                           std::vector<double>& log_resp) const {
  const auto k = static_cast<size_t>(k_);
  double entropy = 0.0;  // sum resp * log resp
  for (size_t i = 0; i < x.size(); ++i) {
    double* row = log_resp.data() + i * k;
    weighted_log_prob(x[i], row);
    double top = row[0];
    for (size_t j = 1; j < k; ++j) top = std::max(top, row[j]);
    double s = 0.0;
    for (size_t j = 0; j < k; ++j) s += std::exp(row[j] - top);
    const double norm = top + std::log(s);
    for (size_t j = 0; j < k; ++j) {
      row[j] -= norm;
      const double r = std::exp(row[j]);
      resp[i * k + j] = r;
      entropy += r * row[j];
    }
  }
  return entropy;
}

double BayesianGmm::evidence_lower_bound(double entropy) const {
  double log_wishart = 0.0, log_norm_weight = 0.0, log_mean_precision = 0.0;
  for (size_t j = 0; j < static_cast<size_t>(k_); ++j) {
    const double log_det_chol = -0.5 * std::log(variances_[j]) - 0.5 * std::log(dof_[j]);
    log_wishart += -(dof_[j] * log_det_chol + dof_[j] * 0.5 * std::numbers::ln2 + std::lgamma(0.5 * dof_[j]));
    log_norm_weight -= betaln(concentration_a_[j], concentration_b_[j]);
    log_mean_precision += std::log(mean_precision_[j]);
  }
  return -entropy - log_wishart - log_norm_weight - 0.5 * log_mean_precision;
}

void BayesianGmm::m_step(const std::vector<double>& x, const std::vector<double>& resp) {
  const size_t n = x.size();
  const auto k = static_cast<size_t>(k_);
  std::vector<double> nk(k, 0.0), xk(k, 0.0), sk(k, 0.0);
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) {
      nk[j] += resp[i * k + j];
      xk[j] += resp[i * k + j] * x[i];
    }
  for (size_t j = 0; j < k; ++j) {
    nk[j] += 10.0 * kEps;
    xk[j] /= nk[j];
  }
  for (size_t i = 0; i < n; ++i)
    for (size_t j = 0; j < k; ++j) {
      const double d = x[i] - xk[j];
      sk[j] += resp[i * k + j] * d * d;
    }
  for (size_t j = 0; j < k; ++j) sk[j] = sk[j] / nk[j] + reg_covar_;

  concentration_a_.assign(k, 0.0);
  concentration_b_.assign(k, 0.0);
  mean_precision_.assign(k, 0.0);
  means_.assign(k, 0.0);
  dof_.assign(k, 0.0);
  variances_.assign(k, 0.0);
  double after = 0.0;  // sum of nk over later components
  for (size_t j = k; j-- > 0;) {
    concentration_a_[j] = 1.0 + nk[j];
    concentration_b_[j] = weight_prior_ + after;
    after += nk[j];
  }
  for (size_t j = 0; j < k; ++j) {
    mean_precision_[j] = mean_precision_prior_ + nk[j];
    means_[j] = (mean_precision_prior_ * mean_prior_ + nk[j] * xk[j]) / mean_precision_[j];
    dof_[j] = dof_prior_ + nk[j];
    const double diff = xk[j] - mean_prior_;
    variances_[j] =
        (covariance_prior_ + nk[j] * sk[j] + nk[j] * mean_precision_prior_ / mean_precision_[j] * diff * diff) /
        dof_[j];
  }

  // E-step constants: log weights (stick breaking in digammas) and the x-free part of each
  // component's expected log density.
  log_weights_.assign(k, 0.0);
  log_const_.assign(k, 0.0);
  precision_.assign(k, 0.0);
  double stick = 0.0;
  for (size_t j = 0; j < k; ++j) {
    const double digamma_sum = digamma(concentration_a_[j] + concentration_b_[j]);
    log_weights_[j] = digamma(concentration_a_[j]) - digamma_sum + stick;
    stick += digamma(concentration_b_[j]) - digamma_sum;
    precision_[j] = 1.0 / variances_[j];
    const double log_lambda = std::numbers::ln2 + digamma(0.5 * dof_[j]);
    log_const_[j] = -0.5 * std::log(2.0 * std::numbers::pi) - 0.5 * std::log(variances_[j]) - 0.5 * std::log(dof_[j]) +
                    0.5 * (log_lambda - 1.0 / mean_precision_[j]);
  }
}

void BayesianGmm::weighted_log_prob(double x, double* out) const {
  for (size_t j = 0; j < static_cast<size_t>(k_); ++j) {
    const double d = x - means_[j];
    out[j] = log_weights_[j] + log_const_[j] - 0.5 * d * d * precision_[j];
  }
}

void BayesianGmm::responsibilities(double x, std::vector<double>& out) const {
  const auto k = static_cast<size_t>(k_);
  out.resize(k);
  weighted_log_prob(x, out.data());
  const double top = *std::max_element(out.begin(), out.end());
  double s = 0.0;
  for (double& v : out) s += (v = std::exp(v - top));
  for (double& v : out) v /= s;
}

}  // namespace synthtab
