"""Where packs are kept: <WAREHOUSE_DIR>/reports/weekly-<ISO year>-W<week>.html and .pdf, written atomically,
and latest.html / latest.pdf, copies of the newest week's."""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

import duckdb

from shared_metrics import readouts
from shared_metrics.report.html import to_html
from shared_metrics.report.pdf import to_pdf
from shared_metrics.report.weekly import ReportWeek, build_pack
from shared_metrics.settings import PRIVATE_FILE, PRIVATE_FOLDER, Settings

REPORTS_FOLDER = "reports"
PACK_PREFIX = "weekly-"
LATEST = "latest"


class NoPublishedWarehouseError(FileNotFoundError):
    """No warehouse is published yet, so there is nothing to report on."""


@dataclass(frozen=True)
class PackFiles:
    week: str
    html: Path
    pdf: Path


def reports_dir(settings: Settings) -> Path:
    return settings.warehouse_dir / REPORTS_FOLDER


def _write_atomically(path: Path, content: bytes) -> None:
    """A temporary file in the same folder, then a rename: readers see the old file or the new, whole."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(content)
        os.chmod(temporary, PRIVATE_FILE)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def newest_pack(folder: Path) -> PackFiles | None:
    """The newest week's pack in ``folder`` (ISO weeks sort by name), or None when there is none."""
    pdfs = sorted(folder.glob(f"{PACK_PREFIX}*.pdf")) if folder.is_dir() else []
    if not pdfs:
        return None
    newest = pdfs[-1]
    return PackFiles(newest.stem.removeprefix(PACK_PREFIX), newest.with_suffix(".html"), newest)


def render_pack(published: Path, folder: Path, week: ReportWeek | None = None) -> PackFiles:
    """Render the pack of ``week`` (default: the last complete one) from the published warehouse file,
    opened read-only, into ``folder``; latest.* then copy the newest week's pack."""
    if not published.exists():
        raise NoPublishedWarehouseError(
            f"No published warehouse at {published}: run `make run` first (or `make refresh` when the "
            "landing folder already has data), then render the pack again."
        )
    with duckdb.connect(str(published), read_only=True) as con:
        pack = build_pack(readouts.connection_reader(con), week)
    html, pdf = to_html(pack).encode(), to_pdf(pack)
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, PRIVATE_FOLDER)
    name = f"{PACK_PREFIX}{pack.week_label}"
    files = PackFiles(pack.week_label, folder / f"{name}.html", folder / f"{name}.pdf")
    _write_atomically(files.html, html)
    _write_atomically(files.pdf, pdf)
    newest = newest_pack(folder)
    if newest == files:
        _write_atomically(folder / f"{LATEST}.html", html)
        _write_atomically(folder / f"{LATEST}.pdf", pdf)
    return files


def render_published(settings: Settings, week: ReportWeek | None = None) -> PackFiles:
    """The pack from the published warehouse into <WAREHOUSE_DIR>/reports/."""
    return render_pack(settings.published_warehouse, reports_dir(settings), week)
