#!/usr/bin/python3
"""Writes tests/data/prepare_oracle.json, the reference for src/synthtab/prepare/clean.cpp and
infer_schema.cpp: pandas' Series.skew() for ID candidates, and the seed's mean-or-median fill
rule computed exactly as nbsynthetic's SmartBrain.nbFillNan does it, with
scipy.special.kl_div and np.nan_to_num(neginf=0, posinf=0).
Run from tests/data/: /usr/bin/python3 gen_prepare_oracle.py
"""
import datetime
import json
import math
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

# Added later (after the draws above, so their values are unchanged):
# - the same rule on columns with zeros and negative values (kl_div's other branches), a tie
#   (symmetric values: mean == median, the tie goes to the median), and whole-number columns,
#   where synthtab rounds both candidates half away from zero before comparing;
# - the seed's whole ID rule on whole-number columns (not float, unique/len > 0.95,
#   nunique/count > 0.99999, and pandas skew <= 0.2);
# - ISO 8601 year/week/weekday of dates (datetime.date.isocalendar) for --expand-dates.


def round_half_away(x):
    return math.copysign(math.floor(abs(x) + 0.5), x)


def seed_fill(s, whole=False):
    mean, median = s.mean(), s.median()
    if whole:
        mean, median = round_half_away(mean), round_half_away(median)
    n = len(s.dropna())
    kl_mean = np.nan_to_num(kl_div(s.fillna(mean).iloc[:n], s.dropna().values), neginf=0, posinf=0.0).sum()
    kl_median = np.nan_to_num(kl_div(s.fillna(median).iloc[:n], s.dropna().values), neginf=0, posinf=0.0).sum()
    return {"values": [None if np.isnan(x) else x for x in s], "whole": whole,
            "kl_mean": kl_mean, "kl_median": kl_median,
            "choice": "mean" if kl_mean < kl_median else "median",
            "fill": mean if kl_mean < kl_median else median}


more = []
for i in range(6):
    n = int(rng.integers(10, 50))
    v = np.round(rng.normal(0.5, 2.0, n), 3)
    v[rng.random(n) < 0.2] = 0.0
    mask = rng.random(n) < 0.25
    mask[0] = True
    more.append(seed_fill(pd.Series(np.where(mask, np.nan, v)), whole=False))
more.append(seed_fill(pd.Series([2.0, np.nan, 4.0, 6.0, 8.0, np.nan]), whole=False))
for i in range(6):
    n = int(rng.integers(10, 50))
    v = rng.integers(0, 40 if i % 2 else 5000, n).astype(float)
    mask = rng.random(n) < 0.2
    mask[int(rng.integers(0, n))] = True
    more.append(seed_fill(pd.Series(np.where(mask, np.nan, v)), whole=True))

ids = []
for i in range(12):
    n = int(rng.integers(5, 60))
    if i % 3 == 0:
        v = np.arange(n) + int(rng.integers(0, 1000))           # a counter
    elif i % 3 == 1:
        v = rng.choice(100000, n, replace=False)                 # unique, spread
    else:
        v = np.unique(np.round(np.exp(rng.normal(5, 1.5, n))))   # unique, skewed
    s = pd.Series(v.astype(np.int64))
    skew = float(s.skew())
    is_id = bool(s.dtype != float and len(s.unique()) / len(s) > 0.95
                 and s.nunique() / s.count() > 0.99999 and not skew > 0.2)
    ids.append({"values": [int(x) for x in s], "skew": skew, "is_id": is_id})

iso = []
start = datetime.date(1899, 12, 25)
for days in sorted(set(rng.integers(0, 80000, 300).tolist()) | {0, 1, 2, 3, 4, 5, 6, 7}):
    d = start + datetime.timedelta(days=int(days))
    y, w, wd = d.isocalendar()
    iso.append({"date": d.isoformat(), "year": y, "week": w, "weekday": wd})
for year in range(1995, 2031):  # every year boundary, where ISO years differ from calendar years
    for d in (datetime.date(year, 12, 28) + datetime.timedelta(days=k) for k in range(8)):
        y, w, wd = d.isocalendar()
        iso.append({"date": d.isoformat(), "year": y, "week": w, "weekday": wd})

with open("prepare_oracle.json", "w") as f:
    json.dump({"origin": "tests/data/gen_prepare_oracle.py (pandas, SciPy)", "fill": columns, "skew": skews,
               "fill_more": more, "id_rule": ids, "iso": iso}, f)
