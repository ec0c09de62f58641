"""PostgreSQL: a throw-away local server for `make engines` and the tests, and the loader that copies the
landing Parquet files into the `raw` schema the dbt sources read on that engine (CSV landings are read by
the DuckDB engine only)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb

from shared_metrics.engines import CANDIDATE_SUFFIX, free_local_port
from shared_metrics.landing import TABLES, glob_literal, sql_literal

SERVER_BIN = Path(os.environ.get("POSTGRES_BIN_DIR", "/usr/lib/postgresql/15/bin"))
# The published schemas step aside under this name while the candidates take theirs, then go.
PREVIOUS_SUFFIX = "__previous"


@dataclass(frozen=True)
class Server:
    host: str
    port: int
    user: str
    database: str
    password: str = ""

    @classmethod
    def from_environment(cls) -> Server:
        """The server the dbt target `postgres` points at (the same variables and defaults)."""
        return cls(
            host=os.environ.get("POSTGRES_HOST", "127.0.0.1"),
            port=int(os.environ.get("POSTGRES_PORT", "5432")),
            user=os.environ.get("POSTGRES_USER", "postgres"),
            password=os.environ.get("POSTGRES_PASSWORD", ""),
            database=os.environ.get("POSTGRES_DB", "shared_metrics"),
        )

    def environment(self) -> dict[str, str]:
        """The variables the dbt target `postgres` (profiles.yml) reads."""
        return {
            "POSTGRES_HOST": self.host,
            "POSTGRES_PORT": str(self.port),
            "POSTGRES_USER": self.user,
            "POSTGRES_PASSWORD": self.password,
            "POSTGRES_DB": self.database,
        }

    @contextlib.contextmanager
    def cursor(self, autocommit: bool = True) -> Iterator:
        """A cursor (psycopg2, the driver dbt-postgres uses): in autocommit mode, or in one transaction that
        commits when the block ends and rolls back when it raises."""
        import psycopg2

        connection = psycopg2.connect(
            host=self.host,
            port=self.port,
            user=self.user,
            password=self.password or None,
            dbname=self.database,
        )
        connection.autocommit = autocommit
        try:
            with connection.cursor() as cursor:
                yield cursor
            if not autocommit:
                connection.commit()
        finally:
            connection.close()  # without a commit: rolled back


def _as_server_user(command: list[str]) -> list[str]:
    # initdb and postgres refuse to run as root: use the packaged postgres account then.
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return command


@contextlib.contextmanager
def local_server(database: str = "shared_metrics") -> Iterator[Server]:
    """A PostgreSQL server in a temporary folder, listening on 127.0.0.1 only, removed afterwards."""
    if not (SERVER_BIN / "initdb").exists():
        raise RuntimeError(
            f"No PostgreSQL server in {SERVER_BIN}: install the Debian package postgresql "
            "(or set POSTGRES_BIN_DIR), or point POSTGRES_HOST at an existing server."
        )
    folder = Path(tempfile.mkdtemp(prefix="shared-metrics-postgres-"))
    if os.geteuid() == 0:
        account = pwd.getpwnam("postgres")
        os.chown(folder, account.pw_uid, account.pw_gid)
    data, port = folder / "data", free_local_port()

    def run(program: str, *arguments: str) -> None:
        command = _as_server_user([str(SERVER_BIN / program), *arguments])
        subprocess.run(command, check=True, capture_output=True, text=True)

    try:
        run("initdb", "-D", str(data), "--auth=trust", "--username=postgres", "--encoding=UTF8", "--locale=C")
        run(
            "pg_ctl",
            "-D",
            str(data),
            "-l",
            str(folder / "server.log"),
            "-w",
            "-o",
            # Throw-away: no durability. No JIT: compiling hundreds of short queries costs more than it saves.
            f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
            "-c full_page_writes=off -c shared_buffers=512MB -c work_mem=256MB -c max_wal_size=4GB "
            "-c jit=off -c timezone=UTC",
            "start",
        )
        server = Server(host="127.0.0.1", port=port, user="postgres", database=database)
        with Server(host="127.0.0.1", port=port, user="postgres", database="postgres").cursor() as cursor:
            cursor.execute(f'create database "{database}"')
        yield server
    finally:
        if data.exists():
            subprocess.run(
                _as_server_user([str(SERVER_BIN / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"]),
                capture_output=True,
            )
        shutil.rmtree(folder, ignore_errors=True)


def load_landing(landing_dir: Path, server: Server) -> dict[str, int]:
    """Copy every landed table into schema `raw` (typed as the landing contract says); rows per table."""
    loaded = {}
    reader = duckdb.connect()
    with server.cursor() as cursor, tempfile.TemporaryDirectory() as scratch:
        cursor.execute("create schema if not exists raw")
        for name, table in TABLES.items():
            columns = ", ".join(f'"{c.name}" {c.sql_type}' for c in table.columns)
            cursor.execute(f'drop table if exists raw."{name}"')
            cursor.execute(f'create table raw."{name}" ({columns})')
            parquet = sorted(str(p) for p in (landing_dir / name).glob("*.parquet"))
            if parquet:
                listed = ", ".join(f'"{c.name}"' for c in table.columns)
                csv = Path(scratch) / f"{name}.csv"
                files = ", ".join(sql_literal(glob_literal(part)) for part in parquet)
                reader.execute(
                    f"copy (select {listed} from read_parquet([{files}], union_by_name = true)) "
                    f"to {sql_literal(csv)} (format csv, header false)"
                )
                with csv.open("rb") as source:
                    cursor.copy_expert(f'copy raw."{name}" ({listed}) from stdin (format csv)', source)
                csv.unlink()
            cursor.execute(f'select count(*) from raw."{name}"')
            loaded[name] = cursor.fetchone()[0]
        cursor.execute("analyze")
    return loaded


def postgres_tables(server: Server, schema: str, skip: tuple[str, ...] = ()) -> dict:
    """Every table of `schema` as DataFrames in a fixed order, like compare.warehouse_tables."""
    import pandas as pd

    from shared_metrics.compare import in_fixed_order

    tables = {}
    with server.cursor() as cursor:
        cursor.execute(
            "select table_name from information_schema.tables "
            "where table_schema = %s and table_type = 'BASE TABLE' order by 1",
            [schema],
        )
        for (name,) in cursor.fetchall():
            if name in skip:
                continue
            cursor.execute(f'select * from {schema}."{name}"')
            columns = [d.name for d in cursor.description]
            tables[name] = in_fixed_order(pd.DataFrame(cursor.fetchall(), columns=columns))
    return tables


def published_build(server: Server) -> tuple[str, dt.datetime | None] | None:
    """What the published schemas were built from and the as-of of their last refresh (the newest
    data_quality row), or None when nothing was published on this server."""
    with server.cursor() as cursor:
        cursor.execute("select to_regclass('meta.publication') is not null")
        if not cursor.fetchone()[0]:
            return None
        cursor.execute("select project_fingerprint from meta.publication")
        fingerprint = cursor.fetchone()[0]
        cursor.execute("select to_regclass('metrics.data_quality') is not null")
        if not cursor.fetchone()[0]:
            return fingerprint, None
        cursor.execute("select max(refreshed_at) from metrics.data_quality")
        return fingerprint, cursor.fetchone()[0]


def _schemas_ending(cursor, suffix: str) -> list[str]:
    cursor.execute(
        "select nspname from pg_namespace where right(nspname, %s) = %s order by 1", [len(suffix), suffix]
    )
    return [name for (name,) in cursor.fetchall()]


def prepare_candidate_schemas(server: Server, history: list[tuple[str, str]]) -> list[str]:
    """Write: the leftovers of a failed refresh dropped, then each table in `history` (schema, table: the
    incremental models an incremental refresh builds on) copied from the published schema into its candidate
    schema. Readers keep reading the published schemas all the while. Returns the tables copied."""
    copied = []
    with server.cursor() as cursor:
        for leftover in _schemas_ending(cursor, CANDIDATE_SUFFIX):
            cursor.execute(f'drop schema "{leftover}" cascade')
        for schema, table in history:
            cursor.execute("select to_regclass(%s) is not null", [f'"{schema}"."{table}"'])
            if not cursor.fetchone()[0]:
                continue
            candidate = schema + CANDIDATE_SUFFIX
            cursor.execute(f'create schema if not exists "{candidate}"')
            cursor.execute(f'create table "{candidate}"."{table}" (like "{schema}"."{table}" including all)')
            cursor.execute(f'insert into "{candidate}"."{table}" select * from "{schema}"."{table}"')
            copied.append(f"{schema}.{table}")
    return copied


def publish_candidate_schemas(server: Server, version: str, fingerprint: str) -> list[str]:
    """Publish: in one transaction every audited candidate schema takes its published name (the published
    one steps aside) and meta.publication records the version; readers see the old schemas or the new ones,
    never a mix. Views follow the renamed tables (PostgreSQL binds them by identity). The old schemas are
    dropped afterwards. Returns the published schemas."""
    with server.cursor(autocommit=False) as cursor:
        candidates = _schemas_ending(cursor, CANDIDATE_SUFFIX)
        if not candidates:
            raise RuntimeError(f"No candidate schemas on {server.host}:{server.port}/{server.database}.")
        published = [name.removesuffix(CANDIDATE_SUFFIX) for name in candidates]
        for candidate, name in zip(candidates, published, strict=True):
            cursor.execute(f'drop schema if exists "{name}{PREVIOUS_SUFFIX}" cascade')
            cursor.execute("select 1 from pg_namespace where nspname = %s", [name])
            if cursor.fetchone():
                cursor.execute(f'alter schema "{name}" rename to "{name}{PREVIOUS_SUFFIX}"')
            cursor.execute(f'alter schema "{candidate}" rename to "{name}"')
        cursor.execute("create schema if not exists meta")
        cursor.execute("drop table if exists meta.publication")
        cursor.execute(
            "create table meta.publication as select %s::text as version, "
            "(now() at time zone 'utc')::timestamp(0) as published_at, %s::text as project_fingerprint",
            [version, fingerprint],
        )
    with server.cursor() as cursor:  # waits for readers still in a query on an old schema
        for previous in _schemas_ending(cursor, PREVIOUS_SUFFIX):
            cursor.execute(f'drop schema "{previous}" cascade')
    return published
