"""Refreshes from the command line, through Dagster (`dg launch`), for `make run`, `make refresh`,
`make rollback` and `make dagster`:

    python -m orchestration.cli run       # demo data if LANDING_DIR is empty, refresh, summary
    python -m orchestration.cli refresh   # one full refresh; exit code 1 names the failing step and tests
    python -m orchestration.cli rollback  # publish the previous version again
    python -m orchestration.cli dev       # the Dagster UI, schedule and sensor (`dg dev`) for `make dagster`

Each stops everything it started on Ctrl-C, a hang-up or a terminating signal.
"""

import argparse
import contextlib
import datetime as dt
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from shared_metrics.landing import LANDED_FILE_PATTERNS
from shared_metrics.publish import WarehouseError, published_version, rollback, versions_older_than
from shared_metrics.settings import (
    PRIVATE_FILE,
    PRIVATE_FOLDER,
    PROJECT_DIR,
    VENV_BIN,
    load_settings,
    virtualenv_environment,
)
from shared_metrics.summary import summary

# Lines of dg's log worth showing while a refresh runs; everything is kept in the log file.
PROGRESS = re.compile(
    r"STEP_SUCCESS|STEP_FAILURE|RUN_SUCCESS|RUN_FAILURE|Done\. PASS=| FAIL \d|ERROR creating|Failure in "
)
FAILED_STEP = re.compile(r'Execution of step "([^"]+)" failed')
# dbt prints the reason on the line after the failing node.
FAILED_TEST = re.compile(r"Failure in (?:test|unit_test) (\S+) \(([^)]+)\)\n\s*(.*)")
FAILED_MODEL = re.compile(
    r"(?:Database Error|Runtime Error|Compilation Error) in (?:model|seed|snapshot) (\S+) \(([^)]+)\)"
    r"\n\s*(.*)"
)
LANDING_PROBLEM = re.compile(r"Landing problem: [^\n]*")
WAREHOUSE_ERROR = re.compile(
    r"^(?:[\w.]+\.)?(?:WarehouseError|RefreshAlreadyRunning|SettingsError): ([^\n]*)", re.MULTILINE
)
ANSI = re.compile(r"\x1b\[[0-9;]*m")
INSTANCE_SETTINGS = Path(__file__).with_name("dagster.yaml")


def landing_is_empty(landing_dir: Path) -> bool:
    return not any(any(landing_dir.glob(f"*/{pattern}")) for pattern in LANDED_FILE_PATTERNS)


# Seconds Dagster and dbt get to stop after Ctrl-C or a kill before they are killed outright.
STOP_GRACE_SECONDS = 10


class Stopped(Exception):
    """The command was interrupted (Ctrl-C, a hang-up, `timeout`, a service manager) and stopped its job."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def process_tree(root: int) -> list[int]:
    """`root` and every process descended from it, parents first (Linux: read from /proc)."""
    children: dict[int, list[int]] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            text = stat.read_text()
        except OSError:  # ended meanwhile
            continue
        # "pid (command) state ppid ...": the command may hold spaces and parentheses.
        parent = int(text[text.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(stat.parent.name))
    tree, waiting = [], [root]
    while waiting:
        pid = waiting.pop(0)
        tree.append(pid)
        waiting += children.get(pid, [])
    return tree


def still_running(pids: list[int]) -> list[int]:
    """The processes of `pids` that have not stopped (a zombie has: only its parent's wait is missing)."""
    alive = []
    for pid in pids:
        try:
            os.kill(pid, 0)
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (ProcessLookupError, FileNotFoundError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


def stop_process_tree(process: subprocess.Popen) -> None:
    """SIGTERM to the process, its process group and every process it started, wherever they are grouped
    (dg dev starts its webserver, daemon and code servers in sessions of their own); SIGKILL to whatever is
    still running after STOP_GRACE_SECONDS."""
    tree = process_tree(process.pid)
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    for pid in still_running(tree):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_GRACE_SECONDS
    while time.monotonic() < deadline and still_running(tree):
        with contextlib.suppress(ChildProcessError):
            process.poll()
        time.sleep(0.1)
    for pid in still_running(tree + (process_tree(process.pid) if process.poll() is None else [])):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    process.wait()


STOPPING_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def stopped_as_a_whole(process: subprocess.Popen) -> Iterator[None]:
    """Ctrl-C, a hang-up or a terminating signal raise Stopped in the block; before it leaves, the process and
    everything it started are stopped (which also frees the refresh lock). The stopping happens here, not in
    the signal handler: a handler that waits for the child while the block waits for it would deadlock."""

    def interrupt(signum: int, frame: object) -> None:
        raise Stopped(signum)

    for signum in STOPPING_SIGNALS:
        signal.signal(signum, interrupt)
    try:
        yield
    except Stopped:
        for signum in STOPPING_SIGNALS:  # a second Ctrl-C must not cut the stopping short
            signal.signal(signum, signal.SIG_IGN)
        stop_process_tree(process)
        raise


def dagster_environment() -> dict[str, str]:
    """The environment dg runs in: the virtualenv's, and a Dagster instance in DAGSTER_HOME (data/dagster
    unless set) that holds our instance settings (no telemetry). Without a DAGSTER_HOME dg would use a
    throw-away instance: the run history would be lost and each start would be slower."""
    home = Path(os.environ.get("DAGSTER_HOME") or PROJECT_DIR / "data" / "dagster")
    home.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    settings = home / "dagster.yaml"
    if not settings.exists():
        settings.write_text(INSTANCE_SETTINGS.read_text(encoding="utf-8"), encoding="utf-8")
    return virtualenv_environment(DAGSTER_HOME=str(home.resolve()))


def launch(job: str) -> tuple[int, Path]:
    """Run one Dagster job in this process's environment; stream the important lines, log everything."""
    settings = load_settings()
    log_dir = settings.warehouse_dir.parent / "logs"
    log_dir.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    # The process id too: two refreshes started in one second must not write one file.
    log_path = log_dir / f"{job}-{dt.datetime.now(dt.UTC):%Y%m%dT%H%M%SZ}-{os.getpid()}.log"
    log_path.touch(mode=PRIVATE_FILE)
    with (
        log_path.open("w", encoding="utf-8") as log,
        subprocess.Popen(
            [str(VENV_BIN / "dg"), "launch", "--job", job],
            cwd=PROJECT_DIR,
            env=dagster_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # stopped as a whole by stopped_as_a_whole
        ) as process,
        stopped_as_a_whole(process),
    ):
        assert process.stdout is not None
        for line in process.stdout:
            log.write(line)
            clean = ANSI.sub("", line).rstrip()
            if PROGRESS.search(clean):
                print("  " + clean.split(" - ")[-1][:160], flush=True)
    return process.returncode, log_path


def failure_report(log_path: Path) -> str:
    text = ANSI.sub("", log_path.read_text(encoding="utf-8"))
    steps = sorted(set(FAILED_STEP.findall(text)))
    tests = sorted(set(FAILED_TEST.findall(text)))
    models = sorted(set(FAILED_MODEL.findall(text)))
    lines = [f"Failed step: {', '.join(steps) or 'unknown (see the log)'}"]
    lines += list(dict.fromkeys(LANDING_PROBLEM.findall(text)))
    lines += list(dict.fromkeys(WAREHOUSE_ERROR.findall(text)))
    lines += [f"Failed test: {name} ({path}): {reason}" for name, path, reason in tests]
    lines += [f"Failed model: {name} ({path}): {reason}" for name, path, reason in models]
    if len(lines) == 1:
        lines += ["Last lines of the log:", *text.strip().splitlines()[-15:]]
    return "\n".join(lines)


def outcome_for_readers(before: str | None, after: str | None) -> str:
    """What a failed or stopped refresh left readers with: the same published version, or (killed just after
    the swap) the new one."""
    if after != before and after is not None:
        return (
            f"the new warehouse (version {after}) was published before it stopped and is live; "
            "`make rollback` returns to the previous one."
        )
    return "the published warehouse was left as it was."


def refresh() -> None:
    settings = load_settings()
    before = published_version(settings)
    try:
        code, log_path = launch("refresh")
    except Stopped as stop:
        print(
            f"Refresh stopped ({stop}): Dagster and dbt were stopped too; "
            + outcome_for_readers(before, published_version(settings)),
            file=sys.stderr,
        )
        raise SystemExit(128 + stop.signum) from None
    if code != 0:
        raise SystemExit(
            f"Refresh failed; {outcome_for_readers(before, published_version(settings))}\n"
            f"{failure_report(log_path)}\nFull log: {log_path}"
        )
    print(f"Refresh succeeded; log: {log_path}")


def run() -> None:
    settings = load_settings()
    if landing_is_empty(settings.landing_dir):
        print(
            f"{settings.landing_dir} is empty: generating {settings.demo_leads:,} demo leads through Dagster."
        )
        code, log_path = launch("generate_demo_data")
        if code != 0:
            raise SystemExit(
                f"Generating demo data failed.\n{failure_report(log_path)}\nFull log: {log_path}"
            )
    if settings.builds_on_server:
        print(
            f"Refreshing through Dagster: build and test candidate schemas on the {settings.dbt_target} "
            "target, then publish them."
        )
        refresh()
        return
    print("Refreshing through Dagster: build and test a candidate warehouse, then publish it.")
    refresh()
    print()
    print(summary(settings.published_warehouse))


def dev(host: str, port: int) -> None:
    """`dg dev` in a session of its own; a signal to this process (or its group, as `make` forwards Ctrl-C)
    stops its webserver, daemon and code servers too."""
    with subprocess.Popen(
        [str(VENV_BIN / "dg"), "dev", "--host", host, "--port", str(port)],
        cwd=PROJECT_DIR,
        env=dagster_environment(),
        start_new_session=True,
    ) as process:
        try:
            with stopped_as_a_whole(process):
                code = process.wait()
        except Stopped as stop:
            print(
                f"Dagster stopped ({stop}): its webserver, daemon and code servers were stopped too.",
                file=sys.stderr,
            )
            raise SystemExit(128 + stop.signum) from None
    raise SystemExit(code)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "refresh", "rollback", "dev"])
    parser.add_argument("--host", default="127.0.0.1", help="dev: the address the UI listens on")
    parser.add_argument("--port", type=int, default=3000, help="dev: the UI's port")
    arguments = parser.parse_args(argv)
    command = arguments.command
    # Whatever this starts writes files for this account only (Dagster's run storage and compute logs, dbt's
    # logs), as the warehouse and refresh logs are.
    os.umask(os.umask(0) | 0o077)
    if command == "dev":
        dev(arguments.host, arguments.port)
    elif command == "run":
        try:
            run()
        except Stopped as stop:  # while generating demo data (a refresh reports for itself)
            raise SystemExit(f"Stopped ({stop}): Dagster was stopped too.") from None
    elif command == "refresh":
        refresh()
    else:
        try:
            publication = rollback(load_settings())
        except WarehouseError as exc:
            raise SystemExit(str(exc)) from exc
        older = versions_older_than(load_settings(), publication.version)
        print(
            f"Published version {publication.version} again at {publication.path}. "
            + (
                f"{len(older)} older version(s) kept: `make rollback` again goes further back."
                if older
                else "No older version is kept."
            )
        )


if __name__ == "__main__":
    main()
