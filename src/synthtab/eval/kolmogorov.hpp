#pragma once
// The Kolmogorov-Smirnov distributions behind ks_2samp (two_sample_tests.hpp): the limit
// distribution, the exact one-sample distributions, and the exact two-sample lattice-path
// probabilities, as SciPy 1.10.1 computes them.
#include <cstdint>

namespace synthtab::eval {

// scipy.special.kolmogorov: P(K > x) for the Kolmogorov limit distribution.
double kolmogorov_sf(double x);
// scipy.stats.kstwo.sf(d, n): P(D_n >= d) for the two-sided one-sample statistic (Simard and
// L'Ecuyer's choice among Durbin's matrix, Pomeranz, Pelz-Good and Smirnov's formula).
double kolmogorov_finite_sf(int64_t n, double d);
// scipy.special.smirnov: P(D_n^+ >= d), Birnbaum and Tingey's exact one-sided formula.
double smirnov_sf(int64_t n, double d);

// Exact two-sample probabilities (lattice paths), for ks_2samp's exact method:
// P(D_{n,n} >= h/n) for two samples of n.
double ks_prob_outside_square(int64_t n, int64_t h);
// The proportion of lattice paths from (0,0) to (m,n) that leave |x/m - y/n| < h/lcm, where g is
// gcd(m, n) (Hodges' inside method, Viehmann's recursion for 1 - p).
double ks_outer_prob_inside(int64_t m, int64_t n, int64_t g, int64_t h);

}  // namespace synthtab::eval
