#!/usr/bin/python3
"""Writes the independent references for src/synthtab/eval/ml_metrics.cpp and random_forest.cpp.

Run with Debian's python3 (python3-numpy, python3-sklearn 1.2.1), from tests/data/:
    /usr/bin/python3 gen_ml_metrics_oracle.py

ml_metrics_oracle.json -- generated cases, each metric's value as scikit-learn computes it:
  r2 (sklearn.metrics.r2_score; NaN for one row is written as null), explained_variance
  (explained_variance_score), accuracy (accuracy_score), macro_f1 (f1_score(average="macro"),
  zero_division left at its default "warn" -> 0; the warnings are silenced here), roc_auc
  (roc_auc_score on binary labels with tied and untied scores). Edge cases: constant y_true,
  exact predictions, labels that appear only in y_true or only in y_pred, > 8192 rows (NumPy sums
  in buffers), binary labels other than {0, 1}.

random_forest_oracle.json -- two train/test problems (1,000 + 1,000 rows, values rounded to 6
  significant digits before use) and sklearn's TEST scores for several random_state values:
  - "friedman1": make_friedman1(n_samples=2000, n_features=10, noise=1.0, random_state=7),
    RandomForestRegressor(n_estimators=100) -> R^2, default settings and max_depth=4;
  - "classification3": make_classification(n_samples=2000, n_features=10, n_informative=5,
    n_redundant=2, n_classes=3, n_clusters_per_class=2, flip_y=0.05, class_sep=1.0,
    random_state=11), RandomForestClassifier(n_estimators=100) -> accuracy, default settings and
    max_depth=4.
  Forests are random: the C++ test compares its own mean over seeds with the mean here.
  Also one DecisionTreeRegressor / DecisionTreeClassifier(max_depth=4) on all training rows:
  its test predictions (probabilities), which a deterministic CART must reproduce (no tied
  splits at that depth on this continuous data).
"""
import json
import warnings

import numpy as np
import sklearn
from sklearn.datasets import make_classification, make_friedman1
from sklearn.ensemble import RandomForestClassifier, RandomForestRegressor
from sklearn.metrics import (accuracy_score, explained_variance_score, f1_score, r2_score,
                             roc_auc_score)
from sklearn.tree import DecisionTreeClassifier, DecisionTreeRegressor

warnings.simplefilter("ignore")  # UndefinedMetricWarning for zero_division, r2 with one row
rng = np.random.default_rng(20261130)
origin = ("tests/data/gen_ml_metrics_oracle.py (scikit-learn " + sklearn.__version__ +
          ", NumPy " + np.__version__ + ")")


def floats(a):
    return [float(v) for v in np.ravel(a)]


def nan_to_none(v):
    return None if np.isnan(v) else float(v)


def g8(a):
    return np.array([float(f"{v:.8g}") for v in a])


# --- regression metrics ---------------------------------------------------------------------
regression = []
sizes = [2, 3, 5, 7, 8, 9, 16, 17, 100, 128, 129, 300, 1000, 2000, 9000]
for i, n in enumerate(sizes):
    scale = 10.0 ** rng.uniform(-3, 4)
    y = rng.normal(size=n) * scale + rng.uniform(-5, 5) * scale
    noise = rng.uniform(0.01, 1.5)
    p = y + rng.normal(size=n) * scale * noise + (scale * 0.3 if i % 3 == 0 else 0.0)
    regression.append((g8(y), g8(p)))  # 8 digits keep the file small
regression.append((np.array([1.5]), np.array([1.0])))                 # one row: r2 NaN
regression.append((np.array([3.1, 3.1, 3.1]), np.array([3.1, 3.1, 3.1])))  # constant, exact
regression.append((np.array([3.1, 3.1, 3.1]), np.array([3.0, 3.2, 3.1])))  # constant, wrong
regression.append((np.array([3.0, 3.0, 3.0, 3.0]), np.array([3.1, 3.1, 3.1, 3.1])))  # shifted
yy = rng.normal(size=50)
regression.append((yy, yy.copy()))                                    # exact predictions
regression.append((yy, yy + 0.7))                                     # shift: EV 1, r2 < 1
regression.append((yy, -yy))                                          # negative r2
regression.append((np.round(yy, 1), np.round(yy[::-1], 1)))
for n, c in ((16, 0.7), (33, 0.3)):  # constant y, constant shift: the explained variance is 1 or
    regression.append((np.full(n, 3.0), np.full(n, 3.0 + c)))  # 0 by NumPy's summation order

regression_cases = []
for y, p in regression:
    regression_cases.append({"y_true": floats(y), "y_pred": floats(p),
                             "r2": nan_to_none(r2_score(y, p)),
                             "explained_variance": float(explained_variance_score(y, p))})

# --- classification metrics -------------------------------------------------------------------
classification_cases = []
for i in range(22):
    n = int(rng.integers(1, 400)) if i > 1 else [1, 2][i]
    k = int(rng.integers(2, 12))
    labels = np.arange(k, dtype=float) * (3.0 if i % 4 == 1 else 1.0) - (3 if i % 5 == 2 else 0)
    y = rng.choice(labels, size=n)
    p = y.copy()
    flip = rng.uniform(size=n) < rng.uniform(0.0, 0.9)
    p[flip] = rng.choice(labels, size=int(flip.sum()))
    if i % 3 == 0:  # a label only in the predictions, another never predicted
        p[: max(1, n // 10)] = labels[-1] + 100.0
        p[p == labels[0]] = labels[1]
    classification_cases.append({"y_true": floats(y), "y_pred": floats(p),
                                 "accuracy": float(accuracy_score(y, p)),
                                 "macro_f1": float(f1_score(y, p, average="macro"))})

# --- ROC AUC ------------------------------------------------------------------------------------
auc_cases = []
for i in range(22):
    n = int(rng.integers(2, 600))
    pair = [(0.0, 1.0), (-1.0, 1.0), (2.0, 5.0), (1.0, 0.0)][i % 4]  # value sets; larger = positive
    y = rng.choice(np.array(pair), size=n)
    y[0], y[1] = pair[0], pair[1]  # both classes present
    signal = (y == max(pair)).astype(float) * rng.uniform(0, 2)
    s = signal + rng.normal(size=n)
    if i % 3 == 1:
        s = np.round(s, 1)  # many ties
    if i % 7 == 3:
        s = np.round(s)      # heavy ties
    if i == 5:
        s = np.full(n, 0.25)  # all tied: 0.5
    auc_cases.append({"y_true": floats(y), "scores": floats(s), "roc_auc": float(roc_auc_score(y, s))})

with open("ml_metrics_oracle.json", "w") as f:
    json.dump({"origin": origin, "regression": regression_cases,
               "classification": classification_cases, "roc_auc": auc_cases}, f)


# --- forests -----------------------------------------------------------------------------------
def r6(a):
    return np.array([float(f"{v:.6g}") for v in np.ravel(a)]).reshape(np.shape(a))


seeds = [0, 1, 2, 3, 4, 5, 6, 7]
problems = {}
X, y = make_friedman1(n_samples=2000, n_features=10, noise=1.0, random_state=7)
X, y = r6(X), r6(y)
scores = {"default": [], "max_depth_4": []}
for s in seeds:
    for key, depth in (("default", None), ("max_depth_4", 4)):
        m = RandomForestRegressor(n_estimators=100, max_depth=depth, random_state=s, n_jobs=1)
        m.fit(X[:1000], y[:1000])
        scores[key].append(float(r2_score(y[1000:], m.predict(X[1000:]))))
tree = DecisionTreeRegressor(max_depth=4, random_state=0).fit(X[:1000], y[:1000])
problems["friedman1"] = {"task": "regression", "metric": "r2", "X": X.tolist(), "y": floats(y),
                         "train_rows": 1000, "sklearn_test_scores": scores,
                         "tree_max_depth_4_test_prediction": floats(tree.predict(X[1000:]))}

X, y = make_classification(n_samples=2000, n_features=10, n_informative=5, n_redundant=2,
                           n_classes=3, n_clusters_per_class=2, flip_y=0.05, class_sep=1.0,
                           random_state=11)
X = r6(X)
y = y.astype(float)
scores = {"default": [], "max_depth_4": []}
for s in seeds:
    for key, depth in (("default", None), ("max_depth_4", 4)):
        m = RandomForestClassifier(n_estimators=100, max_depth=depth, random_state=s, n_jobs=1)
        m.fit(X[:1000], y[:1000])
        scores[key].append(float(accuracy_score(y[1000:], m.predict(X[1000:]))))
tree = DecisionTreeClassifier(max_depth=4, random_state=0).fit(X[:1000], y[:1000])
problems["classification3"] = {"task": "classification", "metric": "accuracy", "X": X.tolist(),
                               "y": floats(y), "train_rows": 1000, "sklearn_test_scores": scores,
                               "tree_max_depth_4_test_proba": tree.predict_proba(X[1000:]).tolist()}

with open("random_forest_oracle.json", "w") as f:
    json.dump({"origin": origin, "problems": problems}, f)
