#!/usr/bin/env bash
# Installs every Debian package synthtab needs to build, test and run.
# Idempotent: prints nothing and touches nothing when all packages are present.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config
  libtorch-dev libopenblas0-openmp
  libeigen3-dev libboost-math-dev
  libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev
  nodejs chromium fonts-dejavu-core
  python3 python3-dev pybind11-dev python3-numpy python3-pandas python3-tqdm
  python3-pytest python3-nbclient python3-nbformat python3-ipykernel
  python3-dask python3-distributed parallel
)
# The Python package (python/) builds with pybind11 for Debian's python3 and works with its numpy,
# pandas and tqdm; its tests run with pytest, and run the example notebook with nbclient.
# synthtab.dask schedules a sample's shards on Dask (its tests start a local cluster); GNU parallel
# runs docs/distributed.md's recipe in a test.
# npm installs the report's pinned Plotly.js (web/package-lock.json); chromium renders the report in
# its test (with a font, so its screenshot has readable text). Some machines' nodejs (e.g. NodeSource's) bundles npm and conflicts with Debian's npm.
command -v npm >/dev/null 2>&1 || packages+=(npm)

# `--oracles`: also the packages that regenerate the tests' reference data (tests/data/gen_*.py);
# the tests themselves only read the checked-in results.
if [[ "${1:-}" == "--oracles" ]]; then
  packages+=(python3-numpy python3-scipy python3-sklearn python3-pandas python3-gudhi ripser)
fi

# `--bench`: the Python CTGAN reference that bench/ctgan_speed.sh times `ctgan` against, and the
# public tables bench/quality/run.py reads (python3-sklearn's and python3-statsmodels' datasets,
# and R's: r-base-core's `datasets` and r-cran-mass's `MASS`, written as CSV by Rscript); `time`
# (GNU time) measures each synthtab child's peak memory there.
if [[ "${1:-}" == "--bench" ]]; then
  packages+=(python3-torch python3-numpy python3-sklearn python3-pandas python3-statsmodels r-base-core r-cran-mass r-cran-ggplot2 time)
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
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# The report's JavaScript, exactly as pinned in web/package-lock.json; skipped when node_modules
# was installed from this very lockfile.
web="$(cd "$(dirname "$0")/.." && pwd)/web"
stamp="$web/node_modules/.synthtab-installed-lock.json"
if ! cmp -s "$web/package-lock.json" "$stamp"; then
  echo "install-deps: npm ci --prefix web" >&2
  npm ci --prefix "$web" --no-audit --no-fund --loglevel=error >/dev/null
  cp "$web/package-lock.json" "$stamp"
fi
