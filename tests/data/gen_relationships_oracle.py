#!/usr/bin/python3
"""Writes tests/data/relationships_oracle.json, the independent reference for
src/synthtab/eval/relationships.cpp, computed with pandas / SciPy / NumPy:
  numeric/datetime pairs: scipy.stats.pearsonr on the rows complete in both columns;
  a numeric and a categorical column: the correlation ratio eta from pandas' groupby sums,
      adjusted: sqrt(max(0, 1 - (1 - eta^2)(n - 1)/(n - k))), k = the categories present;
  two categorical columns: Cramér's V with Bergsma's bias correction, from
      scipy.stats.chi2_contingency(pd.crosstab(...), correction=False):
      phi2 = max(0, chi2/n - (r-1)(c-1)/(n-1)), r~ = r - (r-1)^2/(n-1), c~ likewise,
      V = sqrt(phi2 / min(r~ - 1, c~ - 1));
  a pair is skipped when fewer than 3 rows are complete or a column is constant on those rows,
  in either table.
Then, from those values alone: pairs sorted by |real| descending (ties: column order),
max_change, the strongest pairs (|real| >= 0.5, or the 3 strongest when fewer qualify),
strongest_max_change and the worst pair among them.
Run: /usr/bin/python3 gen_relationships_oracle.py
"""
import json
import numpy as np
import pandas as pd
from scipy.stats import pearsonr
from scipy.stats import chi2_contingency

rng = np.random.default_rng(12)
CATEGORICAL = {"c", "k", "lone"}


def r6(v):
    return float(f"{v:.6g}")


def make(n, noise, missing, flip):
    x = np.array([r6(v) for v in rng.normal(100, 20, n)])
    y = np.array([r6(v) for v in (x if not flip else -x) * 0.05 + rng.normal(0, noise, n)])
    d = np.round(rng.uniform(0, 6, n))                       # integer counts: repeated quantile edges
    t = 1.6e9 + 86400 * np.round(x + rng.normal(0, 5 * noise, n))  # a datetime (seconds)
    c = np.where(x + rng.normal(0, 15 * noise, n) > 100, "high", "low").astype(object)
    c[rng.random(n) < 0.2] = "mid"
    k = rng.choice(["a", "b", "c", "d", "e"], size=n).astype(object)
    df = pd.DataFrame({"x": x, "y": y, "d": d, "t": t, "c": c, "k": k,
                       "const": np.full(n, 3.5), "lone": np.array(["only"] * n, dtype=object)})
    if missing:
        for col, share in (("y", 0.15), ("c", 0.1), ("d", 0.05)):
            df.loc[rng.random(n) < share, col] = None
    return df


def measure(real, df, a, b):
    if a not in CATEGORICAL and b not in CATEGORICAL:
        sub = df[[a, b]].dropna()
        if len(sub) < 3 or sub[a].nunique() < 2 or sub[b].nunique() < 2:
            return None
        return float(pearsonr(sub[a].astype(float), sub[b].astype(float))[0])
    sub = df[[a, b]].dropna()
    n = len(sub)
    if a in CATEGORICAL and b in CATEGORICAL:
        table = pd.crosstab(sub[a], sub[b])
        if n < 3 or min(table.shape) < 2:
            return None
        chi2 = chi2_contingency(table.to_numpy(), correction=False)[0]
        r, c = table.shape
        phi2 = max(0.0, chi2 / n - (r - 1) * (c - 1) / (n - 1))
        den = min(r - (r - 1) ** 2 / (n - 1), c - (c - 1) ** 2 / (n - 1)) - 1
        return None if den <= 0 else min(1.0, float(np.sqrt(phi2 / den)))
    cat, num = (a, b) if a in CATEGORICAL else (b, a)
    values = sub[num].astype(float)
    k = sub[cat].nunique()
    if n < 3 or k < 2 or n <= k or values.nunique() < 2:
        return None
    groups = values.groupby(sub[cat])
    between = float((groups.count() * (groups.mean() - values.mean()) ** 2).sum())
    total = float(((values - values.mean()) ** 2).sum())
    eta2 = between / total
    return float(np.sqrt(max(0.0, 1 - (1 - eta2) * (n - 1) / (n - k))))


def expected(real, synth):
    names = list(real.columns)
    pairs = []
    for i in range(len(names)):
        for j in range(i + 1, len(names)):
            a, b = names[i], names[j]
            vr, vs = measure(real, real, a, b), measure(real, synth, a, b)
            if vr is None or vs is None:
                continue
            both_numeric = a not in CATEGORICAL and b not in CATEGORICAL
            pairs.append({"a": a, "b": b, "measure": "Pearson" if both_numeric else
                          "Cramér's V" if a in CATEGORICAL and b in CATEGORICAL else "correlation ratio",
                          "real": vr, "synthetic": vs, "change": abs(vr - vs)})
    pairs.sort(key=lambda p: -abs(p["real"]))  # stable: ties keep column order
    strong = sum(1 for p in pairs if abs(p["real"]) >= 0.5)
    top = pairs[:max(strong, min(3, len(pairs)))]
    worst = None
    for p in top:
        if worst is None or p["change"] > worst["change"]:
            worst = p
    return {"pairs": pairs, "max_change": max([p["change"] for p in pairs], default=0.0),
            "strongest": len(top), "strongest_max_change": worst["change"] if worst else 0.0,
            "worst": [worst["a"], worst["b"]] if worst else None}


def frame(df):
    out = {}
    for name in df.columns:
        out[name] = [None if pd.isna(v) else (v if name in CATEGORICAL else float(v)) for v in df[name]]
    return out


cases = []
for n_real, n_synth, noise, missing, flip in ((40, 60, 0.5, False, False), (120, 200, 1.5, True, True),
                                              (12, 30, 3.0, True, False)):
    real = make(n_real, noise, missing, False)
    synth = make(n_synth, noise * 2, missing, flip)
    cases.append({"columns": list(real.columns), "categorical": sorted(CATEGORICAL),
                  "real": frame(real), "synthetic": frame(synth), "expected": expected(real, synth)})

with open("relationships_oracle.json", "w", encoding="utf-8") as f:
    json.dump({"generator": "gen_relationships_oracle.py", "cases": cases}, f, ensure_ascii=False)
    f.write("\n")
