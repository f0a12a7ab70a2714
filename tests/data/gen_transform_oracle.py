#!/usr/bin/python3
"""Writes tests/data/transform_oracle.json: scikit-learn's quantile scaling, the independent
reference for src/synthtab/transform/quantile_transformer.cpp.

Run with Debian's python3 (python3-numpy, python3-sklearn):
    cd tests/data && /usr/bin/python3 gen_transform_oracle.py
(checked-in output: numpy 1.24.2, scikit-learn 1.2.1).

Each case is one numeric column and the quantile option q given to synthtab. The reference is
nbsynthetic's scaling of one column:
  QuantileTransformer(n_quantiles=min(q, non-missing count), output_distribution='uniform')
  followed by MinMaxScaler(feature_range=(-1, 1), clip=True) fitted on the transformed values.
Stored per case:
  - values: the training column (null = missing; sklearn's nanpercentile ignores it);
  - quantiles: the fitted QuantileTransformer.quantiles_;
  - transformed: the forward transform of the non-missing values, in row order;
  - probes: model-space values (float32-representable, some outside [-1, 1]);
  - inverse: MinMaxScaler.inverse_transform, clip to [0, 1], QuantileTransformer.
    inverse_transform, clip to the column's [min, max], and np.round (half to even) for integer
    columns; float columns are rounded with np.round(x, decimals) to `decimals`, the most decimal
    places of any training value as Python writes it (repr), or not at all when that exceeds 10.
No column exceeds sklearn's subsample size (10,000), so no subsampling happens.
"""
import csv
import json
import os
from decimal import Decimal

import numpy as np
from sklearn.preprocessing import MinMaxScaler, QuantileTransformer

rng = np.random.default_rng(20261130)
here = os.path.dirname(os.path.abspath(__file__))


def roi_column(name):
    with open(os.path.join(here, "ROI.csv"), newline="") as f:
        return [float(row[name]) for row in csv.DictReader(f)]


def case(name, kind, values, q):
    values = np.asarray(values, dtype=np.float64)
    present = values[~np.isnan(values)]
    qt = QuantileTransformer(n_quantiles=min(q, present.size), output_distribution="uniform")
    u = qt.fit_transform(values.reshape(-1, 1))
    mm = MinMaxScaler(feature_range=(-1, 1), clip=True)
    mm.fit(u)
    transformed = mm.transform(qt.transform(present.reshape(-1, 1))).ravel()

    probes = np.concatenate([np.linspace(-1, 1, 41), [-7.0, -1.5, 1.5, 3.0, -0.999, 0.999]])
    probes = rng.permutation(probes).astype(np.float32).astype(np.float64)
    u_back = np.clip(mm.inverse_transform(probes.reshape(-1, 1)), 0.0, 1.0)
    inverse = np.clip(qt.inverse_transform(u_back).ravel(), present.min(), present.max())
    decimals = None
    if kind == "integer":
        inverse = np.round(inverse)
    elif kind == "float":
        decimals = max(max(0, -Decimal(repr(float(v))).as_tuple().exponent) for v in present)
        if decimals > 10:
            decimals = None
        else:
            inverse = np.round(inverse, decimals)
    return {
        "decimals": decimals,
        "name": name,
        "type": kind,
        "q": q,
        "values": [None if np.isnan(v) else float(v) for v in values],
        "quantiles": qt.quantiles_.ravel().tolist(),
        "transformed": transformed.tolist(),
        "probes": probes.tolist(),
        "inverse": inverse.tolist(),
    }


days = 1_600_000_000 + 86400 * np.sort(rng.integers(0, 2000, 30))
with_missing = rng.normal(50, 10, 40)
with_missing[[3, 17, 18, 30]] = np.nan
cases = [
    case("lognormal_skewed", "float", rng.lognormal(3.0, 1.2, 200), 100),
    case("integer_ties", "integer", rng.integers(1, 8, 50), 100),
    case("tiny_float", "float", [2.5, -1.25, 10.0], 100),
    case("tiny_integer", "integer", [1, 2, 4], 100),
    case("roi_spend_vanilla", "float", roi_column("Google ads"), 100),
    case("roi_mrr_wgan", "float", roi_column("MRR (Monthly Recurring Revenue)"), int(0.7 * 19)),
    case("roi_month_integer", "integer", roi_column("Month"), int(0.7 * 19)),
    case("normal_2000", "float", rng.normal(-3.0, 2.0, 2000), 100),
    case("poisson_2000_integer", "integer", rng.poisson(4.0, 2000), 100),
    case("zero_inflated", "float",
         np.where(rng.random(100) < 0.8, 0.0, rng.exponential(100.0, 100)), 100),
    case("bimodal_500_q50", "float",
         np.concatenate([rng.normal(-100, 5, 250), rng.normal(300, 40, 250)]), 50),
    case("two_values", "integer", [0, 1, 1, 0, 1, 1, 1, 0, 1, 1], 100),
    case("day_timestamps_q20", "integer", days, 20),
    case("with_missing", "float", with_missing, 100),
]

with open(os.path.join(here, "transform_oracle.json"), "w") as f:
    json.dump({"cases": cases}, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases")
