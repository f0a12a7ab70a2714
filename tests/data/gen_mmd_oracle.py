#!/usr/bin/python3
"""Writes tests/data/mmd_oracle.json: MMD values computed with NumPy / scikit-learn, the
independent reference for src/synthtab/eval/mmd.cpp.

Run with Debian's python3 (python3-numpy, python3-sklearn):  /usr/bin/python3 gen_mmd_oracle.py
Each case holds numeric real/synthetic columns (rounded to 6 significant digits before use) and:
  - mmd2_unbiased: standardise with the real mean and sample sd (ddof=1), bandwidth = median of
    the pooled pairwise distances (i<j), k = exp(-d^2 / (2 sigma^2)), unbiased MMD^2;
  - mmd2_seed: sklearn rbf_kernel with gamma = 1/features on raw values, biased estimate
    (nbsynthetic's mmd_rbf).
Sizes stay <= 500 rows per table so that no subsampling happens in the C++ bandwidth step.
"""
import json
import numpy as np
from sklearn.metrics.pairwise import rbf_kernel, euclidean_distances

rng = np.random.default_rng(20261129)


def r6(a):
    return np.array([float(f"{v:.6g}") for v in np.ravel(a)]).reshape(np.shape(a))


def unbiased(x, y):
    mean = x.mean(axis=0)
    sd = x.std(axis=0, ddof=1)
    sd[sd == 0] = 1.0
    xs, ys = (x - mean) / sd, (y - mean) / sd
    z = np.vstack([xs, ys])
    d = euclidean_distances(z, z)
    iu = np.triu_indices(len(z), 1)
    sigma = np.median(d[iu])
    gamma = 1.0 / (2 * sigma ** 2)
    kxx, kyy, kxy = rbf_kernel(xs, xs, gamma=gamma), rbf_kernel(ys, ys, gamma=gamma), rbf_kernel(xs, ys, gamma=gamma)
    m, n = len(xs), len(ys)
    return ((kxx.sum() - np.trace(kxx)) / (m * (m - 1)) + (kyy.sum() - np.trace(kyy)) / (n * (n - 1))
            - 2 * kxy.mean()), sigma


def seed(x, y):
    g = 1.0 / x.shape[1]
    return rbf_kernel(x, x, gamma=g).mean() + rbf_kernel(y, y, gamma=g).mean() - 2 * rbf_kernel(x, y, gamma=g).mean()


cases = []
shapes = [(19, 200, 2), (50, 50, 3), (5, 7, 1), (300, 500, 4), (100, 400, 2), (30, 30, 5)]
for i, (m, n, d) in enumerate(shapes):
    shift = 0.0 if i % 2 == 0 else 0.7
    x = r6(rng.normal(size=(m, d)) * (1 + np.arange(d)) * 100 + 1000)
    y = r6(rng.normal(size=(n, d)) * (1 + np.arange(d)) * 100 + 1000 + shift * 100)
    u, sigma = unbiased(x, y)
    cases.append({"real": x.tolist(), "synthetic": y.tolist(), "mmd2_unbiased": u,
                  "bandwidth": sigma, "mmd2_seed": seed(x, y)})

with open("mmd_oracle.json", "w") as f:
    json.dump({"origin": "tests/data/gen_mmd_oracle.py (NumPy " + np.__version__ + ", scikit-learn)",
               "cases": cases}, f)
