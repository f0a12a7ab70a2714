#!/usr/bin/python3
"""Writes tests/data/bayesnet_oracle.json, the independent reference for the bayesnet model's
mutual information (src/synthtab/models/bayesnet.cpp, mutual_information), as scikit-learn
computes it: sklearn.metrics.mutual_info_score(a, b) (plug-in estimate, natural log, nats).

Cases: random labels of several sizes and state counts (independent, dependent, one constant
vector, a single row, many states with few rows, more cells than rows).
Run with Debian's python3 (python3-numpy, python3-sklearn 1.2.1), from tests/data/:
    /usr/bin/python3 gen_bayesnet_oracle.py
"""
import json

import numpy as np
import sklearn
from sklearn.metrics import mutual_info_score

rng = np.random.default_rng(2026)
cases = []


def add(name, a, b):
    a = [int(x) for x in a]
    b = [int(x) for x in b]
    cases.append({"name": name, "a": a, "b": b, "mi": float(mutual_info_score(a, b))})


add("independent", rng.integers(0, 4, 500), rng.integers(0, 3, 500))
x = rng.integers(0, 5, 400)
add("dependent", x, np.where(rng.random(400) < 0.7, x, rng.integers(0, 5, 400)))
add("deterministic", x, x % 2)
add("constant", np.zeros(50, dtype=int), rng.integers(0, 3, 50))
add("one_row", [3], [1])
add("many_states_few_rows", rng.integers(0, 40, 30), rng.integers(0, 25, 30))
add("unused_labels", [0, 2, 2, 5, 5, 5], [1, 1, 7, 7, 0, 0])
y = rng.integers(0, 10, 5000)
add("large", y, (y + rng.integers(0, 3, 5000)) % 10)
z = rng.integers(0, 300, 100)
add("sparse_table", z, (z + rng.integers(0, 2, 100)) % 300)  # 300 x 300 cells, 100 rows

out = {"origin": "tests/data/gen_bayesnet_oracle.py (scikit-learn %s, NumPy %s): "
                  "sklearn.metrics.mutual_info_score" % (sklearn.__version__, np.__version__),
       "cases": cases}
with open("bayesnet_oracle.json", "w") as f:
    json.dump(out, f, separators=(",", ":"))
    f.write("\n")
