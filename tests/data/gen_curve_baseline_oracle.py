#!/usr/bin/python3
"""Oracle for the baseline terms of response curves (tests/marketing/curve_baseline_test.cpp).

Simulates 60 monthly rows (2020-01 to 2024-12) with a known linear trend, yearly seasonality,
geometric adstock and a Hill curve, writes them to curve_baseline.csv, then fits the model of
src/synthtab/marketing/response_curve.hpp with trend = linear, seasonality = fourier (2
harmonics), adstock = geometric, shape = hill:
  y = base + g_trend (t - mean t) + sum_k (s_k sin + c_k cos)(2 pi k month / 12), centred,
      + beta hill((1 - lambda) a_t; k, a),  a_t = x_t + lambda a_{t-1}
in the solver's scaled units (spend / max, response - min over range; baseline columns centred and
divided by their largest absolute value), with the same bounds, from the same grid of starts
(SciPy's least_squares, 'trf'). Then, holding the fitted (k, a, lambda), the linear part is
refitted by statsmodels OLS on the raw response: its coefficients are what synthtab must report
for base, the baseline terms and beta. Also Spearman correlations (scipy.stats.spearmanr) with
time for rank_correlation_with_time.
The same model with a ridge of strength 0.01 (RSS + 0.01 * the squared baseline coefficients and
beta, in scaled units, base not penalised) is fitted by least_squares with the penalty as extra
residuals; holding its (k, a, lambda), scikit-learn's Ridge (alpha 0.01, intercept unpenalised)
on the scaled columns gives the linear part synthtab must report under `ridge` 0.01.
Run: /usr/bin/python3 tests/data/gen_curve_baseline_oracle.py  (SciPy 1.10, statsmodels 0.13,
scikit-learn 1.2)
"""
import json
import os

import numpy as np
import statsmodels.api as sm
from scipy.optimize import least_squares
from scipy.special import expit
from scipy.stats import spearmanr
from sklearn.linear_model import Ridge

HERE = os.path.dirname(os.path.abspath(__file__))
N = 60
TRUTH = {"base": 2000.0, "trend": 40.0, "sin1": 300.0, "cos1": 150.0, "beta": 5000.0, "k": 3000.0, "a": 2.2,
         "lambda": 0.5, "noise": 150.0}


def adstock_level(x, lam):
    out, a = np.empty_like(x), 0.0
    for t, v in enumerate(x):
        a = v + lam * a
        out[t] = (1.0 - lam) * a
    return out


def hill(x, k, a):
    with np.errstate(divide="ignore"):
        z = a * np.log(np.where(x > 0, x, 1.0) / k)
    return np.where(x > 0, expit(z), 0.0)


def centred_columns(position, month):
    cols = {"trend": position - position.mean()}
    for k in (1, 2):
        w = 2 * np.pi * k / 12.0
        s, c = np.sin(w * month), np.cos(w * month)
        cols[f"season sin {k}"] = s - s.mean()
        cols[f"season cos {k}"] = c - c.mean()
    return cols


def main():
    rng = np.random.default_rng(20261205)
    position = np.arange(N, dtype=float)
    month = position % 12  # the series starts in January
    spend = np.round(rng.uniform(500, 6000, N), 2)
    level = adstock_level(spend, TRUTH["lambda"])
    y = (TRUTH["base"] + TRUTH["trend"] * position + TRUTH["sin1"] * np.sin(2 * np.pi * month / 12)
         + TRUTH["cos1"] * np.cos(2 * np.pi * month / 12) + TRUTH["beta"] * hill(level, TRUTH["k"], TRUTH["a"])
         + rng.normal(0, TRUTH["noise"], N))
    y = np.round(y, 2)
    dates = [f"{2020 + i // 12}-{i % 12 + 1:02d}-01" for i in range(N)]
    with open(os.path.join(HERE, "curve_baseline.csv"), "w") as f:
        f.write("date,spend,revenue\n")
        for d, s, r in zip(dates, spend, y):
            f.write(f"{d},{s:.2f},{r:.2f}\n")

    cols = centred_columns(position, month)
    names = list(cols)
    B = np.column_stack([cols[n] for n in names])
    scale = np.abs(B).max(axis=0)
    Bs = B / scale
    xs = spend / spend.max()
    y_min, y_range = y.min(), y.max() - y.min()
    ys = (y - y_min) / y_range
    m = len(names)

    def model(p):
        beta, k, a, lam = p[1 + m:]
        return p[0] + Bs @ p[1:1 + m] + beta * hill(adstock_level(xs, lam), k, a)

    lo = [-np.inf] * (1 + m) + [0.0, 0.02, 0.5, 0.0]
    hi = [np.inf] * (1 + m) + [10.0, 5.0, 6.0, 0.95]

    def fit(ridge):
        def residuals(p):
            r = model(p) - ys
            return np.concatenate([r, np.sqrt(ridge) * p[1:2 + m]]) if ridge > 0 else r
        best = None
        for lam in (0.1, 0.4, 0.7):
            for k in (0.25, 0.6, 1.2):
                for a in (1.0, 2.0, 3.5):
                    h = hill(adstock_level(xs, lam), k, a)
                    design = np.column_stack([np.ones(N), Bs, h])
                    coef = np.linalg.lstsq(design, ys, rcond=None)[0]
                    beta = float(np.clip(coef[-1], 0.05, 10.0))
                    rest = np.linalg.lstsq(design[:, :-1], ys - beta * h, rcond=None)[0]
                    p0 = list(rest) + [beta, k, a, lam]
                    p0 = np.clip(p0, np.array(lo) + 1e-9, np.array(hi) - 1e-9)
                    res = least_squares(residuals, p0, bounds=(lo, hi), method="trf", xtol=1e-15,
                                        ftol=1e-15, gtol=1e-15, max_nfev=20000)
                    if best is None or res.cost < best.cost:
                        best = res
        return best

    best = fit(0.0)
    k_s, a, lam = best.x[2 + m], best.x[3 + m], best.x[4 + m]
    # The Hill column in raw spend units at the fitted curve; k on the normalised level (1 - lambda) a_t.
    h_raw = hill(adstock_level(spend, lam), k_s * spend.max(), a)
    design = sm.add_constant(np.column_stack([B, h_raw]), has_constant="add")
    ols = sm.OLS(y, design).fit()
    out = {
        "truth": TRUTH,
        "rows": N,
        "terms": names,
        "term_columns": {n: list(cols[n]) for n in names},
        "fit": {"k": k_s * spend.max() / (1.0 - lam), "a": a, "lambda": lam,
                "rss": float(np.sum((y - ols.fittedvalues) ** 2))},
        "ols": {"base": ols.params[0], "terms": list(ols.params[1:1 + m]), "beta": ols.params[-1],
                "bse_terms": list(ols.bse[1:1 + m])},
        "spearman": [],
    }
    strength = 0.01
    penalised = fit(strength)
    rk, ra, rlam = penalised.x[2 + m], penalised.x[3 + m], penalised.x[4 + m]
    h = hill(adstock_level(xs, rlam), rk, ra)
    ridge = Ridge(alpha=strength, fit_intercept=True, solver="svd").fit(np.column_stack([Bs, h]), ys)
    out["ridge"] = {"strength": strength, "k": rk * spend.max() / (1.0 - rlam), "a": ra, "lambda": rlam,
                    "base": y_min + y_range * ridge.intercept_,
                    "terms": list(y_range * ridge.coef_[:m] / scale), "beta": y_range * ridge.coef_[-1],
                    "unpenalised_beta": y_range * best.x[1 + m]}
    for values in ([3.0, 1.0, 2.0, 5.0, 4.0, 7.0, 6.0], [1.0, 1.0, 2.0, 2.0, 0.5, 3.0], list(y[:19])):
        out["spearman"].append({"values": values, "rho": float(spearmanr(np.arange(len(values)), values)[0])})
    with open(os.path.join(HERE, "curve_baseline_oracle.json"), "w") as f:
        json.dump(out, f, indent=1)
        f.write("\n")


if __name__ == "__main__":
    main()
