#!/usr/bin/python3
"""Writes tests/data/topology_oracle.json: Vietoris-Rips persistence diagrams (dimensions 0 and 1)
computed by GUDHI, the independent reference for src/synthtab/eval/topology.cpp, cross-checked
against the Debian `ripser` program.

Run with Debian's python3:  apt-get install -y python3-gudhi ripser
                            /usr/bin/python3 gen_topology_oracle.py
Clouds (coordinates rounded to 6 significant digits, the values stored are the values used):
  - 10 random clouds of 20-120 points in 2-6 dimensions (normal, uniform or mixed);
  - "circle": 60 points on a circle of radius 1 with N(0, 0.03) noise: one long H1 bar;
  - "clusters": 3 clusters of 20 points, centres 10 apart, sd 0.3: two large H0 deaths.
Reference: gudhi.RipsComplex(points).create_simplex_tree(max_dimension=2), persistence over
Z/2 (homology_coeff_field=2), zero-length bars dropped (GUDHI's min_persistence=0 keeps only
bars strictly longer than 0). Death null = +inf (the essential H0 class).
Cross-check: /usr/bin/ripser --format point-cloud --dim 1 (which computes in single precision
and prints 6 digits) must agree to a relative 1e-4 on every bar longer than 1e-4; the script
stops otherwise.
Bottleneck cases: tiny diagram pairs with the value from gudhi.bottleneck_distance (exact,
e=0) and, for the first, the value worked out by hand in the comment beside it.
Entropy: -sum p log p, p = l / sum l over the finite bars of each reference diagram (NumPy).
"""
import json
import subprocess

import gudhi
import numpy as np

rng = np.random.default_rng(20261130)


def r6(a):
    return np.array([float(f"{v:.6g}") for v in np.ravel(a)]).reshape(np.shape(a))


def gudhi_diagrams(points):
    st = gudhi.RipsComplex(points=points.tolist()).create_simplex_tree(max_dimension=2)
    st.compute_persistence(homology_coeff_field=2, min_persistence=0.0)
    out = {}
    for dim in (0, 1):
        bars = [[float(b), float(d)] for b, d in st.persistence_intervals_in_dimension(dim)]
        bars.sort()
        out[dim] = bars
    return out


def ripser_diagrams(points):
    text = "\n".join(",".join(repr(float(v)) for v in row) for row in points) + "\n"
    res = subprocess.run(["/usr/bin/ripser", "--format", "point-cloud", "--dim", "1"],
                         input=text, capture_output=True, text=True, check=True)
    out, dim = {0: [], 1: []}, None
    for line in res.stdout.splitlines():
        line = line.strip()
        if line.startswith("persistence intervals in dim"):
            dim = int(line.split()[-1].rstrip(":"))
        elif line.startswith("[") and dim is not None:
            b, d = line.strip("[)").split(",")
            out[dim].append([float(b), float(d) if d.strip() else float("inf")])
    for dim in out:
        out[dim].sort()
    return out


def cross_check(name, ref, rip):
    for dim in (0, 1):
        a = sorted(b for b in ref[dim] if b[1] - b[0] > 1e-4)
        c = sorted(b for b in rip[dim] if b[1] - b[0] > 1e-4)
        ok = len(a) == len(c) and all(
            abs(x[0] - y[0]) <= 1e-4 * max(1, abs(x[0])) and
            (x[1] == y[1] or abs(x[1] - y[1]) <= 1e-4 * max(1, abs(x[1]))) for x, y in zip(a, c))
        if not ok:
            raise SystemExit(f"{name} H{dim}: gudhi and ripser disagree\n{a}\n{c}")


def entropy(bars):
    l = np.array([d - b for b, d in bars if np.isfinite(d) and d > b])
    if l.size == 0:
        return 0.0
    p = l / l.sum()
    return float(-(p * np.log(p)).sum())


def enc(bars):
    return [[b, d if np.isfinite(d) else None] for b, d in bars]


clouds = []
for k in range(10):
    n = int(rng.integers(20, 121))
    dim = int(rng.integers(2, 7))
    kind = k % 3
    if kind == 0:
        pts = rng.normal(size=(n, dim))
    elif kind == 1:
        pts = rng.uniform(-2, 2, size=(n, dim)) * 3
    else:
        pts = np.hstack([rng.normal(size=(n, 1)) * 5, rng.uniform(size=(n, dim - 1))])
    clouds.append((f"random{k}_{n}x{dim}", r6(pts)))

t = rng.uniform(0, 2 * np.pi, 60)
circle = np.column_stack([np.cos(t), np.sin(t)]) + rng.normal(scale=0.03, size=(60, 2))
clouds.append(("circle", r6(circle)))

centres = np.array([[0.0, 0.0, 0.0], [10.0, 0.0, 0.0], [5.0, 8.660254, 0.0]])
clusters = np.vstack([c + rng.normal(scale=0.3, size=(20, 3)) for c in centres])
clouds.append(("clusters", r6(clusters)))

out_clouds = []
for name, pts in clouds:
    ref = gudhi_diagrams(pts)
    cross_check(name, ref, ripser_diagrams(pts))
    out_clouds.append({"name": name, "points": pts.tolist(), "h0": enc(ref[0]), "h1": enc(ref[1]),
                       "entropy_h0": entropy(ref[0]), "entropy_h1": entropy(ref[1])})

# Bottleneck: A = {(0,4), (1,2)}, B = {(0,5), (1,1.5)}. By hand: matching (0,4)-(0,5) costs
# max(0, 1) = 1 and (1,2)-(1,1.5) costs 0.5 (or both to the diagonal: 0.5 and 0.25); sending
# (0,4) or (0,5) to the diagonal costs 2 or 2.5, and the cross pairs cost 2 and 3.5. So 1.
bottleneck_cases = [
    {"a": [[0, 4], [1, 2]], "b": [[0, 5], [1, 1.5]], "hand": 1.0},
    # A single point against the empty diagram: half its length, (3 - 1) / 2 = 1.
    {"a": [[1, 3]], "b": [], "hand": 1.0},
    # (0,1) vs (0,3): matching costs 2, both to the diagonal max(0.5, 1.5) = 1.5 -> 1.5.
    {"a": [[0, 1]], "b": [[0, 3]], "hand": 1.5},
]
for k in range(4):
    a = np.sort(r6(rng.uniform(0, 3, size=(int(rng.integers(3, 12)), 2))), axis=1)
    b = np.sort(r6(rng.uniform(0, 3, size=(int(rng.integers(3, 12)), 2))), axis=1)
    bottleneck_cases.append({"a": a.tolist(), "b": b.tolist()})
# Diagrams of two of the clouds above (H1), as produced by GUDHI.
bottleneck_cases.append({"a": out_clouds[0]["h1"], "b": out_clouds[3]["h1"], "cloud_h1": [0, 3]})
for c in bottleneck_cases:
    c["gudhi"] = float(gudhi.bottleneck_distance(c["a"], c["b"], 0.0))
    if "hand" in c and abs(c["hand"] - c["gudhi"]) > 1e-12:
        raise SystemExit(f"hand value {c['hand']} != gudhi {c['gudhi']}")

with open("topology_oracle.json", "w") as f:
    json.dump({"origin": f"tests/data/gen_topology_oracle.py (GUDHI {gudhi.__version__}, "
                         f"NumPy {np.__version__}; cross-checked with /usr/bin/ripser)",
               "clouds": out_clouds, "bottleneck": bottleneck_cases}, f)
print("wrote topology_oracle.json:", len(out_clouds), "clouds,", len(bottleneck_cases),
      "bottleneck cases")
