"""One refresh from the command line: demo data if the landing folder is empty, build and test a candidate
warehouse with dbt, publish it, and print a summary.

    python -m shared_metrics.refresh
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import duckdb

from shared_metrics.generate.cli import generate
from shared_metrics.landing import TABLES
from shared_metrics.publish import prepare_candidate, publish
from shared_metrics.settings import PROJECT_DIR, Settings, load_settings


def landing_is_empty(landing_dir: Path) -> bool:
    return not any(landing_dir.glob("*/*.parquet")) and not any(landing_dir.glob("*/*.csv"))


def dbt_executable() -> str:
    return str(Path(sys.executable).parent / "dbt")


def dbt_env(settings: Settings, warehouse_file: Path) -> dict[str, str]:
    return {
        **os.environ,
        "LANDING_DIR": str(settings.landing_dir),
        "DBT_DUCKDB_PATH": str(warehouse_file),
        "DBT_PROFILES_DIR": str(PROJECT_DIR),
    }


def build_candidate(settings: Settings) -> Path:
    """dbt build (models and every test) into a fresh candidate file; raises with the failing nodes named."""
    candidate = prepare_candidate(settings)
    command = [dbt_executable(), "build", "--project-dir", str(PROJECT_DIR)]
    result = subprocess.run(
        command,
        cwd=PROJECT_DIR,
        env=dbt_env(settings, candidate),
        text=True,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(
            "Refresh failed; the published warehouse was left as it was.\n"
            + failure_report(result.stdout + result.stderr)
            + f"\nFull log: {PROJECT_DIR / 'logs' / 'dbt.log'}"
        )
    return candidate


ANSI_AND_TIME = re.compile(r"\x1b\[[0-9;]*m|^\d\d:\d\d:\d\d\s+", re.MULTILINE)


def failure_report(output: str) -> str:
    """The part of dbt's output that names what failed: its closing summary or its fatal error."""
    text = ANSI_AND_TIME.sub("", output)
    starts = [text.rfind(marker) for marker in ("Completed with", "Encountered an error")]
    start = max(starts)
    return (text[start:] if start >= 0 else text[-3000:]).strip()


def summary(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        layers = con.execute(
            """
            select table_schema, count(*) as relations
            from information_schema.tables
            where table_schema in ('config', 'staging', 'metrics')
            group by table_schema
            order by table_schema
            """
        ).fetchall()
        staged = con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'staging' and table_name like 'stg\\_%' escape '\\' "
            "and table_name <> 'stg_salesforce__quarantined_rows' order by table_name"
        ).fetchall()
        lines = [
            "Layers (relations): " + ", ".join(f"{schema} {count}" for schema, count in layers),
            "Staged rows:",
        ]
        for (name,) in staged:
            count = con.execute(f'select count(*) from staging."{name}"').fetchall()[0][0]
            lines.append(f"  {name:<48} {count:>12,}")
        quarantined = con.execute(
            "select source_table, quarantine_reason, count(*) from staging.stg_salesforce__quarantined_rows "
            "group by all order by 1, 2"
        ).fetchall()
        lines.append("Quarantined rows by reason:" if quarantined else "Quarantined rows: none")
        lines += [f"  {table:<26} {reason:<28} {count:>10,}" for table, reason, count in quarantined]
        lines += headline_figures(con)
    return "\n".join(lines)


def headline_figures(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The shared metrics both teams watch, over all published data (matured cohorts for conversion)."""
    # Leads reaching SQL all passed SAL, so SQL / MQL = (SAL to SQL converted) / (MQL to SAL entered).
    matured_mqls, sqls = con.execute(
        "select sum(entered_count) filter (where from_stage = 'MQL'), "
        "sum(converted_count) filter (where from_stage = 'SAL') "
        "from metrics.funnel_conversion where not is_maturing"
    ).fetchall()[0]
    sql_rate = ratio(sqls, matured_mqls)
    first_touch, attempts = con.execute(
        "select sum(first_touch_met_count) / sum(first_touch_met_count + first_touch_missed_count), "
        "sum(enough_attempts_count) / nullif(sum(mqls_received - first_touch_pending_count), 0) "
        "from metrics.sales_sla_compliance"
    ).fetchall()[0]
    mqls, quota, acceptance, pipeline, target = con.execute(
        "select sum(mqls_delivered), sum(mql_quota), "
        "sum(mqls_accepted) / sum(mqls_accepted + mqls_rejected), "
        "sum(marketing_sourced_pipeline_amount), sum(marketing_sourced_pipeline_target_amount) "
        "from metrics.marketing_sla_compliance where mql_quota is not null"
    ).fetchall()[0]
    return [
        "Headline figures (metrics schema):",
        f"  MQL to SQL conversion (matured cohorts, {int(matured_mqls or 0):,} MQLs)  {percent(sql_rate)}",
        f"  Sales SLA: first touch within target                    {percent(first_touch)}",
        f"  Sales SLA: enough attempts                              {percent(attempts)}",
        f"  Marketing SLA: MQLs delivered vs quota                  {percent(ratio(mqls, quota))}"
        f"  ({int(mqls or 0):,} of {int(quota or 0):,})",
        f"  Marketing SLA: sales acceptance rate                    {percent(acceptance)}",
        f"  Marketing-sourced pipeline vs target                    {percent(ratio(pipeline, target))}"
        f"  ({float(pipeline or 0):,.0f} of {float(target or 0):,.0f})",
    ]


def ratio(numerator: float | None, denominator: float | None) -> float | None:
    return float(numerator) / float(denominator) if numerator is not None and denominator else None


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * float(value):5.1f}%"


def main() -> None:
    settings = load_settings()
    started = time.perf_counter()
    if landing_is_empty(settings.landing_dir):
        print(
            f"{settings.landing_dir} is empty: generating {settings.demo_leads:,} demo leads (seed "
            f"{settings.demo_seed}).",
            flush=True,
        )
        generate(settings.demo_leads, settings.demo_seed, settings.landing_dir, force=True)
    missing = [name for name in TABLES if not (settings.landing_dir / name).is_dir()]
    if missing:
        raise SystemExit(
            f"Landing folder {settings.landing_dir} lacks tables: {', '.join(missing)}. "
            "Land one folder per table (see README, 'Landing contract')."
        )
    print("Building and testing a candidate warehouse with dbt ...", flush=True)
    build_candidate(settings)
    published = publish(settings)
    print(f"Published {published} in {time.perf_counter() - started:.1f} s.\n")
    print(summary(published))


if __name__ == "__main__":
    main()
