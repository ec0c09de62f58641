"""The leaders' dashboard renders every page from a built warehouse, and a friendly page without one."""

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.pages import PAGES, script
from shared_metrics.settings import PROJECT_DIR

# Tests that share this module's built warehouse run on one pytest-xdist worker (make test runs two).
pytestmark = pytest.mark.xdist_group("small_warehouse")

APP = str(PROJECT_DIR / "dashboard" / "app.py")


@pytest.fixture
def app_on(monkeypatch):
    def start(warehouse_dir: Path) -> AppTest:
        monkeypatch.setenv("WAREHOUSE_DIR", str(warehouse_dir))
        return AppTest.from_file(APP, default_timeout=60).run()

    return start


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_on_a_built_warehouse(app_on, built_warehouse: Path, page: str) -> None:
    app = app_on(built_warehouse.parent)
    app.switch_page(script(page)).run()
    assert not app.exception, app.exception
    assert app.header[0].value == page


def test_changing_a_filter_changes_a_shown_number(app_on, built_warehouse: Path) -> None:
    app = app_on(built_warehouse.parent)
    before = app.metric[0].value
    app.sidebar.multiselect[0].set_value(["Enterprise"]).run()
    assert not app.exception
    assert app.metric[0].value != before


def test_the_filters_live_in_the_address_so_a_link_reopens_the_same_slice(
    monkeypatch, built_warehouse: Path
) -> None:
    """The SLA page for DACH Enterprise, as a leader would send it: the chosen filters are written to the
    address, and an app opened on that address shows the same figures; values the warehouse lacks are
    dropped, so an old link still opens."""
    monkeypatch.setenv("WAREHOUSE_DIR", str(built_warehouse.parent))
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.switch_page(script("SLA")).run()
    app.sidebar.multiselect[0].set_value(["Enterprise"]).run()
    app.sidebar.multiselect[1].set_value(["DACH"]).run()
    assert not app.exception
    address = {
        key: value if isinstance(value, list) else [value] for key, value in dict(app.query_params).items()
    }
    assert address == {"segment": ["Enterprise"], "territory": ["DACH"]}
    shown = [metric.value for metric in app.metric]

    reopened = AppTest.from_file(APP, default_timeout=60)
    for key, values in address.items():
        reopened.query_params[key] = [*values, "No such value"]
    reopened.run()
    reopened.switch_page(script("SLA")).run()
    assert not reopened.exception
    assert reopened.sidebar.multiselect[0].value == ["Enterprise"]
    assert reopened.sidebar.multiselect[1].value == ["DACH"]
    assert [metric.value for metric in reopened.metric] == shown


def test_without_a_warehouse_the_page_says_which_command_builds_it(app_on, tmp_path: Path) -> None:
    app = app_on(tmp_path)
    assert not app.exception
    assert app.title[0].value == "No warehouse published yet"
    assert "make run" in app.markdown[0].value


def test_a_damaged_warehouse_file_is_named_with_rollback_as_the_way_out(app_on, tmp_path: Path) -> None:
    (tmp_path / "warehouse.duckdb").write_bytes(b"\0" * 4096)
    app = app_on(tmp_path)
    assert not app.exception
    assert app.title[0].value == "The published warehouse cannot be read"
    assert "make rollback" in app.markdown[0].value


def test_team_filter_narrows_the_sales_sla_figure(app_on, built_warehouse: Path) -> None:
    app = app_on(built_warehouse.parent)
    before = app.metric[2].value
    team = app.sidebar.multiselect[2].options[0]
    app.sidebar.multiselect[2].set_value([team]).run()
    assert not app.exception
    assert app.metric[2].value != before


def test_funnel_breaks_down_by_every_offered_dimension(app_on, built_warehouse: Path) -> None:
    app = app_on(built_warehouse.parent)
    app.switch_page(script("Funnel")).run()
    for breakdown in app.radio[0].options:
        app.radio[0].set_value(breakdown).run()
        assert not app.exception, (breakdown, app.exception)
        assert len(app.get("plotly_chart")) == 4


def test_choosing_a_team_shows_its_reps_week_by_week(app_on, built_warehouse: Path) -> None:
    app = app_on(built_warehouse.parent)
    app.switch_page(script("SLA")).run()
    charts_for_all_teams = len(app.get("plotly_chart"))
    app.sidebar.multiselect[2].set_value([app.sidebar.multiselect[2].options[0]]).run()
    assert not app.exception
    assert len(app.get("plotly_chart")) == charts_for_all_teams + 1


def test_the_attribution_model_changes_the_credited_revenue(app_on, built_warehouse: Path) -> None:
    app = app_on(built_warehouse.parent)
    app.switch_page(script("Campaigns")).run()
    first_touch = app.dataframe[0].value.set_index("campaign_name")["attributed_won_amount"]
    app.selectbox[0].set_value("Last touch").run()
    assert not app.exception
    last_touch = app.dataframe[0].value.set_index("campaign_name")["attributed_won_amount"]
    assert abs(first_touch.sum() - last_touch.sum()) < 1e-6 * first_touch.sum()  # same revenue, shared out
    assert not first_touch.sort_index().equals(last_touch.sort_index())  # differently


def test_pipeline_over_time_shows_a_waterfall_that_closes_and_scorecards_that_add_up(
    app_on, built_warehouse: Path, warehouse
) -> None:
    """The page's waterfall for a fiscal quarter runs from opening to closing through its movements (the
    mart's closing equals the weekly snapshot: a dbt test), a territory filter narrows it, and the Head of
    Sales' scorecard shows the bookings and quota the pacing table shows over every territory."""
    from shared_metrics import readouts

    app = app_on(built_warehouse.parent)
    app.switch_page(script("Pipeline over time")).run()
    assert not app.exception
    read = readouts.connection_reader(warehouse)
    quarter = readouts.waterfall_period_starts(read, "fiscal_quarter")[1]  # the last complete one
    steps = readouts.pipeline_waterfall(read, readouts.Slice(), "fiscal_quarter", quarter).set_index("step")
    assert steps.loc["opening", "amount"] + steps.loc[steps["measure"] == "relative", "amount"].sum() == (
        pytest.approx(steps.loc["closing", "amount"], rel=1e-9)
    )
    # A quarter gone by opens with its pipeline and ends with every deal due in it won, lost or pushed out.
    assert steps.loc["opening", "amount"] > 0 and steps.loc["won", "amount"] < 0
    dach = readouts.pipeline_waterfall(read, readouts.Slice(territories=("DACH",)), "fiscal_quarter", quarter)
    assert 0 < dach.set_index("step").loc["opening", "amount"] < steps.loc["opening", "amount"]
    pacing_quarter = readouts.pacing_quarters(read)[1]
    pacing = readouts.target_pacing_by_territory(read, readouts.Slice(), pacing_quarter)
    head = readouts.scorecard(read, pacing_quarter, "Head of Sales")
    assert len(head) == 1 and head["rep_count"].iloc[0] > 10
    assert float(head["won_amount"].iloc[0]) == pytest.approx(float(pacing["won_amount"].sum()), rel=1e-9)
    assert float(head["bookings_quota_amount"].iloc[0]) == pytest.approx(
        float(pacing["bookings_target_amount"].sum()), rel=1e-9
    )
