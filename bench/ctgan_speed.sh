#!/usr/bin/env bash
# Seconds per training epoch of synthtab's `ctgan` against a Python CTGAN with the same
# architecture, data transformer, sampler and training step (bench/ctgan_reference.py, on
# Debian's python3-torch), on the same generated tables, with the same number of threads.
#
#   bench/ctgan_speed.sh [BUILD_DIR=build] [EPOCHS=10] [THREADS=2] [ROWS="500 5000"] [REPEATS=3]
#
# Needs `scripts/install-deps.sh --bench`. Prints one line per table and the ratio
# python / synthtab (above 1: synthtab is faster). Both sides time the epochs only (not the
# mixture fits of the data transformer), as the mean over EPOCHS epochs; the runs alternate
# REPEATS times and the fastest of each side is kept (on a shared machine the other jobs only
# ever slow a run down). The data widths (value + mode + category columns) of both sides are
# printed too: the Gaussian mixtures may keep a different number of modes.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
epochs=${2:-10}
threads=${3:-2}
rows_list=${4:-"500 5000"}
repeats=${5:-3}
synthtab="$build/bin/synthtab"
[[ -x "$synthtab" ]] || { echo "ctgan_speed: $synthtab not found (build first)" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Idle OpenMP threads sleep on both sides (synthtab's registry sets the same).
export OMP_WAIT_POLICY=PASSIVE

# A mixed table: 4 continuous columns (multi-modal, skewed, normal, bounded) and 4 categorical
# ones (2 to 10 categories), the shape CTGAN was designed for.
/usr/bin/python3 - "$work" $rows_list <<'PY'
import sys
import numpy as np
import pandas as pd
work, sizes = sys.argv[1], [int(s) for s in sys.argv[2:]]
for n in sizes:
    rng = np.random.default_rng(n)
    mode = rng.random(n) < 0.3
    frame = pd.DataFrame({
        "amount": np.round(np.where(mode, rng.lognormal(3, 0.4, n), rng.lognormal(6, 0.3, n)), 2),
        "age": np.round(rng.normal(41, 12, n), 1),
        "score": np.round(np.select([rng.random(n) < 0.5, rng.random(n) < 0.5],
                                    [rng.normal(-3, 0.5, n), rng.normal(2, 1, n)],
                                    rng.normal(8, 0.7, n)), 3),
        "ratio": np.round(rng.beta(2, 5, n), 4),
        "segment": rng.choice(["retail", "smb", "enterprise", "public"], n, p=[.5, .3, .15, .05]),
        "channel": rng.choice(["web", "app", "store", "phone", "partner", "mail"], n),
        "region": rng.choice([f"r{i}" for i in range(10)], n),
        "flag": rng.choice(["yes", "no"], n, p=[.2, .8]),
    })
    frame.to_csv(f"{work}/mixed_{n}.csv", index=False)
PY

printf "%-12s %7s %7s %10s %12s %14s %7s\n" table epochs threads "width py/c" "python s/ep" "synthtab s/ep" ratio
for rows in $rows_list; do
  table="$work/mixed_$rows.csv"
  py=""; cpp=""
  for ((r = 0; r < repeats; r++)); do
    py_json=$(/usr/bin/python3 "$here/ctgan_reference.py" "$table" --epochs "$epochs" --threads "$threads" --seed "$r")
    py_run=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["seconds_per_epoch"])' "$py_json")
    py_width=$(/usr/bin/python3 -c 'import json,sys; print(json.loads(sys.argv[1])["data_width"])' "$py_json")
    out=$("$synthtab" fit "$table" --model ctgan --epochs "$epochs" --threads "$threads" --seed "$r" \
            -o "$work/model.synthtab" 2>&1)
    cpp_run=$(sed -n 's/.*seconds_per_epoch \([0-9.e-]*\).*/\1/p' <<<"$out")
    cpp_width=$(sed -n 's/.*data_width \([0-9]*\).*/\1/p' <<<"$out")
    py=$(/usr/bin/python3 -c "print(min(x for x in [$py_run, ${py:-$py_run}]))")
    cpp=$(/usr/bin/python3 -c "print(min(x for x in [$cpp_run, ${cpp:-$cpp_run}]))")
  done
  ratio=$(/usr/bin/python3 -c "print(f'{$py / $cpp:.2f}')")
  printf "%-12s %7s %7s %10s %12.4f %14.4f %7s\n" "mixed_$rows" "$epochs" "$threads" \
    "$py_width/$cpp_width" "$py" "$cpp" "${ratio}x"
done
