"""Incremental or full: a refresh builds on the published warehouse (incremental models recompute only what
the newly landed rows touch) unless that could give different numbers than a full rebuild."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from pathlib import Path

import duckdb
import yaml

from shared_metrics.settings import PROJECT_DIR, Settings, as_of_override

# What the warehouse is built from besides the landed data: a change in any of these rebuilds everything.
PROJECT_INPUTS = ("dbt_project.yml", "models", "macros", "seeds")
FULL_REFRESH_ENV = "SHARED_METRICS_FULL_REFRESH"
# "refreshed": data tests run on the rows the refresh rewrote (macros/scoped_tests.sql); else on every row.
TEST_SCOPE_ENV = "SHARED_METRICS_TEST_SCOPE"


def project_files(inputs: tuple[str, ...] = PROJECT_INPUTS) -> list[Path]:
    """Every file under the given project inputs (files or folders), in a stable order."""
    files = []
    for name in inputs:
        root = PROJECT_DIR / name
        files += sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else [root]
    return files


def project_fingerprint() -> str:
    """A digest of every file the warehouse is built from (names and contents)."""
    digest = hashlib.sha256()
    for path in project_files():
        digest.update(str(path.relative_to(PROJECT_DIR)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _project_var(name: str) -> int:
    return int(yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())["vars"][name])


def _as_of() -> dt.datetime:
    return as_of_override() or dt.datetime.now(dt.UTC).replace(tzinfo=None)


def full_rebuild_reason(settings: Settings) -> str | None:
    """Why this refresh must rebuild everything, or None when building on the published warehouse is exact."""
    now = _as_of()  # first: a SHARED_METRICS_AS_OF that cannot be read stops the refresh before anything else
    if os.environ.get(FULL_REFRESH_ENV, "").lower() in ("1", "true", "yes"):
        return f"{FULL_REFRESH_ENV} is set"
    if settings.dbt_target == "spark":
        return "Spark's Parquet tables cannot delete rows: every refresh there rebuilds them"
    try:
        published = _published_build(settings)
    except duckdb.Error:
        return "the published warehouse does not record what it was built from"
    if published is None:
        return "nothing is published yet"
    built_from, last_as_of = published
    if built_from != project_fingerprint():
        return "the models, macros, seeds or settings changed since the published build"
    settle_days = _project_var("incremental_settle_days")
    if last_as_of is None or now - last_as_of > dt.timedelta(days=settle_days):
        return f"the last refresh is more than {settle_days} days old (var incremental_settle_days)"
    if settings.dbt_target == "duckdb":
        # Incremental refreshes test only the rows they rewrote: a full rebuild tests every row, at least this
        # often (PostgreSQL refreshes test every row every time).
        every_days = _project_var("full_rebuild_every_days")
        last_full_rebuild = _last_full_rebuild(settings)
        if last_full_rebuild is None:
            return "the published warehouse does not record its last full rebuild"
        if now - last_full_rebuild > dt.timedelta(days=every_days):
            return (
                f"the last full rebuild is more than {every_days} days old (var full_rebuild_every_days): "
                "this one tests every row"
            )
    return None


def _published_build(settings: Settings) -> tuple[str, dt.datetime | None] | None:
    """The published project fingerprint and the as-of of its last refresh; None when nothing is published."""
    if settings.dbt_target == "postgres":
        from shared_metrics.engines.postgres import Server, published_build

        return published_build(Server.from_environment())
    if not settings.published_warehouse.exists():
        return None
    with duckdb.connect(str(settings.published_warehouse), read_only=True) as con:
        built_from = con.execute("select project_fingerprint from meta.publication").fetchone()[0]
        last_as_of = con.execute("select max(refreshed_at) from metrics.data_quality").fetchone()[0]
    return built_from, last_as_of


def _last_full_rebuild(settings: Settings) -> dt.datetime | None:
    """The as-of of the published warehouse's last full rebuild (macros/scoped_tests.sql records it)."""
    with duckdb.connect(str(settings.published_warehouse), read_only=True) as con:
        recorded = con.execute(
            "select count(*) from duckdb_tables() "
            "where schema_name = 'meta' and table_name = 'last_full_rebuild'"
        ).fetchone()[0]
        if not recorded:
            return None
        return con.execute("select max(rebuilt_at) from meta.last_full_rebuild").fetchone()[0]
