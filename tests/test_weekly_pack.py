"""The weekly alignment pack: its statistics against hand-computed values, its notable-changes filter against
a planted change, and the pack rendered from the shared built warehouse, checked as a person would check it:
the PDF turned into PNG pages, each page looked at, its text read and its figures held to the marts."""

import datetime as dt
import html
import re
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pypdfium2 as pdfium
import pytest

from shared_metrics.comparisons import notable_changes
from shared_metrics.report.content import count, percent
from shared_metrics.report.store import PackFiles, render_pack
from shared_metrics.report.weekly import (
    SECTION_HEADINGS,
    ReportWeek,
    ReportWeekError,
    last_complete_week,
    parse_week,
)
from shared_metrics.stats import benjamini_hochberg, two_proportion_z_test

# The tests that read the shared built warehouse run on its pytest-xdist worker (make test runs two).
on_small_warehouse = pytest.mark.xdist_group("small_warehouse")


# --- Statistics, by hand ------------------------------------------------------------------------------------


@pytest.mark.check
def test_two_proportion_z_test_matches_a_hand_computed_example() -> None:
    # 60/100 against 40/100: pooled 0.5, standard error sqrt(0.25 * (1/100 + 1/100)) = 0.0707107,
    # z = 0.2 / 0.0707107 = 2.828427, two-sided p = erfc(2) = 0.0046777350.
    z, p = two_proportion_z_test(60, 100, 40, 100)
    assert z == pytest.approx(2.828427, abs=1e-6)
    assert p == pytest.approx(0.0046777350, abs=1e-9)
    assert two_proportion_z_test(40, 100, 60, 100) == pytest.approx((-z, p))
    # 30/50 against 30/50: no difference.
    assert two_proportion_z_test(30, 50, 30, 50) == pytest.approx((0.0, 1.0))


@pytest.mark.check
def test_two_proportion_z_test_has_nothing_to_test_without_trials_or_variation() -> None:
    for case in [(0, 0, 5, 10), (5, 10, 0, 0), (10, 10, 20, 20), (0, 10, 0, 20)]:
        assert all(np.isnan(two_proportion_z_test(*case))), case


@pytest.mark.check
def test_benjamini_hochberg_matches_hand_computed_examples() -> None:
    # Sorted: 0.005 <= 1/5 * 0.05, 0.01 <= 2/5, 0.03 <= 3/5, 0.04 <= 4/5 * 0.05 = 0.04; 0.2 > 0.05.
    assert benjamini_hochberg([0.01, 0.04, 0.03, 0.005, 0.2], 0.05).tolist() == [
        True,
        True,
        True,
        True,
        False,
    ]
    # Step-up: 0.03 > 1/3 * 0.05 and 0.035 > 2/3 * 0.05, but 0.04 <= 0.05 rejects all three.
    assert benjamini_hochberg([0.04, 0.03, 0.035], 0.05).tolist() == [True, True, True]
    # 0.02 and 0.045 each pass an uncorrected test, but 0.02 > 1/3 * 0.05, 0.045 > 2/3 * 0.05, 0.06 > 0.05.
    assert benjamini_hochberg([0.02, 0.045, 0.06], 0.05).tolist() == [False, False, False]
    # 0.02 > 1/3 * 0.05 but 0.03 <= 2/3 * 0.05: both rejected.
    assert benjamini_hochberg([0.02, 0.03, 0.06], 0.05).tolist() == [True, True, False]
    # NaN is not a test: m = 1, and 0.04 <= 0.05.
    assert benjamini_hochberg([np.nan, 0.04], 0.05).tolist() == [False, True]
    assert benjamini_hochberg([], 0.05).tolist() == []


@pytest.mark.check
def test_notable_changes_keep_a_planted_change_and_drop_the_noise() -> None:
    """Forty slices whose rate did not change (the same 60 % in both periods, counts drawn at random), one
    whose rate truly fell from 60 % to 40 %, and one with a huge change over too few trials: only the real
    change is notable, though some noise slices pass an uncorrected 5 % test."""
    rng = np.random.default_rng(7)
    noise = [
        {
            "figure": "rate",
            "breakdown": f"noise {index}",
            "current_successes": rng.binomial(150, 0.6),
            "current_trials": 150,
            "baseline_successes": rng.binomial(600, 0.6),
            "baseline_trials": 600,
        }
        for index in range(40)
    ]
    planted = {
        "figure": "rate",
        "breakdown": "planted",
        "current_successes": 120,
        "current_trials": 300,
        "baseline_successes": 720,
        "baseline_trials": 1200,
    }
    too_few = {**planted, "breakdown": "too few", "current_successes": 0, "current_trials": 10}
    result = notable_changes(pd.DataFrame([*noise, planted, too_few])).set_index("breakdown")
    assert (result.loc[[row["breakdown"] for row in noise], "p_value"] < 0.05).any()  # noise a raw test keeps
    assert result.index[result["is_significant"]].tolist() == ["planted"]
    assert result.loc["planted", "difference"] == pytest.approx(0.4 - 0.6)
    assert not result.loc["too few", "is_tested"] and not result.loc["too few", "is_significant"]


@pytest.mark.check
def test_notable_changes_name_a_missing_column() -> None:
    with pytest.raises(ValueError, match="baseline_trials"):
        notable_changes(pd.DataFrame({"figure": [], "breakdown": [], "current_successes": []}))


@pytest.mark.check
def test_the_pack_reports_the_last_week_complete_at_the_data_clock() -> None:
    # 2026-11-01 is a Sunday: at its midnight week 44 (from Monday 26 October) is still running.
    assert last_complete_week(dt.datetime(2026, 11, 1)).label == "2026-W43"
    assert last_complete_week(dt.datetime(2026, 11, 1, 23, 59)).start == dt.date(2026, 10, 19)
    # Monday midnight closes the week before it.
    assert last_complete_week(dt.datetime(2026, 11, 2)).start == dt.date(2026, 10, 26)
    assert parse_week("2026-W43") == ReportWeek(dt.date(2026, 10, 19))
    assert parse_week("2021-W01").start == dt.date(2021, 1, 4)  # ISO year 2021 starts on 4 January
    assert ReportWeek(dt.date(2026, 9, 28)).month == dt.date(2026, 10, 1)  # its Thursday is 1 October
    with pytest.raises(ReportWeekError, match="write it like 2026-W43"):
        parse_week("2026-W54")


# --- The pack from the built warehouse ----------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


@pytest.fixture(scope="module")
def pack(built_warehouse: Path, tmp_path_factory: pytest.TempPathFactory) -> PackFiles:
    return render_pack(built_warehouse, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def pdf_text(pack: PackFiles) -> list[str]:
    document = pdfium.PdfDocument(pack.pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


@pytest.fixture(scope="module")
def html_text(pack: PackFiles) -> str:
    """The HTML's text as a reader sees it: no style sheet, no tags."""
    page = re.sub(r"<style>.*?</style>", " ", pack.html.read_text(), flags=re.DOTALL)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


@on_small_warehouse
def test_the_pdf_pack_renders_to_pages_that_are_not_blank(pack: PackFiles) -> None:
    document = pdfium.PdfDocument(pack.pdf)
    try:
        pages = [np.asarray(page.render(scale=1).to_pil().convert("L"), dtype=float) for page in document]
    finally:
        document.close()
    assert len(pages) >= 2
    for number, pixels in enumerate(pages, start=1):
        assert pixels.shape[0] > pixels.shape[1] > 500, f"page {number} is not an A4 portrait page"
        assert pixels.std() > 10, f"page {number} is blank"
        assert (pixels < 200).mean() > 0.01, f"page {number} has almost no ink"


@on_small_warehouse
def test_the_pdf_names_every_section_and_the_html_too(pdf_text: list[str], html_text: str) -> None:
    text = _squash(" ".join(pdf_text))
    for heading in SECTION_HEADINGS:
        assert heading in text, heading
        assert heading in html_text, heading


@on_small_warehouse
def test_html_and_pdf_show_the_same_figures(pdf_text: list[str], html_text: str) -> None:
    """Every number in the HTML is in the PDF and the other way round (page footers aside)."""
    number = re.compile(r"-?\d[\d,]*(?:\.\d+)?")
    pdf = re.sub(r"Weekly alignment pack \S+, page \d+ of \d+", " ", "\n".join(pdf_text))
    in_pdf, in_html = set(number.findall(pdf)), set(number.findall(html_text))
    assert len(in_html) > 200
    assert in_pdf == in_html, (sorted(in_pdf - in_html)[:20], sorted(in_html - in_pdf)[:20])


def _in_both(row: str, pdf_text: list[str], html_text: str) -> None:
    assert row in _squash(" ".join(pdf_text)), row
    assert row in _squash(html_text), row


@on_small_warehouse
def test_the_funnel_shows_funnel_conversion_counts_for_the_pack_cohorts(
    pack: PackFiles, warehouse: duckdb.DuckDBPyConnection, pdf_text: list[str], html_text: str
) -> None:
    """The MQL→SAL row: people of the 12 cohorts up to the week's month that are mature for the pair, as
    funnel_conversion counts them."""
    month = parse_week(pack.week).month
    first = (pd.Timestamp(month) - pd.DateOffset(months=11)).date()
    entered, converted = warehouse.execute(
        """select sum(entered_count), sum(converted_count) from metrics.funnel_conversion
           where from_stage = 'MQL' and to_stage = 'SAL' and not is_maturing
             and cohort_month between ? and ?""",
        [first, month],
    ).fetchone()
    assert entered > 1000
    _in_both(
        f"MQL→SAL {count(entered)} {count(converted)} {percent(converted / entered)}", pdf_text, html_text
    )


@on_small_warehouse
def test_the_sales_sla_shows_the_weeks_counts_from_sales_sla_compliance(
    pack: PackFiles, warehouse: duckdb.DuckDBPyConnection, pdf_text: list[str], html_text: str
) -> None:
    week = parse_week(pack.week)
    received, met, decided, attempts_met, attempts_decided = warehouse.execute(
        """select sum(received_mql_count), sum(first_touch_met_count),
                  sum(first_touch_met_count + first_touch_missed_count), sum(enough_attempts_count),
                  sum(received_mql_count - attempts_pending_count)
           from metrics.sales_sla_compliance where mql_week = ?""",
        [week.start],
    ).fetchone()
    assert decided > 100
    row = f"{week.label} (this week) {count(received)} {count(met)} / {count(decided)}"
    _in_both(f"{row} {percent(met / decided)}", pdf_text, html_text)
    assert (
        f"{count(attempts_met)} / {count(attempts_decided)} {percent(attempts_met / attempts_decided)}"
        in (_squash(" ".join(pdf_text)))
    )


@on_small_warehouse
def test_the_campaign_ranking_leads_with_the_best_campaign_it_may_rank(
    warehouse: duckdb.DuckDBPyConnection, pdf_text: list[str], html_text: str
) -> None:
    """W-shaped lifetime ROI of campaigns with cost, a settled return and 3 or more credited opportunities."""
    rankable = warehouse.execute(
        """select campaign_name, return_on_investment from metrics.campaign_roi
           where attribution_model = 'w_shaped' and not is_cost_missing and cost_to_date_amount > 0
             and not is_return_maturing and attributed_opportunities >= 3
           order by return_on_investment desc, campaign_name"""
    ).fetchall()
    total = warehouse.execute(
        "select count(*) from metrics.campaign_roi where attribution_model = 'w_shaped'"
    )
    (best, best_roi), (worst, worst_roi) = rankable[0], rankable[-1]
    assert best_roi > worst_roi
    for name, roi in [(best, best_roi), (worst, worst_roi)]:
        assert f"{name} " in _squash(" ".join(pdf_text)) and f"{name} " in _squash(html_text)
        assert percent(roi) in _squash(" ".join(pdf_text))
    left_out = total.fetchone()[0] - len(rankable)
    _in_both(f"{len(rankable)} campaigns ranked; {left_out} left out", pdf_text, html_text)


@on_small_warehouse
def test_packs_are_kept_per_week_and_latest_is_the_newest(
    built_warehouse: Path, pack: PackFiles, tmp_path: Path
) -> None:
    newest = render_pack(built_warehouse, tmp_path)
    older_week = parse_week(pack.week).start - dt.timedelta(weeks=3)
    older = render_pack(built_warehouse, tmp_path, ReportWeek(older_week))
    assert newest.pdf.name == f"weekly-{pack.week}.pdf" and re.fullmatch(r"\d{4}-W\d{2}", pack.week)
    assert older.week != newest.week and older.pdf.exists() and older.html.exists()
    assert (tmp_path / "latest.pdf").read_bytes() == newest.pdf.read_bytes()  # an older week leaves it
    assert (tmp_path / "latest.html").read_text() == newest.html.read_text()
    assert sorted(path.name for path in tmp_path.iterdir()) == sorted(
        ["latest.html", "latest.pdf", newest.pdf.name, newest.html.name, older.pdf.name, older.html.name]
    )  # no temporary file left behind


def _warehouse_folder(built_warehouse: Path, folder: Path) -> Path:
    """A warehouse folder of this test's own whose published file is the shared built warehouse (a link:
    nothing here writes to it)."""
    folder.mkdir()
    (folder / "warehouse.duckdb").symlink_to(built_warehouse)
    return folder


@on_small_warehouse
def test_the_dagster_asset_renders_the_pack_and_a_failed_render_changes_nothing(
    built_warehouse: Path, tmp_path: Path
) -> None:
    from dagster import materialize

    from orchestration.assets.report import weekly_alignment_pack
    from orchestration.resources import WarehouseResource

    def render(warehouse_dir: Path):
        resource = WarehouseResource(landing_dir=str(tmp_path), warehouse_dir=str(warehouse_dir))
        return materialize([weekly_alignment_pack], resources={"warehouse": resource}, raise_on_error=False)

    published = _warehouse_folder(built_warehouse, tmp_path / "published")
    result = render(published)
    assert result.success
    week = result.asset_materializations_for_node("weekly_alignment_pack")[0].metadata["week"].value
    assert (published / "reports" / f"weekly-{week}.pdf").read_bytes() == (
        published / "reports" / "latest.pdf"
    ).read_bytes()

    damaged = tmp_path / "damaged"
    damaged.mkdir()
    (damaged / "warehouse.duckdb").write_bytes(b"not a DuckDB file")
    assert not render(damaged).success
    assert (damaged / "warehouse.duckdb").read_bytes() == b"not a DuckDB file"
    assert not list(damaged.glob("reports/*.pdf"))


def test_the_pack_has_its_own_weekly_schedule_outside_the_refresh() -> None:
    from orchestration.definitions import defs

    schedule = defs.resolve_schedule_def("weekly_alignment_pack")
    assert (schedule.cron_schedule, schedule.execution_timezone) == ("0 7 * * 1", "UTC")
    assert schedule.default_status.value == "RUNNING"
    graph = defs.resolve_asset_graph()
    pack_job = defs.resolve_job_def(schedule.job_name)
    assert {key.to_user_string() for key in pack_job.asset_layer.executable_asset_keys} == {
        "weekly_alignment_pack"
    }
    refresh = defs.resolve_job_def("refresh").asset_layer.executable_asset_keys
    assert "weekly_alignment_pack" not in {key.to_user_string() for key in refresh}
    upstream = graph.get(pack_job.asset_layer.executable_asset_keys.pop()).parent_keys
    assert {key.to_user_string() for key in upstream} == {"published_warehouse"}


@on_small_warehouse
def test_the_dashboard_offers_the_newest_pack_for_download(
    built_warehouse: Path, tmp_path: Path, monkeypatch
) -> None:
    from streamlit.testing.v1 import AppTest

    from shared_metrics.settings import PROJECT_DIR

    folder = _warehouse_folder(built_warehouse, tmp_path / "warehouse")
    files = render_pack(built_warehouse, folder / "reports")
    monkeypatch.setenv("WAREHOUSE_DIR", str(folder))
    app = AppTest.from_file(str(PROJECT_DIR / "dashboard" / "app.py"), default_timeout=60).run()
    assert not app.exception
    buttons = [element for element in app.sidebar if type(element).__name__ == "DownloadButton"]
    assert [button.label for button in buttons] == [f"Weekly alignment pack {files.week} (PDF)"]


@pytest.mark.check
def test_report_cron_sets_the_packs_schedule(monkeypatch) -> None:
    from shared_metrics.settings import load_settings

    monkeypatch.delenv("REPORT_CRON", raising=False)
    assert load_settings().report_cron == "0 7 * * 1"
    monkeypatch.setenv("REPORT_CRON", "30 5 * * 5")
    assert load_settings().report_cron == "30 5 * * 5"
