// The variational Gaussian mixture of CTGAN's mode-specific normalisation, against
// scikit-learn's BayesianGaussianMixture (tests/data/gen_bayesian_gmm_oracle.py).
#include "synthtab/transform/bayesian_gmm.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <nlohmann/json.hpp>
#include <numbers>

#include "synthtab/core/error.hpp"

namespace synthtab {
namespace {

const nlohmann::json& oracle() {
  static const nlohmann::json data = [] {
    std::ifstream in(std::string(SYNTHTAB_TEST_DATA) + "/bayesian_gmm_oracle.json");
    EXPECT_TRUE(in.good()) << "tests/data/bayesian_gmm_oracle.json is missing";
    return nlohmann::json::parse(in);
  }();
  return data;
}

std::vector<double> doubles(const nlohmann::json& j) { return j.get<std::vector<double>>(); }

// Mean log-likelihood of x under the plain mixture sum_k w_k N(mu_k, var_k) (as the oracle).
double mixture_loglik(const std::vector<double>& x, const std::vector<double>& w, const std::vector<double>& mu,
                      const std::vector<double>& var) {
  double total = 0.0;
  std::vector<double> lp(w.size());
  for (double v : x) {
    for (size_t k = 0; k < w.size(); ++k)
      lp[k] = std::log(std::max(w[k], 1e-300)) - 0.5 * std::log(2 * std::numbers::pi * var[k]) -
              0.5 * (v - mu[k]) * (v - mu[k]) / var[k];
    const double top = *std::max_element(lp.begin(), lp.end());
    double s = 0.0;
    for (double l : lp) s += std::exp(l - top);
    total += top + std::log(s);
  }
  return total / static_cast<double>(x.size());
}

// From scikit-learn's own k-means labels, every update, the lower bound, the stopping rule and
// predict_proba must agree to rounding: both run the same float64 arithmetic, up to summation
// order (relative 1e-7 leaves room for 100 iterations of reordered sums).
TEST(BayesianGmm, SameStartGivesScikitLearnsFit) {
  for (const auto& [name, entry] : oracle().at("datasets").items()) {
    SCOPED_TRACE(name);
    const auto x = doubles(entry.at("x"));
    const auto labels = entry.at("fixed_start_labels").get<std::vector<int>>();
    BayesianGmm gmm;
    gmm.fit_from_labels(x, labels, {});
    const auto& expected = entry.at("fixed");
    EXPECT_EQ(gmm.iterations(), expected.at("n_iter").get<int>());
    EXPECT_EQ(gmm.converged(), expected.at("converged").get<bool>());
    const double lb = expected.at("lower_bound").get<double>();
    EXPECT_NEAR(gmm.lower_bound(), lb, 1e-7 * std::abs(lb));
    const auto w = doubles(expected.at("weights"));
    const auto mu = doubles(expected.at("means"));
    const auto var = doubles(expected.at("variances"));
    ASSERT_EQ(gmm.weights().size(), w.size());
    for (size_t k = 0; k < w.size(); ++k) {
      EXPECT_NEAR(gmm.weights()[k], w[k], 1e-7 * w[k] + 1e-12) << "component " << k;
      EXPECT_NEAR(gmm.means()[k], mu[k], 1e-7 * std::abs(mu[k]) + 1e-9) << "component " << k;
      EXPECT_NEAR(gmm.variances()[k], var[k], 1e-7 * var[k]) << "component " << k;
    }
    const auto probes = doubles(entry.at("probes"));
    std::vector<double> resp;
    for (size_t p = 0; p < probes.size(); ++p) {
      gmm.responsibilities(probes[p], resp);
      const auto expected_resp = doubles(entry.at("fixed_proba").at(p));
      for (size_t k = 0; k < resp.size(); ++k)
        EXPECT_NEAR(resp[k], expected_resp[k], 1e-7) << "probe " << p << " component " << k;
    }
  }
}

// From its own k-means++ start the fit lands in a local optimum of its own, as scikit-learn's
// does from another random start: the components may split a mode differently, so they are not
// compared one by one. What CTGAN needs is a mixture that describes the column; the mean
// log-likelihood of the data under it must be within 0.05 nats per value of scikit-learn's
// (a mode split between two components changes it by ~0.001; a missed or spurious mode of
// weight > 5 % by more than 0.05). On the data sets made of separated normal modes, every
// component holding >= 10 % of scikit-learn's weight must also have an active one of ours
// (weight > 0.005, CTGAN's threshold) within 0.2 of its standard deviation; a skewed single
// mode (lognormal) has no true components, so there any split that fits as well is right.
TEST(BayesianGmm, OwnStartFitsAsWellAsScikitLearn) {
  for (const auto& [name, entry] : oracle().at("datasets").items()) {
    SCOPED_TRACE(name);
    const auto x = doubles(entry.at("x"));
    const auto& reference = entry.at("sklearn");
    const auto w = doubles(reference.at("weights"));
    const auto mu = doubles(reference.at("means"));
    const auto var = doubles(reference.at("variances"));
    for (uint64_t seed : {0u, 1u, 2u}) {
      SCOPED_TRACE(seed);
      BayesianGmmOptions options;
      options.seed = seed;
      BayesianGmm gmm;
      gmm.fit(x, options);
      const double ours = mixture_loglik(x, gmm.weights(), gmm.means(), gmm.variances());
      EXPECT_NEAR(ours, reference.at("loglik").get<double>(), 0.05);
      double weight_sum = 0.0;
      for (double v : gmm.weights()) weight_sum += v;
      EXPECT_NEAR(weight_sum, 1.0, 1e-12);
      for (size_t k = 0; k < w.size(); ++k) {
        if (w[k] < 0.1 || name == "lognormal") continue;
        bool matched = false;
        for (size_t j = 0; j < gmm.weights().size(); ++j)
          matched = matched || (gmm.weights()[j] > 0.005 && std::abs(gmm.means()[j] - mu[k]) < 0.2 * std::sqrt(var[k]));
        EXPECT_TRUE(matched) << "no component near scikit-learn's mode at " << mu[k];
      }
    }
  }
}

TEST(BayesianGmm, SameSeedSameFit) {
  const auto x = doubles(oracle().at("datasets").at("bimodal").at("x"));
  BayesianGmm a, b;
  a.fit(x);
  b.fit(x);
  EXPECT_EQ(a.means(), b.means());
  EXPECT_EQ(a.variances(), b.variances());
  EXPECT_EQ(a.weights(), b.weights());
}

TEST(BayesianGmm, FewDistinctValuesAndTinyInputs) {
  // Three distinct values, ten components: k-means leaves clusters empty; the fit stays finite.
  std::vector<double> x;
  for (int i = 0; i < 90; ++i) x.push_back(static_cast<double>(i % 3));
  BayesianGmm gmm;
  gmm.fit(x);
  for (size_t k = 0; k < gmm.weights().size(); ++k) {
    EXPECT_TRUE(std::isfinite(gmm.means()[k]));
    EXPECT_GT(gmm.variances()[k], 0.0);
  }
  BayesianGmm one;
  one.fit({4.0});
  EXPECT_TRUE(std::isfinite(one.means()[0]));
  EXPECT_THROW(one.fit({}), Error);
  EXPECT_THROW(one.fit({1.0, std::nan("")}), Error);
}

}  // namespace
}  // namespace synthtab
