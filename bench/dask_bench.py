#!/usr/bin/env python3
"""Sampling on a Dask cluster: rows per second with 1 and 2 local worker processes, and each
worker's peak memory, which should stay flat as n grows (shards are drawn block by block).

For each worker count and each n (1 million and 10 million rows of ROI's copula by default), a
fresh LocalCluster draws the n rows as partitions of a million rows and reduces each to its row
count and the sum of one column on the worker (so nothing but the figures travels back), or
writes them as CSV files with --csv. Then (unless --no-fit) the distributed fit: the largest n rows as a dask DataFrame of partitions
(drawn on the workers, never whole in one process), fitted by synthtab.dask.fit on a sample of
--sample-rows, against synthtab.fit on the same rows as one pandas frame in this process: time,
peak memory (the fitting process's; the workers' for dask) and accuracy (largest difference in
Spearman correlation and in quantile rank between 1,000,000 rows drawn from each model).
Run from the repository with the package on PYTHONPATH:
    PYTHONPATH=build/python /usr/bin/python3 bench/dask_bench.py [--rows 1000000 10000000] [--csv DIR]
"""
import argparse
import pathlib
import resource
import shutil
import sys
import tempfile
import time

import numpy as np
import pandas as pd
from distributed import Client, LocalCluster, wait

import synthtab
import synthtab.dask as sd

ROOT = pathlib.Path(__file__).resolve().parents[1]


def peak_rss_mib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def one_run(model, rows, workers, csv_dir):
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        start = time.perf_counter()
        if csv_dir:
            folder = tempfile.mkdtemp(dir=csv_dir)
            sd.write_csv(model, rows, folder)
            shutil.rmtree(folder)
        else:
            frame = sd.sample(model, rows)
            counted = frame.map_partitions(lambda part: pd.Series([len(part), part.iloc[:, 0].sum()])).compute()
            assert int(counted.iloc[::2].sum()) == rows
        seconds = time.perf_counter() - start
        peaks = client.run(peak_rss_mib)
    return seconds, max(peaks.values())


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, nargs="+", default=[1_000_000, 10_000_000])
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--csv", help="write CSV files under this folder instead of reducing the frames")
    parser.add_argument("--no-fit", action="store_true", help="skip the distributed fit's comparison")
    parser.add_argument("--sample-rows", type=int, default=1_000_000, help="synthtab.dask.fit's sample")
    args = parser.parse_args()
    model = synthtab.fit(pd.read_csv(ROOT / "data" / "ROI.csv"), model="copula", seed=7, progress=False)
    print("workers | rows | seconds | rows/s | peak MiB per worker")
    peaks = {}
    for workers in args.workers:
        for rows in args.rows:
            seconds, peak = one_run(model, rows, workers, args.csv)
            peaks[(workers, rows)] = peak
            print(f"{workers} | {rows:,} | {seconds:.2f} | {rows / seconds:,.0f} | {peak:.0f}")
    smallest, largest = min(args.rows), max(args.rows)
    for workers in args.workers:
        growth = peaks[(workers, largest)] / peaks[(workers, smallest)] - 1
        print(f"{workers} worker(s): peak memory at {largest:,} rows is {growth:+.0%} of that at {smallest:,} (goal within 20 %)")
    if not args.no_fit:
        compare_fits(model, largest, max(args.workers), args.sample_rows)
    return 0


def accuracy(rows, reference):
    """Largest |difference| of the Spearman correlations over the number columns, and of the share
    of rows below each percentile of `reference` over the continuous ones."""
    numbers = [c for c in rows.columns if pd.api.types.is_numeric_dtype(rows[c])]
    correlation = (rows[numbers].corr(method="spearman") - reference[numbers].corr(method="spearman")).abs()
    levels = np.linspace(0.01, 0.99, 99)
    rank = 0.0
    for name in (n for n in numbers if reference[n].nunique() > 1000):  # continuous: ranks mean something
        quantiles = reference[name].quantile(levels).to_numpy()
        # Shares below each quantile in both (rounded values tie: a quantile may sit on an atom).
        shares = np.searchsorted(np.sort(rows[name].to_numpy()), quantiles) / len(rows)
        expected = np.searchsorted(np.sort(reference[name].to_numpy()), quantiles) / len(reference)
        rank = max(rank, float(np.abs(shares - expected).max()))
    return float(np.nanmax(correlation.to_numpy())), rank


def compare_fits(model, rows, workers, sample_rows):
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None,
                      silence_logs=40) as cluster, Client(cluster) as client:
        table = sd.sample(model, rows, seed=11).persist()  # the "files": partitions on the workers
        wait(table)
        start = time.perf_counter()
        distributed = sd.fit(table, model="copula", seed=3, sample_rows=sample_rows, progress=False)
        distributed_seconds = time.perf_counter() - start
        distributed_peak = max(client.run(peak_rss_mib).values())
        whole = table.compute()
    before = peak_rss_mib()
    start = time.perf_counter()
    single = synthtab.fit(whole, model="copula", seed=3, progress=False)
    single_seconds = time.perf_counter() - start
    single_peak = peak_rss_mib()
    drawn = distributed.info["fitted_from"]
    check = 1_000_000
    reference = single.sample(check, seed=5)
    correlation, rank = accuracy(distributed.sample(check, seed=5), reference)
    print(f"fit on {rows:,} rows: dask ({workers} workers, sample of {drawn['sample_rows']:,}, rank error "
          f"{drawn['rank_error']:.4f}) {distributed_seconds:.1f} s, peak {distributed_peak:.0f} MiB per worker; "
          f"single machine {single_seconds:.1f} s, peak {single_peak:.0f} MiB (this process, {before:.0f} before); "
          f"ratio {distributed_seconds / single_seconds:.2f}")
    print(f"accuracy against the single-machine fit ({check:,} rows from each): Spearman correlation within "
          f"{correlation:.4f}, quantile ranks within {rank:.4f}")


if __name__ == "__main__":
    sys.exit(main())
