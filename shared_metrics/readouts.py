"""Every figure a person sees, defined once: named, filterable readouts over the metrics layer.

The dashboard pages, `make summary`, the Dagster publish metadata and the benchmark read figures through these
functions and nothing else, so a number means the same wherever it is shown. Each function takes a
``Reader`` (SQL and bound parameters in, a DataFrame out: the dashboard's cached published reader, or a DuckDB
connection) and a ``Slice`` (months, segments, territories, teams). Headline figures also name the
semantic-layer metric they equal; a test holds them to ``mf query`` over the same slice.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import duckdb
import pandas as pd

from shared_metrics.comparisons import versus_the_rest
from shared_metrics.stats import MIN_RATE_COUNT, wilson_interval

Reader = Callable[[str, Sequence], pd.DataFrame]


def connection_reader(con: duckdb.DuckDBPyConnection) -> Reader:
    """A Reader over an open DuckDB connection (summary, publish metadata, tests)."""

    def read(sql: str, parameters: Sequence = ()) -> pd.DataFrame:
        return con.execute(sql, list(parameters)).df()

    return read


@dataclass(frozen=True)
class Slice:
    """Which part of the data a figure covers. Months: ISO dates of month starts, inclusive; empty = all."""

    start_month: str | None = None
    end_month: str | None = None
    segments: tuple[str, ...] = ()
    territories: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()

    def where(
        self,
        month_column: str,
        segment_column: str = "segment",
        territory_column: str = "territory",
        team_column: str = "",
    ) -> tuple[str, list]:
        """A bound-parameter filter: (sql, parameters). Values are never pasted into the SQL. A column given
        as empty is not filtered (the table has no such dimension)."""
        clauses, parameters = ["true"], []
        if self.start_month:
            clauses.append(f"{month_column} >= cast(? as date)")
            parameters.append(self.start_month)
        if self.end_month:
            clauses.append(f"{month_column} <= cast(? as date)")
            parameters.append(self.end_month)
        for column, values in (
            (segment_column, self.segments),
            (territory_column, self.territories),
            (team_column, self.teams),
        ):
            if column and values:
                clauses.append(f"{column} in ({', '.join('?' for _ in values)})")
                parameters += list(values)
        return " and ".join(clauses), parameters


def _value(frame: pd.DataFrame, column: str) -> float | None:
    value = frame[column].iloc[0] if len(frame) else None
    return None if value is None or (isinstance(value, float) and math.isnan(value)) else float(value)


@dataclass(frozen=True)
class Figure:
    """One headline number with what it is made of and the semantic-layer metric it equals."""

    name: str
    label: str
    value: float | None
    numerator: float | None
    denominator: float | None
    metric: str  # the MetricFlow metric with the same definition
    entity: str  # the semantic model's entity prefix for its dimensions (lead, mql, marketing_sla_cell)
    dimensions: tuple[str, ...]  # the Slice dimensions this figure is filtered by
    start_month: str | None  # the months actually covered (maturity can narrow the slice)
    end_month: str | None
    note: str = ""


HEADLINES = {
    "mql_to_sql_rate": "MQL→SQL conversion (mature cohorts)",
    "first_touch_within_target_rate": "Sales SLA: first touch within target",
    "enough_attempts_rate": "Sales SLA: enough attempts",
    "mql_quota_attainment": "Marketing SLA: marketing-sourced MQLs vs quota",
    "sales_acceptance_rate": "Marketing SLA: sales acceptance rate",
    "marketing_sourced_pipeline_attainment": "Marketing-sourced pipeline vs target",
}


def newest_mature_cohort(read: Reader, to_stage: str) -> str | None:
    """The newest cohort month whose conversion into ``to_stage`` has settled (is_maturing false)."""
    frame = read(
        "select cast(max(cohort_month) as varchar) as month from metrics.funnel_conversion "
        "where to_stage = ? and not is_maturing",
        [to_stage],
    )
    return frame["month"].iloc[0] if len(frame) and frame["month"].iloc[0] else None


def mql_to_sql(read: Reader, where: Slice) -> Figure:
    """Leads that reached SQL ÷ leads that reached MQL, over the slice's cohorts that are mature for SQL."""
    newest = newest_mature_cohort(read, "SQL")
    end = min(filter(None, [where.end_month, newest])) if newest else None
    mature = Slice(where.start_month, end, where.segments, where.territories)
    sql, parameters = mature.where("cohort_month")
    frame = read(
        f"""select sum(converted_count) filter (where to_stage = 'SQL') as reached_sql,
                   sum(entered_count) filter (where from_stage = 'MQL') as reached_mql
            from metrics.funnel_conversion where {sql}""",
        parameters,
    )
    numerator, denominator = _value(frame, "reached_sql"), _value(frame, "reached_mql")
    if newest is None:
        numerator = denominator = None
    return Figure(
        "mql_to_sql_rate",
        HEADLINES["mql_to_sql_rate"],
        _ratio(numerator, denominator),
        numerator,
        denominator,
        metric="mql_to_sql_rate",
        entity="lead",
        dimensions=("segment", "territory"),
        start_month=where.start_month,
        end_month=end,
        note=f"cohorts up to {end[:7]}; newer ones still maturing" if end else "no mature cohort yet",
    )


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return numerator / denominator if numerator is not None and denominator else None


def sales_sla(read: Reader, where: Slice) -> list[Figure]:
    """First touch within target ÷ decided first-touch SLAs; enough attempts ÷ decided attempt SLAs."""
    sql, parameters = where.where("mql_month", territory_column="", team_column="owner_team_name")
    frame = read(
        f"""select sum(first_touch_met_count) as first_touch_met,
                   sum(first_touch_met_count + first_touch_missed_count) as first_touch_decided,
                   sum(enough_attempts_count) as attempts_met,
                   sum(received_mql_count - attempts_pending_count) as attempts_decided
            from metrics.sales_sla_compliance where {sql}""",
        parameters,
    )
    common = {
        "entity": "mql",
        "dimensions": ("segment", "team"),
        "start_month": where.start_month,
        "end_month": where.end_month,
        "note": "MQLs whose SLA is decided",
    }
    return [
        _figure(
            "first_touch_within_target_rate", "sales_sla_first_touch_compliance", frame, "first_touch", common
        ),
        _figure("enough_attempts_rate", "sales_sla_attempts_compliance", frame, "attempts", common),
    ]


def _figure(name: str, metric: str, frame: pd.DataFrame, prefix: str, common: dict) -> Figure:
    """A Figure from the columns <prefix>_met (numerator) and <prefix>_decided (denominator) of ``frame``."""
    numerator, denominator = _value(frame, f"{prefix}_met"), _value(frame, f"{prefix}_decided")
    return Figure(
        name, HEADLINES[name], _ratio(numerator, denominator), numerator, denominator, metric, **common
    )


def marketing_sla(read: Reader, where: Slice) -> list[Figure]:
    """Marketing-sourced MQLs ÷ quota; first dispositions accepted ÷ given; sourced pipeline ÷ target."""
    sql, parameters = where.where("sla_month")
    frame = read(
        f"""select sum(marketing_sourced_mql_count) as quota_met, sum(mql_quota) as quota_decided,
                   sum(marketing_sourced_accepted_mql_count) as acceptance_met,
                   sum(marketing_sourced_dispositioned_mql_count) as acceptance_decided,
                   sum(marketing_sourced_pipeline_amount) as pipeline_met,
                   sum(marketing_sourced_pipeline_target_amount) as pipeline_decided
            from metrics.marketing_sla_compliance where {sql}""",
        parameters,
    )
    common = {
        "entity": "marketing_sla_cell",
        "dimensions": ("segment", "territory"),
        "start_month": where.start_month,
        "end_month": where.end_month,
    }
    # Each figure is named like its semantic-layer metric.
    return [
        _figure("mql_quota_attainment", "mql_quota_attainment", frame, "quota", common),
        _figure("sales_acceptance_rate", "sales_acceptance_rate", frame, "acceptance", common),
        _figure(
            "marketing_sourced_pipeline_attainment",
            "marketing_sourced_pipeline_attainment",
            frame,
            "pipeline",
            common,
        ),
    ]


def headline_figures(read: Reader, where: Slice = Slice()) -> dict[str, Figure]:
    """The shared figures both teams watch, in a fixed order (Overview page and `make summary`)."""
    figures = [mql_to_sql(read, where), *sales_sla(read, where), *marketing_sla(read, where)]
    return {figure.name: figure for figure in figures}


# --- Clocks and freshness -----------------------------------------------------------------------------------


def data_clocks(read: Reader) -> pd.DataFrame:
    """The moment each clock judged time-dependent results at, and how stale the landing is."""
    return read(
        """select clock_name, judges, clock_at, refreshed_at, hours_behind_refresh, is_stale
           from metrics.data_clocks order by clock_name"""
    )


def staleness_warning(clocks: pd.DataFrame) -> str | None:
    """One sentence for people when any clock is stale; None when the landing is fresh."""
    stale = clocks[clocks["is_stale"]]
    if stale.empty:
        return None
    worst = stale.sort_values("hours_behind_refresh").iloc[-1]
    return (
        f"The landing is stale: its newest data is {worst['hours_behind_refresh'] / 24:.1f} days older than "
        f"this refresh ({', '.join(stale['clock_name'])} clock). SLAs and maturity are judged at the data's "
        "own time, so nothing is marked missed for lack of data; check the extract that feeds LANDING_DIR."
    )


def latest_data_quality(read: Reader) -> pd.DataFrame:
    """Row accounting and freshness per landed table, from the newest refresh."""
    return read(
        """select source_table, landed_row_count, staged_row_count, quarantined_row_count,
                  superseded_row_count, deleted_row_count, newest_change_at, hours_since_newest_change
           from metrics.data_quality qualify refreshed_at = max(refreshed_at) over () order by 1"""
    )


def quarantined_rows(read: Reader) -> pd.DataFrame:
    """Rows kept out of every metric, counted per table and reason."""
    return read(
        """select source_table, quarantine_reason, count(*) as quarantined_rows
           from staging.stg_salesforce__quarantined_rows group by all order by 1, 2"""
    )


def metrics_row_counts(read: Reader) -> dict[str, int]:
    tables = read(
        "select table_name from information_schema.tables where table_schema = 'metrics' order by 1"
    )
    return {
        name: int(read(f'select count(*) as n from metrics."{name}"')["n"].iloc[0])
        for name in tables["table_name"]
    }


# --- Filter options -----------------------------------------------------------------------------------------


def month_range(read: Reader) -> tuple:
    frame = read("select min(cohort_month) as first, max(cohort_month) as last from metrics.lead_funnel")
    return frame["first"].iloc[0], frame["last"].iloc[0]


def segment_and_territory_options(read: Reader) -> pd.DataFrame:
    # From the aggregate, not the lead-grain table: the same values, a thousand times fewer rows.
    return read("select distinct segment, territory from metrics.funnel_conversion")


def team_options(read: Reader) -> list[str]:
    frame = read(
        "select distinct owner_team_name from metrics.sales_sla_compliance where owner_team_name is not null"
    )
    return sorted(frame["owner_team_name"])


# --- Overview -----------------------------------------------------------------------------------------------


def marketing_sla_by_month(read: Reader, where: Slice) -> pd.DataFrame:
    """Per month: marketing-sourced MQLs against quota, the sales acceptance rate of their first dispositions
    (with its interval) and marketing-sourced pipeline against target."""
    sql, parameters = where.where("sla_month")
    frame = read(
        f"""select sla_month, sum(marketing_sourced_mql_count) as marketing_sourced_mqls,
                   sum(mql_count) as all_mqls, sum(mql_quota) as mql_quota,
                   sum(marketing_sourced_mql_count) / nullif(sum(mql_quota), 0) as mql_quota_attainment,
                   sum(marketing_sourced_accepted_mql_count) as accepted_mqls,
                   sum(marketing_sourced_dispositioned_mql_count) as dispositioned_mqls,
                   sum(marketing_sourced_accepted_mql_count)
                   / nullif(sum(marketing_sourced_dispositioned_mql_count), 0) as sales_acceptance_rate,
                   sum(marketing_sourced_pipeline_amount) as marketing_sourced_pipeline_amount,
                   sum(marketing_sourced_pipeline_target_amount) as marketing_sourced_pipeline_target_amount,
                   sum(marketing_sourced_pipeline_amount)
                   / nullif(sum(marketing_sourced_pipeline_target_amount), 0)
                       as marketing_sourced_pipeline_attainment
            from metrics.marketing_sla_compliance where {sql} group by sla_month order by sla_month""",
        parameters,
    )
    return with_interval(frame, "accepted_mqls", "dispositioned_mqls", "sales_acceptance_rate")


# --- Funnel -------------------------------------------------------------------------------------------------

# Breakdowns offered on the funnel page: label -> column (a fixed list, so no user text reaches the SQL).
FUNNEL_BREAKDOWNS = {
    "Cohort month": "cohort_month",
    "Lead source": "lead_source",
    "Sourced by": "sourced_by",
    "Segment": "segment",
    "Territory": "territory",
    "Person type": "person_type",
}
# Days between consecutive stages in lead_funnel, in funnel order.
STAGE_DURATIONS = {
    "Lead→MQL": "days_lead_to_mql",
    "MQL→SAL": "days_mql_to_sal",
    "SAL→SQL": "days_sal_to_sql",
    "SQL→Opportunity": "days_sql_to_opportunity",
    "Opportunity→Won": "days_opportunity_to_won",
}


def with_interval(frame: pd.DataFrame, successes: str, trials: str, rate: str) -> pd.DataFrame:
    """The rate's 95 % Wilson interval (<rate>_lower, <rate>_upper) from the pooled counts, and is_too_few
    below var min_rate_count (the dbt project's; the marts flag the same)."""
    lower, upper = wilson_interval(frame[successes].fillna(0), frame[trials].fillna(0))
    too_few = frame[trials].fillna(0) < MIN_RATE_COUNT
    return frame.assign(**{f"{rate}_lower": lower, f"{rate}_upper": upper, "is_too_few": too_few})


def stage_conversion(read: Reader, where: Slice) -> pd.DataFrame:
    """Each stage pair over the slice's cohorts that are mature for it (maturing ones listed apart), with its
    interval."""
    sql, parameters = where.where("cohort_month")
    frame = read(
        f"""select from_stage, to_stage, stage_pair_order,
                   sum(entered_count) filter (where not is_maturing) as entered,
                   sum(converted_count) filter (where not is_maturing) as converted,
                   sum(converted_count) filter (where not is_maturing)
                   / nullif(sum(entered_count) filter (where not is_maturing), 0) as conversion_rate,
                   cast(max(cohort_month) filter (where not is_maturing) as varchar) as newest_mature_cohort,
                   count(distinct cohort_month) filter (where is_maturing) as maturing_cohorts
            from metrics.funnel_conversion where {sql} group by all order by stage_pair_order""",
        parameters,
    )
    return with_interval(frame, "converted", "entered", "conversion_rate")


def leads_reaching_each_stage(read: Reader, where: Slice) -> pd.DataFrame:
    """People of the slice's cohorts that reached each stage so far (maturing cohorts included), by person
    type (lead or contact)."""
    sql, parameters = where.where("cohort_month")
    return read(
        f"""select from_stage as stage, stage_pair_order as stage_order, person_type,
                   sum(entered_count) as people
            from metrics.funnel_conversion where {sql} group by all
            union all
            select 'Won', 6, person_type, sum(converted_count) from metrics.funnel_conversion
            where {sql} and to_stage = 'Won' group by all
            order by stage_order, person_type desc""",
        [*parameters, *parameters],
    )


def mql_to_sql_by_cohort(read: Reader, where: Slice) -> pd.DataFrame:
    """MQL→SQL per cohort month and who sourced the lead; is_maturing: the cohort may still rise for SQL."""
    sql, parameters = where.where("cohort_month")
    return read(
        f"""select cohort_month, sourced_by,
                   sum(converted_count) filter (where to_stage = 'SQL')
                   / nullif(sum(entered_count) filter (where from_stage = 'MQL'), 0) as mql_to_sql_rate,
                   bool_or(is_maturing) filter (where to_stage = 'SQL') as is_maturing
            from metrics.funnel_conversion where {sql} group by all order by 1, 2""",
        parameters,
    )


def conversion_by(read: Reader, where: Slice, breakdown: str) -> pd.DataFrame:
    """Stage conversion of mature cohorts by one of FUNNEL_BREAKDOWNS, with its interval and whether each
    value differs from the others of its stage pair beyond chance (differs_from_rest)."""
    column = FUNNEL_BREAKDOWNS[breakdown]
    sql, parameters = where.where("cohort_month")
    frame = read(
        f"""select {column} as breakdown, from_stage || '→' || to_stage as stage_pair, stage_pair_order,
                   sum(entered_count) as entered, sum(converted_count) as converted,
                   sum(converted_count) / nullif(sum(entered_count), 0) as conversion_rate
            from metrics.funnel_conversion where {sql} and not is_maturing
            group by all order by stage_pair_order, 1""",
        parameters,
    )
    frame = with_interval(frame, "converted", "entered", "conversion_rate")
    return versus_the_rest(frame, "converted", "entered", within="stage_pair")


def stage_durations(read: Reader, where: Slice, breakdown: str) -> pd.DataFrame:
    """Median days between consecutive stages (people that reached both) by one of FUNNEL_BREAKDOWNS, read
    from stage_duration_histogram: the slice's counts pooled, the median interpolated geometrically within its
    bin. It stays in the exact median's bin, so it is off by less than one bin (9 % of 1 + hours at 8 bins to
    a doubling), 1 to 3 % in practice (tests/test_stage_durations.py)."""
    column = FUNNEL_BREAKDOWNS[breakdown]
    sql, parameters = where.where("cohort_month")
    return read(
        f"""with pooled as (
                select {column} as breakdown, from_stage || '→' || to_stage as stage_pair, stage_pair_order,
                       duration_bin, bin_lower_days, bin_upper_days, sum(person_count) as people
                from metrics.stage_duration_histogram where {sql} group by all
            ),
            cumulative as (
                select *, sum(people) over pair_bins as people_up_to_bin,
                       sum(people) over (partition by breakdown, stage_pair) as pair_people
                from pooled
                window pair_bins as (partition by breakdown, stage_pair order by duration_bin)
            ),
            median_bin as (
                -- The first bin reaching half the people, and how far into it the median lies.
                select breakdown, stage_pair, stage_pair_order,
                       arg_min(bin_lower_days, duration_bin) as lower_days,
                       arg_min(bin_upper_days, duration_bin) as upper_days,
                       arg_min((pair_people / 2.0 - (people_up_to_bin - people)) / people, duration_bin)
                           as share_into_bin
                from cumulative where people_up_to_bin >= pair_people / 2.0 group by all
            )
            select breakdown, stage_pair,
                   -- Geometric in 1 + hours, as the bins are.
                   (pow(1 + upper_days * 24, share_into_bin) * pow(1 + lower_days * 24, 1 - share_into_bin)
                       - 1) / 24 as median_days
            from median_bin order by stage_pair_order, breakdown""",
        parameters,
    )


# --- Sales SLA ----------------------------------------------------------------------------------------------

_FIRST_TOUCH_RATE = (
    "sum(first_touch_met_count) / nullif(sum(first_touch_met_count + first_touch_missed_count), 0)"
)
_ATTEMPTS_RATE = "sum(enough_attempts_count) / nullif(sum(received_mql_count - attempts_pending_count), 0)"


def _sla_where(where: Slice) -> tuple[str, list]:
    return where.where("mql_month", territory_column="", team_column="owner_team_name")


def first_touch_by_team_and_week(read: Reader, where: Slice) -> pd.DataFrame:
    sql, parameters = _sla_where(where)
    return read(
        f"""select mql_week, owner_team_name as team, {_FIRST_TOUCH_RATE} as first_touch_within_target_rate
            from metrics.sales_sla_compliance where {sql} group by all order by 1""",
        parameters,
    )


def rep_compliance(read: Reader, where: Slice) -> pd.DataFrame:
    """Per rep (by display name), least compliant first, with the first-touch rate's interval over the rep's
    settled MQLs (is_too_few: fewer than MIN_RATE_COUNT of them) and whether the rep differs from the other
    reps shown beyond chance (differs_from_rest, held to a 5 % false discovery rate over all reps)."""
    sql, parameters = _sla_where(where)
    frame = read(
        f"""select coalesce(owner_display_name, owner_user_id) as rep, owner_team_name as team,
                   sum(received_mql_count) as received_mql_count,
                   {_FIRST_TOUCH_RATE} as first_touch_within_target_rate,
                   {_ATTEMPTS_RATE} as enough_attempts_rate,
                   sum(never_touched_count) as never_touched,
                   sum(first_touch_met_count) as first_touch_met,
                   sum(first_touch_met_count + first_touch_missed_count) as first_touch_settled
            from metrics.sales_sla_compliance where {sql} group by all order by 4 nulls last, 1""",
        parameters,
    )
    frame = with_interval(frame, "first_touch_met", "first_touch_settled", "first_touch_within_target_rate")
    return versus_the_rest(frame, "first_touch_met", "first_touch_settled")


# Breakdowns of the weekly sales SLA: label -> column (a fixed list, so no user text reaches the SQL).
SALES_SLA_BREAKDOWNS = {"Team": "owner_team_name", "Segment": "segment"}


def sales_sla_by_week(read: Reader, where: Slice, breakdown: str | None = None) -> pd.DataFrame:
    """Per MQL week (and one of SALES_SLA_BREAKDOWNS, else 'All'): MQLs received, both sales SLAs' met and
    decided counts (pending ones apart) and their rates with 95 % intervals and too-few flags."""
    column = f"cast({SALES_SLA_BREAKDOWNS[breakdown]} as varchar)" if breakdown else "'All'"
    sql, parameters = _sla_where(where)
    frame = read(
        f"""select mql_week, {column} as breakdown, sum(received_mql_count) as received_mql_count,
                   sum(first_touch_met_count) as first_touch_met,
                   sum(first_touch_met_count + first_touch_missed_count) as first_touch_decided,
                   sum(first_touch_pending_count) as first_touch_pending,
                   {_FIRST_TOUCH_RATE} as first_touch_within_target_rate,
                   sum(enough_attempts_count) as attempts_met,
                   sum(received_mql_count - attempts_pending_count) as attempts_decided,
                   sum(attempts_pending_count) as attempts_pending,
                   {_ATTEMPTS_RATE} as enough_attempts_rate
            from metrics.sales_sla_compliance where {sql} group by all order by 1, 2""",
        parameters,
    )
    frame = with_interval(frame, "first_touch_met", "first_touch_decided", "first_touch_within_target_rate")
    frame = frame.rename(columns={"is_too_few": "first_touch_is_too_few"})
    frame = with_interval(frame, "attempts_met", "attempts_decided", "enough_attempts_rate")
    return frame.rename(columns={"is_too_few": "attempts_is_too_few"})


def first_touch_by_rep_and_week(read: Reader, where: Slice) -> pd.DataFrame:
    sql, parameters = _sla_where(where)
    return read(
        f"""select coalesce(owner_display_name, owner_user_id) as rep, mql_week,
                   {_FIRST_TOUCH_RATE} as first_touch_within_target_rate
            from metrics.sales_sla_compliance where {sql} group by all order by 1""",
        parameters,
    )


def response_time_histogram(read: Reader, where: Slice) -> pd.DataFrame:
    """Touched MQLs by business minutes to first touch, in about 60 bins (binned in the warehouse)."""
    sql, parameters = _sla_where(where)
    return read(
        f"""with minutes as (
                select business_minutes_to_first_touch as minutes from metrics.sales_sla_by_lead
                where {sql} and business_minutes_to_first_touch is not null
            ),
            bin as (select greatest(max(minutes) / 60, 1) as width from minutes)
            select floor(minutes / width) * width as business_minutes_to_first_touch, count(*) as mql_count
            from minutes cross join bin group by 1 order by 1""",
        parameters,
    )


def response_time_effect(read: Reader) -> pd.DataFrame:
    """What a first touch within the target is worth for MQL to SQL: raw and like-with-like, with intervals
    (over all scored leads: the strata need the whole warehouse, so the slice does not apply)."""
    return read(
        """select 'raw' as estimate, raw_difference as difference, raw_difference_lower as difference_lower,
                raw_difference_upper as difference_upper, mql_count, is_too_few
            from metrics.response_time_effect where outcome_stage = 'SQL'
            union all
            select 'adjusted', adjusted_difference, adjusted_difference_lower, adjusted_difference_upper,
                compared_mql_count, is_too_few
            from metrics.response_time_effect where outcome_stage = 'SQL'"""
    )


def sla_alerts(read: Reader, where: Slice = Slice()) -> pd.DataFrame:
    """MQLs whose sales SLA falls due within the alert horizon (at_risk) or was recently missed (breached), at
    the sales-SLA data clock, most urgent first; filtered by segment and team (months do not apply: alerts are
    about now). The dashboard shows them and the webhook notifier sends them."""
    sql, parameters = Slice(segments=where.segments, teams=where.teams).where(
        "mql_at", territory_column="", team_column="owner_team_name"
    )
    return read(
        f"""select * from metrics.sla_alerts where {sql}
            order by business_minutes_left, person_id, sla""",
        parameters,
    )


# --- Pipeline -----------------------------------------------------------------------------------------------


def pipeline_by_month(read: Reader, where: Slice) -> pd.DataFrame:
    sql, parameters = where.where("created_month")
    return read(
        f"""select created_month, sourced_by, sum(pipeline_amount) as pipeline_amount
            from metrics.pipeline_by_source where {sql} group by all order by 1, 2""",
        parameters,
    )


def influenced_pipeline_by_month(read: Reader, where: Slice) -> pd.DataFrame:
    sql, parameters = where.where("created_month")
    return read(
        f"""select created_month,
                   sum(marketing_influenced_pipeline_amount) as marketing_influenced_pipeline_amount
            from metrics.pipeline_by_source where {sql} group by 1 order by 1""",
        parameters,
    )


def win_rates(read: Reader, where: Slice) -> pd.DataFrame:
    """Win rate by lead source, with its interval and whether a source differs from the others beyond
    chance."""
    sql, parameters = where.where("created_month")
    frame = read(
        f"""select lead_source, sourced_by, sum(won_count) / nullif(sum(closed_count), 0) as win_rate,
                   sum(won_count) as won_opportunities, sum(closed_count) as closed_opportunities,
                   sum(won_amount) as won_amount
            from metrics.pipeline_by_source where {sql} group by all order by 3 desc""",
        parameters,
    )
    frame = with_interval(frame, "won_opportunities", "closed_opportunities", "win_rate")
    return versus_the_rest(frame, "won_opportunities", "closed_opportunities")


# --- Pipeline over time -------------------------------------------------------------------------------------

WATERFALL_PERIODS = {"Fiscal quarter": "fiscal_quarter", "Month": "month", "Week": "week"}
# The waterfall's steps in order, with the sign each adds to the open pipeline.
WATERFALL_MOVEMENTS = [
    ("created", 1),
    ("pulled_in", 1),
    ("reopened", 1),
    ("increased", 1),
    ("decreased", -1),
    ("won", -1),
    ("lost", -1),
    ("pushed_out", -1),
]


def waterfall_period_starts(read: Reader, period_type: str) -> list:
    frame = read(
        "select distinct period_start from metrics.pipeline_waterfall where period_type = ? order by 1 desc",
        [period_type],
    )
    return list(frame["period_start"])


def pipeline_waterfall(read: Reader, where: Slice, period_type: str, period_start) -> pd.DataFrame:
    """One period's movements of the pipeline due in its fiscal quarter, as steps: opening, each movement
    (signed), closing. The slice's segments and territories apply; its months do not (the period does)."""
    sql, parameters = Slice(segments=where.segments, territories=where.territories).where("")
    amounts = ", ".join(f"sum({name}_amount) as {name}" for name, _ in WATERFALL_MOVEMENTS)
    frame = read(
        f"""select sum(opening_amount) as opening, {amounts}, sum(closing_amount) as closing
            from metrics.pipeline_waterfall
            where period_type = ? and period_start = cast(? as date) and {sql}""",
        [period_type, str(period_start), *parameters],
    )
    row = frame.iloc[0].fillna(0)
    steps = [("opening", float(row["opening"]), "absolute")]
    steps += [(name, sign * float(row[name]), "relative") for name, sign in WATERFALL_MOVEMENTS]
    steps.append(("closing", float(row["closing"]), "total"))
    return pd.DataFrame(steps, columns=["step", "amount", "measure"])


def pipeline_snapshot_trend(read: Reader, where: Slice) -> pd.DataFrame:
    """Per week (snapshot at its end) and forecast category: open pipeline, weighted, due this quarter."""
    sql, parameters = where.where("cast(date_trunc('month', week_start) as date)")
    return read(
        f"""select week_start, forecast_category, sum(open_amount) as open_amount,
                   sum(weighted_amount) as weighted_amount,
                   sum(closing_this_quarter_amount) as closing_this_quarter_amount
            from metrics.pipeline_snapshot where {sql} group by all order by 1, 2""",
        parameters,
    )


def pacing_quarters(read: Reader) -> list:
    frame = read("select distinct fiscal_quarter_start from metrics.sales_target_pacing order by 1 desc")
    return list(frame["fiscal_quarter_start"])


def target_pacing_by_territory(read: Reader, where: Slice, quarter) -> pd.DataFrame:
    """One fiscal quarter per territory (over the slice's segments): bookings against target, the elapsed
    share of business days, pacing, pipeline created against its target and coverage."""
    sql, parameters = Slice(segments=where.segments, territories=where.territories).where("")
    return read(
        f"""select territory, sum(won_amount) as won_amount,
                   sum(bookings_target_amount) as bookings_target_amount,
                   sum(won_amount) / nullif(sum(bookings_target_amount), 0) as bookings_attainment,
                   max(elapsed_share) as elapsed_share,
                   sum(won_amount) / nullif(sum(bookings_target_amount), 0)
                   / nullif(max(elapsed_share), 0) as bookings_pacing,
                   sum(created_amount) / nullif(sum(pipeline_target_amount), 0) as pipeline_attainment,
                   sum(open_due_amount) / nullif(sum(bookings_target_amount) - sum(won_amount), 0)
                   * case when sum(bookings_target_amount) > sum(won_amount) then 1 end as pipeline_coverage
            from metrics.sales_target_pacing
            where fiscal_quarter_start = cast(? as date) and {sql}
            group by territory order by territory""",
        [str(quarter), *parameters],
    )


SCORECARD_ROLES = ["Sales Rep", "Sales Manager", "Sales Director", "Head of Sales"]


def scorecard(read: Reader, quarter, role: str) -> pd.DataFrame:
    """Everyone of one role in one fiscal quarter, their figures (a manager's over every rep below)."""
    return read(
        """select coalesce(user_display_name, user_id) as person, team_name as team, territory, rep_count,
                  won_amount, bookings_quota_amount, quota_attainment, win_rate, average_won_cycle_days,
                  created_amount, pipeline_coverage, first_touch_within_target_rate, enough_attempts_rate
           from metrics.sales_scorecard
           where fiscal_quarter_start = cast(? as date) and user_role = ?
           order by quota_attainment desc nulls last, person""",
        [str(quarter), role],
    )


# --- Routing ------------------------------------------------------------------------------------------------


def _routing_where(where: Slice) -> tuple[str, list]:
    """Leads created in the slice's months, segments and territories, assigned to the slice's teams."""
    return where.where("cohort_month", team_column="assigned_team_name")


def routing_summary(read: Reader, where: Slice) -> pd.DataFrame:
    """Per territory of the lead: how leads reached reps (queued, assigned, median business minutes to the
    first active rep, from creation and, for those assigned after it, from MQL) and what the audit flags
    today (waiting in a queue, beyond the threshold, reassigned, open leads of deactivated owners, owned
    outside the territory)."""
    sql, parameters = _routing_where(where)
    return read(
        f"""select territory,
                   count(*) filter (where is_queue_routed) as queue_routed_leads,
                   count(*) filter (where is_queue_routed and assigned_at is not null) as assigned_leads,
                   median(business_minutes_to_assignment) filter (where is_queue_routed)
                       as median_business_minutes_to_assignment,
                   count(*) filter (where is_queue_routed and is_assigned_after_mql) as assigned_after_mql,
                   median(business_minutes_from_mql_to_assignment) filter (where is_assigned_after_mql)
                       as median_business_minutes_from_mql,
                   count(*) filter (where is_waiting_in_queue) as waiting_in_queue,
                   count(*) filter (where is_waiting_beyond_threshold) as waiting_beyond_threshold,
                   sum(reassignment_count) as reassignments,
                   count(*) filter (where is_owned_by_inactive_user and is_open)
                       as open_leads_owned_by_inactive_users,
                   count(*) filter (where is_territory_mismatch) as territory_mismatched_leads
            from metrics.lead_routing where {sql}
            group by territory order by territory""",
        parameters,
    )


def assignment_delay_by_week(read: Reader, where: Slice) -> pd.DataFrame:
    """Per week of creation and segment: queued leads and their median business minutes to assignment."""
    sql, parameters = _routing_where(where)
    return read(
        f"""select cast(date_trunc('week', created_at) as date) as created_week, segment,
                   count(*) as queue_routed_leads,
                   median(business_minutes_to_assignment) as median_business_minutes_to_assignment
            from metrics.lead_routing where is_queue_routed and {sql}
            group by all order by created_week, segment""",
        parameters,
    )


def leads_waiting_by_queue(read: Reader, where: Slice) -> pd.DataFrame:
    """The queues' backlog at the funnel clock: leads waiting, beyond the threshold, and the longest wait."""
    sql, parameters = _routing_where(where)
    return read(
        f"""select owner_queue_name as queue, count(*) as waiting_leads,
                   count(*) filter (where is_waiting_beyond_threshold) as waiting_beyond_threshold,
                   max(queue_wait_business_hours) as longest_wait_business_hours
            from metrics.lead_routing where is_waiting_in_queue and {sql}
            group by all order by waiting_beyond_threshold desc, queue""",
        parameters,
    )


def leads_of_existing_accounts(read: Reader, where: Slice) -> pd.DataFrame:
    """Per territory: leads not converted yet that belong to an existing account (by how they were matched),
    those of customers and of accounts with an open opportunity, and those routed away from the account's
    owner."""
    sql, parameters = _routing_where(where)
    return read(
        f"""select territory,
                   count(*) filter (where account_match_method = 'email_domain') as matched_by_email_domain,
                   count(*) filter (where account_match_method = 'company_name') as matched_by_company_name,
                   count(*) filter (where is_customer_account) as of_customers,
                   count(*) filter (where is_open_opportunity_account) as of_open_opportunity_accounts,
                   count(*) filter (where is_routed_away_from_account_owner) as routed_away_from_account_owner
            from metrics.lead_routing where matched_account_id is not null and {sql}
            group by territory order by territory""",
        parameters,
    )


def account_funnel_by_month(read: Reader, where: Slice) -> pd.DataFrame:
    """Per month (of the slice, accounts of its segments and territories): engaged people, MQL people and
    marketing-qualified accounts, opportunities created by sales motion and those MQA-sourced, bookings."""
    sql, parameters = where.where("activity_month", "account_segment", "account_territory")
    return read(
        f"""select activity_month, sum(engaged_person_count) as engaged_people,
                   sum(mql_person_count) as mql_people, count(*) filter (where is_mqa) as mqas,
                   sum(created_opportunity_count) as opportunities_created,
                   sum(mqa_sourced_opportunity_count) as mqa_sourced_opportunities,
                   sum(new_business_opportunity_count) as new_business,
                   sum(expansion_opportunity_count) as expansion,
                   sum(renewal_opportunity_count) as renewal,
                   sum(pipeline_created_amount) as pipeline_created_amount, sum(won_amount) as won_amount
            from metrics.account_funnel where {sql}
            group by activity_month order by activity_month""",
        parameters,
    )


def routing_quarters(read: Reader) -> list:
    frame = read("select distinct fiscal_quarter_start from metrics.routing_fairness order by 1 desc")
    return list(frame["fiscal_quarter_start"])


def routing_fairness(read: Reader, where: Slice, quarter) -> pd.DataFrame:
    """Per team in one fiscal quarter (the slice's teams): spread of routed volume and quality over its reps
    and whether the router favours some reps."""
    sql, parameters = Slice(teams=where.teams).where("", team_column="team_name")
    return read(
        f"""select team_name as team, rep_count, routed_lead_count, mean_lead_score, lead_volume_gini,
                   lead_volume_max_min_ratio, mean_lead_score_max_min_ratio, expected_sql_rate_max_min_ratio,
                   raw_sql_rate_max_min_ratio, mix_adjusted_sql_rate_max_min_ratio, score_skew_z,
                   is_quality_skewed
            from metrics.routing_fairness
            where fiscal_quarter_start = cast(? as date) and {sql}
            order by is_quality_skewed desc, score_skew_z desc nulls last, team""",
        [str(quarter), *parameters],
    )


def rep_lead_mix(read: Reader, quarter, team: str) -> pd.DataFrame:
    """One team's reps in one fiscal quarter: what the router gave each, their SQL rate raw and adjusted."""
    return read(
        """select coalesce(user_display_name, user_id) as rep, is_active, routed_lead_count, mean_lead_score,
                  expected_sql_rate, raw_sql_rate, mix_adjusted_sql_rate
           from metrics.routing_rep_mix
           where fiscal_quarter_start = cast(? as date) and team_name = ?
           order by mean_lead_score desc, rep""",
        [str(quarter), team],
    )


# --- Campaigns ----------------------------------------------------------------------------------------------

ATTRIBUTION_MODELS = {
    "W-shaped": "w_shaped",
    "U-shaped": "u_shaped",
    "Linear": "linear",
    "Time decay": "time_decay",
    "First touch": "first_touch",
    "Last touch": "last_touch",
}


def _campaigns_running(where: Slice) -> tuple[str, list]:
    """Campaigns that ran at some time in the slice's months (campaigns have no segment or territory)."""
    clauses, parameters = ["true"], []
    if where.start_month:
        clauses.append("coalesce(end_date, start_date, start_month) >= cast(? as date)")
        parameters.append(where.start_month)
    if where.end_month:
        clauses.append("start_month <= cast(? as date)")
        parameters.append(where.end_month)
    return " and ".join(clauses), parameters


def campaign_roi(read: Reader, where: Slice, attribution_model: str) -> pd.DataFrame:
    """Campaigns that ran in the slice's months, each over its whole life (ROI is never per month), with the
    share of the people each brought in that became MQLs, its interval and whether it differs from the other
    campaigns' beyond chance."""
    sql, parameters = _campaigns_running(where)
    frame = read(
        f"""select campaign_name, campaign_type, cost_to_date_amount, is_cost_budgeted, is_cost_missing,
                   is_return_maturing,
                   created_lead_count, mql_count, mql_count / nullif(created_lead_count, 0) as mql_rate,
                   sql_count, attributed_opportunities,
                   attributed_pipeline_amount, attributed_won_amount, cost_per_mql, cost_per_opportunity,
                   return_on_investment
            from metrics.campaign_roi where {sql} and attribution_model = ?
            order by attributed_won_amount desc, campaign_name""",
        [*parameters, attribution_model],
    )
    frame = with_interval(frame, "mql_count", "created_lead_count", "mql_rate")
    return versus_the_rest(frame, "mql_count", "created_lead_count")


# A lifetime ROI over fewer credited opportunities than this is too thin to rank a campaign by.
MIN_RANKED_CREDITED_OPPORTUNITIES = 3


def ranked_campaign_roi(read: Reader, where: Slice, attribution_model: str) -> pd.DataFrame:
    """campaign_roi, best lifetime ROI first, with why a campaign is left out of the ranking (no cost to
    date, its return still coming in, or fewer credited opportunities than MIN_RANKED_CREDITED_OPPORTUNITIES;
    the first that applies); None when it is ranked."""
    frame = campaign_roi(read, where, attribution_model)
    reason = pd.Series(None, index=frame.index, dtype=object)
    # Assigned last-to-first so that the first reason that applies is the one kept.
    reason[frame["attributed_opportunities"].fillna(0) < MIN_RANKED_CREDITED_OPPORTUNITIES] = (
        f"fewer than {MIN_RANKED_CREDITED_OPPORTUNITIES} credited opportunities"
    )
    reason[frame["is_return_maturing"].fillna(True).astype(bool)] = "its return still coming in"
    reason[frame["is_cost_missing"].fillna(True).astype(bool) | ~(frame["cost_to_date_amount"] > 0)] = (
        "no cost to date"
    )
    ranked = frame.assign(exclusion_reason=reason)
    return ranked.sort_values(
        ["return_on_investment", "campaign_name"], ascending=[False, True], na_position="last"
    ).reset_index(drop=True)


def campaign_roi_by_type(read: Reader, where: Slice, attribution_model: str) -> pd.DataFrame:
    """Per campaign type, pooled over its campaigns' lives: cost per MQL and ROI."""
    sql, parameters = _campaigns_running(where)
    return read(
        f"""select campaign_type, sum(cost_to_date_amount) as cost_to_date_amount,
                   sum(mql_count) as mql_count, sum(attributed_won_amount) as attributed_won_amount,
                   sum(cost_to_date_amount) / nullif(sum(mql_count), 0) as cost_per_mql,
                   (sum(attributed_won_amount) - sum(cost_to_date_amount))
                   / nullif(sum(cost_to_date_amount), 0) as return_on_investment
            from metrics.campaign_roi where {sql} and attribution_model = ?
            group by 1 order by 1""",
        [*parameters, attribution_model],
    )


def lead_feedback(read: Reader, where: Slice) -> pd.DataFrame:
    """What sales did first with each handed-over MQL, by disposition and reason."""
    sql, parameters = where.where("handover_month", territory_column="", team_column="owner_team_name")
    return read(
        f"""select disposition, coalesce(disposition_reason, disposition) as reason,
                   sum(lead_count) as leads, median(median_days_to_disposition) as typical_days
            from metrics.lead_feedback where {sql} group by all order by leads desc""",
        parameters,
    )


def score_calibration(read: Reader, where: Slice) -> pd.DataFrame:
    """Conversion by lead-score band over cohorts mature for Won."""
    sql, parameters = where.where("cohort_month", segment_column="", territory_column="")
    return read(
        f"""select score_band_floor, sum(lead_count) as leads,
                   sum(sql_count) / nullif(sum(lead_count), 0) as sql_rate,
                   sum(won_count) / nullif(sum(lead_count), 0) as won_rate,
                   max(mql_score_threshold) as mql_score_threshold
            from metrics.lead_score_calibration where {sql} and not is_maturing
            group by 1 order by 1""",
        parameters,
    )


# --- Metadata -----------------------------------------------------------------------------------------------


def shared_definitions(read: Reader, concepts: Sequence[str]) -> pd.DataFrame:
    """The shared definitions of the given concepts (seed shared_definitions), in the order given."""
    frame = read(
        f"""select concept, definition from config.shared_definitions
            where concept in ({", ".join("?" for _ in concepts)})""",
        list(concepts),
    )
    order = {concept: index for index, concept in enumerate(concepts)}
    return frame.sort_values("concept", key=lambda column: column.map(order)).reset_index(drop=True)


def column_description(read: Reader, table: str, column: str) -> str:
    """The column's dbt description, persisted by dbt as a comment; empty when none."""
    frame = read(
        "select comment from duckdb_columns() "
        "where schema_name = 'metrics' and table_name = ? and column_name = ?",
        [table, column],
    )
    return str(frame["comment"].iloc[0]) if len(frame) and frame["comment"].iloc[0] else ""


def has_table(read: Reader, schema: str, table: str) -> bool:
    frame = read(
        "select count(*) as n from information_schema.tables where table_schema = ? and table_name = ?",
        [schema, table],
    )
    return bool(frame["n"].iloc[0])


def publication(read: Reader) -> tuple[str, str]:
    if not has_table(read, "meta", "publication"):
        return ("unknown", "unknown")
    frame = read("select version, cast(published_at as varchar) as published_at from meta.publication")
    return (frame["version"].iloc[0], frame["published_at"].iloc[0]) if len(frame) else ("unknown", "unknown")
