#!/usr/bin/python3
"""Writes tests/data/quality_privacy_oracle.json, the independent reference for
src/synthtab/eval/quality.cpp and privacy.cpp, computed with pandas / SciPy / NumPy following
SDMetrics' published definitions (sdmetrics is not packaged in Debian):
  KSComplement = 1 - scipy.stats.ks_2samp(real, synth).statistic (missing dropped)
  TVComplement = 1 - 0.5 * sum |freq_real - freq_synth| (value_counts(normalize=True))
  CorrelationSimilarity = 1 - |pearson_real - pearson_synth| / 2 (scipy.stats.pearsonr)
  ContingencySimilarity = 1 - 0.5 * sum |joint_real - joint_synth|, numeric columns binned with
      np.histogram_bin_edges(real, 10) with outer edges -inf/+inf and np.digitize
  DCR (ours): Euclidean distance to the closest real row after standardising with the real mean
      and sample sd; real leave-one-out nearest-neighbour distances likewise
  Gower DCR (SDMetrics dcr_utils): min(|a-b|/range, 1) numeric, 0/1 categorical, mean over columns
Run: /usr/bin/python3 gen_quality_privacy_oracle.py
"""
import json
import numpy as np
import pandas as pd
from scipy.stats import ks_2samp, pearsonr

rng = np.random.default_rng(7)


def r6(v):
    return float(f"{v:.6g}")


def make(n, shift, missing):
    a = np.array([r6(v) for v in rng.normal(10 + shift, 3, n)])
    b = np.array([r6(v) for v in a * 0.8 + rng.normal(0, 2 + shift, n)])
    c = rng.choice(["red", "green", "blue", "teal"], size=n, p=[0.4, 0.3, 0.2, 0.1] if shift == 0 else [0.25, 0.25, 0.25, 0.25])
    df = pd.DataFrame({"a": a, "b": b, "c": c})
    if missing:
        df.loc[rng.random(n) < 0.1, "b"] = np.nan
        df.loc[rng.random(n) < 0.05, "c"] = None
    return df


def tvd(fr, fs):
    keys = set(fr.index) | set(fs.index)
    return 0.5 * sum(abs(fr.get(k, 0.0) - fs.get(k, 0.0)) for k in keys)


def binned(real_col, col):
    edges = np.histogram_bin_edges(real_col.dropna(), bins=10)
    edges[0], edges[-1] = -np.inf, np.inf
    return pd.Series(np.digitize(col, edges), index=col.index).astype(str).where(col.notna())


def contingency(real, synth, x, y):
    def joint(df):
        cols = []
        for name in (x, y):
            cols.append(binned(real[name], df[name]) if name != "c" else df[name])
        j = pd.DataFrame({"x": cols[0], "y": cols[1]}).dropna()
        return j.groupby(["x", "y"]).size() / len(j)
    jr, js = joint(real), joint(synth)
    return 1 - tvd(jr, js)


def gower(synth, real):
    ranges = {k: real[k].max() - real[k].min() for k in ("a", "b")}
    out = []
    for _, s in synth.iterrows():
        best = np.inf
        for _, r in real.iterrows():
            d = 0.0
            for k in ("a", "b"):
                if pd.isna(s[k]) and pd.isna(r[k]):
                    d += 0.0
                elif pd.isna(s[k]) or pd.isna(r[k]):
                    d += 1.0
                else:
                    d += min(abs(s[k] - r[k]) / ranges[k], 1.0)
            d += 0.0 if s["c"] == r["c"] else 1.0
            best = min(best, d / 3)
        out.append(best)
    return out


def standardised(real, df):
    x = df[["a", "b"]].to_numpy(dtype=float)
    mean = real[["a", "b"]].mean().to_numpy()
    sd = real[["a", "b"]].std(ddof=1).to_numpy()
    return (x - mean) / sd


cases = []
for i, (nr, ns, shift, missing) in enumerate([(60, 80, 0, False), (40, 120, 1, False), (50, 50, 0, True), (30, 90, 2, True)]):
    real, synth = make(nr, 0, missing), make(ns, shift, missing)
    case = {"real": json.loads(real.to_json(orient="columns")), "synthetic": json.loads(synth.to_json(orient="columns")),
            "ks_a": 1 - ks_2samp(real.a.dropna(), synth.a.dropna()).statistic,
            "ks_b": 1 - ks_2samp(real.b.dropna(), synth.b.dropna()).statistic,
            "tv_c": 1 - tvd(real.c.value_counts(normalize=True), synth.c.value_counts(normalize=True))}
    rr, ss = real[["a", "b"]].dropna(), synth[["a", "b"]].dropna()
    case["corr_ab"] = 1 - abs(pearsonr(rr.a, rr.b)[0] - pearsonr(ss.a, ss.b)[0]) / 2
    case["cont_ac"] = contingency(real, synth, "a", "c")
    case["cont_bc"] = contingency(real, synth, "b", "c")
    if not missing:
        xs, xr = standardised(real, synth), standardised(real, real)
        d = np.sqrt(((xs[:, None, :] - xr[None, :, :]) ** 2).sum(-1))
        case["dcr"] = d.min(axis=1).tolist()
        dr = np.sqrt(((xr[:, None, :] - xr[None, :, :]) ** 2).sum(-1))
        np.fill_diagonal(dr, np.inf)
        case["real_nn"] = dr.min(axis=1).tolist()
    case["gower_dcr_synthetic"] = gower(synth, real)
    cases.append(case)

with open("quality_privacy_oracle.json", "w") as f:
    json.dump({"origin": "tests/data/gen_quality_privacy_oracle.py (pandas, SciPy, NumPy)", "cases": cases}, f)
