#!/usr/bin/python3
"""Writes tests/data/copula_oracle.json, the independent reference for the copula's parametric
marginals (src/synthtab/models/gaussian_copula.cpp, fit_marginal_family and
fit_parametric_marginal), computed with SciPy's maximum-likelihood fits:
  normal:    scipy.stats.norm.fit(x)                                  -> (mean, sd)
  uniform:   scipy.stats.uniform.fit(x)                               -> (loc, scale)
  lognormal: scipy.stats.lognorm.fit(x, floc=L)                       -> (s, loc, scale)
  gamma:     scipy.stats.gamma.fit(x, floc=L)                         -> (a, loc, scale)
  beta:      scipy.stats.beta.fit(x, floc=L, fscale=max - min + 2m)   -> (a, b, loc, scale)
with m = 0.01 (max - min) and L = min - m, and AIC = 2 * 2 - 2 * sum(logpdf(x)) (two free
parameters each). The chosen family is the one with the lowest AIC.
Run: /usr/bin/python3 gen_copula_oracle.py
"""
import json
import numpy as np
from scipy import stats

rng = np.random.default_rng(2026)


def r6(v):
    return float(f"{v:.6g}")


samples = {
    "normal": rng.normal(3.0, 2.0, 400),
    "lognormal": 1.5 + rng.lognormal(0.2, 0.6, 400),
    "gamma": rng.gamma(2.5, 1.7, 400) - 4.0,
    "beta": rng.beta(2.0, 5.0, 400) * 3.0 + 1.0,
    "uniform": rng.uniform(-1.0, 1.0, 400),
    "small": rng.normal(0.0, 1.0, 12),
}

out = {"origin": "tests/data/gen_copula_oracle.py (SciPy %s, NumPy %s); values rounded to 6 significant digits before fitting"
       % (__import__("scipy").__version__, np.__version__), "cases": []}
for name, raw in samples.items():
    x = np.array([r6(v) for v in raw])
    low, high = x.min(), x.max()
    m = 0.01 * (high - low)
    loc = low - m
    fits = {}
    mu, sd = stats.norm.fit(x)
    fits["normal"] = ([mu, sd], stats.norm.logpdf(x, mu, sd).sum())
    uloc, uscale = stats.uniform.fit(x)
    fits["uniform"] = ([uloc, uscale], stats.uniform.logpdf(x, uloc, uscale).sum())
    s, lloc, lscale = stats.lognorm.fit(x, floc=loc)
    fits["lognormal"] = ([lloc, s, lscale], stats.lognorm.logpdf(x, s, lloc, lscale).sum())
    a, gloc, gscale = stats.gamma.fit(x, floc=loc)
    fits["gamma"] = ([a, gloc, gscale], stats.gamma.logpdf(x, a, gloc, gscale).sum())
    ba, bb, bloc, bscale = stats.beta.fit(x, floc=loc, fscale=high - low + 2 * m)
    fits["beta"] = ([ba, bb, bloc, bscale], stats.beta.logpdf(x, ba, bb, bloc, bscale).sum())
    families = {f: {"parameters": [float(p) for p in params], "aic": float(4.0 - 2.0 * ll)} for f, (params, ll) in fits.items()}
    best = min(families, key=lambda f: families[f]["aic"])
    out["cases"].append({"name": name, "values": [float(v) for v in x], "families": families, "best": best})

with open(__file__.replace("gen_copula_oracle.py", "copula_oracle.json"), "w") as f:
    json.dump(out, f)
