#!/usr/bin/python3
"""Writes tests/data/prepare_oracle.json, the reference for src/synthtab/prepare/clean.cpp and
infer_schema.cpp: pandas' Series.skew() for ID candidates, and the seed's mean-or-median fill
rule computed exactly as nbsynthetic's SmartBrain.nbFillNan does it, with
scipy.special.kl_div and np.nan_to_num(neginf=0, posinf=0).
Run: /usr/bin/python3 gen_prepare_oracle.py
"""
import json
import numpy as np
import pandas as pd
from scipy.special import kl_div

rng = np.random.default_rng(11)
columns = []
for i in range(12):
    n = int(rng.integers(8, 60))
    kind = i % 4
    if kind == 0:
        v = rng.lognormal(3, 1, n)
    elif kind == 1:
        v = rng.normal(100, 15, n)
    elif kind == 2:
        v = np.concatenate([rng.normal(0, 1, n - 3), [50.0, 60.0, 70.0]])
    else:
        v = rng.exponential(5, n)
    v = np.array([float(f"{x:.6g}") for x in v])
    mask = rng.random(n) < 0.2
    mask[int(rng.integers(0, n))] = True
    s = pd.Series(np.where(mask, np.nan, v))
    kl_mean = np.nan_to_num(kl_div(s.fillna(s.mean()).iloc[:len(s.dropna())], s.dropna().values), neginf=0, posinf=0.0).sum()
    kl_median = np.nan_to_num(kl_div(s.fillna(s.median()).iloc[:len(s.dropna())], s.dropna().values), neginf=0, posinf=0.0).sum()
    columns.append({"values": [None if np.isnan(x) else x for x in s], "kl_mean": kl_mean, "kl_median": kl_median,
                    "choice": "mean" if kl_mean < kl_median else "median",
                    "fill": s.mean() if kl_mean < kl_median else s.median()})

skews = []
for i in range(10):
    n = int(rng.integers(3, 40))
    v = rng.integers(0, 1000, n) if i % 2 else np.arange(n) ** (1 + i / 5)
    v = np.unique(v).astype(float)
    skews.append({"values": v.tolist(), "skew": float(pd.Series(v).skew())})

with open("prepare_oracle.json", "w") as f:
    json.dump({"origin": "tests/data/gen_prepare_oracle.py (pandas, SciPy)", "fill": columns, "skew": skews}, f)
