# Two commands for a newcomer: `make run` and `make test`. Everything else is a building block.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)

.PHONY: setup run refresh generate test test-python lint lint-python lint-sql dbt-build clean

setup: $(INSTALLED)

# Reinstall only when the dependency pins change; quick when already done.
$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $(INSTALLED)

## make run: demo data when the landing folder is empty, build, test, publish, summary.
run: setup
	$(BIN)/python -m shared_metrics.refresh

refresh: run

## make generate LEADS=1000000 SEED=42: (re)write the landing folder with synthetic data.
LEADS ?= 100000
SEED ?= 42
generate: setup
	$(BIN)/python -m shared_metrics.generate --leads $(LEADS) --seed $(SEED) --force

## make test: pytest (generator, staging on generated data, refresh), ruff and sqlfluff.
test: setup test-python lint

test-python:
	$(BIN)/python -m pytest

lint: lint-python lint-sql

lint-python:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint-sql:
	DBT_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models

clean:
	rm -rf target logs data/warehouse/candidate
