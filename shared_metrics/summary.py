"""What a published warehouse holds: row counts per layer, quarantined rows, the shared headline figures.

python -m shared_metrics.summary
"""

from pathlib import Path

import duckdb

from shared_metrics import readouts
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
        read = readouts.connection_reader(con)
        quarantined = readouts.quarantined_rows(read).itertuples(index=False)
        rows = [f"  {table:<26} {reason:<28} {count:>10,}" for table, reason, count in quarantined]
        lines.append("Quarantined rows by reason:" if rows else "Quarantined rows: none")
        lines += rows + data_clock_lines(read) + headline_lines(read)
    return "\n".join(lines)


def data_clock_lines(read: readouts.Reader) -> list[str]:
    clocks = readouts.data_clocks(read)
    lines = ["Data as of (time-dependent results are judged at these clocks):"]
    lines += [
        f"  {row.clock_name:<10} {row.clock_at:%Y-%m-%d %H:%M} UTC  "
        f"({row.hours_behind_refresh:,.0f} h before the refresh{', STALE' if row.is_stale else ''})"
        for row in clocks.itertuples()
    ]
    warning = readouts.staleness_warning(clocks)
    return lines + ([f"WARNING: {warning}"] if warning else [])


def headline_lines(read: readouts.Reader) -> list[str]:
    """The shared figures both teams watch, over all published data (readouts.headline_figures)."""
    lines = ["Headline figures (metrics schema):"]
    for figure in readouts.headline_figures(read).values():
        parts = f"{_number(figure.numerator)} of {_number(figure.denominator)}"
        note = f"; {figure.note}" if figure.note else ""
        lines.append(f"  {figure.label:<50} {percent(figure.value)}  ({parts}{note})")
    return lines


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.0f}"


def percent(value: float | None) -> str:
    return "n/a" if value is None else f"{100 * float(value):5.1f}%"


def main() -> None:
    settings = load_settings()
    if not settings.published_warehouse.exists():
        raise SystemExit(f"No published warehouse at {settings.published_warehouse}: run `make run` first.")
    print(summary(settings.published_warehouse))


if __name__ == "__main__":
    main()
