"""What a published warehouse holds: row counts per layer, quarantined rows, the shared headline figures.

python -m shared_metrics.summary
"""

from pathlib import Path

import duckdb

from shared_metrics.settings import load_settings


def summary(warehouse: Path) -> str:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        layers = con.execute(
            """
            select table_schema, count(*) as relations
            from information_schema.tables
            where table_schema in ('config', 'staging', 'intermediate', 'metrics')
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
        "select sum(marketing_sourced_mql_count), sum(mql_quota), "
        "sum(marketing_sourced_accepted_mql_count) / sum(marketing_sourced_dispositioned_mql_count), "
        "sum(marketing_sourced_pipeline_amount), sum(marketing_sourced_pipeline_target_amount) "
        "from metrics.marketing_sla_compliance where mql_quota is not null"
    ).fetchall()[0]
    return [
        "Headline figures (metrics schema):",
        f"  MQL to SQL conversion (matured cohorts, {int(matured_mqls or 0):,} MQLs)  {percent(sql_rate)}",
        f"  Sales SLA: first touch within target                    {percent(first_touch)}",
        f"  Sales SLA: enough attempts                              {percent(attempts)}",
        f"  Marketing SLA: marketing-sourced MQLs vs quota          {percent(ratio(mqls, quota))}"
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
    if not settings.published_warehouse.exists():
        raise SystemExit(f"No published warehouse at {settings.published_warehouse}: run `make run` first.")
    print(summary(settings.published_warehouse))


if __name__ == "__main__":
    main()
