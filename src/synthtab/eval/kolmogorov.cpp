#include "synthtab/eval/kolmogorov.hpp"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

// Follows SciPy 1.10.1 (scipy/stats/_ksstats.py, _stats_py.py and cephes/kolmogorov.c), rewritten
// in C++; where SciPy's floating-point order decides a branch (the exact recursions), ours is the same.

namespace synthtab::eval {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr double kPi = 3.141592653589793238462643383279502884;

double clip01(double p) { return std::clamp(p, 0.0, 1.0); }

// exp(log(n!) - n log n) by Stirling's series (SciPy's _log_nfactorial_div_n_pow_n).
double log_nfactorial_div_n_pow_n(double n) {
  static const double kStirling[] = {-2.955065359477124183e-2,  6.4102564102564102564e-3, -1.9175269175269175269e-3,
                                     8.4175084175084175084e-4,  -5.952380952380952381e-4, 7.9365079365079365079e-4,
                                     -2.7777777777777777778e-3, 8.3333333333333333333e-2};
  const double rn = 1.0 / n;
  double poly = 0.0;
  for (double c : kStirling) poly = poly * (rn / n) + c;
  return std::log(n) / 2 - n + std::log(2 * kPi) / 2 + rn * poly;
}

// P(D_n <= d) by Durbin's matrix method as Marsaglia, Tsang and Wang evaluate it: the k-th
// diagonal entry of H^n (scaled), times n!/n^n. Long double keeps the repeated squaring tight.
double kolmogorov_cdf_durbin(int64_t n, double d) {
  if (d >= 1.0) return 1.0;
  const double nd = static_cast<double>(n) * d;
  if (nd <= 0.5) return 0.0;
  const int k = static_cast<int>(std::ceil(nd));
  const long double h = static_cast<long double>(k) - nd;
  const int m = 2 * k - 1;
  using Mat = std::vector<long double>;
  auto at = [m](Mat& a, int r, int c) -> long double& { return a[static_cast<size_t>(r * m + c)]; };
  Mat H(static_cast<size_t>(m * m), 0.0L);
  std::vector<long double> v(m), w(m);
  long double fac = 1.0L;
  for (int j = 1; j <= m; ++j) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1.0L - std::pow(h, static_cast<long double>(j))) * fac;
  }
  const long double tt = std::pow(std::max(2 * h - 1.0L, 0.0L), static_cast<long double>(m)) -
                         2 * std::pow(h, static_cast<long double>(m));
  v[m - 1] = (1.0L + tt) * fac;
  for (int i = 1; i < m; ++i)
    for (int r = i - 1; r < m; ++r) at(H, r, i) = w[r - (i - 1)];
  for (int r = 0; r < m; ++r) at(H, r, 0) = v[r];
  for (int c = 0; c < m; ++c) at(H, m - 1, c) = v[m - 1 - c];

  auto multiply = [m, &at](Mat& a, Mat& b) {
    Mat out(static_cast<size_t>(m * m), 0.0L);
    for (int r = 0; r < m; ++r)
      for (int t = 0; t < m; ++t) {
        const long double art = at(a, r, t);
        if (art == 0.0L) continue;
        for (int c = 0; c < m; ++c) out[static_cast<size_t>(r * m + c)] += art * at(b, t, c);
      }
    return out;
  };
  const long double big = std::ldexp(1.0L, 128), small = std::ldexp(1.0L, -128);
  Mat power(static_cast<size_t>(m * m), 0.0L);
  for (int r = 0; r < m; ++r) at(power, r, r) = 1.0L;
  int64_t exponent = 0, h_exponent = 0;
  for (int64_t nn = n; nn > 0; nn /= 2) {
    if (nn % 2) {
      power = multiply(power, H);
      exponent += h_exponent;
    }
    H = multiply(H, H);
    h_exponent *= 2;
    if (std::fabs(at(H, k - 1, k - 1)) > big) {  // rescale; the exponent is kept apart
      for (auto& x : H) x /= big;
      h_exponent += 128;
    }
  }
  long double p = at(power, k - 1, k - 1);
  const long double ln = static_cast<long double>(n);
  for (int64_t i = 1; i <= n; ++i) {
    p = static_cast<long double>(i) * p / ln;
    if (std::fabs(p) < small) {
      p *= big;
      exponent -= 128;
    }
  }
  if (exponent != 0) p = std::ldexp(p, static_cast<int>(exponent));
  return clip01(static_cast<double>(p));
}

// Row bounds of the Pomeranz recursion (SciPy's _pomeranz_compute_j1j2).
void pomeranz_bounds(int64_t i, int64_t n, int64_t ll, int64_t ceilf, int64_t roundf, int64_t& j1, int64_t& j2) {
  if (i == 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const int64_t half = (i + 1) / 2, odd = (i + 1) % 2;
    if (odd == 0) {
      if (half == n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  j1 = std::max<int64_t>(j1 + 2, 0);
  j2 = std::min(j2, n);
}

// P(D_n <= x) by Pomeranz's recursion (used for n <= 140).
double kolmogorov_cdf_pomeranz(int64_t n, double x) {
  const double t = static_cast<double>(n) * x;
  const int64_t ll = static_cast<int64_t>(std::floor(t));
  const double f = t - static_cast<double>(ll);
  const double g = std::min(f, 1.0 - f);
  const int64_t ceilf = f > 0 ? 1 : 0, roundf = f > 0.5 ? 1 : 0;
  const int64_t npwrs = 2 * (ll + 1);
  const size_t np = static_cast<size_t>(npwrs);
  std::vector<double> gpower(np), twogpower(np), onem2gpower(np);
  gpower[0] = twogpower[0] = onem2gpower[0] = 1.0;
  const double dn = static_cast<double>(n);
  const double g_n = g / dn, two_g_n = 2 * g / dn, one_m2g_n = (1 - 2 * g) / dn;
  for (size_t m = 1; m < np; ++m) {
    gpower[m] = gpower[m - 1] * g_n / static_cast<double>(m);
    twogpower[m] = twogpower[m - 1] * two_g_n / static_cast<double>(m);
    onem2gpower[m] = onem2gpower[m - 1] * one_m2g_n / static_cast<double>(m);
  }
  std::vector<double> V0(np, 0.0), V1(np, 0.0);
  V1[0] = 1.0;
  int64_t V0s = 0, V1s = 0, j1 = 0, j2 = 0;
  int64_t exponent = 0;
  const double big = std::ldexp(1.0, 128), small = std::ldexp(1.0, -128);
  pomeranz_bounds(0, n, ll, ceilf, roundf, j1, j2);
  for (int64_t i = 1; i < 2 * n + 2; ++i) {
    const int64_t k1 = j1;
    std::swap(V0, V1);
    std::swap(V0s, V1s);
    std::fill(V1.begin(), V1.end(), 0.0);
    pomeranz_bounds(i, n, ll, ceilf, roundf, j1, j2);
    const std::vector<double>& pw = (i == 1 || i == 2 * n + 1) ? gpower : (i % 2 ? twogpower : onem2gpower);
    const int64_t ln2 = j2 - k1 + 1;
    if (ln2 > 0) {
      // conv = convolve(V0[k1 - V0s : k1 - V0s + ln2], pw[:ln2]); slices end at the array end.
      const int64_t a0 = k1 - V0s;
      const int64_t la = std::max<int64_t>(0, std::min<int64_t>(a0 + ln2, npwrs) - a0);
      const int64_t lb = std::min<int64_t>(ln2, npwrs);
      const int64_t conv_start = j1 - k1, conv_len = j2 - j1 + 1;
      for (int64_t c = 0; c < conv_len; ++c) {
        const int64_t idx = conv_start + c;
        double s = 0.0;
        for (int64_t p = std::max<int64_t>(0, idx - lb + 1); p <= std::min(idx, la - 1); ++p)
          s += V0[static_cast<size_t>(a0 + p)] * pw[static_cast<size_t>(idx - p)];
        V1[static_cast<size_t>(c)] = s;
      }
      const double mx = *std::max_element(V1.begin(), V1.end());
      if (0 < mx && mx < small) {
        for (auto& x : V1) x *= big;
        exponent -= 128;
      }
      V1s = V0s + j1 - k1;
    }
  }
  double ans = V1[static_cast<size_t>(n - V1s)];
  for (int64_t m = 1; m <= n; ++m) {
    if (std::fabs(ans) > big) {
      ans *= small;
      exponent += 128;
    }
    ans *= static_cast<double>(m);
  }
  if (exponent != 0) ans = std::ldexp(ans, static_cast<int>(exponent));
  return clip01(ans);
}

// Pelz-Good asymptotic series for P(D_n <= x) (large n, small x).
double kolmogorov_cdf_pelz_good(int64_t n, double x) {
  if (x <= 0.0) return 0.0;
  if (x >= 1.0) return 1.0;
  const double pi2 = kPi * kPi, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
  const double sqrt2pi = std::sqrt(2 * kPi), sqrt3 = std::sqrt(3.0);
  const double z = std::sqrt(static_cast<double>(n)) * x;
  const double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
  const double qlog = -pi2 / 8 / z2;
  if (qlog < -708) return 0.0;
  double q = std::exp(qlog);
  const double k1a = -z2, k1b = pi2 / 4;
  const double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
  const double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16,
               k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * std::pow(z, 8);
  double K[4] = {0, 0, 0, 0};
  const int maxk = static_cast<int>(std::ceil(16 * z / kPi));
  for (int k = maxk; k > 0; --k) {
    const double m = 2.0 * k - 1, m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
    const double qpower = std::pow(q, 8.0 * k);
    const double coeffs[4] = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
    for (int i = 0; i < 4; ++i) K[i] = K[i] * qpower + coeffs[i];
  }
  const double div[4] = {z, 6 * z4, 72 * std::pow(z, 7), 6480 * std::pow(z, 10)};
  for (int i = 0; i < 4; ++i) K[i] = K[i] * q * sqrt2pi / div[i];
  q = std::exp(-pi2 / 2 / z2);
  double k2extra = 0.0, k3extra = 0.0;
  const double sqrt3z = sqrt3 * z;
  for (int k = maxk; k > 0; --k) {
    const double kk = static_cast<double>(k) * k;
    const double qp = std::pow(q, kk), kspi = kPi * k;
    k2extra += kk * qp;
    k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * kk * qp;
  }
  K[2] += k2extra * pi2 * sqrt2pi / (-36 * z3);
  K[3] += k3extra * pi2 * sqrt2pi / (216 * z6);
  double sum = 0.0;
  for (int i = 0; i < 4; ++i) sum += K[i] / std::pow(static_cast<double>(n), i / 2.0);
  return sum;
}

}  // namespace

double kolmogorov_sf(double x) {
  if (std::isnan(x)) return kNaN;
  if (x <= 0) return 1.0;
  constexpr double kEps = std::numeric_limits<double>::epsilon() / 2;
  if (x <= kPi / std::sqrt(746.0 * 8)) return 1.0;  // the first term underflows
  double P = 1.0;
  if (x <= 1.0) {
    // CDF = sqrt(2 pi)/x * sum_k exp(-(2k-1)^2 pi^2 / (8 x^2)), good for small x.
    const double w = std::sqrt(2 * kPi) / x;
    const double logu8 = -kPi * kPi / (x * x);
    const double u = std::exp(logu8 / 8);
    if (u == 0) {
      P = std::exp(logu8 / 8 + std::log(w));
    } else {
      const double nmax = 8 * std::log(kEps) / logu8;
      const int k = static_cast<int>(std::floor((std::sqrt(nmax + 1) + 1) / 2 + 0.1));
      for (int r = k - 1; r > 0; --r) P = 1 + std::exp(logu8 * r) * P;
      P = w * u * P;
    }
    P = 1 - P;
  } else {
    // SF = 2 sum_k (-1)^(k-1) exp(-2 k^2 x^2), good for larger x.
    const double logv = -2 * x * x;
    const double v = std::exp(logv);
    double nmax = std::log(kEps) / logv;
    const double f0 = 2 * std::sqrt(nmax + 1) / 3 + 1;
    nmax += std::log(f0) / logv * 1.05;
    int k = static_cast<int>(std::floor(2 * std::sqrt(nmax + 1) / 3 + 1 + 0.1));
    for (; k > 1; --k) P = -std::expm1(logv * (2 * k - 1) + std::log(P));
    P = 2 * v * P;
  }
  return clip01(P);
}

double smirnov_sf(int64_t n, double d) {
  if (n <= 0 || std::isnan(d)) return kNaN;
  if (d <= 0.0) return 1.0;
  if (d >= 1.0) return 0.0;
  if (n == 1) return 1.0 - d;
  // Birnbaum-Tingey: d * sum_{v=0}^{floor(n(1-d))} C(n,v) (d+v/n)^(v-1) (1-d-v/n)^(n-v); every
  // term is positive, summed from logs (long double) so that large n neither overflows nor
  // loses the tail.
  const long double ld = d, ln = static_cast<long double>(n);
  const int64_t last = std::min<int64_t>(static_cast<int64_t>(std::floor(n * (1.0 - d))), n - 1);
  long double log_binom = 0.0L, sum = 0.0L;
  for (int64_t v = 0; v <= last; ++v) {
    if (v > 0) log_binom += std::log(static_cast<long double>(n - v + 1) / static_cast<long double>(v));
    const long double evn = ld + static_cast<long double>(v) / ln;
    const long double omevn = 1.0L - evn;
    if (omevn <= 0) continue;
    const long double lt = log_binom + static_cast<long double>(v - 1) * std::log(evn) +
                           static_cast<long double>(n - v) * std::log1p(-evn);
    sum += std::exp(lt);
  }
  return clip01(static_cast<double>(sum * ld));
}

double kolmogorov_finite_sf(int64_t n, double x) {
  if (n <= 0 || std::isnan(x)) return kNaN;
  // kstwo's support is [1/(2n), 1].
  if (x >= 1.0) return 0.0;
  const double dn = static_cast<double>(n);
  if (x <= 0.5 / dn) return 1.0;
  const double t = dn * x;
  if (t <= 1.0) {  // Ruben-Gambino: P(D_n <= x) = n!/n^n (2t - 1)^n
    double prob;
    if (n <= 140) {
      prob = 1.0;
      for (int64_t i = 1; i <= n; ++i) prob *= static_cast<double>(i) * (1.0 / dn) * (2 * t - 1);
    } else {
      prob = std::exp(log_nfactorial_div_n_pow_n(dn) + dn * std::log(2 * t - 1));
    }
    return clip01(1.0 - prob);
  }
  if (t >= dn - 1) return clip01(2 * std::pow(1.0 - x, dn));  // Ruben-Gambino
  if (x >= 0.5) return clip01(2 * smirnov_sf(n, x));
  const double nxsquared = t * x;
  if (n <= 140) {
    if (nxsquared <= 0.754693) return clip01(1.0 - kolmogorov_cdf_durbin(n, x));
    if (nxsquared <= 4) return clip01(1.0 - kolmogorov_cdf_pomeranz(n, x));
    return clip01(2 * smirnov_sf(n, x));
  }
  if (nxsquared >= 370.0) return 0.0;
  if (nxsquared >= 2.2) return clip01(2 * smirnov_sf(n, x));
  double cdf;
  if (nxsquared >= 18.0)
    cdf = 1.0;
  else if (n <= 100000 && dn * std::pow(x, 1.5) <= 1.4)
    cdf = kolmogorov_cdf_durbin(n, x);
  else
    cdf = kolmogorov_cdf_pelz_good(n, x);
  return clip01(1.0 - clip01(cdf));
}

// P(D_{n,n} >= h/n): 2 * (A0 (1 - A1 (1 - A2 (...)))), SciPy's Horner-like evaluation.
double ks_prob_outside_square(int64_t n, int64_t h) {
  double P = 0.0;
  for (int64_t k = n / h; k >= 0; --k) {
    double p1 = 1.0;
    for (int64_t j = 0; j < h; ++j)
      p1 = static_cast<double>(n - k * h - j) * p1 / static_cast<double>(n + k * h + j + 1);
    P = p1 * (1.0 - P);
  }
  return 2 * P;
}

// Proportion of lattice paths from (0,0) to (m,n) that leave |x/m - y/n| < h/lcm (Hodges'
// inside method, Viehmann's recursion for 1 - p). One sliding column of the table is kept.
double ks_outer_prob_inside(int64_t m, int64_t n, int64_t g, int64_t h) {
  if (m < n) std::swap(m, n);
  const int64_t mg = m / g, ng = n / g;
  const double dmg = static_cast<double>(mg);
  int64_t minj = 0;
  int64_t maxj = std::min<int64_t>(static_cast<int64_t>(std::ceil(static_cast<double>(h) / dmg)), n + 1);
  int64_t curlen = maxj - minj;
  // SciPy sizes the column min(2 maxj + 2, n + 1); a full column is just as correct and spares
  // bounds reasoning.
  std::vector<double> A(static_cast<size_t>(n + 2), 1.0);
  for (int64_t j = minj; j < maxj; ++j) A[static_cast<size_t>(j)] = 0.0;
  for (int64_t i = 1; i <= m; ++i) {
    const int64_t lastminj = minj, lastlen = curlen;
    minj = std::max<int64_t>(static_cast<int64_t>(std::floor(static_cast<double>(ng * i - h) / dmg)) + 1, 0);
    minj = std::min(minj, n);
    maxj = std::min<int64_t>(static_cast<int64_t>(std::ceil(static_cast<double>(ng * i + h) / dmg)), n + 1);
    if (maxj <= minj) return 1.0;
    double val = minj == 0 ? 0.0 : 1.0;
    const double di = static_cast<double>(i);
    for (int64_t jj = 0; jj < maxj - minj; ++jj) {
      const int64_t j = jj + minj;
      val = (A[static_cast<size_t>(jj + minj - lastminj)] * di + val * static_cast<double>(j)) /
            static_cast<double>(i + j);
      A[static_cast<size_t>(jj)] = val;
    }
    curlen = maxj - minj;
    if (lastlen > curlen)
      for (int64_t t = maxj - minj; t < maxj - minj + (lastlen - curlen); ++t)
        if (t < static_cast<int64_t>(A.size())) A[static_cast<size_t>(t)] = 1.0;
  }
  return A[static_cast<size_t>(maxj - minj - 1)];
}

}  // namespace synthtab::eval
