#!/usr/bin/python3
"""Column shapes and pair trends against real rows the model never saw (issue 17).

    /usr/bin/python3 bench/quality/split_halves.py TABLE.csv [--synthtab build/bin/synthtab]
        [--variant NAME=ARGS ...] [--splits 40] [-n 2000] [--out DIR]

Scored against the rows a model learnt from, a column the model draws from its own marginal
wins by memory: 2,000 rows drawn from 39 real values match those 39 values almost exactly,
while a column a rule computes from others (a share group's remainder) can only be as close as
the model's dependence is right. Against unseen rows both are judged alike. For each split S
(0 .. splits-1), the table's rows are shuffled with Python's random.Random(S) and cut in two
halves A and B; each variant runs `synthtab generate A -n N --seed S ARGS` and
`synthtab evaluate B SYNTHETIC`; then the mean column shapes, pair trends and each column's
shape over the splits. A variant is NAME=ARGS (ARGS split on spaces, e.g.
`norules=--no-constraints`), or NAME@BINARY=ARGS to run another synthtab build (an older
commit's). Default variants: `rules` (no ARGS) and `norules=--no-constraints`.
Exits 0 whatever the result (it measures, it does not judge); 1 if a run fails. Only the
standard library is used.
"""
import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def parse_variant(text, default_binary):
    name, _, args = text.partition("=")
    name, _, binary = name.partition("@")
    return name, binary or default_binary, args.split()


def write_rows(path, header, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, quoting=csv.QUOTE_ALL)  # keeps decimal commas inside their cells
        writer.writerow(header)
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("table")
    parser.add_argument("--synthtab", default=os.path.join(ROOT, "build", "bin", "synthtab"))
    parser.add_argument("--variant", action="append", default=[])
    parser.add_argument("--splits", type=int, default=40)
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--out")
    args = parser.parse_args()
    variants = [parse_variant(v, args.synthtab) for v in (args.variant or ["rules", "norules=--no-constraints"])]
    out = args.out or tempfile.mkdtemp(prefix="split_halves.")
    os.makedirs(out, exist_ok=True)
    with open(args.table, newline="", encoding="utf-8-sig") as f:
        header, *body = list(csv.reader(f))
    scores = {name: {"shapes": [], "pairs": [], "columns": {}} for name, _, _ in variants}
    for split in range(args.splits):
        order = list(range(len(body)))
        random.Random(split).shuffle(order)
        half = len(order) // 2
        learnt, unseen = os.path.join(out, f"A{split}.csv"), os.path.join(out, f"B{split}.csv")
        write_rows(learnt, header, [body[i] for i in order[half:]])
        write_rows(unseen, header, [body[i] for i in order[:half]])
        for name, binary, extra in variants:
            synthetic = os.path.join(out, f"{name}{split}.csv")
            report = synthetic + ".json"
            for command in ([binary, "generate", learnt, "-n", str(args.n), "-o", synthetic, "--seed", str(split), "-q"] + extra,
                            [args.synthtab, "evaluate", unseen, synthetic, "--json", report, "-q", "--permutations", "0"]):
                done = subprocess.run(command, capture_output=True, text=True)
                if done.returncode != 0:
                    print(f"split_halves: {' '.join(command)} failed:\n{done.stderr}", file=sys.stderr)
                    return 1
            with open(report, encoding="utf-8") as f:
                quality = json.load(f)["quality"]
            scores[name]["shapes"].append(quality["column_shapes"])
            scores[name]["pairs"].append(quality["column_pair_trends"])
            for column in quality["shapes"]:
                scores[name]["columns"].setdefault(column["column"], []).append(column["score"])
    mean = statistics.fmean
    print(f"{args.splits} splits of {len(body)} rows (learnt from {len(body) - len(body) // 2}, scored against "
          f"the other {len(body) // 2}), {args.n} synthetic rows each")
    print("variant".ljust(12) + "shapes  pairs")
    for name, _, _ in variants:
        print(f"{name:<12}{mean(scores[name]['shapes']):.4f}  {mean(scores[name]['pairs']):.4f}")
    columns = scores[variants[0][0]]["columns"]
    print("\ncolumn shapes".ljust(32) + "  ".join(f"{name:>8}" for name, _, _ in variants))
    for column in columns:
        cells = "  ".join(f"{mean(scores[name]['columns'].get(column, [float('nan')])):8.3f}" for name, _, _ in variants)
        print(f"{column[:30]:<31}{cells}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
