#!/usr/bin/env bash
# Installs every Debian package synthtab needs to build, test and run.
# Idempotent: prints nothing and touches nothing when all packages are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-openmp
  libeigen3-dev libboost-math-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev
)

# `--oracles`: also the packages that regenerate the tests' reference data (tests/data/gen_*.py);
# the tests themselves only read the checked-in results.
if [[ "${1:-}" == "--oracles" ]]; then
  packages+=(python3-numpy python3-scipy python3-sklearn python3-pandas python3-gudhi ripser)
fi

# `--fuzz`: clang and its libFuzzer runtime, for scripts/fuzz.sh.
if [[ "${1:-}" == "--fuzz" ]]; then
  packages+=(clang libclang-rt-14-dev)
fi

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing ${missing[*]}" >&2
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
