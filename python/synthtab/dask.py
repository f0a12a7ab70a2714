"""synthtab on a Dask cluster: the shards of one sample, scheduled, retried and assembled by Dask.

    import synthtab, synthtab.dask
    from distributed import Client
    client = Client("scheduler:8786")                 # or a LocalCluster; none: Dask's local scheduler
    model = synthtab.load("roi.synthtab")
    rows = synthtab.dask.sample(model, 100_000_000)   # a dask DataFrame, one partition per shard
    rows.to_parquet("rows/")                           # or .to_csv("rows-*.csv"), or compute further
    synthtab.dask.write_csv(model, 100_000_000, "rows/")  # part-00000.csv ... the CLI's bytes
    model = synthtab.dask.fit(dd.read_csv("big-*.csv"), model="copula")  # more rows than one machine holds

Every partition is a shard of the single-machine sample (`Model.sample(n, seed, shard=(i, k))`),
so the partitions joined in order are exactly `model.sample(n, seed)`, whatever the cluster does:
a task that fails or whose worker dies is computed again and gives the same rows. With a
distributed client the model file's bytes are one node of the graph, fetched by each worker once,
and each worker process loads the model once.
"""
import hashlib
import math
import os

import dask
import dask.dataframe as dd

from . import Model, _native
from ._dask_fit import fit

# Rows per partition when the caller does not say. bench/dask_bench.py on ROI's copula: with
# 250,000 a worker's peak memory is the same at 1 and 10 million rows (121 and 125 MiB) at the same
# rows per second; with 1,000,000 it grew by 24 % (151 to 187 MiB), a worker holding finished
# partitions while it drew the next.
ROWS_PER_PARTITION = 250_000

# Each worker process's models, by the SHA-256 of their files' bytes: loaded once, not per task.
_worker_models = {}


def _model_from(model_bytes):
    key = hashlib.sha256(model_bytes).digest()
    model = _worker_models.get(key)
    if model is None:
        model = Model._from_native(_native.from_bytes(model_bytes, "model sent to a Dask worker"),
                                   "model sent to a Dask worker")
        _worker_models[key] = model
    return model


def _shard(model_ref, n, index, parts, seed, copies, given):
    model = model_ref if isinstance(model_ref, Model) else _model_from(model_ref)
    return model.sample(n, seed=seed, shard=(index, parts), copies=copies, given=given, progress=False)


def _write_shard(model_ref, path, n, index, parts, seed, copies, given):
    model = model_ref if isinstance(model_ref, Model) else _model_from(model_ref)
    model.write_csv(path, n, seed=seed, shard=(index, parts), copies=copies, given=given, progress=False)
    return path


def _partitions(n, npartitions):
    if npartitions is None:
        npartitions = max(1, math.ceil(n / ROWS_PER_PARTITION))
    if isinstance(npartitions, bool) or not isinstance(npartitions, int) or npartitions < 1:
        raise ValueError(f"npartitions expects a whole number >= 1, got {npartitions!r}")
    if isinstance(n, bool) or not isinstance(n, int) or n < 0:
        raise ValueError(f"n expects a number of rows >= 0, got {n!r}")
    return max(1, min(npartitions, n))  # no empty partition: divisions stay known


def _model_reference(model):
    """What the tasks receive. On a distributed cluster: the model file's bytes as one node of the
    graph, on which every shard depends, so each worker fetches them once (not once per task) and
    the scheduler can send them again should the workers holding them die (scattered data would be
    lost with them). On Dask's local schedulers: the model itself (same process)."""
    if not isinstance(model, Model):
        raise TypeError(f"expected a synthtab.Model, got {type(model).__name__}")
    try:
        from distributed import default_client
        default_client()
    except (ImportError, ValueError):
        return model
    model_bytes = model._native.to_bytes()
    return dask.delayed(model_bytes, name="synthtab-model-" + hashlib.sha256(model_bytes).hexdigest(), pure=True)


def sample(model, n, npartitions=None, seed=None, *, copies="holdout", given=None):
    """n rows of `model` as a dask DataFrame whose partition i is shard i + 1 of npartitions
    (default: one per ROWS_PER_PARTITION rows); its index is the row number, divisions known.
    given: {column: value} every row holds (see synthtab.Model.sample)."""
    parts = _partitions(n, npartitions)
    seed = model.info["seed"] if seed is None else seed
    reference = _model_reference(model)
    tasks = [dask.delayed(_shard, pure=True)(reference, n, i + 1, parts, seed, copies, given) for i in range(parts)]
    meta = model.sample(0, seed=seed, copies=copies, given=given, progress=False)
    if n == 0:
        return dd.from_delayed(tasks, meta=meta, verify_meta=False)
    firsts = [n * i // parts for i in range(parts)]
    return dd.from_delayed(tasks, meta=meta, divisions=tuple(firsts) + (n - 1,), verify_meta=False)


def write_csv(model, n, directory, npartitions=None, seed=None, *, copies="holdout", given=None,
              name="part-{:05d}.csv", compute=True):
    """Writes n rows of `model` as one CSV file per shard in `directory` (created if needed), each
    atomically (a task computed again never leaves a partial file) and with the header: the files
    are `synthtab sample --shard i/k`'s. Returns their paths in order (or the delayed task when
    compute=False). given: as for sample()."""
    parts = _partitions(n, npartitions)
    seed = model.info["seed"] if seed is None else seed
    os.makedirs(directory, exist_ok=True)
    reference = _model_reference(model)
    paths = [os.path.join(os.fspath(directory), name.format(i)) for i in range(parts)]
    tasks = [dask.delayed(_write_shard, pure=True)(reference, paths[i], n, i + 1, parts, seed, copies, given)
             for i in range(parts)]
    joined = dask.delayed(list)(tasks)
    return joined.compute() if compute else joined


__all__ = ["sample", "write_csv", "fit", "ROWS_PER_PARTITION"]
