"""Reliability and security: identical metrics from identical input, clear errors when the warehouse folder
cannot be written, hostile filter text, servers on localhost, no secrets in the repository."""

from __future__ import annotations

import re
import subprocess

import duckdb
import pytest
from refresh_helpers import digest, metrics_differences, start_cli_refresh

from shared_metrics.settings import PROJECT_DIR, Settings

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("reliability")


def test_an_unwritable_candidate_fails_clearly_and_keeps_the_published_warehouse(
    published_tiny: Settings,
) -> None:
    blocker = published_tiny.warehouse_dir / "candidate"
    before = digest(published_tiny.published_warehouse)
    blocker.write_text("a file where the candidate folder should be")
    try:
        output, _ = start_cli_refresh(published_tiny).communicate(timeout=600)
    finally:
        blocker.unlink()
    assert "Refresh failed; the published warehouse was left as it was." in output
    assert f"Cannot create the warehouse folder {blocker}" in output
    assert digest(published_tiny.published_warehouse) == before


@pytest.mark.parametrize(
    "hostile",
    ["'; drop table metrics.lead_funnel; --", "Enterprise' or '1'='1", "\\'); select 1; --", "🙂\x00"],
)
def test_dashboard_filters_treat_hostile_text_as_plain_values(
    published_tiny: Settings, monkeypatch: pytest.MonkeyPatch, hostile: str
) -> None:
    from dashboard.data import read
    from shared_metrics.readouts import Slice, headline_figures

    monkeypatch.setenv("WAREHOUSE_DIR", str(published_tiny.warehouse_dir))
    hostile_slice = Slice("2000-01-01", "2100-01-01", (hostile,), (hostile,), (hostile,))
    where, parameters = hostile_slice.where("cohort_month", team_column="owner_team_name")
    assert hostile not in where
    assert read(f"select count(*) as n from metrics.lead_funnel where {where}", parameters)["n"][0] == 0
    assert read("select count(*) as n from metrics.lead_funnel")["n"][0] > 0
    # Every headline figure takes the hostile slice as plain values: nothing matches, nothing breaks.
    assert all(figure.denominator in (None, 0) for figure in headline_figures(read, hostile_slice).values())


@pytest.mark.check
def test_servers_bind_to_localhost_by_default() -> None:
    plan = subprocess.run(
        ["make", "-n", "--no-print-directory", "dashboard", "dagster"],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "--server.address 127.0.0.1" in plan
    assert re.search(r"orchestration\.cli dev --host 127\.0\.0\.1", plan), plan
    # The CLI hands its host to dg dev, and its own default is the same.
    source = (PROJECT_DIR / "orchestration" / "cli.py").read_text()
    assert '"dev", "--host", host' in source and 'add_argument("--host", default="127.0.0.1"' in source


@pytest.mark.check
def test_no_secret_is_written_in_a_repository_file() -> None:
    files = subprocess.run(
        ["git", "ls-files"], cwd=PROJECT_DIR, capture_output=True, text=True, check=True
    ).stdout.split()
    secret = r"(password|passwd|secret|token|api_key)\s*[:=]\s*"
    # In configuration any value but a template or variable is a literal; in code, a quoted string is.
    literal = {
        "config": re.compile(secret + r"['\"]?(?!\{\{|\$|env)[^\s'\"]{3,}", re.I),
        "code": re.compile(secret + r"['\"](?!\{\{|\$)[^\s'\"]{3,}['\"]", re.I),
    }
    kinds = {".yml": "config", ".yaml": "config", ".toml": "config", ".cfg": "config", ".env": "config"}
    kinds |= {".py": "code", ".sql": "code", ".md": "code"}
    hits = [
        f"{name}: {match.group(0)}"
        for name in files
        if (PROJECT_DIR / name).suffix in kinds
        for match in literal[kinds[(PROJECT_DIR / name).suffix]].finditer(
            (PROJECT_DIR / name).read_text(encoding="utf-8", errors="ignore")
        )
    ]
    assert not hits, hits


def test_a_crash_while_publishing_leaves_the_published_warehouse_and_the_next_refresh_changes_no_metric(
    published_tiny: Settings, tiny_template: Settings, refresh_in_process, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A publish killed before the swap leaves the published file as it was; the next refresh of the same
    landing builds incrementally on it, publishes, and changes no metric of the tiny template's first build
    (whatever the times the refreshes ran at)."""
    from shared_metrics import publish as publishing

    before = digest(published_tiny.published_warehouse)
    publishing.prepare_candidate(published_tiny)

    def crash(*args, **kwargs):
        raise KeyboardInterrupt("killed while publishing")

    with monkeypatch.context() as patched:
        patched.setattr(publishing.os, "replace", crash)
        with pytest.raises(KeyboardInterrupt):
            publishing.publish(published_tiny)
    publishing.release_refresh_lock(published_tiny)
    assert digest(published_tiny.published_warehouse) == before
    assert refresh_in_process(published_tiny)
    assert digest(published_tiny.published_warehouse) != before
    assert metrics_differences(tiny_template.published_warehouse, published_tiny.published_warehouse) == []
    with duckdb.connect(str(published_tiny.published_warehouse), read_only=True) as con:
        sizes = con.execute(
            "select estimated_size from duckdb_tables() where schema_name = 'metrics'"
        ).fetchall()
    assert all(size for (size,) in sizes)
