"""Write–audit–publish for the DuckDB warehouse.

A refresh builds and tests a candidate file; only a fully tested candidate replaces the published
``warehouse.duckdb``, atomically (``os.replace``). The previous versions stay as hard links in ``versions/``
for rollback, so keeping them costs no copy. Readers read the published version read-only (query_published).
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import shutil
import threading
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from shared_metrics.refresh_mode import project_fingerprint
from shared_metrics.settings import PRIVATE_FILE, PRIVATE_FOLDER, PUBLISHED_FILE_NAME, Settings

CANDIDATE_FOLDER = "candidate"
VERSION_FORMAT = "%Y%m%dT%H%M%SZ"  # versions sort by age as text
VERSIONS_FOLDER = "versions"
LOCK_FILE = ".refresh.lock"
READERS_FOLDER = ".readers"
_held_locks: dict[Path, int] = {}  # lock files this process holds, released at exit by the OS at the latest
# Published path -> (identity of the version, shared read-only connection, folder of its link).
_readers: dict[Path, tuple[tuple[int, int], duckdb.DuckDBPyConnection, Path]] = {}
_readers_lock = threading.Lock()


class WarehouseError(RuntimeError):
    """The warehouse folder cannot be written or read as a refresh needs; the message says what to do.
    The published warehouse is never changed when one is raised."""


class RefreshAlreadyRunning(WarehouseError):
    pass


@dataclass(frozen=True)
class Publication:
    version: str
    published_at: dt.datetime
    path: Path


def version_now() -> str:
    """The version name of something published now (to the second)."""
    return dt.datetime.now(dt.UTC).strftime(VERSION_FORMAT)


def candidate_path(settings: Settings) -> Path:
    # Same file name as the published file: DuckDB names the catalog after the file, and views keep it.
    return settings.warehouse_dir / CANDIDATE_FOLDER / PUBLISHED_FILE_NAME


def acquire_refresh_lock(settings: Settings) -> None:
    """One refresh at a time per warehouse folder; held until released or until this process ends."""
    lock_path = _writable_folder(settings.warehouse_dir) / LOCK_FILE
    if lock_path in _held_locks:
        return
    descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        os.close(descriptor)
        raise RefreshAlreadyRunning(
            f"Another refresh is writing to {settings.warehouse_dir}; "
            "wait for it to finish, then run this again."
        ) from exc
    _held_locks[lock_path] = descriptor


def release_refresh_lock(settings: Settings) -> None:
    descriptor = _held_locks.pop(settings.warehouse_dir / LOCK_FILE, None)
    if descriptor is not None:
        os.close(descriptor)


def prepare_candidate(settings: Settings) -> Path:
    """A fresh candidate: leftovers of a failed or killed refresh removed, then a copy of the published
    warehouse (or nothing) to build on, so models that keep history find it."""
    acquire_refresh_lock(settings)
    folder = settings.warehouse_dir / CANDIDATE_FOLDER
    shutil.rmtree(folder, ignore_errors=True)
    _writable_folder(folder)
    candidate = folder / PUBLISHED_FILE_NAME
    if settings.published_warehouse.exists():
        if _version_of(settings.published_warehouse) is None:
            raise WarehouseError(_damaged(settings.published_warehouse))
        try:
            shutil.copyfile(settings.published_warehouse, candidate)
        except OSError as exc:
            raise WarehouseError(
                f"Cannot copy the published warehouse into the candidate {candidate}: {exc.strerror}. "
                "Free disk space in WAREHOUSE_DIR, then refresh again; the published warehouse is unchanged."
            ) from exc
    return candidate


def publish(settings: Settings) -> Publication:
    """Atomically replace the published warehouse with the audited candidate; keep the previous versions."""
    candidate = candidate_path(settings)
    if not candidate.exists():
        raise WarehouseError(f"No candidate warehouse at {candidate}: run a refresh first.")
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    version = now.strftime(VERSION_FORMAT)
    with duckdb.connect(str(candidate)) as con:
        # The views onto the landing files (names, emails, phones) stay out of what readers get; the next
        # refresh creates them again in its own candidate.
        con.execute("drop schema if exists raw cascade")
        # Readers learn what they read; the checkpoint leaves no write-ahead log behind the file.
        con.execute("create schema if not exists meta")
        # What it was built from decides whether the next refresh may build on it (refresh_mode).
        con.execute(
            "create or replace table meta.publication as "
            "select ? as version, cast(? as timestamp) as published_at, ? as project_fingerprint",
            [version, now.replace(tzinfo=None), project_fingerprint()],
        )
        con.execute("checkpoint")
    published = settings.published_warehouse
    versions = _writable_folder(settings.warehouse_dir / VERSIONS_FOLDER)
    previous = _version_of(published) if published.exists() else None
    if previous:  # a damaged file is not worth keeping
        keep = versions / f"warehouse-{previous}.duckdb"
        if not keep.exists():
            os.link(published, keep)  # a second name for the old file: no copy, and it survives the replace
    candidate.chmod(PRIVATE_FILE)  # versions are hard links: they keep it too
    os.replace(candidate, published)
    shutil.rmtree(candidate.parent, ignore_errors=True)
    _prune_versions(versions, settings.published_versions_kept)
    return Publication(version=version, published_at=now, path=published)


def rollback(settings: Settings) -> Publication:
    """Publish the version before the one now published, atomically. Repeated, it walks back through the kept
    versions (V3, then V2, then V1); the version it replaces is kept, so a later rollback never returns to it
    before the older ones and a refresh publishes on top as usual. A damaged published file is not kept."""
    acquire_refresh_lock(settings)
    versions_folder = settings.warehouse_dir / VERSIONS_FOLDER
    current = published_version(settings)
    earlier = versions_older_than(settings, current)
    if not earlier:
        raise WarehouseError(
            f"No version older than the published {current or 'one'} is kept in {versions_folder}: "
            "nothing to roll back to (PUBLISHED_VERSIONS_KEPT sets how many are kept)."
        )
    target = earlier[-1]
    staging = settings.warehouse_dir / f".rollback-{os.getpid()}.duckdb"
    os.link(target, staging)
    if current:
        keep = versions_folder / f"warehouse-{current}.duckdb"
        if not keep.exists():
            os.link(settings.published_warehouse, keep)
    os.replace(staging, settings.published_warehouse)
    target.unlink()
    return Publication(
        version=_version_name(target), published_at=dt.datetime.now(dt.UTC), path=settings.published_warehouse
    )


def kept_versions(settings: Settings) -> list[Path]:
    """The previous versions kept for rollback, oldest first."""
    return sorted((settings.warehouse_dir / VERSIONS_FOLDER).glob("warehouse-*.duckdb"), key=_version_name)


def versions_older_than(settings: Settings, version: str | None) -> list[Path]:
    """The kept versions a rollback from `version` can go back to, oldest first (all of them without one)."""
    return [kept for kept in kept_versions(settings) if version is None or _version_name(kept) < version]


def _version_name(path: Path) -> str:
    return path.stem.removeprefix("warehouse-")


def published_version(settings: Settings) -> str | None:
    path = settings.published_warehouse
    return _version_of(path) if path.exists() else None


def query_published(settings: Settings, sql: str, parameters: list | None = None) -> pd.DataFrame:
    """Run one read-only query on the published warehouse. Every reader (dashboard, tests, tools) goes
    through here. Readers in one process share a read-only connection to the published version (opening one
    costs more than most dashboard queries); a new publication is picked up by the next query."""
    reader = _published_reader(settings.published_warehouse)
    if reader is None:  # the folder cannot hold the reader's link: a short connection per query
        with _open_published(settings.published_warehouse, settings.published_warehouse) as con:
            return con.execute(sql, parameters or []).df()
    with reader.cursor() as cursor:  # one cursor per query: safe across the dashboard's threads
        return cursor.execute(sql, parameters or []).df()


def _published_reader(published: Path) -> duckdb.DuckDBPyConnection | None:
    """The shared connection to the version of the file now published, opened through a private hard link:
    publishing replaces the published name, never the linked file, so the reader never blocks a refresh, and
    other code opening the published path never gets DuckDB's cached instance of an older version."""
    status = published.stat()
    identity = (status.st_ino, status.st_mtime_ns)
    with _readers_lock:
        current = _readers.get(published)
        if current and current[0] == identity:
            return current[1]
        readers = published.parent / READERS_FOLDER
        folder = readers / f"{os.getpid()}-{status.st_ino}-{status.st_mtime_ns}"
        link = folder / PUBLISHED_FILE_NAME  # the file name names the catalog, which views refer to
        try:
            _remove_readers_of_ended_processes(readers)
            folder.mkdir(parents=True, exist_ok=True)
            if not link.exists():
                os.link(published, link)
        except OSError:
            return None
        try:
            reader = _open_published(link, published)
        except WarehouseError:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        if current:
            # Queries still running hold their own cursors; the old version's file goes when they finish.
            current[1].close()
            shutil.rmtree(current[2], ignore_errors=True)
        _readers[published] = (identity, reader, folder)
        return reader


def close_published_readers() -> None:
    """Close this process's shared readers, before it writes a published file in place (the benchmark)."""
    with _readers_lock:
        for _, reader, folder in _readers.values():
            reader.close()
            shutil.rmtree(folder, ignore_errors=True)
        _readers.clear()


def _remove_readers_of_ended_processes(readers: Path) -> None:
    """Links left by readers that ended would keep old versions' disk space."""
    for folder in readers.glob("*-*-*"):
        pid = int(folder.name.split("-")[0])
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # alive, another user's


def _version_of(warehouse: Path) -> str | None:
    """The version a warehouse file records (meta.publication). A file that records none (built before
    versions were recorded, or copied in by hand) is named by its modification time in the same form, so every
    version sorts by age; None when the file cannot be opened at all (damaged)."""
    recorded = None
    try:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            recorded_table = "schema_name = 'meta' and table_name = 'publication'"
            if con.execute(f"select count(*) from duckdb_tables() where {recorded_table}").fetchone()[0]:
                recorded = con.execute("select max(version) from meta.publication").fetchone()[0]
    except duckdb.Error:
        return None
    if recorded:
        return recorded
    modified = dt.datetime.fromtimestamp(warehouse.stat().st_mtime, dt.UTC)
    return modified.strftime(VERSION_FORMAT)


def _open_published(path: Path, published: Path) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the published file or a link to it; one DuckDB cannot open is damaged."""
    try:
        return duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise WarehouseError(_damaged(published)) from exc


def _damaged(published: Path) -> str:
    return (
        f"The published warehouse {published} cannot be opened: the file is damaged. Run `make rollback` to "
        "publish the previous version again (refreshes then build on it), or remove the file to rebuild "
        "everything from the landing folder."
    )


def _prune_versions(versions: Path, keep: int) -> None:
    kept = sorted(versions.glob("warehouse-*.duckdb"), key=_version_name)
    for old in kept[:-keep] if keep > 0 else kept:
        old.unlink(missing_ok=True)


def _writable_folder(folder: Path) -> Path:
    try:
        folder.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    except OSError as exc:
        raise WarehouseError(
            f"Cannot create the warehouse folder {folder}: {exc.strerror}. "
            "Point WAREHOUSE_DIR at a writable folder with free space; the published warehouse is unchanged."
        ) from exc
    return folder
