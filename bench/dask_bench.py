#!/usr/bin/env python3
"""Sampling on a Dask cluster: rows per second with 1 and 2 local worker processes, and each
worker's peak memory, which should stay flat as n grows (shards are drawn block by block).

For each worker count and each n (1 million and 10 million rows of ROI's copula by default), a
fresh LocalCluster draws the n rows as partitions of a million rows and reduces each to its row
count and the sum of one column on the worker (so nothing but the figures travels back), or
writes them as CSV files with --csv. Run from the repository with the package on PYTHONPATH:
    PYTHONPATH=build/python /usr/bin/python3 bench/dask_bench.py [--rows 1000000 10000000] [--csv DIR]
"""
import argparse
import pathlib
import resource
import shutil
import sys
import tempfile
import time

import pandas as pd
from distributed import Client, LocalCluster

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
    return 0


if __name__ == "__main__":
    sys.exit(main())
