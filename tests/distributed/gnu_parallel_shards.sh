#!/usr/bin/env bash
# The recipe of docs/distributed.md for GNU parallel: K shards of one sample drawn by K processes
# (in any order, one of them twice, as a retry would), joined in order with one header, are byte
# for byte the single-process sample.
set -euo pipefail
cli=$1 input=$2 work=$3
rm -rf "$work" && mkdir -p "$work/parts"
"$cli" fit "$input" -o "$work/model.synthtab" --model copula --seed 3 --quiet
"$cli" sample "$work/model.synthtab" -n 10001 --seed 11 -o "$work/whole.csv" --quiet
# Shard 3 runs twice, as when a retried job overlaps the first attempt: its file is written
# atomically, so either attempt leaves the same whole file.
parallel --jobs 2 --halt now,fail=1 \
  "$cli" sample "$work/model.synthtab" -n 10001 --seed 11 --shard {}/5 -o "$work/parts/part-{}.csv" --quiet \
  ::: 5 3 1 4 2 3
{
  head -n 1 "$work/parts/part-1.csv"
  for i in 1 2 3 4 5; do tail -n +2 "$work/parts/part-$i.csv"; done
} > "$work/joined.csv"
cmp "$work/joined.csv" "$work/whole.csv"
[[ $(ls "$work/parts" | wc -l) -eq 5 ]] || { echo "leftover files in $work/parts" >&2; exit 1; }
echo "5 shards joined equal the whole sample"
