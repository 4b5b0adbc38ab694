# Two commands do all the set-up: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
OUT ?= out/tacna-arica-2025
PORT ?= 8000

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

# The main job: the forecast of the built-in 2025 scenario calibrated on the counts shipped with
# it (its report's path is printed), then the whole product: a seeded demo database, forecast,
# plan comparison, the dashboard.
run: $(BIN)/hito
	$(BIN)/hito calibrate tacna-arica-2025 --particles 1000 --seed 1 --out $(OUT)
	$(BIN)/hito demo --out out/demo --port $(PORT)

# the layers (import-linter contracts in pyproject.toml), formatting, style, types
lint: $(VENV)/.dev
	$(BIN)/lint-imports
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/ruff check src tests benchmarks
	$(BIN)/mypy

test: $(VENV)/.dev lint
	$(BIN)/pytest

clean:
	rm -rf $(VENV) out
