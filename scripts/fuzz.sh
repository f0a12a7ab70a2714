#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each on its corpus. See
# docs/fuzzing.md.
#   scripts/fuzz.sh [SECONDS] [TARGET...]        each target for SECONDS (default 60)
#   scripts/fuzz.sh --runs N [TARGET...]         each target for N executions
#   scripts/fuzz.sh --runs N --max-time S ...    N executions, but stop after S seconds
# Options: --jobs J (build jobs; default all cores), --log DIR (default build-fuzz/logs),
# --timeout S (seconds one input may take; default 10: raise it when the cores are shared, where an
# input of 1 s can take over 10),
# --sanitizers LIST (default address,undefined; "undefined" builds in build-fuzz-undefined and
# runs several times faster, with no leak or out-of-bounds checks: see docs/fuzzing.md).
# TARGET is csv_reader, prepare, model_file or value_parse (default: all four, in that order).
# The checked-in seeds in tests/fuzz/corpus/TARGET are read; what a run finds goes to
# build-fuzz/corpus/TARGET (kept between runs, not in git; see docs/fuzzing.md to add to the seeds).
# Each run prints its executions, peak RSS and time; the full libFuzzer output is in DIR, and
# the script stops at the first finding (build-fuzz/findings/TARGET-crash-*, -leak-*, -timeout-*,
# -oom-*; replay one with build-fuzz/bin/TARGET_fuzz FILE).
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=60
runs=""
max_time=""
timeout=10
jobs="$(nproc)"
logs=""
sanitizers=address,undefined
targets=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --max-time) max_time="$2"; shift 2 ;;
    --jobs) jobs="$2"; shift 2 ;;
    --timeout) timeout="$2"; shift 2 ;;
    --log) logs="$2"; shift 2 ;;
    --sanitizers) sanitizers="$2"; shift 2 ;;
    csv_reader|prepare|model_file|value_parse) targets+=("$1"); shift ;;
    ''|*[!0-9]*) echo "fuzz.sh: unknown argument '$1' (see the comment at the top of scripts/fuzz.sh)" >&2; exit 2 ;;
    *) seconds="$1"; shift ;;
  esac
done
[[ ${#targets[@]} -gt 0 ]] || targets=(csv_reader prepare model_file value_parse)
build=build-fuzz
[[ "$sanitizers" == address,undefined ]] || build="build-fuzz-${sanitizers//,/-}"
[[ -n "$logs" ]] || logs="$build/logs"
bash scripts/install-deps.sh --fuzz
cmake -S . -B "$build" -G Ninja -DSYNTHTAB_FUZZ_SANITIZERS="$sanitizers" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DSYNTHTAB_FUZZ=ON -DSYNTHTAB_WITH_TORCH=OFF -DSYNTHTAB_BUILD_TESTS=OFF -DSYNTHTAB_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j "$jobs"
mkdir -p "$logs" "$build/findings"
for target in "${targets[@]}"; do
  seeds=tests/fuzz/corpus/${target}
  corpus=build-fuzz/corpus/${target}
  mkdir -p "$corpus"
  # Model files: room for 100,000 levels of nesting (200 KB) beside a small model. Not more: at
  # 1 MB the corpus fills with large inputs and the rate falls from ~300 to ~150 executions/s.
  max_len=65536
  [[ "$target" == model_file ]] && max_len=262144
  if [[ -n "$runs" ]]; then
    limit=(-runs="$runs"); what="$runs executions"
    [[ -z "$max_time" ]] || { limit+=(-max_total_time="$max_time"); what+=" or ${max_time}s"; }
  else
    limit=(-max_total_time="$seconds"); what="${seconds}s"
  fi
  log="$logs/${target}_fuzz.log"
  echo "== ${target}_fuzz for ${what} (log: $log)"
  start=$(date +%s)
  status=0
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    "$build/bin/${target}_fuzz" "${limit[@]}" -max_len="$max_len" -timeout="$timeout" \
    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix="$build/findings/${target}-" "$corpus" "$seeds" >"$log" 2>&1 || status=$?
  grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Done|Test unit written" "$log" || true
  echo "   exit $status after $(( $(date +%s) - start ))s"
  [[ $status -eq 0 ]] || exit "$status"
done
