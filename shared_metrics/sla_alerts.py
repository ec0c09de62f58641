"""SLA alerts to a webhook, each once: the published metrics.sla_alerts, grouped per rep with the manager.

Every alert (an MQL, an SLA, at_risk or breached) is POSTed until the webhook takes it, and never again after:
a ledger beside the published warehouse (``WAREHOUSE_DIR/sla_alert_ledger.duckdb``) records each delivery and
each failed attempt. An alert the webhook refused (an HTTP error, a timeout, no server) stays unsent and goes
out with the next delivery, if it is still listed then; an at-risk alert that has meanwhile been breached is
sent as a breach instead. Failures are returned, not raised: alerts never fail a refresh.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import http.client
import json
import os
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from shared_metrics import readouts
from shared_metrics.settings import PRIVATE_FILE, PRIVATE_FOLDER

LEDGER_FILE = "sla_alert_ledger.duckdb"
LEDGER_LOCK = ".sla_alert_ledger.lock"
ALERT_KEY = ["person_id", "sla", "alert_kind"]
LEDGER_TABLE = """
create table if not exists alert_deliveries (
    person_id text not null,
    sla text not null,
    alert_kind text not null,
    owner_user_id text,
    due_at timestamp,
    sla_clock_at timestamp,
    attempts integer not null,
    last_attempt_at timestamp not null,
    delivered_at timestamp,  -- null until the webhook took it
    last_error text,
    primary key (person_id, sla, alert_kind)
)
"""


class SlaAlertError(RuntimeError):
    """Alerts cannot be sent at all (the webhook address or the ledger); the message says what to do."""


@dataclass(frozen=True)
class Outcome:
    """What one delivery did: alerts listed, already sent before, sent now, and failed (rep: error)."""

    webhook: str  # "off", or the webhook's scheme and host (never its path: it may hold a token)
    listed: int = 0
    already_sent: int = 0
    sent: int = 0
    failed: int = 0
    failures: dict[str, str] = field(default_factory=dict)


def webhook_host(url: str) -> str:
    """The scheme and host of a webhook address, safe to log; raises SlaAlertError when it is none."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise SlaAlertError(
            "SLA_ALERT_WEBHOOK_URL is not an http(s) address: write e.g. https://hooks.example.com/T0/B0, or "
            "unset it to send no SLA alerts."
        )
    return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}"


def rep_message(rep_alerts: pd.DataFrame) -> dict:
    """The JSON message to one rep's alerts: the rep, the manager, a one-line text (what chat webhooks show)
    and the alerts, named by the MQL's Salesforce id (no lead names, emails or phones)."""
    first = rep_alerts.iloc[0]
    rep_name = _text(first["owner_display_name"]) or _text(first["owner_user_id"])
    manager_id = _text(first["manager_user_id"])
    counts = rep_alerts["alert_kind"].value_counts()
    return {
        "text": (
            f"Sales SLA alerts for {rep_name}: {int(counts.get('at_risk', 0))} due soon, "
            f"{int(counts.get('breached', 0))} breached"
            + (f" (manager: {_text(first['manager_display_name']) or manager_id})" if manager_id else "")
        ),
        "rep": {
            "user_id": _text(first["owner_user_id"]),
            "display_name": _text(first["owner_display_name"]),
            "team": _text(first["owner_team_name"]),
            "territory": _text(first["owner_territory"]),
        },
        "manager": manager_id
        and {"user_id": manager_id, "display_name": _text(first["manager_display_name"])},
        "sla_clock_at": _time(first["sla_clock_at"]),
        "alerts": [
            {
                "person_id": row.person_id,
                "person_type": row.person_type,
                "sla": row.sla,
                "alert_kind": row.alert_kind,
                "mql_at": _time(row.mql_at),
                "due_at": _time(row.due_at),
                "business_minutes_left": round(float(row.business_minutes_left), 1),
                "first_touch_at": _time(row.first_touch_at),
                "attempts_within_window": int(row.attempts_within_window),
                "min_attempts": None if pd.isna(row.min_attempts) else int(row.min_attempts),
                "segment": _text(row.segment),
            }
            for row in rep_alerts.itertuples()
        ],
    }


def post_json(url: str, message: dict, timeout_seconds: float) -> None:
    """POST one message; raises OSError (or http.client.HTTPException) unless the webhook answers 2xx."""
    request = urllib.request.Request(
        url,
        data=json.dumps(message).encode(),
        headers={"Content-Type": "application/json", "User-Agent": "shared-metrics-sla-alerts"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=timeout_seconds) as response:
        response.read()


def deliver(published: Path, warehouse_dir: Path, webhook_url: str, timeout_seconds: float) -> Outcome:
    """Send the published warehouse's SLA alerts that the webhook has not taken yet, one message per rep, and
    record the outcome in the ledger. Without a webhook address nothing is sent or recorded."""
    if not webhook_url:
        return Outcome(webhook="off")
    host = webhook_host(webhook_url)
    with duckdb.connect(str(published), read_only=True) as con:
        alerts = readouts.sla_alerts(readouts.connection_reader(con))
    with _ledger(warehouse_dir) as ledger:
        delivered = ledger.execute(
            "select person_id, sla, alert_kind from alert_deliveries where delivered_at is not null"
        ).df()
        unsent = alerts.merge(delivered, on=ALERT_KEY, how="left", indicator=True)
        unsent = unsent[unsent["_merge"] == "left_only"].drop(columns="_merge")
        failures: dict[str, str] = {}
        sent = failed = 0
        for _, rep_alerts in unsent.groupby("owner_user_id", sort=True, dropna=False):
            message = rep_message(rep_alerts)
            try:
                post_json(webhook_url, message, timeout_seconds)
                error = None
                sent += len(rep_alerts)
            except (OSError, http.client.HTTPException) as exc:
                error = f"{type(exc).__name__}: {exc}"
                failures[message["rep"]["display_name"] or message["rep"]["user_id"]] = error
                failed += len(rep_alerts)
            _record(ledger, rep_alerts, error)
    return Outcome(host, len(alerts), len(alerts) - len(unsent), sent, failed, failures)


@contextlib.contextmanager
def _ledger(warehouse_dir: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    """The ledger, opened by one delivery at a time (a refresh's and a retry's never interleave)."""
    warehouse_dir.mkdir(mode=PRIVATE_FOLDER, parents=True, exist_ok=True)
    descriptor = os.open(warehouse_dir / LEDGER_LOCK, os.O_RDWR | os.O_CREAT, PRIVATE_FILE)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        path = warehouse_dir / LEDGER_FILE
        try:
            con = duckdb.connect(str(path))
            con.execute(LEDGER_TABLE)
        except duckdb.Error as exc:
            raise SlaAlertError(
                f"The SLA alert ledger {path} cannot be opened ({exc}). Move it aside to start a new one: "
                "alerts still listed will then be sent once more."
            ) from exc
        os.chmod(path, PRIVATE_FILE)
        with con:
            yield con
    finally:
        os.close(descriptor)


def _record(ledger: duckdb.DuckDBPyConnection, alerts: pd.DataFrame, error: str | None) -> None:
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    attempt = alerts[[*ALERT_KEY, "owner_user_id", "due_at", "sla_clock_at"]].assign(
        last_attempt_at=now, delivered_at=None if error else now, last_error=error
    )
    ledger.register("attempt", attempt)
    ledger.execute(
        """insert into alert_deliveries
           select person_id, sla, alert_kind, owner_user_id, due_at, sla_clock_at, 1, last_attempt_at,
                  cast(delivered_at as timestamp), cast(last_error as text)
           from attempt
           on conflict (person_id, sla, alert_kind) do update set
               attempts = alert_deliveries.attempts + 1,
               last_attempt_at = excluded.last_attempt_at,
               delivered_at = excluded.delivered_at,
               last_error = excluded.last_error"""
    )
    ledger.unregister("attempt")


def _text(value: object) -> str | None:
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


def _time(value: object) -> str | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).isoformat() + "Z"
