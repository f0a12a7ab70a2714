#!/usr/bin/python3
"""Oracle for tests/marketing/response_curve_test.cpp: scipy.optimize.least_squares fits of the
response-curve model on fixed datasets, written to marketing_oracle.json.

Same model form and parameterisation as src/synthtab/marketing/response_curve.hpp:
  response = base + sum_c f_c(spend_c), fitted on x~ = spend / max spend, y~ = (y - min y) / range,
  Hill      f = beta x^a / (x^a + k^a)
  logistic  f = beta (g(x) - g(0)) / (1 - g(0)), g(x) = 1 / (1 + exp(-s (x - m)))
with the same bounds and the same deterministic grid of starts (linear part by least squares,
beta clipped to [0.05, 10]); SciPy's 'trf' method from every start, the lowest cost kept.
Run: /usr/bin/python3 tests/data/gen_marketing_oracle.py  (SciPy 1.10, NumPy)
"""
import json
import os

import numpy as np
from scipy.optimize import least_squares
from scipy.special import expit

HERE = os.path.dirname(os.path.abspath(__file__))
BOUNDS = {"hill": [(0.02, 5.0), (0.5, 6.0)], "logistic": [(0.0, 3.0), (0.5, 60.0)]}
GRID = {"hill": ([0.25, 0.6, 1.2], [1.0, 2.0, 3.5]), "logistic": ([0.25, 0.6, 1.0], [4.0, 10.0, 25.0])}


def unit_curve(shape, loc, steep, x):
    if shape == "hill":
        with np.errstate(divide="ignore"):
            z = steep * np.log(np.where(x > 0, x, 1.0) / loc)
        return np.where(x > 0, expit(z), 0.0)
    g, g0 = expit(steep * (x - loc)), expit(-steep * loc)
    return (g - g0) / (1.0 - g0)


def model(shape, p, X):
    out = np.full(X.shape[0], p[0])
    for c in range(X.shape[1]):
        beta, loc, steep = p[1 + 3 * c: 4 + 3 * c]
        out += beta * unit_curve(shape, loc, steep, X[:, c])
    return out


def fit(shape, X, y, loss="linear", f_scale=1.0):
    C = X.shape[1]
    lo, hi = [-np.inf], [np.inf]
    for _ in range(C):
        lo += [0.0, BOUNDS[shape][0][0], BOUNDS[shape][1][0]]
        hi += [10.0, BOUNDS[shape][0][1], BOUNDS[shape][1][1]]
    best = None
    for loc in GRID[shape][0]:
        for steep in GRID[shape][1]:
            design = np.column_stack([np.ones(len(y))] + [unit_curve(shape, loc, steep, X[:, c]) for c in range(C)])
            coef = np.linalg.lstsq(design, y, rcond=None)[0]
            betas = np.clip(coef[1:], 0.05, 10.0)
            p0 = [float(np.mean(y - design[:, 1:] @ betas))]
            for c in range(C):
                p0 += [betas[c], loc, steep]
            res = least_squares(lambda p: model(shape, p, X) - y, p0, bounds=(lo, hi), method="trf",
                                loss=loss, f_scale=f_scale, xtol=1e-15, ftol=1e-15, gtol=1e-15, max_nfev=20000)
            if best is None or res.cost < best.cost:
                best = res
    return best


def case(name, shape, spend, y, loss="linear", f_scale=None):
    spend = np.asarray(spend, float)
    if spend.ndim == 1:
        spend = spend[:, None]
    y = np.asarray(y, float)
    xmax = spend.max(axis=0)
    ymin, yr = y.min(), y.max() - y.min()
    X, ys = spend / xmax, (y - ymin) / yr
    res = fit(shape, X, ys, loss, (f_scale / yr) if f_scale else 1.0)
    p = res.x
    pred = model(shape, p, X) * yr + ymin
    rss = float(np.sum((y - pred) ** 2))
    r2 = 1.0 - rss / float(np.sum((y - y.mean()) ** 2))
    params = {"base": ymin + yr * p[0], "channels": []}
    grid = np.linspace(0.0, 1.2, 25)[:, None] * xmax  # curve values up to 120 % of max spend
    for c in range(spend.shape[1]):
        beta, loc, steep = p[1 + 3 * c: 4 + 3 * c]
        ch = {"beta": yr * beta}
        if shape == "hill":
            ch.update(k=loc * xmax[c], a=steep)
        else:
            ch.update(m=loc * xmax[c], s=steep / xmax[c])
        ch["curve_x"] = grid[:, c].tolist()
        ch["curve_y"] = (yr * beta * unit_curve(shape, loc, steep, grid[:, c] / xmax[c])).tolist()
        params["channels"].append(ch)
    return {"name": name, "shape": shape, "loss": loss, "f_scale": f_scale,
            "spend": spend.T.tolist(), "response": y.tolist(),
            "r2": r2, "rmse": (rss / len(y)) ** 0.5, "fitted": pred.tolist(), "params": params}


def hill(x, beta, k, a):
    return beta * x ** a / (x ** a + k ** a)


def logistic(x, beta, m, s):
    g, g0 = expit(s * (x - m)), expit(-s * m)
    return beta * (g - g0) / (1 - g0)


def main():
    rng = np.random.default_rng(20240607)
    cases = []
    x = rng.uniform(0, 10000, 40)
    cases.append(case("hill_s_curve", "hill", x, 2000 + hill(x, 30000, 4000, 2.5) + rng.normal(0, 1500, 40)))
    x = rng.uniform(0, 8000, 30)
    cases.append(case("hill_concave", "hill", x, 500 + hill(x, 12000, 3000, 0.9) + rng.normal(0, 600, 30)))
    x = rng.uniform(0, 12000, 40)
    cases.append(case("logistic", "logistic", x, 1000 + logistic(x, 20000, 5000, 0.001) + rng.normal(0, 1000, 40)))
    x1, x2 = rng.uniform(0, 10000, 60), rng.uniform(0, 5000, 60)
    y = 3000 + hill(x1, 25000, 5000, 2.0) + hill(x2, 10000, 1500, 1.5) + rng.normal(0, 1000, 60)
    cases.append(case("two_channels", "hill", np.column_stack([x1, x2]), y))
    x = rng.uniform(0, 10000, 40)
    y = 2000 + hill(x, 30000, 4000, 2.5) + rng.normal(0, 1500, 40)
    y[[3, 11, 25]] += [25000, -20000, 30000]  # outliers
    cases.append(case("hill_outliers_soft_l1", "hill", x, y, loss="soft_l1", f_scale=1500.0))
    roi = np.genfromtxt(os.path.join(HERE, "ROI.csv"), delimiter=",", skip_header=1)
    cases.append(case("roi_hill", "hill", roi[:, 1], roi[:, 2]))
    cases.append(case("roi_logistic", "logistic", roi[:, 1], roi[:, 2]))
    with open(os.path.join(HERE, "marketing_oracle.json"), "w") as f:
        json.dump({"generator": "tests/data/gen_marketing_oracle.py (SciPy least_squares, trf)",
                   "cases": cases}, f, indent=1)


if __name__ == "__main__":
    main()
