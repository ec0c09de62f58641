"""The real `make dashboard` server in Debian's Chromium: every page loads with charts, a filter changes a
number. Screenshots go to test-artifacts/screenshots/."""

import os
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from dashboard.pages import PAGES, url_path
from shared_metrics.settings import PROJECT_DIR

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

SCREENSHOTS = PROJECT_DIR / "test-artifacts" / "screenshots"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dashboard_url(built_warehouse: Path):
    port = free_port()
    server = subprocess.Popen(
        ["make", "--no-print-directory", "dashboard", f"DASHBOARD_PORT={port}"],
        cwd=PROJECT_DIR,
        env={**os.environ, "WAREHOUSE_DIR": str(built_warehouse.parent)},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(url, timeout=2)
                break
            except OSError:
                assert time.monotonic() < deadline, "make dashboard did not start within 90 s"
                time.sleep(0.5)
        yield url
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


def test_every_page_loads_in_chromium_and_a_filter_changes_a_number(dashboard_url: str) -> None:
    chromium = shutil.which("chromium")
    assert chromium, "Debian's chromium package is needed (apt-get install chromium); .ci/run installs it"
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--no-first-run",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.goto(dashboard_url, timeout=60_000)
        metric = page.get_by_test_id("stMetricValue").first
        expect(metric).to_be_visible(timeout=60_000)
        before = metric.inner_text()
        for name in PAGES:
            page.get_by_test_id("stSidebar").get_by_text(name, exact=True).click()
            expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=60_000)
            if name != PAGES[0]:  # the first page is the root
                expect(page).to_have_url(dashboard_url + url_path(name), timeout=60_000)
            expect(page.locator(".js-plotly-plot").first).to_be_visible(timeout=60_000)
            if name == "Pipeline over time":
                # The waterfall, the weekly snapshot trend and pacing against target per territory.
                expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=60_000)
            if name == "Routing & accounts":
                # Time to assignment by week, the account funnel by month, one team's reps raw and adjusted.
                expect(page.locator(".js-plotly-plot")).to_have_count(3, timeout=60_000)
            page.wait_for_timeout(1_000)
            page.screenshot(
                path=str(SCREENSHOTS / f"{name.lower().replace(' & ', '_and_').replace(' ', '_')}.png"),
                full_page=True,
            )
        page.get_by_test_id("stSidebar").get_by_text("Overview", exact=True).click()
        expect(page.get_by_test_id("stMetricValue").first).to_have_text(before, timeout=60_000)
        page.get_by_test_id("stMultiSelect").first.click()
        page.get_by_role("option", name="Enterprise").click()
        expect(page.get_by_test_id("stMetricValue").first).not_to_have_text(before, timeout=60_000)
        enterprise = page.get_by_test_id("stMetricValue").first.inner_text()
        page.screenshot(path=str(SCREENSHOTS / "overview_enterprise.png"), full_page=True)
        # The address carries the filter: the copied link reopens the same numbers in a fresh tab.
        expect(page).to_have_url(dashboard_url + "?segment=Enterprise", timeout=60_000)
        copied = browser.new_page(viewport={"width": 1400, "height": 1000})
        copied.goto(page.url, timeout=60_000)
        expect(copied.get_by_test_id("stMetricValue").first).to_have_text(enterprise, timeout=60_000)
        # A link to one page and slice, as a leader would send it: the SLA page for DACH Enterprise.
        copied.goto(dashboard_url + "sla?segment=Enterprise&territory=DACH", timeout=60_000)
        expect(copied.get_by_role("heading", name="SLA", exact=True)).to_be_visible(timeout=60_000)
        sidebar = copied.get_by_test_id("stSidebar")
        expect(sidebar.get_by_text("Enterprise", exact=True)).to_be_visible(timeout=60_000)
        expect(sidebar.get_by_text("DACH", exact=True)).to_be_visible(timeout=60_000)
        copied.screenshot(path=str(SCREENSHOTS / "sla_dach_enterprise_link.png"), full_page=True)
        browser.close()
