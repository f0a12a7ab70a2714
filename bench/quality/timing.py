#!/usr/bin/python3
"""Times two cases of the copula and `auto` that issue 7 names:

  1. `synthtab fit --model auto` on a 1,000 x 20 table (15 correlated numeric columns, 5
     categorical ones): how long the choice among the candidates takes;
  2. `synthtab generate --model copula` on a 3-row, 20,000-column table (a wide table).

    /usr/bin/python3 bench/quality/timing.py --synthtab build/bin/synthtab [--out DIR]

Tables are made here with a fixed seed; wall time and peak memory come from os.wait4 per child.
"""
import argparse
import csv
import os
import random
import subprocess
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def run_with_rusage(cmd):
    start = time.monotonic()
    with open(os.devnull, "w") as null:
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=null, text=True)
        out = proc.stdout.read()
        _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"failed: {' '.join(cmd)}")
    return time.monotonic() - start, usage.ru_maxrss / 1024.0, out


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--synthtab", default=os.path.join(ROOT, "build", "bin", "synthtab"))
    parser.add_argument("--out", default=os.path.join(ROOT, "out", "bench-quality"))
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rng = random.Random(7)

    table = os.path.join(args.out, "timing_1000x20.csv")
    with open(table, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"x{i}" for i in range(15)] + [f"c{i}" for i in range(5)])
        for _ in range(1000):
            z = rng.gauss(0, 1)
            nums = [round(z * (i % 4) / 3 + rng.gauss(0, 1), 4) for i in range(15)]
            cats = ["abcde"[min(4, int(abs(z + rng.gauss(0, 1)) * 2))] for _ in range(5)]
            w.writerow(nums + cats)
    seconds, peak, out = run_with_rusage([args.synthtab, "fit", table, "-o", os.path.join(args.out, "timing.synthtab"),
                                          "--model", "auto", "--threads", "1"])
    chose = [line.strip() for line in out.splitlines() if "chose" in line]
    print(f"auto on 1000 x 20 (fit, 1 thread): {seconds:.2f} s, peak {peak:.0f} MB")
    print("  " + (chose[0] if chose else "(no choice line)"))

    wide = os.path.join(args.out, "timing_3x20000.csv")
    with open(wide, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow([f"v{i}" for i in range(20000)])
        for _ in range(3):
            w.writerow([round(rng.uniform(0, 100), 3) for _ in range(20000)])
    seconds, peak, _ = run_with_rusage([args.synthtab, "generate", wide, "-n", "100", "-o",
                                        os.path.join(args.out, "timing_wide_synthetic.csv"), "--model", "copula",
                                        "--quiet"])
    print(f"copula on 3 x 20000 (generate 100 rows): {seconds:.2f} s, peak {peak:.0f} MB")


if __name__ == "__main__":
    main()
