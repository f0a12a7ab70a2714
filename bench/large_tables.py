#!/usr/bin/env python3
"""Speed and memory of the default model on large tables (docs/benchmarks.md, "Large tables").

    /usr/bin/python3 bench/large_tables.py [--synthtab build/bin/synthtab] [--rows 5000000]
        [--only diamonds|large] [--out out/bench-large] [--markdown FILE]

Two tables:
- diamonds: ggplot2's 53,940 rows x 10 columns (Debian's r-cran-ggplot2, written as CSV by Rscript;
  `scripts/install-deps.sh --bench` installs it). `generate -n 53940` with the default model, then
  with cart (density smoothing) and copula as references timed in the same run; the default's rows
  are scored by `evaluate` (detection AUC, TSTR vs TRTR on price).
- large: a generated marketing table of ROWS x 12 columns (3 categorical, 5 integer, 4 float, one
  with 5 % missing cells; fixed seed, cached in OUT). `generate -n ROWS` with the default model, and
  with copula as the reference.

Each run prints the phases synthtab reports (read, prepare = infer + type + clean, fit, draw,
write), the wall time and the peak resident memory (GNU time), and the ratios of the default's time
to the reference's. Memory is also given per cell of the input, beside the README's figure.
"""
import argparse
import json
import math
import os
import random
import re
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
GNU_TIME = "/usr/bin/time"
README_BYTES_PER_CELL = 80  # README "Resource limits": cart and auto


def write_diamonds(path):
    script = f'library(ggplot2); write.csv(diamonds, "{path}", row.names = FALSE)'
    subprocess.run(["Rscript", "-e", script], check=True, capture_output=True, text=True)


def write_large(path, rows, seed=20261203):
    """A marketing table with correlated columns: region, channel and device (categorical), the
    week, age, impressions, clicks and conversions (integers), spend, revenue, click-through rate
    and a satisfaction score with 5 % missing cells (floats)."""
    rng = random.Random(seed)
    regions = [f"region-{i:02d}" for i in range(12)]
    region_weights = [1.0 / (i + 1) for i in range(12)]
    channels = ["search", "social", "display", "video", "email"]
    channel_ctr = {"search": 0.04, "social": 0.015, "display": 0.005, "video": 0.01, "email": 0.03}
    devices = ["mobile", "desktop", "tablet"]
    tmp = path + ".part"
    with open(tmp, "w") as f:
        f.write("region,channel,device,week,age,spend,impressions,clicks,ctr,conversions,revenue,satisfaction\n")
        lines = []
        for _ in range(rows):
            region = rng.choices(regions, region_weights)[0]
            channel = rng.choice(channels)
            device = devices[0] if channel == "social" and rng.random() < 0.8 else rng.choice(devices)
            week = rng.randint(1, 52)
            age = min(80, max(18, int(rng.gauss(40, 12))))
            spend = math.exp(rng.gauss(5.0, 1.0)) * (1.3 if week > 46 else 1.0)
            impressions = max(1, int(spend * rng.uniform(60, 140)))
            ctr = channel_ctr[channel] * rng.uniform(0.5, 1.5) * (1.2 if device == "mobile" else 1.0)
            clicks = min(impressions, int(impressions * ctr + rng.random()))
            conversions = int(clicks * rng.uniform(0.01, 0.08) + rng.random())
            revenue = conversions * rng.gauss(60.0, 15.0) + rng.gauss(0.0, 5.0)
            satisfaction = "" if rng.random() < 0.05 else f"{min(10.0, max(0.0, rng.gauss(7.0 - age / 40.0, 1.5))):.1f}"
            lines.append(f"{region},{channel},{device},{week},{age},{spend:.2f},{impressions},{clicks},"
                         f"{clicks / impressions:.4f},{conversions},{revenue:.2f},{satisfaction}\n")
            if len(lines) == 100000:
                f.write("".join(lines))
                lines.clear()
        f.write("".join(lines))
    os.replace(tmp, path)


def timed(cmd, log):
    """Runs cmd; returns (wall seconds, peak RSS in MB, stdout)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as peak:
        start = time.monotonic()
        proc = subprocess.run([GNU_TIME, "-f", "%M", "-o", peak.name] + cmd, capture_output=True, text=True)
        wall = time.monotonic() - start
        with open(log, "w") as f:
            f.write(" ".join(cmd) + "\n" + proc.stdout + proc.stderr)
        if proc.returncode != 0:
            sys.exit(f"large_tables: {' '.join(cmd)} failed (exit {proc.returncode}); see {log}")
        rss_mb = int(peak.read().split()[-1]) / 1024.0
    return wall, rss_mb, proc.stdout


def phases(stdout):
    """The times synthtab prints: read, prepare, fit, draw, write."""
    read = re.search(r"rows in ([0-9.]+) s; prepared .* in ([0-9.]+) s\.", stdout)
    fit = re.search(r"Fitted in ([0-9.]+) s; .* \(drawing ([0-9.]+) s, writing ([0-9.]+) s\)", stdout)
    if not read or not fit:
        sys.exit("large_tables: synthtab's output has no phase times:\n" + stdout[:2000])
    chose = re.search(r"Model auto: chose (.*?)(?: \(\d+ splits?|:)", stdout)
    return {"read": float(read.group(1)), "prepare": float(read.group(2)), "fit": float(fit.group(1)),
            "draw": float(fit.group(2)), "write": float(fit.group(3)),
            "chose": chose.group(1).strip() if chose else ""}


def run_generate(synthtab, table, rows, model, out, name):
    synthetic = os.path.join(out, f"{name}.csv")
    cmd = [synthtab, "generate", table, "-n", str(rows), "-o", synthetic, "--seed", "0"]
    if model:
        cmd += ["--model", model]
    wall, rss, stdout = timed(cmd, os.path.join(out, f"{name}.log"))
    result = {"command": " ".join(["synthtab"] + cmd[1:]), "wall": wall, "peak_mb": rss}
    result.update(phases(stdout))
    return result, synthetic


def cells(path):
    with open(path) as f:
        header = f.readline()
        rows = sum(1 for _ in f)
    return rows * len(header.split(","))


def row(label, r, reference=None):
    ratio = f"{r['wall'] / reference['wall']:.1f}x" if reference else "1 (reference)"
    return (f"| {label} | {r['read']:.2f} | {r['prepare']:.2f} | {r['fit']:.2f} | {r['draw']:.2f} | {r['write']:.2f} | "
            f"{r['wall']:.2f} | {ratio} | {r['peak_mb']:.0f} |")


HEADER = ("| run | read s | prepare s | fit s | draw s | write s | wall s | wall vs reference | peak MB |\n"
          "| --- | --- | --- | --- | --- | --- | --- | --- | --- |")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthtab", default=os.path.join(ROOT, "build", "bin", "synthtab"))
    parser.add_argument("--rows", type=int, default=5_000_000, help="rows of the generated large table")
    parser.add_argument("--only", choices=("diamonds", "large"), default="")
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "bench-large"))
    parser.add_argument("--markdown", default="")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    lines = []
    results = {}

    if args.only in ("", "diamonds"):
        diamonds = os.path.join(args.out, "diamonds.csv")
        if not os.path.exists(diamonds):
            write_diamonds(diamonds)
        n = 53940
        default, synthetic = run_generate(args.synthtab, diamonds, n, "", args.out, "diamonds-default")
        cart, _ = run_generate(args.synthtab, diamonds, n, "cart", args.out, "diamonds-cart")
        copula, _ = run_generate(args.synthtab, diamonds, n, "copula", args.out, "diamonds-copula")
        report = os.path.join(args.out, "diamonds-default-evaluation.json")
        subprocess.run([args.synthtab, "evaluate", diamonds, synthetic, "--target", "price", "--json", report, "-q",
                        "--permutations", "0"], check=True, capture_output=True)
        evaluation = json.load(open(report))
        scores = {"detection_auc": evaluation["detection"]["auc"], "tstr_r2": evaluation["ml_efficacy"]["tstr"]["r2"],
                  "trtr_r2": evaluation["ml_efficacy"]["trtr"]["r2"], "quality": evaluation["quality"]["overall"]}
        results["diamonds"] = {"default": default, "cart": cart, "copula": copula, "scores": scores}
        lines += [f"diamonds: {n} rows x 10 columns, `generate -n {n}` (default chose {default['chose']})", "", HEADER,
                  row("default", default, copula), row("cart (density smoothing)", cart, copula),
                  row("copula", copula), "",
                  f"default's rows: detection AUC {scores['detection_auc']:.3f}, TSTR R² {scores['tstr_r2']:.3f} vs "
                  f"TRTR {scores['trtr_r2']:.3f}, quality {scores['quality']:.3f}", ""]

    if args.only in ("", "large"):
        large = os.path.join(args.out, f"large-{args.rows}.csv")
        if not os.path.exists(large):
            start = time.monotonic()
            write_large(large, args.rows)
            print(f"wrote {large} in {time.monotonic() - start:.0f} s", flush=True)
        n = args.rows
        default, _ = run_generate(args.synthtab, large, n, "", args.out, "large-default")
        copula, _ = run_generate(args.synthtab, large, n, "copula", args.out, "large-copula")
        input_cells = cells(large)
        for r in (default, copula):
            r["bytes_per_cell"] = r["peak_mb"] * 2**20 / input_cells
        results["large"] = {"rows": n, "cells": input_cells, "default": default, "copula": copula}
        lines += [f"large: {n} rows x 12 columns, `generate -n {n}` (default chose {default['chose']})", "", HEADER,
                  row("default", default, copula), row("copula", copula), "",
                  f"peak memory per input cell: default {default['bytes_per_cell']:.0f} B, copula "
                  f"{copula['bytes_per_cell']:.0f} B (README: {README_BYTES_PER_CELL} B for cart and auto)", ""]

    text = "\n".join(lines)
    print(text)
    # Merged with an earlier run's, so that --only diamonds and --only large add up.
    path = os.path.join(args.out, "results.json")
    merged = json.load(open(path)) if os.path.exists(path) else {}
    merged.update(results)
    with open(path, "w") as f:
        json.dump(merged, f, indent=1)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(text + "\n")


if __name__ == "__main__":
    main()
