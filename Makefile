# The two commands of the README: `make run` (the site on the embedded default) and `make test`.
PYTHON ?= python3
VENV ?= .venv
PORT ?= 5000
BIN := $(VENV)/bin

.PHONY: run test lint install install-dev

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

lint: $(VENV)/.installed-dev
	$(BIN)/ruff check consult worker tests benchmarks

test: $(VENV)/.installed-dev lint
	$(BIN)/python -m pytest -p no:cacheprovider
