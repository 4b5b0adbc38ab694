# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/tacna-arica-2025

.PHONY: run test lint venv dev clean

$(BIN)/hito: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e .
	@touch $(BIN)/hito

$(VENV)/.dev: $(BIN)/hito
	$(BIN)/pip install -q -e '.[dev]'
	@touch $(VENV)/.dev

venv: $(BIN)/hito

dev: $(VENV)/.dev

run: $(BIN)/hito
	$(BIN)/hito demo --out out/demo

lint: $(VENV)/.dev
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: $(VENV)/.dev lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) out
