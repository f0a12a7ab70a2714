#!/usr/bin/python3
"""Writes tests/data/two_sample_oracle.json: SciPy's two-sample tests on generated cases, the
independent reference for src/synthtab/eval/two_sample_tests.cpp.

Run with Debian's python3 (python3-scipy 1.10.1, python3-numpy):
    /usr/bin/python3 tests/data/gen_two_sample_oracle.py
Deterministic (numpy default_rng seed below). Every input is rounded to 6 significant digits
BEFORE SciPy sees it, so the C++ test reads exactly the numbers SciPy used.

Layout: "samples" holds named arrays; a case names its inputs as {"sample": name, "len": n}
(the first n values of that array) so the large samples are stored once.
  ks      : scipy.stats.ks_2samp(a, b)                          (two-sided, method='auto')
  welch   : scipy.stats.ttest_ind(a, b, equal_var=False)        (+ df, recomputed by formula)
  mwu     : scipy.stats.mannwhitneyu(a, b)                      (two-sided, 'auto', continuity)
  wilcoxon: scipy.stats.wilcoxon(x, y)  -- 'auto', except where |x - y| has ties and n <= 50:
            there SciPy 1.10's 'auto' truncates a half-integer rank sum in its exact branch, our
            code uses the normal approximation, so the oracle is wilcoxon(x, y, method='approx').
  chi2_homogeneity: scipy.stats.chi2_contingency([real, synth]) on the categories that are not
            zero in both rows (default correction=True)
  chi2_goodness  : scipy.stats.chisquare(obs, f_exp=p / p.sum() * obs.sum())
  kstwo_sf       : scipy.stats.kstwo.sf(d, n)       (the KS asymptotic path, all its branches)
  kolmogorov_sf  : scipy.special.kolmogorov(x)
  smirnov_sf     : scipy.special.smirnov(n, d)
"""
import json
import os
import numpy as np
import scipy
from scipy import stats, special

rng = np.random.default_rng(20260321)


def r6(a):
    return np.array([float(f"{v:.6g}") for v in np.ravel(a)])


samples = {}


def sample(name, values):
    samples[name] = r6(values)
    return name


def ref(name, n=None):
    n = len(samples[name]) if n is None else n
    return {"sample": name, "len": int(n)}


def get(r):
    return samples[r["sample"]][: r["len"]]


def num(v):
    v = float(v)
    return None if np.isnan(v) else v


# Shared large samples.
sample("big_a", rng.normal(0.0, 1.0, 20000))
sample("big_b", rng.normal(0.02, 1.0, 20000))
sample("big_c", rng.normal(0.15, 1.2, 20000))
sample("big_far", rng.normal(0.6, 1.0, 20000))
sample("mid_a", rng.normal(10.0, 2.0, 5000))
sample("mid_b", rng.normal(10.1, 2.5, 2000))
sample("mid_int_a", rng.poisson(4.0, 5000).astype(float))
sample("mid_int_b", rng.poisson(4.2, 2000).astype(float))
sample("exp_a", rng.exponential(1.0, 3000))
sample("exp_b", rng.exponential(1.1, 2500))

# Small and medium samples.
small_specs = [
    ("n3_a", rng.normal(0, 1, 3)), ("n3_b", rng.normal(0.5, 1, 3)),
    ("n4_b", rng.normal(1, 1, 4)), ("n1_a", rng.normal(0, 1, 1)),
    ("n2_a", rng.normal(0, 1, 2)), ("n5_a", rng.normal(0, 1, 5)),
    ("n7_b", rng.normal(0.3, 1, 7)), ("n8_a", rng.normal(0, 1, 8)),
    ("n8_b", rng.normal(0.8, 1, 8)), ("n9_a", rng.normal(0, 1, 9)),
    ("n9_b", rng.normal(0.4, 2, 9)), ("n300_b", rng.normal(0.3, 1, 300)),
    ("n50_a", rng.normal(5, 1, 50)), ("n80_b", rng.normal(5.3, 1.5, 80)),
    ("n37_b", rng.uniform(0, 10, 37)), ("n100_a", rng.uniform(0, 10, 100)),
    ("n500_a", rng.lognormal(0, 1, 500)), ("n300_c", rng.lognormal(0.2, 1, 300)),
    ("int3_a", np.array([1.0, 2.0, 2.0])), ("int3_b", np.array([2.0, 3.0, 3.0])),
    ("int20_a", rng.integers(0, 5, 20).astype(float)),
    ("int30_b", rng.integers(0, 6, 30).astype(float)),
    ("int200_a", rng.integers(0, 10, 200).astype(float)),
    ("int150_b", rng.integers(1, 10, 150).astype(float)),
    ("disj10_a", rng.uniform(0, 1, 10)), ("disj12_b", rng.uniform(2, 3, 12)),
    ("disj5_a", rng.uniform(0, 1, 5)), ("disj6_b", rng.uniform(2, 3, 6)),
    ("disj400_a", rng.normal(0, 1, 400) - 10), ("disj300_b", rng.normal(0, 1, 300) + 10),
    ("w3_x", rng.normal(0, 1, 3)), ("w3_y", rng.normal(0, 1, 3)),
    ("w10_x", rng.normal(0, 1, 10)), ("w10_y", rng.normal(0.5, 1, 10)),
    ("w25_x", rng.normal(0, 1, 25)), ("w25_y", rng.normal(0.2, 1, 25)),
    ("w50_x", rng.normal(0, 1, 50)), ("w50_y", rng.normal(0.3, 1, 50)),
    ("w51_x", rng.normal(0, 1, 51)), ("w51_y", rng.normal(0.1, 1, 51)),
    ("w2000_x", rng.normal(0, 1, 2000)), ("w2000_y", rng.normal(0.05, 1, 2000)),
    ("wint30_x", rng.integers(0, 6, 30).astype(float)),
    ("wint30_y", rng.integers(0, 6, 30).astype(float)),
    ("wint300_x", rng.integers(0, 20, 300).astype(float)),
    ("wint300_y", rng.integers(1, 21, 300).astype(float)),
    ("wpos20_x", rng.uniform(5, 6, 20)), ("wpos20_y", rng.uniform(0, 1, 20)),
    ("wpos200_x", rng.uniform(5, 6, 200)), ("wpos200_y", rng.uniform(0, 1, 200)),
]
for name, values in small_specs:
    sample(name, values)
# Paired samples with some zero differences and some tied magnitudes.
zx = rng.normal(0, 1, 40)
zy = zx.copy()
zy[:6] = zx[:6]
zy[6:] = zx[6:] + rng.normal(0.2, 1, 34)
sample("wzero40_x", zx)
sample("wzero40_y", zy)
tx = np.round(rng.normal(0, 3, 12))
ty = tx + np.array([1, -1, 2, 2, -3, 1, 4, -2, 1, 5, 3, -1], dtype=float)
sample("wtie12_x", tx)
sample("wtie12_y", ty)
sample("const3", np.array([2.0, 2.0, 2.0]))
sample("const4", np.array([5.0, 5.0, 5.0, 5.0]))
sample("const5", np.array([2.0] * 5))

# ------------------------------------------------------------------------------------------
ks_pairs = [
    ("n3_a", None, "n3_b", None), ("n3_a", None, "n4_b", None), ("n1_a", None, "n5_a", None),
    ("n2_a", None, "n7_b", None), ("n8_a", None, "n8_b", None), ("n9_a", None, "n9_b", None),
    ("n50_a", None, "n80_b", None), ("n100_a", None, "n37_b", None),
    ("n500_a", None, "n300_c", None), ("n8_a", None, "n300_b", None),
    ("int3_a", None, "int3_b", None), ("int20_a", None, "int30_b", None),
    ("int200_a", None, "int150_b", None), ("mid_int_a", None, "mid_int_b", None),
    ("n50_a", None, "n50_a", None), ("mid_a", None, "mid_a", None),
    ("disj10_a", None, "disj12_b", None), ("disj5_a", None, "disj6_b", None),
    ("disj400_a", None, "disj300_b", None),
    ("mid_a", None, "mid_b", None), ("exp_a", None, "exp_b", None),
    ("big_a", 5000, "big_b", 2000), ("big_a", 5000, "big_c", 2000),
    ("big_a", 2000, "big_c", 2000), ("big_a", 10000, "big_b", 10000),
    ("big_a", 10000, "big_c", 9999), ("big_a", 10000, "big_c", 7000),
    # asymptotic (max size > 10000), chosen to reach each branch of kstwo.sf
    ("big_a", 12000, "n3_b", None), ("big_a", 12000, "big_far", 3),
    ("big_a", 12000, "big_b", 60), ("big_a", 12000, "big_c", 140),
    ("big_a", 12000, "big_far", 140), ("big_a", 20000, "big_b", 2000),
    ("big_a", 20000, "big_c", 2000), ("big_a", 20000, "big_far", 2000),
    ("big_a", 15000, "big_b", 15000), ("big_a", 20000, "big_b", 20000),
    ("big_a", 20000, "big_c", 20000), ("big_a", 20000, "big_far", 20000),
    ("big_a", 20000, "big_a", 20000),
]
ks = []
for an, al, bn, bl in ks_pairs:
    a, b = ref(an, al), ref(bn, bl)
    res = stats.ks_2samp(get(a), get(b))
    ks.append({"a": a, "b": b, "statistic": num(res.statistic), "pvalue": num(res.pvalue),
               "exact": bool(max(a["len"], b["len"]) <= 10000)})

welch_pairs = [
    ("n2_a", None, "n3_b", None), ("n3_a", None, "n3_b", None), ("n3_a", None, "n4_b", None),
    ("n5_a", None, "n7_b", None), ("n8_a", None, "n8_b", None), ("n9_a", None, "n9_b", None),
    ("n50_a", None, "n80_b", None), ("n100_a", None, "n37_b", None),
    ("n500_a", None, "n300_c", None), ("int20_a", None, "int30_b", None),
    ("int200_a", None, "int150_b", None), ("n50_a", None, "n50_a", None),
    ("disj10_a", None, "disj12_b", None), ("disj400_a", None, "disj300_b", None),
    ("const3", None, "n5_a", None), ("mid_a", None, "mid_b", None),
    ("mid_int_a", None, "mid_int_b", None), ("big_a", 5000, "big_b", 2000),
    ("big_a", 5000, "big_c", 2000), ("exp_a", None, "exp_b", None),
]
welch = []
for an, al, bn, bl in welch_pairs:
    a, b = ref(an, al), ref(bn, bl)
    x, y = get(a), get(b)
    res = stats.ttest_ind(x, y, equal_var=False)
    vn1, vn2 = np.var(x, ddof=1) / len(x), np.var(y, ddof=1) / len(y)
    df = (vn1 + vn2) ** 2 / (vn1 ** 2 / (len(x) - 1) + vn2 ** 2 / (len(y) - 1))
    welch.append({"a": a, "b": b, "statistic": num(res.statistic), "pvalue": num(res.pvalue),
                  "df": num(df)})

mwu_pairs = [
    ("n3_a", None, "n3_b", None), ("n3_a", None, "n4_b", None), ("n1_a", None, "n5_a", None),
    ("n2_a", None, "n7_b", None), ("n5_a", None, "n8_b", None), ("n8_a", None, "n8_b", None),
    ("n8_a", None, "n300_b", None), ("n3_a", None, "n500_a", None),
    ("disj5_a", None, "disj6_b", None), ("n9_a", None, "n9_b", None),
    ("int3_a", None, "int3_b", None), ("int20_a", None, "int30_b", None),
    ("int200_a", None, "int150_b", None), ("n50_a", None, "n80_b", None),
    ("n100_a", None, "n37_b", None), ("n50_a", None, "n50_a", None),
    ("disj10_a", None, "disj12_b", None), ("disj400_a", None, "disj300_b", None),
    ("mid_a", None, "mid_b", None), ("mid_int_a", None, "mid_int_b", None),
    ("big_a", 5000, "big_b", 2000), ("big_a", 5000, "big_c", 2000),
    ("big_a", 20000, "big_c", 20000), ("const3", None, "const4", None),
]
mwu = []
for an, al, bn, bl in mwu_pairs:
    a, b = ref(an, al), ref(bn, bl)
    x, y = get(a), get(b)
    res = stats.mannwhitneyu(x, y, alternative="two-sided", method="auto", use_continuity=True)
    ties = len(np.unique(np.concatenate([x, y]))) < len(x) + len(y)
    exact = (not (len(x) > 8 and len(y) > 8)) and not ties
    mwu.append({"a": a, "b": b, "statistic": num(res.statistic), "pvalue": num(res.pvalue),
                "exact": bool(exact)})

wilcoxon_pairs = [
    ("w3_x", "w3_y"), ("n3_a", "n3_b"), ("w10_x", "w10_y"), ("w25_x", "w25_y"),
    ("w50_x", "w50_y"), ("w51_x", "w51_y"), ("w2000_x", "w2000_y"),
    ("wint30_x", "wint30_y"), ("wint300_x", "wint300_y"), ("wpos20_x", "wpos20_y"),
    ("wpos200_x", "wpos200_y"), ("wzero40_x", "wzero40_y"), ("wtie12_x", "wtie12_y"),
    ("n8_a", "n8_b"), ("n9_a", "n9_b"), ("n50_a", "w50_y"),
]
wilcoxon = []
for xn, yn in wilcoxon_pairs:
    xr, yr = ref(xn), ref(yn)
    x, y = get(xr), get(yr)
    d = x - y
    nz = d[d != 0]
    ties = len(np.unique(np.abs(nz))) < len(nz)
    zeros = len(nz) < len(d)
    exact = len(d) <= 50 and not zeros and not ties
    method = "auto" if (exact or len(d) > 50 or zeros) else "approx"
    res = stats.wilcoxon(x, y, method=method)
    wilcoxon.append({"x": xr, "y": yr, "statistic": num(res.statistic),
                     "pvalue": num(res.pvalue), "exact": bool(exact), "scipy_method": method})

homog_tables = [
    ([10, 20], [15, 15]), ([100, 0], [90, 10]), ([3, 2], [2, 3]), ([50, 50], [49, 51]),
    ([500, 480], [1000, 1000]), ([10, 20, 30], [12, 18, 30]), ([5, 0, 7, 0], [6, 0, 2, 9]),
    ([100, 200, 300, 400], [110, 190, 320, 380]), ([1, 2, 3, 4, 5], [5, 4, 3, 2, 1]),
    ([1000, 2000, 1500, 800, 700, 12, 3, 0], [1100, 1900, 1400, 900, 690, 4, 0, 7]),
    ([40, 60], [40, 60]), ([7, 9, 11], [14, 18, 22]), ([0, 30], [12, 30]),
    ([2.5, 3.5], [4.0, 1.0]), ([30000, 25000, 5000], [29000, 26500, 4500]),
    ([1, 0, 0], [0, 0, 1]),
]
chi2_homogeneity = []
for r, s in homog_tables:
    r, s = np.array(r, float), np.array(s, float)
    keep = (r + s) > 0
    table = np.vstack([r[keep], s[keep]])
    res = stats.chi2_contingency(table)
    chi2_homogeneity.append({"real": r.tolist(), "synthetic": s.tolist(),
                             "statistic": num(res[0]), "pvalue": num(res[1]), "dof": int(res[2])})

goodness_cases = [
    ([10, 20, 30], [0.2, 0.3, 0.5]), ([16, 18, 16, 14, 12, 12], [1, 1, 1, 1, 1, 1]),
    ([100, 0], [0.9, 0.1]), ([500, 300, 200], [0.5, 0.3, 0.2]),
    ([5, 7, 0, 9], [0.25, 0.25, 0.0, 0.5]), ([1200, 800, 1000, 3000], [0.2, 0.1, 0.2, 0.5]),
    ([3, 1], [3, 1]), ([40, 10, 25, 25], [0.4, 0.1, 0.25, 0.25]),
]
chi2_goodness = []
for o, p in goodness_cases:
    o, p = np.array(o, float), np.array(p, float)
    keep = ~((o == 0) & (p == 0))
    f_exp = p[keep] / p.sum() * o.sum()
    res = stats.chisquare(o[keep], f_exp=f_exp)
    chi2_goodness.append({"observed": o.tolist(), "probabilities": p.tolist(),
                          "statistic": num(res.statistic), "pvalue": num(res.pvalue),
                          "dof": int(keep.sum() - 1)})

kstwo_sf = []
for n in [1, 2, 3, 5, 10, 40, 99, 140, 141, 300, 1000, 1714, 5000, 10000, 20000, 60000,
          150000]:
    xs = set()
    for t in [0.3, 0.6, 0.75, 0.99, 1.5]:
        xs.add(t / n)
    for nx2 in [0.1, 0.3, 0.7, 0.75, 1.0, 2.0, 2.1, 2.3, 3.0, 3.9, 4.5, 8.0, 20.0, 100.0, 300.0,
                400.0]:
        xs.add(np.sqrt(nx2 / n))
    for x in [0.5, 0.7, 0.95, 1.0 - 0.5 / n]:
        xs.add(x)
    for x in sorted(xs):
        if 0 < x <= 1:
            kstwo_sf.append({"n": n, "x": float(x), "sf": num(stats.kstwo.sf(x, n))})

kolmogorov_sf = [{"x": x, "sf": num(special.kolmogorov(x))}
                 for x in [0.01, 0.03, 0.04, 0.042, 0.05, 0.1, 0.3, 0.5, 0.8, 0.9999, 1.0, 1.0001,
                           1.2, 1.5, 2.0, 3.0, 5.0, 8.0, 20.0]]

smirnov_sf = [{"n": n, "d": d, "sf": num(special.smirnov(n, d))}
              for n in [1, 2, 5, 10, 100, 1000, 1012, 1013, 5000, 50000]
              for d in [0.0005, 0.01, 0.05, 0.1, 0.3, 0.5, 0.9, 0.999]]

out = {
    "origin": (f"tests/data/gen_two_sample_oracle.py (SciPy {scipy.__version__}, "
               f"NumPy {np.__version__}); inputs rounded to 6 significant digits before use"),
    "samples": {k: v.tolist() for k, v in samples.items()},
    "ks": ks, "welch": welch, "mwu": mwu, "wilcoxon": wilcoxon,
    "chi2_homogeneity": chi2_homogeneity, "chi2_goodness": chi2_goodness,
    "kstwo_sf": kstwo_sf, "kolmogorov_sf": kolmogorov_sf, "smirnov_sf": smirnov_sf,
}
path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "two_sample_oracle.json")
with open(path, "w") as f:
    json.dump(out, f, separators=(",", ":"))
print(path, os.path.getsize(path), "bytes;",
      {k: len(v) for k, v in out.items() if isinstance(v, list)})
