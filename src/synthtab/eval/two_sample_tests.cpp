#include "synthtab/eval/two_sample_tests.hpp"

#include <algorithm>
#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/normal.hpp>
#include <boost/math/distributions/students_t.hpp>
#include <cmath>
#include <cstddef>
#include <limits>
#include <numeric>
#include <vector>

#include "synthtab/core/error.hpp"
#include "synthtab/eval/kolmogorov.hpp"

// The algorithms follow SciPy 1.10.1 (scipy/stats/_stats_py.py, _ksstats.py, _stats_pythran.py,
// _mannwhitneyu.py, _morestats.py, contingency.py and cephes/kolmogorov.c), rewritten in C++;
// where SciPy's floating-point order decides a branch (the exact KS recursions), ours is the same.

namespace synthtab::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kInf = std::numeric_limits<double>::infinity();

double clip01(double p) { return std::clamp(p, 0.0, 1.0); }

void check_sample(std::span<const double> values, const char* test, const char* name) {
  if (values.empty()) throw Error(ErrorKind::Input, std::string(test) + ": sample '" + name + "' is empty");
  for (size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i]))
      throw Error(ErrorKind::Input, std::string(test) + ": sample '" + name + "' value " + std::to_string(i) +
                                        " is not finite (" + std::to_string(values[i]) +
                                        "); missing values must be removed first");
}

std::vector<double> sorted_copy(std::span<const double> values) {
  std::vector<double> out(values.begin(), values.end());
  std::sort(out.begin(), out.end());
  return out;
}

// Average ranks (scipy.stats.rankdata, method='average'), 1-based; also returns the tie term
// sum over tie groups of (t^3 - t).
std::vector<double> average_ranks(std::span<const double> values, double* tie_term) {
  const size_t n = values.size();
  std::vector<size_t> order(n);
  std::iota(order.begin(), order.end(), size_t{0});
  std::sort(order.begin(), order.end(), [&](size_t i, size_t j) { return values[i] < values[j]; });
  std::vector<double> ranks(n);
  double ties = 0.0;
  for (size_t start = 0; start < n;) {
    size_t end = start + 1;
    while (end < n && values[order[end]] == values[order[start]]) ++end;
    // Ranks start+1 .. end share their mean.
    const double rank = 0.5 * (static_cast<double>(start + 1) + static_cast<double>(end));
    for (size_t k = start; k < end; ++k) ranks[order[k]] = rank;
    const double t = static_cast<double>(end - start);
    ties += t * t * t - t;
    start = end;
  }
  if (tie_term) *tie_term = ties;
  return ranks;
}

double normal_sf(double z) {
  if (std::isnan(z)) return kNaN;
  if (z == kInf) return 0.0;
  if (z == -kInf) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::normal_distribution<double>(), z));
}

double chi2_sf(double statistic, double dof) {
  if (statistic == kInf) return 0.0;
  if (statistic <= 0.0) return 1.0;
  return boost::math::cdf(boost::math::complement(boost::math::chi_squared_distribution<double>(dof), statistic));
}

// ----------------------------------------------------------------------------------------------
// Exact rank-statistic distributions.

// Counts of the Mann-Whitney U statistic for sizes (m, n), u = 0..kmax: the coefficients of the
// Gaussian binomial [m+n choose m]_q = prod_{i=1..s} (1 - q^{l+i}) / (1 - q^i), s = min, l = max.
// Long double: the counts reach ~1e30 and the numerator factors subtract.
std::vector<long double> mwu_counts(int64_t m, int64_t n, int64_t kmax) {
  const int64_t s = std::min(m, n), l = std::max(m, n);
  std::vector<long double> c(static_cast<size_t>(kmax + 1), 0.0L);
  c[0] = 1.0L;
  for (int64_t i = 1; i <= s; ++i) {
    for (int64_t j = kmax; j >= l + i; --j) c[static_cast<size_t>(j)] -= c[static_cast<size_t>(j - l - i)];
    for (int64_t j = i; j <= kmax; ++j) c[static_cast<size_t>(j)] += c[static_cast<size_t>(j - i)];
  }
  return c;
}

// Largest table (entries) built for an exact Mann-Whitney p-value.
constexpr int64_t kMaxMwuExactEntries = int64_t{1} << 22;

}  // namespace

TestResult ks_2samp(std::span<const double> a, std::span<const double> b) {
  check_sample(a, "ks_2samp", "a");
  check_sample(b, "ks_2samp", "b");
  const std::vector<double> x = sorted_copy(a), y = sorted_copy(b);
  const int64_t n1 = static_cast<int64_t>(x.size()), n2 = static_cast<int64_t>(y.size());
  // Walk the merged order; at each distinct value compare the two ECDFs (SciPy evaluates
  // searchsorted(side='right') / n at every pooled value).
  double max_diff = -kInf, min_diff = kInf;
  size_t i = 0, j = 0;
  while (i < x.size() || j < y.size()) {
    const double v = (j == y.size() || (i < x.size() && x[i] <= y[j])) ? x[i] : y[j];
    while (i < x.size() && x[i] <= v) ++i;
    while (j < y.size() && y[j] <= v) ++j;
    const double diff =
        static_cast<double>(i) / static_cast<double>(n1) - static_cast<double>(j) / static_cast<double>(n2);
    max_diff = std::max(max_diff, diff);
    min_diff = std::min(min_diff, diff);
  }
  const double min_s = std::clamp(-min_diff, 0.0, 1.0);
  double d = min_s > max_diff ? min_s : max_diff;

  TestResult result;
  bool exact = std::max(n1, n2) <= 10000;
  if (exact) {
    const int64_t g = std::gcd(n1, n2);
    const int64_t lcm = (n1 / g) * n2;
    const int64_t h = static_cast<int64_t>(std::nearbyint(d * static_cast<double>(lcm)));
    d = static_cast<double>(h) / static_cast<double>(lcm);
    double prob = 1.0;
    if (h != 0) prob = n1 == n2 ? ks_prob_outside_square(n1, h) : ks_outer_prob_inside(n1, n2, g, h);
    if (prob >= 0.0 && prob <= 1.0) {
      result.statistic = d;
      result.pvalue = prob;
      result.method = "exact";
      return result;
    }
    exact = false;  // rounding pushed the exact value out of [0, 1]; SciPy falls back too
    result.method = "asymptotic (exact computation failed)";
  } else {
    result.method = "asymptotic";
  }
  const double m = static_cast<double>(std::max(n1, n2)), n = static_cast<double>(std::min(n1, n2));
  const double en = m * n / (m + n);
  result.statistic = d;
  result.pvalue = clip01(kolmogorov_finite_sf(static_cast<int64_t>(std::nearbyint(en)), d));
  return result;
}

TestResult welch_ttest(std::span<const double> a, std::span<const double> b) {
  check_sample(a, "welch_ttest", "a");
  check_sample(b, "welch_ttest", "b");
  for (auto [s, name] : {std::pair{a, "a"}, std::pair{b, "b"}})
    if (s.size() < 2)
      throw Error(ErrorKind::Input, std::string("welch_ttest: sample '") + name +
                                        "' has 1 value; the t-test needs at least 2 per sample");
  struct Moments {
    double mean, var;
    bool constant;
  };
  auto moments = [](std::span<const double> s) {
    long double sum = 0.0L;
    for (double v : s) sum += v;
    const double mean = static_cast<double>(sum / static_cast<long double>(s.size()));
    long double ss = 0.0L;
    for (double v : s) ss += static_cast<long double>(v - mean) * (v - mean);
    const bool constant = std::all_of(s.begin(), s.end(), [&](double v) { return v == s[0]; });
    // A constant sample has variance exactly 0 (and its own value as mean), whatever rounding.
    return Moments{constant ? s[0] : mean,
                   constant ? 0.0 : static_cast<double>(ss / static_cast<long double>(s.size() - 1)), constant};
  };
  const Moments ma = moments(a), mb = moments(b);
  const double n1 = static_cast<double>(a.size()), n2 = static_cast<double>(b.size());
  const double vn1 = ma.var / n1, vn2 = mb.var / n2;
  const double diff = ma.mean - mb.mean;
  TestResult result;
  if (ma.constant && mb.constant) {
    result.dof = 1.0;  // SciPy replaces the undefined df (0/0) by 1
    if (diff == 0.0) {
      result.statistic = kNaN;
      result.pvalue = kNaN;
      result.method = "undefined: both samples constant and equal";
    } else {
      result.statistic = diff > 0 ? kInf : -kInf;
      result.pvalue = 0.0;
      result.method = "degenerate: both samples constant (zero variance), means differ";
    }
    return result;
  }
  const double df = (vn1 + vn2) * (vn1 + vn2) / (vn1 * vn1 / (n1 - 1) + vn2 * vn2 / (n2 - 1));
  const double t = diff / std::sqrt(vn1 + vn2);
  result.statistic = t;
  result.dof = df;
  result.pvalue = 2 * boost::math::cdf(boost::math::students_t_distribution<double>(df), -std::fabs(t));
  result.method = "exact t distribution (Welch-Satterthwaite df)";
  return result;
}

TestResult mann_whitney_u(std::span<const double> a, std::span<const double> b) {
  check_sample(a, "mann_whitney_u", "a");
  check_sample(b, "mann_whitney_u", "b");
  const int64_t n1 = static_cast<int64_t>(a.size()), n2 = static_cast<int64_t>(b.size());
  std::vector<double> pooled(a.begin(), a.end());
  pooled.insert(pooled.end(), b.begin(), b.end());
  double tie_term = 0.0;
  const std::vector<double> ranks = average_ranks(pooled, &tie_term);
  double r1 = 0.0;
  for (int64_t i = 0; i < n1; ++i) r1 += ranks[static_cast<size_t>(i)];
  const double dn1 = static_cast<double>(n1), dn2 = static_cast<double>(n2);
  const double u1 = r1 - dn1 * (dn1 + 1) / 2;
  const double u2 = dn1 * dn2 - u1;
  const double u = std::max(u1, u2);
  const bool ties = tie_term > 0.0;

  TestResult result;
  result.statistic = u1;
  if ((n1 <= 8 || n2 <= 8) && !ties) {
    // P(U >= u) = P(U <= n1 n2 - u) by symmetry.
    const int64_t k = n1 * n2 - static_cast<int64_t>(u);
    if (k + 1 <= kMaxMwuExactEntries) {
      const std::vector<long double> counts = mwu_counts(n1, n2, k);
      long double total = 1.0L;  // binom(n1 + n2, s), s = min
      const int64_t s = std::min(n1, n2), l = std::max(n1, n2);
      for (int64_t i = 1; i <= s; ++i) total = total * static_cast<long double>(l + i) / static_cast<long double>(i);
      long double cum = 0.0L;
      for (long double c : counts) cum += c;
      result.pvalue = clip01(static_cast<double>(2 * cum / total));
      result.method = "exact";
      return result;
    }
    result.method = "asymptotic (exact table too large)";
  } else {
    result.method = "asymptotic";
  }
  const double n = dn1 + dn2;
  const double s = std::sqrt(dn1 * dn2 / 12 * ((n + 1) - tie_term / (n * (n - 1))));
  const double numerator = u - dn1 * dn2 / 2 - 0.5;  // continuity correction
  if (!(s > 0.0)) {
    // Every value tied: SciPy's z is -inf and p clips to 1.
    result.pvalue = 1.0;
    result.method = "degenerate: all values tied";
    return result;
  }
  result.pvalue = clip01(2 * normal_sf(numerator / s));
  return result;
}

TestResult wilcoxon_signed_rank(std::span<const double> x, std::span<const double> y) {
  check_sample(x, "wilcoxon_signed_rank", "x");
  check_sample(y, "wilcoxon_signed_rank", "y");
  if (x.size() != y.size())
    throw Error(ErrorKind::Input, "wilcoxon_signed_rank: paired samples differ in length (" + std::to_string(x.size()) +
                                      " and " + std::to_string(y.size()) + ")");
  std::vector<double> d;
  d.reserve(x.size());
  for (size_t i = 0; i < x.size(); ++i)
    if (x[i] - y[i] != 0.0) d.push_back(x[i] - y[i]);
  if (d.empty())
    throw Error(ErrorKind::Input, "wilcoxon_signed_rank: every difference x - y is zero; the test is undefined");
  const bool zeros = d.size() != x.size();
  std::vector<double> magnitude(d.size());
  for (size_t i = 0; i < d.size(); ++i) magnitude[i] = std::fabs(d[i]);
  double tie_term = 0.0;
  const std::vector<double> r = average_ranks(magnitude, &tie_term);
  double r_plus = 0.0, r_minus = 0.0;
  for (size_t i = 0; i < d.size(); ++i) (d[i] > 0 ? r_plus : r_minus) += r[i];

  TestResult result;
  result.statistic = std::min(r_plus, r_minus);
  const double count = static_cast<double>(d.size());
  if (x.size() <= 50 && !zeros && tie_term == 0.0) {
    // Null distribution of R+: each rank k enters with probability 1/2.
    std::vector<double> pmf{1.0};
    for (int64_t k = 1; k <= static_cast<int64_t>(d.size()); ++k) {
      std::vector<double> next(static_cast<size_t>(k * (k + 1) / 2 + 1), 0.0);
      const size_t m = pmf.size();
      for (size_t i = 0; i < m; ++i) next[i] = pmf[i] * 0.5;
      for (size_t i = 0; i < m; ++i) next[next.size() - m + i] += pmf[i] * 0.5;
      pmf = std::move(next);
    }
    const size_t rp = static_cast<size_t>(r_plus);
    if (rp == (pmf.size() - 1) / 2) {
      result.pvalue = 1.0;
    } else {
      double p_less = 0.0, p_greater = 0.0;
      for (size_t i = 0; i <= rp; ++i) p_less += pmf[i];
      for (size_t i = rp; i < pmf.size(); ++i) p_greater += pmf[i];
      result.pvalue = clip01(2 * std::min(p_less, p_greater));
    }
    result.method = "exact";
    return result;
  }
  const double mean = count * (count + 1.0) * 0.25;
  double se = count * (count + 1.0) * (2.0 * count + 1.0);
  se -= 0.5 * tie_term;
  se = std::sqrt(se / 24);
  const double z = (result.statistic - mean) / se;
  result.pvalue = clip01(2.0 * normal_sf(std::fabs(z)));
  result.method = "asymptotic";
  return result;
}

namespace {

void check_counts(std::span<const double> counts, const char* test, const char* name) {
  for (size_t i = 0; i < counts.size(); ++i)
    if (!std::isfinite(counts[i]) || counts[i] < 0)
      throw Error(ErrorKind::Input, std::string(test) + ": " + name + " " + std::to_string(i) + " is " +
                                        std::to_string(counts[i]) + "; counts must be finite and non-negative");
}

}  // namespace

TestResult chi_square_homogeneity(std::span<const double> counts_real, std::span<const double> counts_synthetic) {
  if (counts_real.size() != counts_synthetic.size())
    throw usage_error("chi_square_homogeneity: " + std::to_string(counts_real.size()) + " real categories but " +
                      std::to_string(counts_synthetic.size()) + " synthetic ones");
  check_counts(counts_real, "chi_square_homogeneity", "real count");
  check_counts(counts_synthetic, "chi_square_homogeneity", "synthetic count");
  std::vector<double> r, s;
  for (size_t i = 0; i < counts_real.size(); ++i)
    if (counts_real[i] + counts_synthetic[i] > 0) {
      r.push_back(counts_real[i]);
      s.push_back(counts_synthetic[i]);
    }
  const double total_r = std::accumulate(r.begin(), r.end(), 0.0);
  const double total_s = std::accumulate(s.begin(), s.end(), 0.0);
  if (total_r <= 0 || total_s <= 0)
    throw Error(ErrorKind::Input, std::string("chi_square_homogeneity: the ") + (total_r <= 0 ? "real" : "synthetic") +
                                      " column has no counts");
  TestResult result;
  const size_t k = r.size();
  result.dof = static_cast<double>(k - 1);
  if (k == 1) {
    result.statistic = 0.0;
    result.pvalue = 1.0;
    result.method = "degenerate: a single category";
    return result;
  }
  const double total = total_r + total_s;
  const bool yates = k == 2;  // SciPy corrects only when dof == 1
  double chi2 = 0.0;
  for (int row = 0; row < 2; ++row)
    for (size_t i = 0; i < k; ++i) {
      const double col = r[i] + s[i];
      const double expected = (row == 0 ? total_r : total_s) * col / total;
      double observed = row == 0 ? r[i] : s[i];
      if (yates) {
        // Move each count towards its expectation by at most 0.5 (SciPy gh-13875).
        const double diff = expected - observed;
        observed += std::min(0.5, std::fabs(diff)) * (diff > 0 ? 1.0 : diff < 0 ? -1.0 : 0.0);
      }
      chi2 += (observed - expected) * (observed - expected) / expected;
    }
  result.statistic = chi2;
  result.pvalue = chi2_sf(chi2, result.dof);
  result.method = yates ? "asymptotic chi-square, Yates-corrected" : "asymptotic chi-square";
  return result;
}

TestResult chi_square_goodness(std::span<const double> observed, std::span<const double> expected_probabilities) {
  if (observed.size() != expected_probabilities.size())
    throw usage_error("chi_square_goodness: " + std::to_string(observed.size()) + " observed categories but " +
                      std::to_string(expected_probabilities.size()) + " probabilities");
  check_counts(observed, "chi_square_goodness", "observed count");
  check_counts(expected_probabilities, "chi_square_goodness", "expected probability");
  const double total = std::accumulate(observed.begin(), observed.end(), 0.0);
  const double psum = std::accumulate(expected_probabilities.begin(), expected_probabilities.end(), 0.0);
  if (total <= 0) throw Error(ErrorKind::Input, "chi_square_goodness: no observed counts");
  if (psum <= 0) throw Error(ErrorKind::Input, "chi_square_goodness: the expected probabilities sum to 0");
  TestResult result;
  double chi2 = 0.0;
  size_t k = 0;
  bool impossible = false;
  for (size_t i = 0; i < observed.size(); ++i) {
    if (expected_probabilities[i] == 0 && observed[i] == 0) continue;
    ++k;
    if (expected_probabilities[i] == 0) {
      impossible = true;
      continue;
    }
    const double expected = expected_probabilities[i] / psum * total;
    chi2 += (observed[i] - expected) * (observed[i] - expected) / expected;
  }
  result.dof = static_cast<double>(k - 1);
  if (impossible) {
    result.statistic = kInf;
    result.pvalue = 0.0;
    result.method = "degenerate: counts in a category of expected probability 0";
    return result;
  }
  if (k == 1) {
    result.statistic = 0.0;
    result.pvalue = 1.0;
    result.method = "degenerate: a single category";
    return result;
  }
  result.statistic = chi2;
  result.pvalue = chi2_sf(chi2, result.dof);
  result.method = "asymptotic chi-square";
  return result;
}

}  // namespace synthtab::eval
