#!/usr/bin/python3
"""Writes tests/data/geometry_oracle.json: point-cloud geometry computed with NumPy / SciPy, the
independent reference for src/synthtab/eval/geometry.cpp.

Run with Debian's python3 (python3-numpy, python3-scipy):  /usr/bin/python3 gen_geometry_oracle.py
Each case holds a matrix x (rounded to 6 significant digits before use) and:
  - d = scipy.spatial.distance.pdist(x) (all pairs i < j): mean, var (ddof=0), min, max,
    contrast max - min, relative contrast (max - min) / min (null when min = 0);
  - row norms n = np.linalg.norm(x, axis=1): mean, std (ddof=0), std / mean;
  - s = np.linalg.svd(x - x.mean(0), compute_uv=False): s / s[0] and VCR = s[0] / s.sum();
  - histograms: np.histogram(d, bins=edges) counts and density=True for given edges (uniform
    and non-uniform), and for edges = np.linspace(0, d.max(), bins + 1) (the default).
"""
import json

import numpy as np
from scipy.spatial.distance import pdist

rng = np.random.default_rng(20261131)


def r6(a):
    return np.array([float(f"{v:.6g}") for v in np.ravel(a)]).reshape(np.shape(a))


def case(name, x, bins=20):
    x = r6(x)
    d = pdist(x)
    norms = np.linalg.norm(x, axis=1)
    s = np.linalg.svd(x - x.mean(axis=0), compute_uv=False)
    dmin, dmax = float(d.min()), float(d.max())
    given = np.linspace(0, dmax * 0.8, 11)  # some pairs fall outside
    uneven = np.sort(r6(rng.uniform(0, dmax * 1.1, size=7)))
    uneven[0] = 0.0
    out = {
        "name": name, "x": x.tolist(),
        "mean": float(d.mean()), "variance": float(d.var()), "dmin": dmin, "dmax": dmax,
        "contrast": dmax - dmin,
        "relative_contrast": (dmax - dmin) / dmin if dmin > 0 else None,
        "zero_pairs": int((d == 0).sum()),
        "norm_mean": float(norms.mean()), "norm_sd": float(norms.std()),
        "norm_relative_variance": float(norms.std() / norms.mean()),
        "singular_values": (s / s[0]).tolist(), "vcr": float(s[0] / s.sum()),
        "histograms": [],
    }
    for edges in (given, uneven):
        counts, _ = np.histogram(d, bins=edges)
        density, _ = np.histogram(d, bins=edges, density=True)
        out["histograms"].append({"edges": edges.tolist(), "counts": counts.tolist(),
                                  "density": density.tolist(),
                                  "outside": int(len(d) - counts.sum())})
    edges = np.linspace(0, dmax, bins + 1)
    counts, _ = np.histogram(d, bins=edges)
    density, _ = np.histogram(d, bins=edges, density=True)
    out["default_histogram"] = {"bins": bins, "edges": edges.tolist(), "counts": counts.tolist(),
                                "density": density.tolist()}
    return out


cases = [
    case("normal_30x3", rng.normal(size=(30, 3))),
    case("uniform_50x5", rng.uniform(-1, 4, size=(50, 5))),
    case("lowrank_80x8", rng.normal(size=(80, 2)) @ rng.normal(size=(2, 8))
         + 0.01 * rng.normal(size=(80, 8)), bins=30),
    case("wide_12x20", rng.normal(size=(12, 20))),
    case("scaled_200x4", rng.normal(size=(200, 4)) * np.array([1000.0, 1.0, 0.01, 50.0])),
]
dup = rng.normal(size=(15, 2))
dup[7] = dup[3]
dup[11] = dup[3]
cases.append(case("duplicates_15x2", dup))
# A constant column beside varying ones.
const = np.hstack([rng.normal(size=(25, 2)), np.full((25, 1), 3.0)])
cases.append(case("constant_column_25x3", const))

with open("geometry_oracle.json", "w") as f:
    json.dump({"origin": f"tests/data/gen_geometry_oracle.py (NumPy {np.__version__}, "
                         "scipy.spatial.distance.pdist, np.linalg.svd)", "cases": cases}, f)
print("wrote geometry_oracle.json:", len(cases), "cases")
