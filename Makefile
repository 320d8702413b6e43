# kvsmock developer commands. Everything runs inside .venv, which `make` creates and fills
# from pyproject.toml on first use (and again whenever it or constraints.txt changes).
# constraints.txt pins the test environment so CI runs against the same botocore models.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
CONSTRAINTS ?= constraints.txt

.PHONY: test lint typecheck pytest demo bench bench-quick bench-media bench-media-quick \
	coverage-doc clean fuzz test-async test-matrix deps deps-system deps-node deps-browser \
	test-browser bench-server test-server-aio

$(STAMP): pyproject.toml $(CONSTRAINTS)
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c $(CONSTRAINTS) -e '.[test]'
	touch $(STAMP)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check kvsmock tests examples benchmarks
	$(BIN)/ruff format --check kvsmock tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

PYTEST_ARGS ?=
pytest: $(STAMP)
	$(BIN)/python -m pytest -q $(PYTEST_ARGS)

# aiobotocore and aioboto3 pin narrow botocore ranges, so each gets its own environment and
# constraints file (the newest release of each on PyPI); tests/test_async_clients.py runs in
# both. --noconftest: the file needs only pytest, the async library and kvsmock.
.venv-async/.installed: pyproject.toml constraints-async.txt
	test -x .venv-async/bin/python || $(PYTHON) -m venv .venv-async
	.venv-async/bin/python -m pip install --quiet -c constraints-async.txt -e '.[test-async]'
	touch $@

.venv-aioboto3/.installed: pyproject.toml constraints-aioboto3.txt
	test -x .venv-aioboto3/bin/python || $(PYTHON) -m venv .venv-aioboto3
	.venv-aioboto3/bin/python -m pip install --quiet -c constraints-aioboto3.txt -e '.[test-aioboto3]'
	touch $@

test-async: .venv-async/.installed .venv-aioboto3/.installed
	.venv-async/bin/python -m pytest -q --noconftest -p no:cacheprovider tests/test_async_clients.py
	.venv-aioboto3/bin/python -m pytest -q --noconftest -p no:cacheprovider tests/test_async_clients.py

# The suite on every supported CPython that pyenv has built (3.10 to 3.13), each in its own
# .venv-<version>, pinned by constraints-<version>.txt where the newest pins dropped that
# version (else constraints.txt); a version that is not installed is skipped with a note.
PYENV_ROOT ?= $(HOME)/.pyenv
MATRIX ?= 3.10 3.11 3.12 3.13
test-matrix: PYTEST_ARGS = -n 2 -p no:cacheprovider
test-matrix:
	@set -e; for v in $(MATRIX); do \
		py=$$(ls -d $(PYENV_ROOT)/versions/$$v.*/bin/python3 2>/dev/null | sort -V | tail -1); \
		if [ -z "$$py" ]; then echo "test-matrix: CPython $$v not installed, skipped"; continue; fi; \
		echo "== CPython $$v ($$py)"; \
		c=constraints.txt; if [ -f constraints-$$v.txt ]; then c=constraints-$$v.txt; fi; \
		$(MAKE) --no-print-directory pytest VENV=.venv-$$v PYTHON=$$py CONSTRAINTS=$$c PYTEST_ARGS="$(PYTEST_ARGS)"; \
	done

demo: $(STAMP)
	$(BIN)/python examples/quickstart.py
	$(BIN)/python examples/media.py
	$(BIN)/python examples/viewer.py

# Four backends (Stubber, a before-send floor, moto, kvsmock), each suite in fresh processes;
# prints a table and writes benchmarks/results/*.json. See docs/performance.md.
bench: $(STAMP)
	$(BIN)/python benchmarks/run.py

# Small counts: proves the benchmark runs (asserts nothing about speed); for CI.
bench-quick: $(STAMP)
	$(BIN)/python benchmarks/run.py --quick

# The media-plane benchmark (issue 16, docs/performance.md): kvsmock against the ffmpeg CLI
# and plain Python, in CPU seconds; makes its media with ffmpeg (kept in build/bench-media).
bench-media: $(STAMP) deps-system
	$(BIN)/python benchmarks/media.py

bench-media-quick: $(STAMP) deps-system
	$(BIN)/python benchmarks/media.py --quick

# The server benchmark (issue 14, docs/performance.md "kvsmock serve"): per call against
# moto's ThreadedMotoServer, PutMedia/GetMedia throughput against a raw loopback socket.
bench-server: $(STAMP)
	$(BIN)/python -m pip install --quiet -c constraints.txt -r benchmarks/requirements-server.txt
	$(BIN)/python benchmarks/server.py $(BENCH_ARGS)

# Long property-based run (issue 7, docs/reliability.md): FUZZ_EXAMPLES examples per fuzz test
# (one generated call each, x 2 tests x every implemented operation), a random seed.
FUZZ_EXAMPLES ?= 300
fuzz: $(STAMP)
	rm -f build/fuzz-report.json build/fuzz-report.json.gw*
	KVSMOCK_FUZZ=1 KVSMOCK_FUZZ_EXAMPLES=$(FUZZ_EXAMPLES) KVSMOCK_FUZZ_REPORT=build/fuzz-report.json \
		$(BIN)/python -m pytest -q -p no:cacheprovider tests/fuzz tests/test_stateful.py \
		tests/test_concurrency_hammer.py tests/test_no_escape.py
	$(BIN)/python tests/fuzz/report.py build/fuzz-report.json

# What the server tests' real clients need beyond pip (docs/server.md); CI runs `make deps`
# before `make test`. Debian's ffmpeg gives ffprobe; the AWS SDK for JavaScript v3 comes from
# tests/node/package-lock.json. Without CI set, tests whose tool is missing are skipped; with
# CI=true they fail.
deps: deps-system deps-browser deps-node

deps-system:
	command -v ffprobe >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq ffmpeg; }
	command -v node >/dev/null || { apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm; }

# Headless Chromium for tests/test_browser.py (issue 15): Debian's chromium, driven by
# playwright-core from tests/node (which downloads no browser of its own).
deps-browser:
	command -v chromium >/dev/null && command -v chromedriver >/dev/null || { \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
		chromium chromium-driver; }

# Only the real-browser and signaling tests (they also run in `make test`).
test-browser: $(STAMP)
	$(BIN)/python -m pytest -q tests/test_browser.py tests/test_server_signaling.py \
		tests/test_server_cors.py

deps-node:
	cd tests/node && npm ci --no-audit --no-fund --ignore-scripts

# aiobotocore against kvsmock serve: the client runs in .venv-async (aiobotocore pins a
# narrow botocore range), the server and the test in .venv. CI runs this target.
test-server-aio: $(STAMP) .venv-async/.installed
	KVSMOCK_AIO_PYTHON=$(CURDIR)/.venv-async/bin/python $(BIN)/python -m pytest -q \
		-p no:cacheprovider tests/test_server_aio.py

coverage-doc: $(STAMP)
	$(BIN)/python -m kvsmock._coverage > docs/coverage.md

clean:
	rm -rf $(VENV) .venv-async .venv-aioboto3 .venv-3.* build *.egg-info .mypy_cache .pytest_cache .ruff_cache
