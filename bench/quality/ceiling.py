#!/usr/bin/python3
"""What a perfect generator would score: an optimistic estimate, per table, of the column-shape
and column-pair scores of rows drawn from the true distribution behind a real table, judged
against the real table as `synthtab evaluate` judges synthetic rows.

    /usr/bin/python3 bench/quality/ceiling.py [--half report] [--splits 10] [--out DIR] [--markdown FILE]

A generator that learns the true distribution P perfectly and draws many rows from it scores
about 1 - d(P, P_n) on each shape or pair, where P_n is the n real rows' own (empirical)
distribution and d the metric's distance (total variation, KS, or half the change of a
correlation). P is unknown, but two random halves A and B of the real rows are independent
samples of it: d(A, B) is measured by running `synthtab evaluate A.csv B.csv`. For a correlation,
|r_A - r_B| is twice |r(P) - r_n| in spread (normal approximation). For a contingency table it is
more: simulated tables of 6 to 240 cells from 20 to 60 rows give E d(P, P_n) / E d(A, B) between
0.51 (dense) and 0.93 (sparse), never below 0.5. So 1 - d(A, B) / 2 over-estimates what the
perfect generator scores: it is a ceiling no honest generator is expected to pass, where the
copying reference (`bootstrap` in run.py, the real rows themselves) is not.

Each table's figure is the mean over --splits random halvings (seeded, the larger half as A).
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, HERE)
import run  # noqa: E402  (the same table loader and type flags)


def halves_scores(synthtab, header, rows, flags, splits, seed, workdir):
    """Mean shapes and pairs of B judged against A over `splits` random halvings."""
    shapes, pairs = [], []
    for split in range(splits):
        shuffled = list(rows)
        random.Random(seed * 1000 + split).shuffle(shuffled)
        cut = (len(shuffled) + 1) // 2
        a, b = os.path.join(workdir, "a.csv"), os.path.join(workdir, "b.csv")
        run.write_csv(a, header, shuffled[:cut])
        run.write_csv(b, header, shuffled[cut:])
        out = os.path.join(workdir, "ab.json")
        # A half can read a column more narrowly than the whole table (whole numbers only, where
        # the other half has 42.5): then the halves are judged the other way round.
        for real, other in ((a, b), (b, a)):
            done = subprocess.run([synthtab, "evaluate", real, other, "--json", out, "--permutations", "0", "--quiet",
                                   "--threads", "1"] + flags, capture_output=True)
            if done.returncode == 0:
                break
        else:
            raise RuntimeError(done.stderr.decode().strip())
        quality = json.load(open(out))["quality"]
        shapes.append(quality["column_shapes"])
        if quality.get("column_pair_trends") is not None:
            pairs.append(quality["column_pair_trends"])
    return statistics.mean(shapes), (statistics.mean(pairs) if pairs else None)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--synthtab", default=os.path.join(ROOT, "build", "bin", "synthtab"))
    parser.add_argument("--half", choices=("tuning", "report", "all"), default="all")
    parser.add_argument("--manifest", default=os.path.join(HERE, "datasets.json"))
    parser.add_argument("--splits", type=int, default=10)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "bench-ceiling"))
    parser.add_argument("--markdown", default="")
    args = parser.parse_args()
    manifest = json.load(open(args.manifest))["tables"]
    if args.half != "all":
        manifest = [t for t in manifest if t.get("half") == args.half]
    os.makedirs(args.out, exist_ok=True)
    lines = ["| table | rows | shapes, halves | pairs, halves | shapes ceiling | pairs ceiling |",
             "| --- | --- | --- | --- | --- | --- |"]
    ceilings = []
    for spec in manifest:
        header, rows = run.load_table(spec)
        if len(rows) < 4:
            continue
        shapes, pairs = halves_scores(args.synthtab, header, rows, run.type_flags(spec), args.splits, args.seed, args.out)
        shape_ceiling = 1 - (1 - shapes) / 2
        pair_ceiling = None if pairs is None else 1 - (1 - pairs) / 2
        ceilings.append((spec["name"], shape_ceiling, pair_ceiling))
        lines.append(f"| {spec['name']} | {len(rows)} | {shapes:.3f} | {run.fmt(pairs)} | {shape_ceiling:.3f} | "
                     f"{run.fmt(pair_ceiling)} |")
        print(lines[-1], flush=True)
    with_pairs = [c for c in ceilings if c[2] is not None]
    worst_pair = min(with_pairs, key=lambda c: c[2])
    summary = (f"Mean over {len(ceilings)} tables: shapes ceiling {statistics.mean(c[1] for c in ceilings):.3f}, "
               f"pairs ceiling {statistics.mean(c[2] for c in with_pairs):.3f} (lowest: {worst_pair[0]} "
               f"{worst_pair[2]:.3f}); tables with a pairs ceiling below 0.85: "
               + (", ".join(f"{c[0]} {c[2]:.3f}" for c in with_pairs if c[2] < 0.85) or "none") + ".")
    print(summary)
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write("\n".join(lines) + "\n\n" + summary + "\n")


if __name__ == "__main__":
    main()
