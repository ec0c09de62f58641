"""Apache Spark: a throw-away local Thrift server (Spark's HiveThriftServer2 from the pinned pyspark, local
mode, 127.0.0.1 only) for `make engines` and the tests, and a reader of its tables for comparison. The landing
Parquet files need no loader: the dbt project creates the `raw` tables over them (expose_landing_zone)."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from shared_metrics.engines import free_local_port

STARTUP_SECONDS = 180


@dataclass(frozen=True)
class ThriftServer:
    host: str
    port: int
    user: str = "dbt"

    @classmethod
    def from_environment(cls) -> ThriftServer:
        """The server the dbt target `spark` points at (the same variables and defaults)."""
        return cls(
            host=os.environ.get("SPARK_HOST", "127.0.0.1"),
            port=int(os.environ.get("SPARK_PORT", "10000")),
            user=os.environ.get("SPARK_USER", "dbt"),
        )

    def environment(self) -> dict[str, str]:
        """The variables the dbt target `spark` (profiles.yml) reads."""
        return {"SPARK_HOST": self.host, "SPARK_PORT": str(self.port), "SPARK_USER": self.user}

    @contextlib.contextmanager
    def cursor(self) -> Iterator:
        """A cursor over PyHive, the driver dbt-spark uses for Thrift."""
        from pyhive import hive

        connection = hive.connect(host=self.host, port=self.port, username=self.user)
        try:
            cursor = connection.cursor()
            yield cursor
            cursor.close()
        finally:
            connection.close()


def spark_home() -> Path:
    """The Spark distribution inside the pyspark wheel (SPARK_HOME when set)."""
    if os.environ.get("SPARK_HOME"):
        return Path(os.environ["SPARK_HOME"])
    import pyspark

    return Path(pyspark.__file__).parent


@contextlib.contextmanager
def local_thrift_server(cores: int = 2, memory: str | None = None) -> Iterator[ThriftServer]:
    """Spark's Thrift server in local mode with a metastore and warehouse in a temporary folder, listening on
    127.0.0.1 only (no web UI), stopped and removed afterwards."""
    if not shutil.which("java") and not os.environ.get("JAVA_HOME"):
        raise RuntimeError("Spark needs Java 17 or newer: install a JDK (Debian: openjdk-17-jre-headless).")
    folder = Path(tempfile.mkdtemp(prefix="shared-metrics-spark-"))
    port = free_local_port()
    memory = memory or os.environ.get("SPARK_DRIVER_MEMORY", "4g")
    settings = {
        "spark.ui.enabled": "false",
        "spark.driver.host": "127.0.0.1",
        "spark.driver.bindAddress": "127.0.0.1",
        "spark.driver.memory": memory,
        "spark.sql.warehouse.dir": str(folder / "warehouse"),
        # Timestamps in the landing are UTC wall-clock values: read and compute them as such.
        "spark.sql.session.timeZone": "UTC",
        # A few partitions suit one machine; adaptive execution merges them further.
        "spark.sql.shuffle.partitions": str(max(4, 2 * cores)),
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={folder}",
    }
    hive_settings = {
        "hive.server2.thrift.port": str(port),
        "hive.server2.thrift.bind.host": "127.0.0.1",
        "javax.jdo.option.ConnectionURL": f"jdbc:derby:;databaseName={folder / 'metastore'};create=true",
    }
    command = [
        str(spark_home() / "bin" / "spark-submit"),
        "--class",
        "org.apache.spark.sql.hive.thriftserver.HiveThriftServer2",
        "--master",
        f"local[{cores}]",
        "--name",
        "shared-metrics-engines",
    ]
    for key, value in settings.items():
        command += ["--conf", f"{key}={value}"]
    for key, value in hive_settings.items():
        command += ["--hiveconf", f"{key}={value}"]
    command.append("spark-internal")
    log = folder / "server.log"
    environment = {**os.environ, "SPARK_HOME": str(spark_home()), "SPARK_LOCAL_IP": "127.0.0.1"}
    with log.open("w") as output:
        process = subprocess.Popen(
            command,
            cwd=folder,
            env=environment,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_stop_with_parent,
        )
    try:
        _wait_until_listening(process, port, log)
        yield ThriftServer(host="127.0.0.1", port=port)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        shutil.rmtree(folder, ignore_errors=True)


def _stop_with_parent() -> None:
    """In the server's process: Linux stops it when the process that started it dies, even if killed."""
    import ctypes

    set_parent_death_signal = 1  # prctl(PR_SET_PDEATHSIG, signal)
    ctypes.CDLL(None, use_errno=True).prctl(set_parent_death_signal, signal.SIGTERM)


def _wait_until_listening(process: subprocess.Popen, port: int, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"The Spark Thrift server stopped while starting:\n{log.read_text()[-3000:]}")
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(1)
    raise RuntimeError(
        f"The Spark Thrift server did not listen within {STARTUP_SECONDS} s:\n{log.read_text()[-3000:]}"
    )


def spark_tables(server: ThriftServer, schema: str, skip: tuple[str, ...] = ()) -> dict:
    """Every table of `schema` as DataFrames in a fixed order, like compare.warehouse_tables."""
    import pandas as pd

    from shared_metrics.compare import in_fixed_order

    tables = {}
    with server.cursor() as cursor:
        cursor.execute(f"show tables in {schema}")
        # Rows: namespace, name, is_temporary.
        names = sorted(row[1] for row in cursor.fetchall() if not row[2])
        for name in names:
            if name in skip:
                continue
            cursor.execute(f"select * from {schema}.`{name}`")
            columns = [d[0] for d in cursor.description]
            tables[name] = in_fixed_order(pd.DataFrame(cursor.fetchall(), columns=columns))
    return tables


# A refresh on Spark builds every schema as <schema>__v<version> (SHARED_METRICS_SCHEMA_SUFFIX): Parquet
# tables cannot be swapped in one transaction, so readers read views in the published schemas that point at
# one version.
VERSION_MARK = "__v"


def version_suffix(version: str) -> str:
    """The schema suffix of one refresh's tables (Spark names databases in lower case)."""
    return f"{VERSION_MARK}{version.lower()}"


def _databases(cursor) -> list[str]:
    cursor.execute("show databases")
    return [row[0] for row in cursor.fetchall()]


def _relations(cursor, database: str) -> list[str]:
    cursor.execute(f"show tables in `{database}`")
    return sorted(row[1] for row in cursor.fetchall() if not row[2])  # namespace, name, is_temporary


def newest_built_version(server: ThriftServer) -> str:
    with server.cursor() as cursor:
        versions = [name.rsplit(VERSION_MARK, 1)[1] for name in _databases(cursor) if VERSION_MARK in name]
    if not versions:
        raise RuntimeError(f"No versioned schemas on {server.host}:{server.port}: nothing was built.")
    return max(versions)


def publish_version(server: ThriftServer, version: str) -> list[str]:
    """Point the published schemas at one audited version: a view per table or view of that version (and none
    for what it no longer has), meta.publication naming it. Each view switches at once; the version before
    stays for readers still in a query, older and half-built versions are dropped. Returns the schemas."""
    suffix = version_suffix(version)
    published = []
    with server.cursor() as cursor:
        databases = _databases(cursor)
        built = [name for name in databases if name.endswith(suffix)]
        if not built:
            raise RuntimeError(f"No schemas of version {version} on {server.host}:{server.port}.")
        previous = None
        if "meta" in databases and "publication" in _relations(cursor, "meta"):
            cursor.execute("select version from meta.publication")
            previous = cursor.fetchone()[0]
        for versioned in built:
            schema = versioned.removesuffix(suffix)
            cursor.execute(f"create database if not exists `{schema}`")
            relations = _relations(cursor, versioned)
            cursor.execute(f"show views in `{schema}`")
            views = {row[1] for row in cursor.fetchall() if not row[2]}
            for table in set(_relations(cursor, schema)) - views:  # built in place by an earlier release
                cursor.execute(f"drop table `{schema}`.`{table}`")
            for relation in relations:
                source = f"`{versioned}`.`{relation}`"
                cursor.execute(f"create or replace view `{schema}`.`{relation}` as select * from {source}")
            for gone in views - set(relations):
                cursor.execute(f"drop view if exists `{schema}`.`{gone}`")
            published.append(schema)
        cursor.execute("create database if not exists meta")
        cursor.execute("drop table if exists meta.publication")
        cursor.execute(
            f"create table meta.publication as select '{version}' as version, "
            "current_timestamp() as published_at"
        )
        kept = {suffix} | ({version_suffix(previous)} if previous else set())
        for name in databases:
            if VERSION_MARK in name and not any(name.endswith(k) for k in kept):
                cursor.execute(f"drop database if exists `{name}` cascade")
    return published
