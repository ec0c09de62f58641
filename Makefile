# Two commands for a newcomer: `make run` and `make test`. Everything else is a building block.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DAGSTER_HOME ?= $(CURDIR)/data/dagster
# Commands run inside the project's virtualenv (dg and dagster-dbt look for dbt on PATH).
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: setup run refresh rollback dagster manifest dagster-home summary generate test test-python \
	lint lint-python lint-sql clean dashboard

setup: $(INSTALLED)

# Reinstall only when the dependency pins change; quick when already done.
$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --constraint constraints.txt --editable ".[dev]"
	touch $(INSTALLED)

## make run: through Dagster, demo data when the landing folder is empty, refresh (build, test, publish), summary.
run: setup manifest dagster-home
	$(BIN)/python -m orchestration.cli run

## make refresh: one full refresh through Dagster; exits non-zero naming the failing step and tests.
refresh: setup manifest dagster-home
	$(BIN)/python -m orchestration.cli refresh

## make rollback: publish the previous warehouse version again.
rollback: setup
	$(BIN)/python -m orchestration.cli rollback

## make dagster: the Dagster UI on 127.0.0.1:3000 with the daily schedule and the landing sensor running.
DAGSTER_HOST ?= 127.0.0.1
DAGSTER_PORT ?= 3000
dagster: setup manifest dagster-home
	$(BIN)/dg dev --host $(DAGSTER_HOST) --port $(DAGSTER_PORT)

## make dashboard: the leaders' dashboard on http://127.0.0.1:8501 (reads the published warehouse).
DASHBOARD_HOST ?= 127.0.0.1
DASHBOARD_PORT ?= 8501
dashboard: setup
	$(BIN)/streamlit run dashboard/app.py --server.address $(DASHBOARD_HOST) --server.port $(DASHBOARD_PORT) \
		--server.headless true --browser.gatherUsageStats false --client.toolbarMode viewer

summary: setup
	$(BIN)/python -m shared_metrics.summary

# dagster-dbt reads the dbt manifest; parsing takes a few seconds.
manifest: setup
	$(BIN)/dbt parse --quiet

dagster-home:
	mkdir -p $(DAGSTER_HOME)
	test -f $(DAGSTER_HOME)/dagster.yaml || cp orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml

## make generate LEADS=1000000 SEED=42: (re)write the landing folder with synthetic data.
LEADS ?= 100000
SEED ?= 42
generate: setup
	$(BIN)/python -m shared_metrics.generate --leads $(LEADS) --seed $(SEED) --force

## make test: pytest (generator, staging on generated data, refresh), ruff and sqlfluff.
test: setup test-python lint

test-python: manifest
	$(BIN)/python -m pytest

lint: lint-python lint-sql

lint-python:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint-sql:
	DBT_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models

clean:
	rm -rf target logs data/warehouse/candidate
