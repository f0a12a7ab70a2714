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
