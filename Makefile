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

# the suite on TEST_WORKERS processes (pytest-xdist), each test file whole on one of them (its
# module-scoped servers and databases are its own); TEST_WORKERS=0 runs it in this process
TEST_WORKERS ?= 2
test: $(VENV)/.dev lint
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile

clean:
	rm -rf $(VENV) out
