# kvsmock developer commands. Everything runs inside .venv, which `make` creates and fills
# from pyproject.toml on first use (and again whenever it or constraints.txt changes).
# constraints.txt pins the test environment so CI runs against the same botocore models.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: test lint typecheck pytest demo bench bench-quick coverage-doc clean

$(STAMP): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(STAMP)

test: $(STAMP) lint typecheck pytest

lint: $(STAMP)
	$(BIN)/ruff check kvsmock tests examples benchmarks
	$(BIN)/ruff format --check kvsmock tests examples benchmarks

typecheck: $(STAMP)
	$(BIN)/mypy

pytest: $(STAMP)
	$(BIN)/python -m pytest -q

demo: $(STAMP)
	$(BIN)/python examples/quickstart.py
	$(BIN)/python examples/media.py

coverage-doc: $(STAMP)
	$(BIN)/python -m kvsmock._coverage > docs/coverage.md

clean:
	rm -rf $(VENV) build *.egg-info .mypy_cache .pytest_cache .ruff_cache
