"""SLA alerts (issue 22, item 3): MQLs planted near their first-touch or attempts deadline reach a local
webhook, grouped per rep with the manager, each once; a failing webhook never fails a refresh and gets the
alerts later (the sensor sla_alert_retries); without a webhook address nothing is sent."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from dagster import DagsterInstance, RunRequest, build_sensor_context, materialize

from orchestration.assets.alerts import sla_alert_notifications
from orchestration.automation import sla_alert_retries_sensor
from orchestration.resources import SlaAlertWebhookResource, WarehouseResource
from shared_metrics.business_time import load_calendars
from shared_metrics.engines import free_local_port
from shared_metrics.landing import TABLES
from shared_metrics.publish import published_version
from shared_metrics.settings import AS_OF_ENV, Settings
from shared_metrics.sla_alerts import LEDGER_FILE, SlaAlertError, webhook_host

pytestmark = pytest.mark.xdist_group("sla_alerts")

# Friday 2026-11-20 16:00 UTC: 11:00 in New York (EST), 16:00 in London (GMT). The tiny landing ends on
# 2026-11-01, so every generated MQL's SLA was decided more than the breach look-back (24 business hours, var
# sla_alert_breached_within_business_hours) before: only the planted MQLs below can alert.
CLOCK = dt.datetime(2026, 11, 20, 16)


@dataclass(frozen=True)
class PlantedMql:
    lead_id: str
    territory: str  # its owner's: the calendar that times the SLA
    mql_at: dt.datetime
    touched_at: dt.datetime | None = None


PLANTED = [
    # First touch due 14:00 New York time, 180 business minutes after the clock.
    PlantedMql("00Q900000000000001", "North America", dt.datetime(2026, 11, 20, 15)),
    # First touch was due yesterday at 16:00 New York time: breached 180 business minutes ago.
    PlantedMql("00Q900000000000002", "North America", dt.datetime(2026, 11, 19, 17)),
    # Touched within 15 minutes, its attempt window closes next week: nothing to alert.
    PlantedMql(
        "00Q900000000000003",
        "North America",
        dt.datetime(2026, 11, 20, 15, 30),
        dt.datetime(2026, 11, 20, 15, 45),
    ),
    # Touched once in time, but 3 attempts are due within 5 business days: the window closes at 13:00 today.
    PlantedMql(
        "00Q900000000000004",
        "North America",
        dt.datetime(2026, 11, 13, 18),
        dt.datetime(2026, 11, 13, 18, 30),
    ),
    # London closes at 17:00: the first touch falls due on Monday at 10:00, 120 business minutes away.
    PlantedMql("00Q900000000000005", "UK & Ireland", dt.datetime(2026, 11, 20, 14)),
    # Its first touch was missed on Monday (34.5 business hours ago: too old to alert); its attempt window
    # closes on Monday at 09:30, 90 business minutes away.
    PlantedMql("00Q900000000000006", "UK & Ireland", dt.datetime(2026, 11, 16, 9, 30)),
]

# Worked out by hand from the calendars (09:00-17:00 local, no holidays in these weeks); the Python business
# calendar agrees (test_the_planted_deadlines_agree_with_the_python_business_calendar).
EXPECTED = {
    ("00Q900000000000001", "first_touch"): ("at_risk", "2026-11-20T19:00:00Z", 180.0),
    ("00Q900000000000002", "first_touch"): ("breached", "2026-11-19T21:00:00Z", -180.0),
    ("00Q900000000000004", "attempts"): ("at_risk", "2026-11-20T18:00:00Z", 120.0),
    ("00Q900000000000005", "first_touch"): ("at_risk", "2026-11-23T10:00:00Z", 120.0),
    ("00Q900000000000006", "attempts"): ("at_risk", "2026-11-23T09:30:00Z", 90.0),
}
FIRST_TOUCH_TARGET_SECONDS = 240 * 60  # seed sales_sla_targets
ATTEMPT_WINDOW_BUSINESS_DAYS = 5
HORIZON_SECONDS = 4 * 3600  # var sla_alert_horizon_business_hours
BREACHED_WITHIN_SECONDS = 24 * 3600  # var sla_alert_breached_within_business_hours


class Webhook:
    """A local HTTP server on 127.0.0.1 that records each JSON message and answers with `status`."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.messages: list[dict] = []
        webhook = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                webhook.messages.append(json.loads(body))
                self.send_response(webhook.status)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/T0/secret-token"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def alerts(self) -> dict[tuple[str, str], tuple[str, str, float]]:
        return {
            (alert["person_id"], alert["sla"]): (
                alert["alert_kind"],
                alert["due_at"],
                alert["business_minutes_left"],
            )
            for message in self.messages
            for alert in message["alerts"]
        }

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def webhook() -> Iterator[Webhook]:
    server = Webhook()
    yield server
    server.close()


@dataclass(frozen=True)
class Reps:
    by_territory: dict[str, str]  # territory -> rep user id
    managers: dict[str, tuple[str, str]]  # rep user id -> (manager user id, manager name)


def planted_reps(landing: Path) -> Reps:
    """An active sales rep with a landed manager in each planted territory, from the landed user table."""
    users = pq.read_table(landing / "user").to_pylist()
    names = {user["id"]: user["name"] for user in users}
    by_territory, managers = {}, {}
    for territory in sorted({mql.territory for mql in PLANTED}):
        rep = min(
            user["id"]
            for user in users
            if user["territory"] == territory
            and user["user_role"] == "Sales Rep"
            and user["is_active"]
            and not user["is_deleted"]
            and user["manager_id"] in names
        )
        by_territory[territory] = rep
        manager = next(user["manager_id"] for user in users if user["id"] == rep)
        managers[rep] = (manager, names[manager])
    return Reps(by_territory, managers)


def plant_mqls(landing: Path, reps: Reps) -> None:
    """New leads that became MQLs at the planted times (created a day before), and their touches."""
    template = pq.read_table(landing / "lead").slice(0, 1).to_pylist()[0]
    country = {"North America": "United States", "UK & Ireland": "United Kingdom"}
    leads, history, tasks = [], [], []
    for number, mql in enumerate(PLANTED, start=1):
        created = mql.mql_at - dt.timedelta(days=1)
        leads.append(
            template
            | {
                "id": mql.lead_id,
                "created_date": created,
                "owner_id": reps.by_territory[mql.territory],
                "status": "Marketing Qualified",
                "country": country[mql.territory],
                "number_of_employees": 50,
                "is_converted": False,
                "converted_date": None,
                "converted_contact_id": None,
                "converted_account_id": None,
                "converted_opportunity_id": None,
                "disqualified_reason_c": None,
                "recycled_reason_c": None,
                "is_deleted": False,
                "system_modstamp": mql.mql_at,
            }
        )
        for suffix, field, old, new, at in (
            ("1", "created", None, None, created),
            ("2", "Status", "Open - Not Contacted", "Marketing Qualified", mql.mql_at),
        ):
            history.append(
                {
                    "id": f"017900000000000{number:02d}{suffix}",
                    "lead_id": mql.lead_id,
                    "field": field,
                    "old_value": old,
                    "new_value": new,
                    "created_by_id": reps.by_territory[mql.territory],
                    "created_date": at,
                    "is_deleted": False,
                }
            )
        if mql.touched_at:
            tasks.append(
                {
                    "id": f"00T9000000000000{number:02d}",
                    "who_id": mql.lead_id,
                    "what_id": None,
                    "owner_id": reps.by_territory[mql.territory],
                    "subject": "Call",
                    "type": "Call",
                    "task_subtype": "Call",
                    "status": "Completed",
                    "is_closed": True,
                    "activity_date": mql.touched_at.date(),
                    "completed_date_time": mql.touched_at,
                    "created_date": mql.touched_at,
                    "is_deleted": False,
                    "system_modstamp": mql.touched_at,
                }
            )
    for table, rows in (("lead", leads), ("lead_history", history), ("task", tasks)):
        pq.write_table(
            pa.Table.from_pylist(rows, TABLES[table].schema), landing / table / "part-planted.parquet"
        )


@dataclass(frozen=True)
class PlantedRefresh:
    settings: Settings
    reps: Reps
    succeeded: bool
    published_before: str | None
    ledger_after_refresh: list[dict]


@pytest.fixture(scope="module")
def planted_refresh(published_tiny: Settings, refresh_in_process) -> PlantedRefresh:
    """The tiny warehouse refreshed at CLOCK with the planted MQLs landed, while the webhook is down (nothing
    listens on its port)."""
    reps = planted_reps(published_tiny.landing_dir)
    plant_mqls(published_tiny.landing_dir, reps)
    before = published_version(published_tiny)
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv(AS_OF_ENV, CLOCK.isoformat(sep=" "))
        succeeded = refresh_in_process(
            published_tiny,
            sla_alert_webhook_url=f"http://127.0.0.1:{free_local_port()}/hooks/T0/secret-token",
        )
    with duckdb.connect(str(published_tiny.warehouse_dir / LEDGER_FILE), read_only=True) as ledger:
        rows = ledger.execute("select * from alert_deliveries").df().to_dict("records")
    return PlantedRefresh(published_tiny, reps, succeeded, before, rows)


def send_alerts(settings: Settings, url: str, instance: DagsterInstance | None = None) -> dict:
    """One delivery as the job send_sla_alerts (the retry sensor's) runs it: its materialization metadata."""
    result = materialize(
        [sla_alert_notifications],
        instance=instance,
        resources={
            "warehouse": WarehouseResource(
                landing_dir=str(settings.landing_dir), warehouse_dir=str(settings.warehouse_dir)
            ),
            "sla_alert_webhook": SlaAlertWebhookResource(url=url, timeout_seconds=5),
        },
    )
    assert result.success
    event = result.asset_materializations_for_node("sla_alert_notifications")[0]
    return {name: value.value for name, value in event.metadata.items()}


def a_copy_of_the_published_warehouse(refresh: PlantedRefresh, folder: Path) -> Settings:
    """The planted refresh's published warehouse in a folder of its own, with no ledger yet."""
    folder.mkdir()
    (folder / "warehouse.duckdb").hardlink_to(refresh.settings.published_warehouse)
    return replace(refresh.settings, warehouse_dir=folder)


def retry_requests(instance: DagsterInstance) -> list[RunRequest]:
    """What the sensor sla_alert_retries asks for, looking at the newest delivery in the instance."""
    return sla_alert_retries_sensor.evaluate_tick(build_sensor_context(instance=instance)).run_requests


def test_a_failing_webhook_does_not_fail_the_refresh_and_its_alerts_wait_unsent(
    planted_refresh: PlantedRefresh,
) -> None:
    assert planted_refresh.succeeded
    assert published_version(planted_refresh.settings) != planted_refresh.published_before
    ledger = planted_refresh.ledger_after_refresh
    assert {(row["person_id"], row["sla"]): row["alert_kind"] for row in ledger} == {
        key: kind for key, (kind, _, _) in EXPECTED.items()
    }
    for row in ledger:
        assert row["attempts"] == 1 and pd.isna(row["delivered_at"])
        assert "Connection refused" in row["last_error"]


def test_planted_near_breaches_reach_the_webhook_per_rep_with_the_manager_and_never_twice(
    planted_refresh: PlantedRefresh, webhook: Webhook
) -> None:
    metadata = send_alerts(planted_refresh.settings, webhook.url)
    assert webhook.alerts() == EXPECTED
    assert (metadata["sent_alerts"], metadata["failed_alerts"], metadata["webhook"]) == (
        len(EXPECTED),
        0,
        webhook.url.split("/hooks")[0],  # the address's token is never shown
    )
    reps = planted_refresh.reps
    by_rep = {message["rep"]["user_id"]: message for message in webhook.messages}
    assert set(by_rep) == set(reps.by_territory.values())
    for territory, rep in reps.by_territory.items():
        message = by_rep[rep]
        planted_here = {mql.lead_id for mql in PLANTED if mql.territory == territory}
        assert {alert["person_id"] for alert in message["alerts"]} == planted_here & {p for p, _ in EXPECTED}
        manager_id, manager_name = reps.managers[rep]
        assert message["manager"] == {"user_id": manager_id, "display_name": manager_name}
        assert message["sla_clock_at"] == CLOCK.isoformat() + "Z"
        assert manager_name in message["text"]
    # No lead names, emails or phones: the template lead's are in the landing, not in any message.
    template = pq.read_table(planted_refresh.settings.landing_dir / "lead").slice(0, 1).to_pylist()[0]
    sent = json.dumps(webhook.messages)
    assert not any(template[column] in sent for column in ("first_name", "last_name", "email", "phone"))

    webhook.messages.clear()
    again = send_alerts(planted_refresh.settings, webhook.url)
    assert webhook.messages == []
    assert (again["already_sent_alerts"], again["sent_alerts"]) == (len(EXPECTED), 0)


def test_a_webhook_answering_500_is_retried_by_the_sensor_until_it_takes_the_alerts(
    planted_refresh: PlantedRefresh, webhook: Webhook, tmp_path: Path
) -> None:
    settings = a_copy_of_the_published_warehouse(planted_refresh, tmp_path / "warehouse")
    instance = DagsterInstance.ephemeral()
    webhook.status = 500
    failed = send_alerts(settings, webhook.url, instance)
    assert (failed["sent_alerts"], failed["failed_alerts"]) == (0, len(EXPECTED))
    assert len(webhook.messages) == len(planted_refresh.reps.by_territory)  # one attempt per rep
    assert len(retry_requests(instance)) == 1

    webhook.status = 200
    webhook.messages.clear()
    retried = send_alerts(settings, webhook.url, instance)
    assert (retried["sent_alerts"], retried["failed_alerts"]) == (len(EXPECTED), 0)
    assert webhook.alerts() == EXPECTED
    assert retry_requests(instance) == []


def test_without_a_webhook_address_nothing_is_sent_or_recorded(
    planted_refresh: PlantedRefresh, tmp_path: Path
) -> None:
    settings = a_copy_of_the_published_warehouse(planted_refresh, tmp_path / "warehouse")
    metadata = send_alerts(settings, "")
    assert metadata["webhook"] == "off"
    assert not (settings.warehouse_dir / LEDGER_FILE).exists()


@pytest.mark.check
def test_a_webhook_address_that_is_not_http_is_named_and_its_token_never_shown() -> None:
    with pytest.raises(
        SlaAlertError, match=r"SLA_ALERT_WEBHOOK_URL is not an http\(s\) address: write e\.g\."
    ):
        webhook_host("hooks.example.com/T0/secret")
    assert (
        webhook_host("https://bot:pw@hooks.example.com:8443/T0/secret?token=x")
        == "https://hooks.example.com:8443"
    )


@pytest.mark.check
def test_the_planted_deadlines_agree_with_the_python_business_calendar() -> None:
    calendars = load_calendars(dt.date(2026, 11, 1), dt.date(2026, 12, 31))
    epoch = dt.datetime(1970, 1, 1)

    def seconds(moment: dt.datetime) -> int:
        return int((moment - epoch).total_seconds())

    computed = {}
    for mql in PLANTED:
        calendar = calendars[mql.territory]
        targets = {
            "first_touch": FIRST_TOUCH_TARGET_SECONDS,
            "attempts": ATTEMPT_WINDOW_BUSINESS_DAYS * calendar.workday_seconds,
        }
        for sla, target in targets.items():
            due = int(calendar.add_business_seconds(np.array([seconds(mql.mql_at)]), np.array([target]))[0])
            left = int(calendar.business_seconds_between(np.array([seconds(CLOCK)]), np.array([due]))[0])
            met = sla == "first_touch" and mql.touched_at is not None and seconds(mql.touched_at) <= due
            if not met and -BREACHED_WITHIN_SECONDS <= left <= HORIZON_SECONDS:
                kind = "at_risk" if left >= 0 else "breached"
                computed[(mql.lead_id, sla)] = (
                    kind,
                    f"{epoch + dt.timedelta(seconds=due):%Y-%m-%dT%H:%M:%S}Z",
                    left / 60,
                )
    assert computed == EXPECTED
