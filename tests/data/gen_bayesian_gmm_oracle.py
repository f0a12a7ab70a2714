#!/usr/bin/python3
"""Expected values for tests/transform/bayesian_gmm_test.cpp, from scikit-learn's
BayesianGaussianMixture as CTGAN configures it (dirichlet_process, weight_concentration_prior
0.001, 10 components, n_init 1, max_iter 100).

Two references per data set:
  * "fixed": the same variational EM started from the same k-means labels as synthtab (Lloyd's
    k-means from the (j + 0.5) / K quantiles, run to convergence). The fits must then agree to
    rounding: this checks every update, the lower bound and the stopping rule.
  * "sklearn": scikit-learn's own start (k-means++ seeding, random_state 0). The starts differ,
    so only the fitted mixture's quality is compared (see the test for the tolerances).

Run: /usr/bin/python3 tests/data/gen_bayesian_gmm_oracle.py  (needs python3-sklearn)
"""
import json
import pathlib

import numpy as np
import sklearn
from scipy.special import logsumexp
from sklearn.cluster import KMeans
from sklearn.mixture import BayesianGaussianMixture

K = 10
SETTINGS = dict(n_components=K, weight_concentration_prior_type="dirichlet_process",
                weight_concentration_prior=0.001, n_init=1, max_iter=100)


def quantile_centres(x):
    s = np.sort(x)
    n = len(s)
    return np.array([s[min(int((j + 0.5) / K * n), n - 1)] for j in range(K)])


class FixedStart(BayesianGaussianMixture):
    def _initialize_parameters(self, X, random_state):
        centres = quantile_centres(X[:, 0]).reshape(-1, 1)
        labels = KMeans(n_clusters=K, init=centres, n_init=1, tol=0.0,
                        algorithm="lloyd").fit(X).labels_
        resp = np.zeros((X.shape[0], K))
        resp[np.arange(X.shape[0]), labels] = 1.0
        self.start_labels_ = labels
        self._initialize(X, resp)


def mixture_loglik(x, w, mu, var):
    """Mean log-likelihood of x under the plain mixture sum_k w_k N(mu_k, var_k)."""
    lp = (np.log(np.maximum(w, 1e-300))[None, :] - 0.5 * np.log(2 * np.pi * var)[None, :]
          - 0.5 * (x[:, None] - mu[None, :]) ** 2 / var[None, :])
    return float(np.mean(logsumexp(lp, axis=1)))


def describe(model, x):
    w = model.weights_
    mu = model.means_[:, 0]
    var = model.covariances_[:, 0, 0]
    return {"weights": w.tolist(), "means": mu.tolist(), "variances": var.tolist(),
            "lower_bound": float(model.lower_bound_), "n_iter": int(model.n_iter_),
            "converged": bool(model.converged_), "loglik": mixture_loglik(x, w, mu, var)}


rng = np.random.default_rng(20260529)
datasets = {
    "bimodal": np.concatenate([rng.normal(-2.0, 0.5, 450), rng.normal(3.0, 1.0, 1050)]),
    "three_scales": np.concatenate([rng.normal(0.0, 0.1, 1000), rng.normal(5.0, 1.0, 600),
                                    rng.normal(20.0, 4.0, 400)]),
    "lognormal": rng.lognormal(0.0, 0.7, 1000),
    "small": np.concatenate([rng.normal(10.0, 2.0, 30), rng.normal(30.0, 2.0, 30)]),
}

out = {"sklearn_version": sklearn.__version__, "settings": {k: v for k, v in SETTINGS.items()},
       "datasets": {}}
for name, x in datasets.items():
    x = rng.permutation(x)
    X = x.reshape(-1, 1)
    fixed = FixedStart(**SETTINGS).fit(X)
    probes = np.quantile(x, [0.05, 0.3, 0.5, 0.7, 0.95])
    entry = {"x": x.tolist(), "fixed": describe(fixed, x),
             "fixed_start_labels": fixed.start_labels_.tolist(),
             "probes": probes.tolist(),
             "fixed_proba": fixed.predict_proba(probes.reshape(-1, 1)).tolist(),
             "sklearn": describe(BayesianGaussianMixture(**SETTINGS, random_state=0).fit(X), x)}
    out["datasets"][name] = entry

path = pathlib.Path(__file__).with_name("bayesian_gmm_oracle.json")
path.write_text(json.dumps(out) + "\n")
print("wrote", path)
