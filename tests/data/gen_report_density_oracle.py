#!/usr/bin/python3
"""Writes tests/data/report_density_oracle.json: the independent reference for the report's chart
helpers in src/synthtab/report/density.cpp.

Run with Debian's python3 (python3-numpy, python3-scipy):  /usr/bin/python3 gen_report_density_oracle.py
Each case holds values (rounded to 10 significant digits, so the JSON text is exact) and:
  - grid = np.linspace(lo, hi, points) and kde = scipy.stats.gaussian_kde(values)(grid) (Scott's
    rule), with bandwidth = sqrt(kde.covariance) (= sample sd * n^(-1/5));
  - kde_wide = the same estimate with twice that bandwidth, given as a number (bw_method = the
    factor that makes sqrt(covariance) equal it): the report draws both tables' curves with the
    real table's bandwidth;
  - hist_counts / hist_density = np.histogram(values, bins=edges[, density=True]) for given edges
    (uniform and non-uniform, including values on the edges and outside them);
  - equal_edges = np.histogram(values, bins, range=(lo, hi))[1].
"""
import json

import numpy as np
from scipy.stats import gaussian_kde

rng = np.random.default_rng(20261129)


def r10(a):
    return [float(f"{v:.10g}") for v in np.ravel(a)]


def case(name, values, points=50, edges=None, bins=12):
    values = np.array(r10(values))
    lo, hi = float(values.min()), float(values.max())
    grid = np.linspace(lo, hi, points)
    kde = gaussian_kde(values)
    out = {
        "name": name,
        "values": values.tolist(),
        "lo": lo, "hi": hi, "points": points,
        "grid": grid.tolist(),
        "kde": kde(grid).tolist(),
        "bandwidth": float(np.sqrt(kde.covariance[0, 0])),
        "kde_wide": gaussian_kde(values, bw_method=2.0 * kde.factor)(grid).tolist(),
        "bins": bins,
        "equal_edges": np.histogram(values, bins, range=(lo, hi))[1].tolist(),
    }
    if edges is None:
        edges = np.linspace(lo, hi, bins + 1)
    edges = np.array(r10(edges))
    out["edges"] = edges.tolist()
    out["hist_counts"] = np.histogram(values, bins=edges)[0].tolist()
    out["hist_density"] = np.histogram(values, bins=edges, density=True)[0].tolist()
    return out


cases = [
    case("normal", rng.normal(10.0, 3.0, 200)),
    case("skewed spend", rng.lognormal(8.0, 0.8, 57), points=120),
    case("bimodal", np.concatenate([rng.normal(-2, 0.5, 40), rng.normal(3, 1.0, 60)]),
         edges=[-4.0, -2.5, -1.0, 0.0, 0.5, 2.0, 3.0, 7.0]),
    case("integers with ties", rng.integers(1, 13, 19).astype(float), edges=[1, 2, 3, 4, 6, 8, 12]),
    case("values outside the edges", rng.uniform(0, 10, 30), edges=[2.0, 4.0, 6.0, 8.0]),
]
# The ROI table's "Google ads" column, as the report draws it.
roi = [490.0, 1287.73, 1974.76, 1819.1, 1181.04, 1135.42, 1779.58, 6724.5, 8554.09, 7180.2, 7434.47,
       3950.01, 3534.96, 5025.77, 5559.39, 4848.0, 4848.0, 5190.13, 13494.04]
cases.append(case("ROI Google ads", roi, points=120))

constant = {"name": "equal_edges of a constant", "lo": 5.0, "hi": 5.0, "bins": 4,
            "equal_edges": np.histogram([5.0, 5.0], 4, range=(5.0, 5.0))[1].tolist()}

with open(__file__.replace("gen_report_density_oracle.py", "report_density_oracle.json"), "w") as f:
    json.dump({"generator": "gen_report_density_oracle.py", "numpy": np.__version__,
               "scipy": __import__("scipy").__version__, "cases": cases, "constant": constant}, f, indent=1)
