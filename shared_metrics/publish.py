"""Write–audit–publish for the DuckDB warehouse.

A refresh builds and tests a candidate file; only a fully tested candidate replaces the published
``warehouse.duckdb``, atomically (``os.replace``). Readers open the published file read-only.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from shared_metrics.settings import PUBLISHED_FILE_NAME, Settings

CANDIDATE_FOLDER = "candidate"


def candidate_path(settings: Settings) -> Path:
    # Same file name as the published file: DuckDB names the catalog after the file, and views keep it.
    return settings.warehouse_dir / CANDIDATE_FOLDER / PUBLISHED_FILE_NAME


def prepare_candidate(settings: Settings) -> Path:
    """An empty place for a new candidate; leftovers of a failed or killed refresh are removed."""
    folder = settings.warehouse_dir / CANDIDATE_FOLDER
    if folder.exists():
        shutil.rmtree(folder)
    try:
        folder.mkdir(parents=True)
    except OSError as exc:
        raise SystemExit(
            f"Cannot create the candidate warehouse folder {folder}: {exc.strerror}. "
            "Check that WAREHOUSE_DIR points at a writable folder with free space."
        ) from exc
    return folder / PUBLISHED_FILE_NAME


def publish(settings: Settings) -> Path:
    """Atomically replace the published warehouse with the audited candidate."""
    candidate = candidate_path(settings)
    if not candidate.exists():
        raise SystemExit(f"No candidate warehouse at {candidate}: run a refresh first.")
    published = settings.published_warehouse
    os.replace(candidate, published)
    shutil.rmtree(candidate.parent, ignore_errors=True)
    return published
