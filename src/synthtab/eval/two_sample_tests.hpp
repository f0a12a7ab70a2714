#pragma once
// Per-column two-sample tests (real column vs synthetic column), each equal to SciPy 1.10's
// function named beside it, edge cases included, so that reports agree with the Python tools.
//
// Inputs: missing values must be removed by the caller; every value must be finite (a NaN or an
// infinity throws Error(Input)). Empty samples throw Error(Input).
//
// A result never carries an unexplained NaN: where SciPy's answer is undefined (e.g. a t-test on
// two constant, equal samples) the numbers are NaN and `method` starts with "undefined:" and says
// why. Otherwise `method` starts with "exact" or "asymptotic" (or "degenerate:" for a limiting
// case such as two different constant samples), so a report can label the p-value.
#include <cstdint>
#include <span>
#include <string>

namespace synthtab::eval {

struct TestResult {
  double statistic = 0.0;
  double pvalue = 1.0;
  std::string method;
  double dof = 0.0;  // degrees of freedom (Welch's t, chi-square); 0 for the rank and KS tests
};

// scipy.stats.ks_2samp(a, b, alternative='two-sided', method='auto').
// Statistic D = max |F_a - F_b|. Exact p-value when max(n_a, n_b) <= 10000 (then D is rounded
// to the lattice h / lcm(n_a, n_b), as SciPy does), via the Hodges / Viehmann lattice-path
// recursions; otherwise, or if the exact computation fails, the Kolmogorov distribution of a
// one-sample statistic with n = round(n_a n_b / (n_a + n_b)) (SciPy's kstwo.sf). O(n log n).
TestResult ks_2samp(std::span<const double> a, std::span<const double> b);

// scipy.stats.ttest_ind(a, b, equal_var=False): Welch's t and a two-sided p-value from Student's
// t with the Welch-Satterthwaite degrees of freedom (in `dof`). Each sample needs >= 2 values.
// Both samples constant: SciPy's t is +-inf with p = 0 when the means differ ("degenerate: ..."),
// NaN when they are equal ("undefined: ...").
TestResult welch_ttest(std::span<const double> a, std::span<const double> b);

// scipy.stats.mannwhitneyu(a, b, alternative='two-sided', method='auto', use_continuity=True).
// Statistic U1 = (sum of a's ranks) - n_a (n_a + 1) / 2. 'auto' means SciPy's rule: exact unless
// both samples have more than 8 values or there are ties; the exact null distribution is the
// Gaussian binomial coefficient [n_a + n_b choose n_a]_q. Otherwise the normal approximation with
// tie and continuity corrections. (An exact case needing more than ~4 million table entries,
// which SciPy could not compute either, falls back to the approximation and says so.)
TestResult mann_whitney_u(std::span<const double> a, std::span<const double> b);

// scipy.stats.wilcoxon(x, y) (zero_method='wilcox', correction=False, two-sided) on paired
// values: d = x - y, zero differences dropped. Statistic min(R+, R-). Exact null distribution
// when n <= 50 and there are neither zeros nor ties; otherwise the normal approximation with the
// tie correction. (SciPy 1.10's 'auto' also goes exact with tied |d| and then truncates a
// half-integer R+; we use the normal approximation there, as later SciPy releases do.)
// Throws Error(Input) for different lengths or when every difference is zero.
TestResult wilcoxon_signed_rank(std::span<const double> x, std::span<const double> y);

// scipy.stats.chi2_contingency([counts_real, counts_synthetic]) with its default correction=True
// (Yates' correction, which SciPy applies only when dof == 1). Categories that are zero in both
// rows are dropped first; dof = (categories left) - 1. Counts are non-negative (may be
// fractional); a row with no counts throws Error(Input). One category left: statistic 0, p 1.
TestResult chi_square_homogeneity(std::span<const double> counts_real, std::span<const double> counts_synthetic);

// scipy.stats.chisquare(observed, f_exp = p * sum(observed)) with p the expected probabilities
// (normalised to sum 1; they must be non-negative with a positive sum). Categories where both
// p and the count are zero are ignored; a count where p is zero makes the statistic infinite
// (p-value 0, method says so). dof = categories - 1.
TestResult chi_square_goodness(std::span<const double> observed, std::span<const double> expected_probabilities);

}  // namespace synthtab::eval
