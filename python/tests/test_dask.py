"""synthtab.dask: a sample's shards as Dask partitions, on a local cluster of worker processes,
equal the single-machine sample byte for byte, even when a worker dies mid-run."""
import os
import signal
import subprocess
import dask
import pandas as pd
import pytest
from distributed import Client, LocalCluster, as_completed

import synthtab
import synthtab.dask as sd


@pytest.fixture(scope="module")
def client():
    # Two worker processes, as on two machines; nannies restart a worker that dies.
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as dask_client:
        yield dask_client


@pytest.fixture(scope="module")
def model():
    from conftest import ROI
    return synthtab.fit(pd.read_csv(ROI), model="copula", seed=5, progress=False)


def as_csv(frame):
    return frame.to_csv(index=False, float_format=None)


# First in the file: the module's cluster client, once made, is every later test's default.
def test_without_a_cluster_dask_runs_the_shards_locally(model):
    with dask.config.set(scheduler="threads"):
        rows = sd.sample(model, 3_000, npartitions=3, seed=2).compute()
    pd.testing.assert_frame_equal(rows, model.sample(3_000, seed=2), check_exact=True)


def test_the_partitions_are_the_single_machine_sample(client, model):
    rows = sd.sample(model, 10_001, npartitions=7, seed=3)
    assert rows.npartitions == 7 and rows.known_divisions
    computed = rows.compute()
    expected = model.sample(10_001, seed=3)
    pd.testing.assert_frame_equal(computed, expected, check_exact=True)
    assert as_csv(computed) == as_csv(expected)
    assert len(rows.partitions[3].compute()) == 10_001 * 4 // 7 - 10_001 * 3 // 7


def test_csv_files_per_shard_join_to_the_cli_sample(client, model, cli, tmp_path):
    paths = sd.write_csv(model, 5_000, tmp_path / "parts", npartitions=4, seed=9)
    assert [os.path.basename(p) for p in paths] == [f"part-0000{i}.csv" for i in range(4)]
    texts = [open(p, encoding="utf-8").read() for p in paths]
    header = texts[0].split("\n", 1)[0] + "\n"
    assert all(t.startswith(header) for t in texts)
    joined = texts[0] + "".join(t[len(header):] for t in texts[1:])
    model.save(tmp_path / "m.synthtab")
    subprocess.run([cli, "sample", str(tmp_path / "m.synthtab"), "-n", "5000", "--seed", "9",
                    "-o", str(tmp_path / "cli.csv"), "--quiet"], check=True)
    assert joined == (tmp_path / "cli.csv").read_text(encoding="utf-8")
    assert sorted(os.listdir(tmp_path / "parts")) == [os.path.basename(p) for p in paths]  # no temp files left


def test_the_model_travels_once_as_bytes(client, model):
    rows = sd.sample(model, 1_000, npartitions=5, seed=1)
    graph = dict(rows.__dask_graph__())
    model_bytes = model._native.to_bytes()

    def copies(value):
        if isinstance(value, (tuple, list)):
            return sum(copies(item) for item in value)
        if isinstance(value, dict):
            return sum(copies(item) for item in value.values())
        return int(isinstance(value, bytes) and value == model_bytes)

    holders = [key for key, value in graph.items() if copies(value)]
    assert len(holders) == 1 and graph[holders[0]] == model_bytes  # one node; the shards name it
    assert sum(copies(value) for value in graph.values()) == 1


def test_a_worker_killed_mid_run_costs_a_retry_not_a_row(client, model):
    rows = sd.sample(model, 2_000_000, npartitions=40, seed=4)
    expected = model.sample(2_000_000, seed=4)
    victim = sorted(client.run(os.getpid).values())[0]
    parts = client.compute(rows.to_delayed())
    next(as_completed(parts))  # under way: one shard done
    os.kill(victim, signal.SIGKILL)
    unfinished = sum(not part.done() for part in parts)
    computed = pd.concat(client.gather(parts))
    assert unfinished > 0, "every shard was done before the kill: nothing was retried"
    assert victim not in client.run(os.getpid).values()  # it died (and its nanny started another)
    pd.testing.assert_frame_equal(computed, expected, check_exact=True)


def test_bad_partition_counts_are_value_errors(model):
    with pytest.raises(ValueError, match="npartitions"):
        sd.sample(model, 10, npartitions=0)
    with pytest.raises(ValueError, match=">= 0"):
        sd.sample(model, -5)
    assert sd.sample(model, 3, npartitions=10).npartitions == 3  # never an empty partition


# --- fitting from a Dask DataFrame ---------------------------------------------------------------

def wide_table(rows, seed):
    import numpy as np
    rng = np.random.default_rng(seed)
    x = rng.normal(size=rows)
    frame = pd.DataFrame({"x": x, "y": 0.7 * x + 0.5 * rng.normal(size=rows),
                          "spend": np.exp(0.6 * x + rng.normal(size=rows)) * 100.0,
                          "level": rng.integers(0, 7, rows),
                          "label": rng.choice(["a", "b", "c"], rows, p=[0.5, 0.3, 0.2]).astype(object)})
    frame.loc[rows * 6 // 8 + 3, "label"] = "rare"  # only in the seventh of 8 partitions
    gaps = frame["spend"].copy()
    gaps[[rows * 3 // 8 + k for k in (1, 4, 9)]] = np.nan  # only in the fourth
    frame["gappy"] = gaps
    return frame


def test_fitting_on_every_row_equals_the_single_machine_fit(client):
    import dask.dataframe as dd
    frame = wide_table(4_000, 1)
    model = sd.fit(dd.from_pandas(frame, npartitions=8), model="copula", seed=4, progress=False)
    drawn = model.info["fitted_from"]
    assert drawn["partitions"] == 8 and drawn["sample_rows"] == 4_000 and drawn["dependence_rows"] == 4_000
    single = synthtab.fit(frame, model="copula", seed=4, progress=False)
    pd.testing.assert_frame_equal(model.sample(2_000), single.sample(2_000), check_exact=True)


def test_a_sampled_fit_keeps_correlations_and_quantiles_of_the_whole_table(client):
    import dask.dataframe as dd
    import numpy as np
    frame = wide_table(200_000, 2)
    model = sd.fit(dd.from_pandas(frame, npartitions=8), model="copula", seed=5, sample_rows=100_000,
                   progress=False)
    drawn = model.info["fitted_from"]
    assert drawn["rows"] == 200_000 and 99_000 < drawn["drawn_rows"] < 101_000 and drawn["dependence_rows"] == 200_000
    assert model.info["training_rows"] == drawn["sample_rows"]
    single = synthtab.fit(frame, model="copula", seed=5, progress=False)
    numbers = ["x", "y", "spend", "level"]
    rows, single_rows = model.sample(200_000, seed=1), single.sample(200_000, seed=1)
    difference = (rows[numbers].corr(method="spearman") - single_rows[numbers].corr(method="spearman")).abs()
    assert difference.to_numpy().max() < 0.01, difference
    # Each real quantile has the same share of synthetic rows below it, within the sample's rank
    # error and the 200,000 synthetic rows' own (DKW at 99.9 %: 0.0044).
    for name in ("x", "y", "spend"):
        levels = np.linspace(0.01, 0.99, 99)
        real_quantiles = frame[name].quantile(levels).to_numpy()
        shares = np.searchsorted(np.sort(rows[name].to_numpy()), real_quantiles) / len(rows)
        assert np.abs(shares - levels).max() < drawn["rank_error"] + 0.0044, name


def test_the_dependence_is_fitted_on_every_row_even_from_a_small_sample(client):
    import dask.dataframe as dd
    frame = wide_table(200_000, 2)
    numbers = ["x", "y", "spend", "level"]
    model = sd.fit(dd.from_pandas(frame, npartitions=8), model="copula", seed=5, sample_rows=1_000, progress=False)
    assert model.info["fitted_from"]["dependence_rows"] == 200_000
    assert model.info["settings"]["dependence rows"] == "200000"
    whole = synthtab.fit(frame, model="copula", seed=5, progress=False).sample(200_000, seed=1)
    sample_only = synthtab.fit(frame.sample(1_000, random_state=1), model="copula", seed=5, progress=False)

    def largest_difference(rows):
        return (rows[numbers].corr(method="spearman") - whole[numbers].corr(method="spearman")).abs().to_numpy().max()

    # Measured: 0.003 with the dependence of all rows, 0.026 with the sample's own.
    assert largest_difference(model.sample(200_000, seed=1)) < 0.01
    assert largest_difference(sample_only.sample(200_000, seed=1)) > 0.015
    # The refitted model is a model file like any other.
    restored = synthtab._native.from_bytes(model._native.to_bytes(), "saved")
    assert synthtab.Model._from_native(restored, "saved").info["fitted_from"]["dependence_rows"] == 200_000


def test_types_labels_and_gaps_come_from_every_partition(client):
    import dask.dataframe as dd
    frame = wide_table(2_000, 3)
    model = sd.fit(dd.from_pandas(frame, npartitions=8), model="copula", seed=6, sample_rows=60, progress=False)
    drawn = model.info["fitted_from"]
    # Seven levels in about 60 rows would read as numbers; over 2,000 rows they are categories.
    assert drawn["typed_by_all_rows"] == ["level"] and drawn["dependence_rows"] == 2_000
    roles = {c["name"]: c["role"] for c in model.info["columns"]}
    single = {c["name"]: c["role"] for c in synthtab.fit(frame, model="copula", progress=False).info["columns"]}
    assert roles == single
    # The rare label and the gaps of one partition each got their first row into the sample.
    assert drawn["added_rows"] >= 2 and drawn["sample_rows"] == drawn["drawn_rows"] + drawn["added_rows"]
    rows = model.sample(20_000)
    assert "rare" in set(rows["label"]) and rows["gappy"].isna().any()


def test_bad_arguments_to_fit_raise_clearly():
    import dask.dataframe as dd
    with pytest.raises(TypeError, match="expected a dask DataFrame"):
        sd.fit(pd.DataFrame({"x": [1.0, 2.0]}))
    with pytest.raises(ValueError, match="sample_rows expects a whole number >= 2"):
        sd.fit(dd.from_pandas(pd.DataFrame({"x": [1.0, 2.0]}), npartitions=1), sample_rows=1)
