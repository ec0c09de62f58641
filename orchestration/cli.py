"""Refreshes from the command line, through Dagster (`dg launch`), for `make run`, `make refresh` and
`make rollback`:

    python -m orchestration.cli run       # demo data if LANDING_DIR is empty, refresh, summary
    python -m orchestration.cli refresh   # one full refresh; exit code 1 names the failing step and tests
    python -m orchestration.cli rollback  # publish the previous version again
"""

import argparse
import datetime as dt
import os
import re
import signal
import subprocess
import sys
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


def landing_is_empty(landing_dir: Path) -> bool:
    return not any(any(landing_dir.glob(f"*/{pattern}")) for pattern in LANDED_FILE_PATTERNS)


# Seconds Dagster and dbt get to stop after Ctrl-C or a kill before they are killed outright.
STOP_GRACE_SECONDS = 10


class Stopped(Exception):
    """The command was interrupted (Ctrl-C, a hang-up, `timeout`, a service manager) and stopped its job."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _stop_with_signals(process: subprocess.Popen) -> None:
    """On Ctrl-C, a hang-up or a terminating signal, stop dg and everything it started (its own process group:
    webserver-less `dg launch`, the run, dbt), which also frees the refresh lock, then raise Stopped."""

    def stop(signum: int, frame: object) -> None:
        try:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
        except ProcessLookupError:
            pass
        raise Stopped(signum)

    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop)


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
            env=virtualenv_environment(),
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,  # stopped as a whole by _stop_with_signals
        ) as process,
    ):
        _stop_with_signals(process)
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
        print(f"Refreshing through Dagster: build and test every model on the {settings.dbt_target} target.")
        refresh()
        return
    print("Refreshing through Dagster: build and test a candidate warehouse, then publish it.")
    refresh()
    print()
    print(summary(settings.published_warehouse))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m orchestration.cli", description=__doc__.splitlines()[0])
    parser.add_argument("command", choices=["run", "refresh", "rollback"])
    command = parser.parse_args(argv).command
    if command == "run":
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
