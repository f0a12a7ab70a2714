#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for SECONDS (default 60)
# on its corpus in tests/fuzz/corpus/, which it extends with what it finds.
#   scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
bash scripts/install-deps.sh --fuzz
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER=clang++ \
  -DSYNTHTAB_FUZZ=ON -DSYNTHTAB_WITH_TORCH=OFF -DSYNTHTAB_BUILD_TESTS=OFF -DSYNTHTAB_BUILD_BENCH=OFF >/dev/null
cmake --build build-fuzz -j "$(nproc)"
for target in csv_reader prepare model_file value_parse; do
  corpus=tests/fuzz/corpus/${target}
  mkdir -p "$corpus"
  echo "== ${target}_fuzz for ${seconds}s"
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
    build-fuzz/bin/${target}_fuzz -max_total_time="$seconds" -max_len=65536 -timeout=10 \
    -rss_limit_mb=2048 -print_final_stats=1 "$corpus" 2>&1 | grep -E "stat::number_of_executed_units|ERROR|SUMMARY|Done" || true
done
