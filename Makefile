# The two commands of README.md, and a few for developers.
#   make demo  - install what is missing, build (Release), generate 2000 rows from data/ROI.csv
#   make test  - install, build, run the whole test suite (Release with the Python package's
#                pytest suite, then ASan+UBSan)
#   make python - build and install the Python package for Debian's python3
BUILD ?= build
SANITIZE_BUILD ?= build-sanitize
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: deps configure build demo python test test-release test-sanitize bench bench-quality fuzz clean

deps:
	@bash scripts/install-deps.sh

# Builds only: installing packages is `make deps` (demo and test run it first).
configure:
	@cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS) >/dev/null

build: configure
	@cmake --build $(BUILD) -j $(JOBS)

# The CLI and the model plugin it loads; not the tests or the benchmarks.
demo: deps
	@$(MAKE) --no-print-directory configure
	@cmake --build $(BUILD) -j $(JOBS) --target synthtab
	@mkdir -p out
	$(BUILD)/bin/synthtab generate data/ROI.csv -n 2000 -o out/ROI_synthetic.csv
	$(BUILD)/bin/synthtab evaluate data/ROI.csv out/ROI_synthetic.csv \
	  --target "MRR (Monthly Recurring Revenue)" --json out/ROI_evaluation.json
	$(BUILD)/bin/synthtab report data/ROI.csv out/ROI_synthetic.csv -o out/ROI_report.html \
	  --target "MRR (Monthly Recurring Revenue)"

# The Python package (`import synthtab`) for Debian's python3, with the libraries it needs: into
# its site folder when writable (root), else the user's. No network: pybind11 comes from Debian.
PYTHON_SITE ?= $(shell /usr/bin/python3 -c 'import os, site, sysconfig; p = sysconfig.get_path("purelib"); print(p if os.access(p if os.path.isdir(p) else os.path.dirname(p), os.W_OK) else site.getusersitepackages())')
python: deps
	@$(MAKE) --no-print-directory configure CMAKE_FLAGS="$(CMAKE_FLAGS) -DSYNTHTAB_PYTHON_SITE=$(PYTHON_SITE)"
	@cmake --build $(BUILD) -j $(JOBS) --target synthtab_python synthtab_python_docs
	@cmake --install $(BUILD) --component python >/dev/null
	@cd / && /usr/bin/python3 -c "import synthtab; print('synthtab', synthtab.__version__, 'installed in', synthtab.__path__[0])"

test: test-release test-sanitize

test-release: deps
	@$(MAKE) --no-print-directory build
	@cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The library, the plugin and all tests under AddressSanitizer + UndefinedBehaviorSanitizer
# (LibTorch itself is not instrumented; leak checks are off for the tests that load it). The
# sanitizers' options are set on each test, in tests/CMakeLists.txt.
test-sanitize: deps
	@cmake -S . -B $(SANITIZE_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DSYNTHTAB_SANITIZE=ON \
	  -DSYNTHTAB_WITH_TORCH=ON -DSYNTHTAB_BUILD_BENCH=OFF >/dev/null
	@cmake --build $(SANITIZE_BUILD) -j $(JOBS)
	@cd $(SANITIZE_BUILD) && ctest --output-on-failure -j $(JOBS)

bench: deps
	@$(MAKE) --no-print-directory build
	@for b in $(BUILD)/bin/*_bench; do echo "== $$b"; $$b; done

# Every model on public tables (bench/quality/datasets.json), evaluated against the real ones:
# prints one table and writes out/bench-quality/results.md (docs/benchmarks.md holds a run).
bench-quality:
	@bash scripts/install-deps.sh --bench
	@$(MAKE) --no-print-directory build
	/usr/bin/python3 bench/quality/run.py --synthtab $(BUILD)/bin/synthtab --markdown out/bench-quality/results.md $(BENCH_QUALITY_FLAGS)

# libFuzzer (clang, ASan+UBSan) on the CSV reader, preparation, model files and value parsers:
# FUZZ_SECONDS per target, corpus kept in tests/fuzz/corpus/.
FUZZ_SECONDS ?= 60
fuzz:
	@bash scripts/fuzz.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) $(SANITIZE_BUILD) out
