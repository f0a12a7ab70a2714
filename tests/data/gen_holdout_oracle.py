#!/usr/bin/python3
"""Writes tests/data/holdout_oracle.json, the independent reference for the holdout checks of
src/synthtab/eval/privacy.cpp (holdout_comparison, duplicate_row_share), with pandas / NumPy:
  identical-match shares: rows equal cell for cell (pandas merge on every column) to some
      training row, among the synthetic rows and among the holdout rows;
  duplicate share: training rows equal to at least one other training row
      (pandas duplicated(keep=False));
  closer to training (SDMetrics' DCROverfittingProtection, equal-size training and holdout so no
      subsample is drawn): each synthetic row's nearest distance to the training rows and to the
      holdout rows, after standardising numeric columns with the training mean and sample sd and
      one-hot encoding the categorical one over every label; closer when strictly smaller.
Discrete values make exact matches and exact ties (a synthetic row equal to both a training and
a holdout row); the script checks there is no near-tie that rounding could decide.
Run: /usr/bin/python3 gen_holdout_oracle.py
"""
import json
import numpy as np
import pandas as pd

rng = np.random.default_rng(2021)


def make(n, labels):
    return pd.DataFrame({"a": np.round(rng.normal(5, 2, n), 0) / 2, "b": rng.integers(0, 4, n).astype(float),
                         "c": rng.choice(labels, size=n)})


def matches(reference, df):
    keys = reference.drop_duplicates()
    merged = df.reset_index().merge(keys, on=list(df.columns), how="left", indicator=True)
    return float((merged["_merge"] == "both").sum() / len(df))


def encode(training, df, labels):
    x = (df[["a", "b"]].to_numpy(dtype=float) - training[["a", "b"]].mean().to_numpy()) / \
        training[["a", "b"]].std(ddof=1).to_numpy()
    onehot = np.array([[1.0 if v == label else 0.0 for label in labels] for v in df["c"]])
    return np.hstack([x, onehot])


def nearest(q, ref):
    return ((q[:, None, :] - ref[None, :, :]) ** 2).sum(-1).min(axis=1)


cases = []
for n_train, n_holdout, n_synth in ((60, 60, 90), (40, 40, 25), (50, 20, 30)):
    training = make(n_train, ["red", "green", "blue"])
    holdout = make(n_holdout, ["red", "green", "blue", "violet"])
    synth = make(n_synth, ["red", "green", "blue"])
    copied = rng.choice(n_train, size=n_synth // 5)  # some synthetic rows copy training rows
    synth.iloc[: len(copied)] = training.iloc[copied].to_numpy()
    synth.iloc[len(copied): len(copied) + 2] = holdout.iloc[:2].to_numpy()  # and two copy holdout rows
    case = {"training": training.to_dict(orient="list"), "holdout": holdout.to_dict(orient="list"),
            "synthetic": synth.to_dict(orient="list"),
            "synthetic_match_share": matches(training, synth), "holdout_match_share": matches(training, holdout),
            "training_duplicate_share": float(training.duplicated(keep=False).mean())}
    if n_train == n_holdout:
        labels = sorted(set(training.c) | set(holdout.c) | set(synth.c))
        q = encode(training, synth, labels)
        dt, dh = nearest(q, encode(training, training, labels)), nearest(q, encode(training, holdout, labels))
        close = np.abs(dt - dh) < 1e-9
        assert np.all(dt[close] == dh[close]), "a near-tie that rounding could decide"
        case["closer_to_training_share"] = float((dt < dh).mean())
        case["exact_ties"] = int((dt == dh).sum())
    cases.append(case)

with open("holdout_oracle.json", "w", encoding="utf-8") as f:
    json.dump({"generator": "gen_holdout_oracle.py", "cases": cases}, f)
    f.write("\n")
