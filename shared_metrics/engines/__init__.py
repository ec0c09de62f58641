"""Other engines the dbt project runs on (PostgreSQL, Spark): throw-away local servers and their loaders."""

from __future__ import annotations

import socket
from pathlib import Path

# On a server target a refresh builds every schema under its name plus this suffix (macros/
# generate_schema_name.sql reads it from SCHEMA_SUFFIX_ENV); only an audited build takes the published names.
SCHEMA_SUFFIX_ENV = "SHARED_METRICS_SCHEMA_SUFFIX"
CANDIDATE_SUFFIX = "__candidate"


def free_local_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def build_arguments(target: str) -> list[str]:
    """Extra `dbt build` arguments for a refresh on a target. Unit tests check the SQL's logic, not the data,
    so a refresh leaves them out (dbt's advice for production builds): they run on DuckDB in `make check` and
    in tests/test_dbt_unit_tests.py. PostgreSQL could not name their fixtures anyway (63 characters). Seeds
    stay in even when incremental: Dagster skips publishing when a dbt asset (a seed) is not materialized."""
    return ["--exclude-resource-type", "unit_test"]


def prepare_landing(target: str, landing_dir: Path) -> str:
    """Make the landing files readable by a server target before dbt runs; says what was done."""
    if target == "postgres":
        from shared_metrics.engines.postgres import Server, load_landing

        server = Server.from_environment()
        loaded = load_landing(landing_dir, server)
        rows = ", ".join(f"{table} {count:,}" for table, count in loaded.items())
        return f"Loaded into raw on {server.host}:{server.port}/{server.database}: {rows}"
    if target == "spark":
        return f"Spark reads the landing Parquet files in place ({landing_dir}); dbt creates raw over them"
    raise ValueError(f"Unknown dbt target {target!r}: use duckdb, postgres or spark (DBT_TARGET).")


def incremental_relations(manifest: dict) -> list[tuple[str, str]]:
    """(schema, table) of every incremental model in a dbt manifest parsed without a schema suffix: the
    history an incremental refresh builds on."""
    return sorted(
        (node["schema"], node["alias"] or node["name"])
        for node in manifest["nodes"].values()
        if node["resource_type"] == "model" and node["config"].get("materialized") == "incremental"
    )


def candidate_schema_suffix(target: str, version: str) -> str:
    """The suffix of the schemas a refresh on a server target builds: PostgreSQL's candidates (renamed when
    published), Spark's versions (behind views once published)."""
    if target == "spark":
        from shared_metrics.engines.spark import version_suffix

        return version_suffix(version)
    return CANDIDATE_SUFFIX


def prepare_candidate_schemas(target: str, full_rebuild: bool, history: list[tuple[str, str]]) -> str:
    """Before a refresh on a server target: PostgreSQL's fresh candidate schemas (with copies of the
    incremental models' tables unless everything is rebuilt); says what was done."""
    if target == "spark":
        return "Building a new version of every schema (published as views when every test passed)"
    from shared_metrics.engines.postgres import Server
    from shared_metrics.engines.postgres import prepare_candidate_schemas as prepare

    copied = prepare(Server.from_environment(), [] if full_rebuild else history)
    kept = f"; incremental history copied: {len(copied)} tables" if copied else ""
    return f"Building into candidate schemas (*{CANDIDATE_SUFFIX}){kept}"


def publish_candidate_schemas(target: str, version: str, fingerprint: str) -> tuple[str, list[str]]:
    """After every test passed: what the refresh built becomes what readers read. PostgreSQL publishes its
    candidates as `version`; Spark the newest version built (the refresh's own: refreshes take turns).
    Returns the version published and the schemas."""
    if target == "spark":
        from shared_metrics.engines.spark import ThriftServer, newest_built_version, publish_version

        server = ThriftServer.from_environment()
        built = newest_built_version(server)
        return built, publish_version(server, built)
    from shared_metrics.engines.postgres import Server
    from shared_metrics.engines.postgres import publish_candidate_schemas as publish

    return version, publish(Server.from_environment(), version, fingerprint)
