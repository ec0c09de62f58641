"""Every setting the Python side reads from the environment, in one place."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
PUBLISHED_FILE_NAME = "warehouse.duckdb"


@dataclass(frozen=True)
class Settings:
    landing_dir: Path
    warehouse_dir: Path
    demo_leads: int
    demo_seed: int

    @property
    def published_warehouse(self) -> Path:
        return self.warehouse_dir / PUBLISHED_FILE_NAME


def _path(name: str, default: str) -> Path:
    value = Path(os.environ.get(name) or default)
    return value if value.is_absolute() else (PROJECT_DIR / value)


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name) or str(default)
    try:
        return int(raw.replace("_", ""))
    except ValueError as exc:
        raise SystemExit(
            f"Environment variable {name}={raw!r} is not a whole number; set it to e.g. {default}."
        ) from exc


def load_settings() -> Settings:
    return Settings(
        landing_dir=_path("LANDING_DIR", "data/landing"),
        warehouse_dir=_path("WAREHOUSE_DIR", "data/warehouse"),
        demo_leads=_int("DEMO_LEADS", 100_000),
        demo_seed=_int("DEMO_SEED", 42),
    )
