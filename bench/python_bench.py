#!/usr/bin/env python3
"""What the Python package costs over the library it wraps, measured in one run.

  sample: model.sample(1_000_000) to a DataFrame on ROI's copula, against the library's own
          sampling time for the same rows (measured inside the call, before any frame exists).
          Goal: at most 1.5x.
  fit:    synthtab.fit(frame) on a 100,000-row DataFrame, against synthtab.fit(path) on the CSV
          the frame was read from (same data, same model, same seed). Goal: at most 1.10x.

Each timing is the best of --repeats runs. Run from the repository after `make python` or with
PYTHONPATH=build/python:
    /usr/bin/python3 bench/python_bench.py [--rows 1000000] [--fit-rows 100000] [--model auto]
"""
import argparse
import os
import pathlib
import sys
import tempfile
import time

import numpy as np
import pandas as pd

import synthtab

ROOT = pathlib.Path(__file__).resolve().parents[1]
ROI = ROOT / "data" / "ROI.csv"


def best_of(repeats, run):
    """(best seconds, the last result) of `repeats` calls."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def bench_sample(rows, repeats):
    model = synthtab.fit(pd.read_csv(ROI), model="copula", seed=7, progress=False)
    frame_seconds, library_seconds = float("inf"), float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        frame = model.sample(rows, progress=False)
        frame_seconds = min(frame_seconds, time.perf_counter() - start)
        library_seconds = min(library_seconds, model.last_sample_stats["seconds"])
    assert len(frame) == rows
    return frame_seconds, library_seconds


def wide_table(rows, seed=3):
    """A 100,000-row table like the seed's: spends, responses, counts, a month, a channel."""
    rng = np.random.default_rng(seed)
    spend = rng.gamma(2.0, 800.0, rows)
    return pd.DataFrame({
        "Google ads": spend.round(2),
        "Facebook ads": rng.gamma(1.5, 500.0, rows).round(2),
        "MRR": (3000 * (1 - np.exp(-spend / 2000)) + rng.normal(0, 200, rows)).round(2),
        "Signups": rng.poisson(40, rows),
        "Month": rng.integers(1, 13, rows),
        "Channel": rng.choice(["search", "social", "display", "email"], rows),
    })


def bench_fit(rows, model, repeats):
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "table.csv")
        wide_table(rows).to_csv(path, index=False)
        frame = pd.read_csv(path)
        csv_seconds, _ = best_of(repeats, lambda: synthtab.fit(path, model=model, seed=1, progress=False))
        frame_seconds, _ = best_of(repeats, lambda: synthtab.fit(frame, model=model, seed=1, progress=False))
    return frame_seconds, csv_seconds


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="rows to sample")
    parser.add_argument("--fit-rows", type=int, default=100_000, help="rows of the table to fit")
    parser.add_argument("--model", default="auto", help="the model the fit comparison uses")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    frame_seconds, library_seconds = bench_sample(args.rows, args.repeats)
    sample_ratio = frame_seconds / library_seconds
    print(f"sample {args.rows:,} rows (copula, ROI): DataFrame {frame_seconds:.3f} s, library {library_seconds:.3f} s,"
          f" ratio {sample_ratio:.2f} (goal <= 1.5)")
    frame_seconds, csv_seconds = bench_fit(args.fit_rows, args.model, args.repeats)
    fit_ratio = frame_seconds / csv_seconds
    print(f"fit {args.fit_rows:,} rows ({args.model}): DataFrame {frame_seconds:.3f} s, CSV {csv_seconds:.3f} s,"
          f" ratio {fit_ratio:.3f} (goal <= 1.10)")
    return 0 if sample_ratio <= 1.5 and fit_ratio <= 1.10 else 1


if __name__ == "__main__":
    sys.exit(main())
