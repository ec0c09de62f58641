"""Landing assets: the raw Salesforce tables in LANDING_DIR (observed, not built here), and demo data."""

import datetime as dt
import hashlib
import json
from pathlib import Path

from dagster import AssetExecutionContext, AssetKey, AssetSpec, Config, MaterializeResult, asset

from orchestration.resources import WarehouseResource
from shared_metrics.generate.landing_zone import generate, today_utc
from shared_metrics.generate.truth import TRUTH_FILE
from shared_metrics.landing import LANDED_FILE_PATTERNS, TABLES

LANDING_GROUP = "landing"


def landing_asset_key(table: str) -> AssetKey:
    # The same key dagster-dbt gives the dbt source salesforce.<table>, so the lineage connects.
    return AssetKey(["salesforce", table])


landing_tables = [
    AssetSpec(
        key=landing_asset_key(table),
        group_name=LANDING_GROUP,
        description=f"Salesforce {table} as landed in LANDING_DIR/{table}/ (Parquet). Observed by the "
        "landing_files sensor; written by the EL tool or the demo data generator, never by a refresh.",
        kinds={"parquet"},
    )
    for table in TABLES
]


def table_fingerprint(landing_dir: Path, table: str) -> dict[str, int | str]:
    """Files, bytes and a digest of (name, size, modification time) of one landed table."""
    files = sorted(
        path
        for pattern in LANDED_FILE_PATTERNS
        for path in (landing_dir / table).glob(pattern)
        if path.is_file()
    )
    stats = [(path.name, path.stat().st_size, path.stat().st_mtime_ns) for path in files]
    digest = hashlib.sha256(json.dumps(stats).encode()).hexdigest()[:16]
    return {"files": len(files), "bytes": sum(size for _, size, _ in stats), "digest": digest}


class DemoDataConfig(Config):
    leads: int | None = None  # default: DEMO_LEADS
    seed: int | None = None  # default: DEMO_SEED
    as_of: str | None = None  # the data's last day (ISO date); default today (UTC), so the demo looks live
    replace_existing: bool = False


@asset(group_name="demo", kinds={"python", "parquet"})
def demo_landing_data(
    context: AssetExecutionContext, config: DemoDataConfig, warehouse: WarehouseResource
) -> MaterializeResult:
    """Synthetic Salesforce data with planted truth, written to LANDING_DIR. Materialize it only on purpose:
    it refuses to overwrite a landing folder that holds data unless replace_existing is set."""
    settings = warehouse.settings
    leads, seed = config.leads or settings.demo_leads, config.seed or settings.demo_seed
    as_of = dt.date.fromisoformat(config.as_of) if config.as_of else today_utc()
    truth = generate(
        leads, seed, settings.landing_dir, as_of=as_of, force=config.replace_existing, progress=False
    )
    tables = truth["defects"]["tables"]
    context.log.info(f"Wrote {leads:,} leads to {settings.landing_dir}")
    return MaterializeResult(
        metadata={
            "leads": leads,
            "seed": seed,
            "as_of": as_of.isoformat(),
            "landed_rows": sum(t["landed"] for t in tables.values()),
            "truth_file": str(settings.landing_dir / TRUTH_FILE),
        }
    )
