# The two commands of the README: `make run` (the site on the embedded default) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin

.PHONY: run test lint audit install install-dev wheel

$(BIN)/python:
	$(PYTHON) -c 'import sys; sys.exit("Python 3.11+ is required") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip

$(VENV)/.installed: $(BIN)/python pyproject.toml
	$(BIN)/pip install -q -e .
	touch $@

$(VENV)/.installed-dev: $(VENV)/.installed
	$(BIN)/pip install -q -e '.[dev]'
	touch $@

install: $(VENV)/.installed
install-dev: $(VENV)/.installed-dev

run: $(VENV)/.installed
	$(BIN)/consult db upgrade
	$(BIN)/consult demo
	$(BIN)/consult run --port $(PORT)

# Layer rules (import-linter contracts in pyproject.toml); tests/unit/test_architecture.py
# runs them too, with the size and cycle checks.
lint: $(VENV)/.installed-dev
	$(BIN)/ruff check consult worker tests benchmarks
	$(BIN)/lint-imports --no-cache

# bandit fails on any finding (justified exceptions are marked `# nosec BXXX  # why` inline);
# pip-audit fails on any known vulnerability in the installed dependencies. Where PyPI's
# per-version JSON API is not reachable it reports "could not be audited" for each package
# instead (see docs/security.md).
audit: $(VENV)/.installed-dev
	$(BIN)/bandit -q -c pyproject.toml -r consult worker
	$(BIN)/pip-audit --skip-editable --progress-spinner off

# The wheel carries templates, static files and migrations (package data): dist/consult-*.whl
wheel: $(VENV)/.installed-dev
	$(BIN)/python -m pip wheel --no-deps --no-build-isolation -w dist .

# Two processes for everything but the fault run (the machine has 2 cores in CI), then the fault
# run alone: its latency bounds would measure the other tests' load, not the faults.
test: $(VENV)/.installed-dev lint audit
	$(BIN)/python -m pytest -p no:cacheprovider -n 2 -m "not slow"
	$(BIN)/python -m pytest -p no:cacheprovider -m slow
