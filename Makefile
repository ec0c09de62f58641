# Two commands for a newcomer: `make run` and `make test`. Everything else is a building block.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
# Commands run inside the project's virtualenv (dg and dagster-dbt look for dbt on PATH).
export VIRTUAL_ENV := $(CURDIR)/$(VENV)
export PATH := $(CURDIR)/$(BIN):$(PATH)

.PHONY: docs-serve setup run refresh rollback dagster manifest summary generate test test-python \
	lint lint-python lint-sql clean dashboard docs metrics bench engines system-packages check report

setup: $(INSTALLED)

# Reinstall only when the dependency pins change; quick when already done. pip compiles bytecode one file at a
# time (half of a fresh install): compileall does it on every core instead (only a cache: Python compiles what
# it imports anyway, so a file it cannot compile is no error).
$(INSTALLED): pyproject.toml constraints.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet --no-compile --constraint constraints.txt --editable ".[dev]"
	$(BIN)/python -m compileall -q -j 0 $(VENV)/lib > /dev/null || true
	touch $(INSTALLED)

## make run: through Dagster, demo data when the landing folder is empty, refresh (build, test, publish), summary.
run: setup manifest
	$(BIN)/python -m orchestration.cli run

## make refresh: one full refresh through Dagster; exits non-zero naming the failing step and tests.
refresh: setup manifest
	$(BIN)/python -m orchestration.cli refresh

## make rollback: publish the previous warehouse version again.
rollback: setup
	$(BIN)/python -m orchestration.cli rollback

## make dagster: the Dagster UI on 127.0.0.1:3000 with the daily schedule and the landing sensor running
## (Ctrl-C or a signal to make stops the webserver, daemon and code servers with it).
DAGSTER_HOST ?= 127.0.0.1
DAGSTER_PORT ?= 3000
dagster: setup manifest
	$(BIN)/python -m orchestration.cli dev --host $(DAGSTER_HOST) --port $(DAGSTER_PORT)

## make dashboard: the leaders' dashboard on http://127.0.0.1:8501 (reads the published warehouse).
DASHBOARD_HOST ?= 127.0.0.1
DASHBOARD_PORT ?= 8501
dashboard: setup
	$(BIN)/streamlit run dashboard/app.py --server.address $(DASHBOARD_HOST) --server.port $(DASHBOARD_PORT) \
		--server.headless true --browser.gatherUsageStats false --client.toolbarMode viewer

summary: setup
	$(BIN)/python -m shared_metrics.summary

## make report [WEEK=2026-W43]: the weekly alignment pack (HTML and PDF) of the last complete week (or WEEK)
## from the published warehouse, in $(WAREHOUSE_DIR)/reports/; prints the paths. The PDF's font
## (fonts-dejavu-core) is installed when missing and run as root.
report: setup
	$(PYTHON) -m shared_metrics.system_packages fonts
	$(BIN)/python -m shared_metrics.report $(if $(WEEK),--week $(WEEK))

# dagster-dbt reads the dbt manifest; parsing takes a few seconds.
manifest: setup
	$(BIN)/dbt parse --quiet

## make docs: the metric glossary (docs/metrics.md) and the dbt docs site (target/index.html), read-only
## from the published warehouse; `make docs-serve` shows the site on http://127.0.0.1:8080.
docs: manifest
	$(BIN)/python -m shared_metrics.glossary
	if [ -f $${WAREHOUSE_DIR:-data/warehouse}/warehouse.duckdb ]; then \
		$(BIN)/dbt docs generate --quiet; \
	else \
		echo "No published warehouse yet (make run builds one): docs without table statistics."; \
		DBT_TARGET=duckdb DBT_DUCKDB_PATH=:memory: $(BIN)/dbt docs generate --quiet --empty-catalog; \
	fi
	@echo "dbt docs site in target/ (make docs-serve)"

docs-serve: docs
	$(BIN)/dbt docs serve --host 127.0.0.1 --port 8080 --no-browser

## make metrics: common analyst questions answered by the semantic layer (MetricFlow, read-only).
MF := $(BIN)/mf query --quiet
metrics: manifest
	@echo "MQL→SQL conversion by cohort month, Enterprise, marketing-sourced:"
	$(MF) --metrics mql_to_sql_rate,mqls,sqls --group-by metric_time__month --order metric_time__month \
		--where "{{ Dimension('lead__segment') }} = 'Enterprise' and {{ Dimension('lead__sourced_by') }} = 'marketing'"
	@echo "Sales SLA compliance by team:"
	$(MF) --metrics sales_sla_first_touch_compliance,sales_sla_attempts_compliance,mqls_received \
		--group-by mql__team --order mql__team
	@echo "MQL volume and marketing-sourced pipeline against target by month:"
	$(MF) --metrics mqls_delivered,mql_quota,mql_quota_attainment,marketing_sourced_pipeline_attainment \
		--group-by metric_time__month --order metric_time__month
	@echo "Campaign ROI over the campaigns' lives by campaign type, W-shaped attribution:"
	$(MF) --metrics lifetime_attributed_revenue,lifetime_campaign_cost,campaign_return_on_investment \
		--group-by campaign_lifetime__campaign_type --order campaign_lifetime__campaign_type \
		--where "{{ Dimension('campaign_lifetime__attribution_model') }} = 'w_shaped'"
	@echo "Cost per MQL and per opportunity by campaign type, W-shaped attribution:"
	$(MF) --metrics campaign_cost,cost_per_mql,cost_per_opportunity \
		--group-by campaign_result__campaign_type --order campaign_result__campaign_type \
		--where "{{ Dimension('campaign_result__attribution_model') }} = 'w_shaped'"

## make bench [LEADS=10000000]: refresh time and memory per layer, incremental refresh of one more day vs the
## full one, dbt overhead (up to 1M), dashboard query latency; writes bench/results.json and docs/benchmarks.md
## (default 1,000,000 leads; data cached in data/bench/). Each refresh is timed RUNS times (default 3): medians.
BENCH_LEADS = $(if $(filter command line environment,$(origin LEADS)),$(LEADS),1000000)
bench: manifest
	$(BIN)/python bench/run.py --leads $(BENCH_LEADS) --seed $(SEED) $(if $(RUNS),--runs $(RUNS))

## make engines [LEADS=100000]: build on DuckDB, a throw-away local PostgreSQL and a local Spark Thrift server (or
## the servers POSTGRES_HOST / SPARK_HOST name) from the same generated data and compare every metrics table;
## prints time and differences per engine.
ENGINE_LEADS = $(if $(filter command line environment,$(origin LEADS)),$(LEADS),100000)
engines: manifest
	$(PYTHON) -m shared_metrics.system_packages postgresql java
	$(BIN)/python -m shared_metrics.engines compare --leads $(ENGINE_LEADS) --seed $(SEED)
	$(BIN)/python -m pytest -q -m engines -p no:cacheprovider tests/test_engines.py

## make generate LEADS=1000000 SEED=42: (re)write the landing folder with synthetic data.
LEADS ?= 100000
SEED ?= 42
generate: setup
	$(BIN)/python -m shared_metrics.generate --leads $(LEADS) --seed $(SEED) --force

## make test: pytest (generator, staging on generated data, refresh), ruff and sqlfluff. Installs the system
## package the tests drive (Chromium) when missing and run as root. CI runs `make engines` after it (PostgreSQL
## and Spark servers, a JVM and minutes: the engine checks, kept out of the 8-minute inner test).
# Lint runs beside pytest (pytest's workers leave some of the two cores idle while dbt and Dagster start).
test: setup system-packages
	$(MAKE) --no-print-directory -j2 --output-sync=line test-python lint

system-packages:
	$(PYTHON) -m shared_metrics.system_packages chromium fonts

# Two pytest-xdist workers; the tests sharing a built warehouse stay on one (xdist_group marks).
test-python: manifest
	$(BIN)/python -m pytest -n 2 --dist loadgroup -m "not engines"

## make check: the inner loop (under 2 minutes): ruff, sqlfluff on the models changed since the last commit,
## the Python unit tests (marked check), and one tiny dbt build with every unit and data test.
check: setup manifest
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/python -m pytest -q -m check -p no:cacheprovider
	@changed=$$(git status --porcelain -- models | awk '{print $$NF}' | grep '\.sql$$' || true); \
	if [ -n "$$changed" ]; then DBT_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint $$changed; \
	else echo "sqlfluff: no changed models"; fi
	@dir=$$(mktemp -d) && trap 'rm -rf "$$dir"' EXIT && \
	$(BIN)/python -m shared_metrics.generate --leads 2000 --seed 1 --as-of 2026-11-01 --out "$$dir/landing" --quiet && \
	DBT_TARGET=duckdb LANDING_DIR="$$dir/landing" DBT_DUCKDB_PATH="$$dir/warehouse.duckdb" $(BIN)/dbt build --quiet && \
	echo "tiny build: every model, unit test and data test passed"

lint: lint-python lint-sql

lint-python:
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

lint-sql:
	DBT_DUCKDB_PATH=:memory: $(BIN)/sqlfluff lint models --processes 2

clean:
	rm -rf target logs data/warehouse/candidate
