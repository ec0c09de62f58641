"""What the weekly alignment pack shows, built from the published warehouse through the readouts only."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import pandas as pd

from shared_metrics import readouts
from shared_metrics.comparisons import COMPARISON_COLUMNS, FALSE_DISCOVERY_RATE, notable_changes
from shared_metrics.readouts import Reader, Slice
from shared_metrics.report.content import (
    MISSING,
    Bar,
    IntervalChart,
    Pack,
    Paragraph,
    Section,
    Table,
    amount,
    count,
    interval,
    p_value,
    percent,
    points,
)
from shared_metrics.stats import MIN_RATE_COUNT

# How far back each comparison looks.
BASELINE_WEEKS = 8
MARKETING_MONTHS_SHOWN = 6
PIPELINE_MONTHS_SHOWN = 3
# Notable changes compare an SLA in its newest week with nothing pending, at most this many weeks before the
# pack's: a week still pending is biased (met attempts are decided early, missed ones only when the window
# closes), so its rate would look like a change that is not there.
SETTLING_WEEKS = 3
FUNNEL_COHORT_MONTHS = 12
RANKED_CAMPAIGNS = 5
# One attribution model for the campaign ranking: W-shaped credits the first touch, the lead's creation and
# the opportunity's creation, the moments both teams hand over at.
RANKING_ATTRIBUTION_MODEL = "W-shaped"

FUNNEL = "Funnel: stage conversion"
SALES_SLA = "Sales SLA: follow-up of MQLs"
MARKETING_SLA = "Marketing SLA: MQLs and their acceptance"
PIPELINE = "Pipeline: sourced and influenced against target"
CAMPAIGNS = "Campaigns: top and bottom by lifetime ROI"
FEEDBACK = "Sales feedback reasons"
CHANGES = "Notable changes"
DEFINITIONS = "Definitions used"
SECTION_HEADINGS = (FUNNEL, SALES_SLA, MARKETING_SLA, PIPELINE, CAMPAIGNS, FEEDBACK, CHANGES, DEFINITIONS)


class ReportWeekError(ValueError):
    """A week that cannot be reported; the message says what to give instead."""


@dataclass(frozen=True)
class ReportWeek:
    """An ISO week, Monday to Sunday (UTC)."""

    start: dt.date

    @property
    def end(self) -> dt.date:
        return self.start + dt.timedelta(days=6)

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @property
    def month(self) -> dt.date:
        """The month the week belongs to, as ISO weeks belong to years: the month of its Thursday."""
        return (self.start + dt.timedelta(days=3)).replace(day=1)

    def weeks_before(self, count: int) -> list[dt.date]:
        """The Mondays of the ``count`` weeks before this one, oldest first."""
        return [self.start - dt.timedelta(weeks=n) for n in range(count, 0, -1)]


def last_complete_week(clock: dt.datetime) -> ReportWeek:
    """The newest week that ended at or before ``clock`` (a week ends at the next Monday 00:00)."""
    monday = clock.date() - dt.timedelta(days=clock.weekday())
    return ReportWeek(monday - dt.timedelta(weeks=1))


def parse_week(text: str) -> ReportWeek:
    """An ISO week written like 2026-W43."""
    match = re.fullmatch(r"(\d{4})-?W(\d{1,2})", text.strip(), flags=re.IGNORECASE)
    try:
        if not match:
            raise ValueError
        return ReportWeek(dt.date.fromisocalendar(int(match[1]), int(match[2]), 1))
    except ValueError as exc:
        raise ReportWeekError(
            f"Week {text!r} is not an ISO week: write it like 2026-W43 (year, W, week 1 to 52 or 53), or "
            "leave it out for the last complete week before the data clock."
        ) from exc


def data_clock(read: Reader) -> dt.datetime:
    """The earliest of the warehouse's data clocks: every figure of the pack has data up to it."""
    clocks = readouts.data_clocks(read)
    if clocks.empty:
        raise ReportWeekError("metrics.data_clocks is empty: the warehouse has no data clock to report at.")
    return pd.Timestamp(clocks["clock_at"].min()).to_pydatetime()


def build_pack(read: Reader, week: ReportWeek | None = None) -> Pack:
    """The pack for ``week`` (default: the last complete week before the data clock)."""
    clock = data_clock(read)
    week = week or last_complete_week(clock)
    version, published_at = readouts.publication(read)
    lines = [
        Paragraph(f"Week {week.label}: Monday {week.start} to Sunday {week.end} (UTC)."),
        Paragraph(
            f"Data as of {clock:%Y-%m-%d %H:%M} UTC, the landing's freshness watermark at which every "
            f"time-dependent figure is judged (shared definition 'The clock'); warehouse version {version}, "
            f"published {published_at} UTC. Rates carry 95 % Wilson intervals; a rate over fewer than "
            f"{MIN_RATE_COUNT} is flagged too few."
        ),
    ]
    if dt.datetime.combine(week.end + dt.timedelta(days=1), dt.time()) > clock:
        lines.append(
            Paragraph(f"Week {week.label} is not complete at the data clock: its figures are partial.", True)
        )
    warning = readouts.staleness_warning(readouts.data_clocks(read))
    if warning:
        lines.append(Paragraph(warning, True))
    sections = [
        funnel_section(read, week),
        sales_sla_section(read, week),
        marketing_sla_section(read, week, clock),
        pipeline_section(read, week, clock),
        campaigns_section(read),
        feedback_section(read, week, clock),
        changes_section(read, week),
    ]
    concepts = list(dict.fromkeys(concept for section in sections for concept in section.definitions))
    sections.append(definitions_section(read, concepts))
    return Pack(week.label, f"Weekly alignment pack {week.label}", tuple(lines), tuple(sections))


# --- Helpers ------------------------------------------------------------------------------------------------


def add_months(month: dt.date, months: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_label(month, clock: dt.datetime) -> str:
    """2026-10, with "(to date)" while the month has not ended at the data clock."""
    month = pd.Timestamp(month).date()
    ended = dt.datetime.combine(add_months(month, 1), dt.time()) <= clock
    return f"{month:%Y-%m}" + ("" if ended else " (to date)")


def week_label(monday) -> str:
    return ReportWeek(pd.Timestamp(monday).date()).label


def too_few(flag) -> str:
    return f"too few (< {MIN_RATE_COUNT})" if bool(flag) else ""


def rate_cells(row, rate: str, flag: str = "is_too_few") -> tuple[str, str, str]:
    """A readout row's rate, its 95 % interval (<rate>_lower, <rate>_upper) and its too-few flag, as cells."""
    lower, upper = getattr(row, f"{rate}_lower"), getattr(row, f"{rate}_upper")
    return percent(getattr(row, rate)), interval(lower, upper), too_few(getattr(row, flag))


def met_of(met, decided) -> str:
    return f"{count(met)} / {count(decided)}"


# --- Sections -----------------------------------------------------------------------------------------------


def funnel_section(read: Reader, week: ReportWeek) -> Section:
    first = add_months(week.month, 1 - FUNNEL_COHORT_MONTHS)
    frame = readouts.stage_conversion(read, Slice(first.isoformat(), week.month.isoformat()))
    rows = tuple(
        (
            f"{row.from_stage}→{row.to_stage}",
            count(row.entered),
            count(row.converted),
            *rate_cells(row, "conversion_rate"),
            (row.newest_mature_cohort or MISSING)[:7],
            count(row.maturing_cohorts),
        )
        for row in frame.itertuples()
    )
    table = Table(
        (
            "Stage pair A→B",
            "People that reached A",
            "…and reached B",
            "Conversion A→B",
            "95 % interval",
            "Flag",
            "Newest mature cohort",
            "Maturing cohorts left out",
        ),
        rows,
        f"People (leads and contact persons, each once) of the cohorts {first:%Y-%m} to {week.month:%Y-%m} "
        "that are mature for the stage pair, pooled; cohorts still maturing for a pair are left out of it.",
    )
    chart = IntervalChart(
        "Conversion A→B with its 95 % interval",
        tuple(
            Bar(
                f"{row.from_stage}→{row.to_stage}",
                row.conversion_rate,
                row.conversion_rate_lower,
                row.conversion_rate_upper,
                bool(row.is_too_few),
            )
            for row in frame.itertuples()
        ),
    )
    return Section(FUNNEL, (table, chart), ("Person", "Cohort", "Reaching a stage", "Conversion A→B"))


def _sla_weeks(
    read: Reader, week: ReportWeek, breakdown: str | None = None, weeks_before: int = BASELINE_WEEKS
) -> pd.DataFrame:
    """The weekly sales SLA of the pack's week and the ``weeks_before`` before it."""
    weeks = [*week.weeks_before(weeks_before), week.start]
    first_month = weeks[0].replace(day=1)
    frame = readouts.sales_sla_by_week(
        read, Slice(first_month.isoformat(), week.end.replace(day=1).isoformat()), breakdown
    )
    frame["mql_week"] = pd.to_datetime(frame["mql_week"]).dt.date
    return frame[frame["mql_week"].isin(weeks)].reset_index(drop=True)


SLA_COUNTS = [
    "received_mql_count",
    "first_touch_met",
    "first_touch_decided",
    "first_touch_pending",
    "attempts_met",
    "attempts_decided",
    "attempts_pending",
]


def _pooled_sla(frame: pd.DataFrame) -> pd.DataFrame:
    """The weeks of ``frame`` pooled per breakdown: counts summed, rates and intervals from the sums."""
    pooled = frame.groupby("breakdown", as_index=False)[SLA_COUNTS].sum()
    pooled["first_touch_within_target_rate"] = pooled["first_touch_met"] / pooled["first_touch_decided"]
    pooled["enough_attempts_rate"] = pooled["attempts_met"] / pooled["attempts_decided"]
    pooled = readouts.with_interval(
        pooled, "first_touch_met", "first_touch_decided", "first_touch_within_target_rate"
    ).rename(columns={"is_too_few": "first_touch_is_too_few"})
    return readouts.with_interval(pooled, "attempts_met", "attempts_decided", "enough_attempts_rate").rename(
        columns={"is_too_few": "attempts_is_too_few"}
    )


def sales_sla_section(read: Reader, week: ReportWeek) -> Section:
    frame = _sla_weeks(read, week)
    baseline = _pooled_sla(frame[frame["mql_week"] != week.start]).assign(mql_week=None)
    labelled = [
        (f"{week_label(row.mql_week)}" + (" (this week)" if row.mql_week == week.start else ""), row)
        for row in frame.itertuples()
    ]
    labelled += [(f"Previous {BASELINE_WEEKS} weeks pooled", row) for row in baseline.itertuples()]
    rows = tuple(
        (
            label,
            count(row.received_mql_count),
            met_of(row.first_touch_met, row.first_touch_decided),
            percent(row.first_touch_within_target_rate),
            interval(row.first_touch_within_target_rate_lower, row.first_touch_within_target_rate_upper),
            count(row.first_touch_pending),
            met_of(row.attempts_met, row.attempts_decided),
            percent(row.enough_attempts_rate),
            interval(row.enough_attempts_rate_lower, row.enough_attempts_rate_upper),
            count(row.attempts_pending),
        )
        for label, row in labelled
    )
    table = Table(
        (
            "MQL week",
            "MQLs received",
            "First touch within target: met / decided",
            "Rate",
            "95 % interval",
            "Pending",
            "Enough attempts: met / decided",
            "Rate",
            "95 % interval",
            "Pending",
        ),
        rows,
        "MQLs handed to sales in the week (all teams and segments). A rate counts the MQLs whose SLA is "
        "decided at the data clock; pending ones (the window still open) are left out of it, so the newest "
        "weeks' rates rest on fewer MQLs.",
    )

    def chart(title: str, rate: str, flag: str) -> IntervalChart:
        return IntervalChart(
            title,
            tuple(
                Bar(
                    label.replace(" (this week)", ""),
                    getattr(row, rate),
                    getattr(row, f"{rate}_lower"),
                    getattr(row, f"{rate}_upper"),
                    bool(getattr(row, flag)),
                    row.mql_week == week.start,
                )
                for label, row in labelled
            ),
        )

    charts = (
        chart(
            "First touch within target, by MQL week",
            "first_touch_within_target_rate",
            "first_touch_is_too_few",
        ),
        chart(
            "Enough attempts, by MQL week (decided MQLs: the newest weeks' pending ones left out)",
            "enough_attempts_rate",
            "attempts_is_too_few",
        ),
    )
    return Section(
        SALES_SLA,
        (table, *charts),
        ("Sales SLA: first touch", "Sales SLA: attempts", "Sales touch", "The clock"),
    )


def _marketing_months(read: Reader, week: ReportWeek, months: int) -> pd.DataFrame:
    """The marketing SLA of the pack's month and the ``months`` - 1 before it."""
    first = add_months(week.month, 1 - months)
    return readouts.marketing_sla_by_month(read, Slice(first.isoformat(), week.month.isoformat()))


def marketing_sla_section(read: Reader, week: ReportWeek, clock: dt.datetime) -> Section:
    frame = _marketing_months(read, week, MARKETING_MONTHS_SHOWN)
    rows = tuple(
        (
            month_label(row.sla_month, clock),
            count(row.marketing_sourced_mqls),
            count(row.mql_quota),
            percent(row.mql_quota_attainment),
            count(row.all_mqls),
            met_of(row.accepted_mqls, row.dispositioned_mqls),
            *rate_cells(row, "sales_acceptance_rate"),
        )
        for row in frame.itertuples()
    )
    table = Table(
        (
            "Month",
            "Marketing-sourced MQLs",
            "MQL quota",
            "Quota attainment",
            "All MQLs",
            "Accepted / first dispositions",
            "Sales acceptance rate",
            "95 % interval",
            "Flag",
        ),
        rows,
        "The marketing SLA is agreed per month: marketing-sourced MQLs against quota (all MQLs beside), and "
        "as quality the share of marketing-sourced MQLs' first dispositions by sales that accepted them.",
    )
    chart = IntervalChart(
        "Sales acceptance rate of marketing-sourced MQLs, by month",
        tuple(
            Bar(
                month_label(row.sla_month, clock),
                row.sales_acceptance_rate,
                row.sales_acceptance_rate_lower,
                row.sales_acceptance_rate_upper,
                bool(row.is_too_few),
                pd.Timestamp(row.sla_month).date() == week.month,
            )
            for row in frame.itertuples()
        ),
    )
    return Section(MARKETING_SLA, (table, chart), ("Marketing SLA", "MQL", "Sales acceptance", "Sourced by"))


def pipeline_section(read: Reader, week: ReportWeek, clock: dt.datetime) -> Section:
    first = add_months(week.month, 1 - PIPELINE_MONTHS_SHOWN)
    months = Slice(first.isoformat(), week.month.isoformat())
    sourced = readouts.marketing_sla_by_month(read, months).set_index("sla_month")
    influenced = readouts.influenced_pipeline_by_month(read, months).set_index("created_month")
    by_source = readouts.pipeline_by_month(read, months).pivot_table(
        index="created_month", columns="sourced_by", values="pipeline_amount", aggfunc="sum"
    )
    months_shown = sorted(set(sourced.index) | set(influenced.index) | set(by_source.index))

    def figures(frame: pd.DataFrame, column, format_figure) -> tuple[str, ...]:
        return tuple(
            format_figure(frame.loc[month, column] if month in frame.index else None)
            for month in months_shown
        )

    rows = (
        ("Marketing-sourced pipeline", *figures(sourced, "marketing_sourced_pipeline_amount", amount)),
        ("Its target", *figures(sourced, "marketing_sourced_pipeline_target_amount", amount)),
        ("Attainment", *figures(sourced, "marketing_sourced_pipeline_attainment", percent)),
        (
            "Marketing-influenced pipeline",
            *figures(influenced, "marketing_influenced_pipeline_amount", amount),
        ),
        *(
            (f"All pipeline created, {source}-sourced", *figures(by_source, source, amount))
            for source in by_source
        ),
    )
    monthly = Table(
        ("Pipeline created in the month", *(month_label(month, clock) for month in months_shown)),
        rows,
        "Pipeline: the amount of the opportunities created in the month. Sourced by the lead source of the "
        "lead that created the opportunity; marketing-influenced when a campaign response came within the "
        "lookback before it was created (an opportunity can be both).",
    )
    quarters = [q for q in readouts.pacing_quarters(read) if pd.Timestamp(q).date() <= week.start]
    blocks: list = [monthly]
    if quarters:
        quarter = quarters[0]
        pacing = readouts.target_pacing_by_territory(read, Slice(), quarter)
        blocks.append(
            Table(
                (
                    "Territory",
                    "Won",
                    "Bookings target",
                    "Bookings attainment",
                    "Quarter elapsed",
                    "Pacing",
                    "Pipeline created vs target",
                ),
                tuple(
                    (
                        row.territory,
                        amount(row.won_amount),
                        amount(row.bookings_target_amount),
                        percent(row.bookings_attainment),
                        percent(row.elapsed_share),
                        percent(row.bookings_pacing),
                        percent(row.pipeline_attainment),
                    )
                    for row in pacing.itertuples()
                ),
                f"Fiscal quarter starting {pd.Timestamp(quarter):%Y-%m-%d}, at the data clock: bookings "
                "(won amount) against target, the share of its business days elapsed, pacing (attainment ÷ "
                "elapsed share) and all pipeline created against its target.",
            )
        )
    return Section(PIPELINE, tuple(blocks), ("Sourced by", "Marketing-influenced", "Target pacing"))


def campaigns_section(read: Reader) -> Section:
    model = readouts.ATTRIBUTION_MODELS[RANKING_ATTRIBUTION_MODEL]
    ranked = readouts.ranked_campaign_roi(read, Slice(), model)
    eligible = ranked[ranked["exclusion_reason"].isna()]
    top = eligible.head(RANKED_CAMPAIGNS)
    bottom = eligible.iloc[len(top) :].tail(RANKED_CAMPAIGNS).iloc[::-1]
    left_out = ranked["exclusion_reason"].value_counts()

    def table(frame: pd.DataFrame, which: str) -> Table:
        return Table(
            (
                "Campaign",
                "Type",
                "Cost to date",
                "Credited opportunities",
                "Attributed won revenue",
                "Lifetime ROI",
                "Notes",
            ),
            tuple(
                (
                    row.campaign_name,
                    row.campaign_type,
                    amount(row.cost_to_date_amount),
                    f"{row.attributed_opportunities:.1f}",
                    amount(row.attributed_won_amount),
                    percent(row.return_on_investment),
                    "cost is budget" if row.is_cost_budgeted else "",
                )
                for row in frame.itertuples()
            ),
            f"{which} {RANKED_CAMPAIGNS} by lifetime ROI, {RANKING_ATTRIBUTION_MODEL} attribution.",
            label_columns=2,
        )

    summary = Paragraph(
        f"Lifetime ROI = (won revenue credited to the campaign minus cost to date) ÷ cost to date, over the "
        f"campaign's whole life, {RANKING_ATTRIBUTION_MODEL} attribution (credit shares, so credited "
        f"opportunities can be fractional). {len(eligible)} campaigns ranked; {int(left_out.sum())} left out"
        + (": " + ", ".join(f"{n} with {reason}" for reason, n in left_out.items()) if len(left_out) else "")
        + "."
    )
    return Section(
        CAMPAIGNS, (summary, table(top, "Top"), table(bottom, "Bottom, worst first:")), ("Campaign ROI",)
    )


def feedback_section(read: Reader, week: ReportWeek, clock: dt.datetime) -> Section:
    month = week.month.isoformat()
    frame = readouts.lead_feedback(read, Slice(month, month))
    total = frame["leads"].sum()
    rows = tuple(
        (
            row.disposition,
            row.reason,
            count(row.leads),
            percent(row.leads / total if total else None),
            MISSING if pd.isna(row.typical_days) else f"{row.typical_days:.1f}",
        )
        for row in frame.itertuples()
    )
    table = Table(
        ("First disposition", "Reason", "MQLs", "Share", "Typical days to disposition"),
        rows,
        f"What sales did first with each MQL handed over in {month_label(week.month, clock)}: accepted, "
        "recycled or disqualified (with the reason given), or pending (no disposition yet). Typical days: "
        "the median of the slices' median days from handover to disposition.",
        label_columns=2,
    )
    return Section(FEEDBACK, (table,), ("Sales acceptance",))


SLA_FIGURES = {
    "first_touch": "Sales SLA: first touch within target",
    "attempts": "Sales SLA: enough attempts",
}


def _sla_comparisons(read: Reader, week: ReportWeek) -> tuple[list[dict], list[str]]:
    """Each sales SLA, overall and per SALES_SLA_BREAKDOWNS, in its newest settled week against the
    BASELINE_WEEKS before that week pooled; and the SLAs with no settled week to compare."""
    frames = {
        breakdown: _sla_weeks(read, week, breakdown, BASELINE_WEEKS + SETTLING_WEEKS)
        for breakdown in (None, *readouts.SALES_SLA_BREAKDOWNS)
    }
    overall, earliest = frames[None], week.start - dt.timedelta(weeks=SETTLING_WEEKS)
    comparisons, unsettled = [], []
    for prefix, figure in SLA_FIGURES.items():
        settled = overall[(overall[f"{prefix}_pending"] == 0) & (overall["mql_week"] >= earliest)]["mql_week"]
        if settled.empty:
            unsettled.append(figure)
            continue
        compared = ReportWeek(settled.max())
        baseline_weeks = compared.weeks_before(BASELINE_WEEKS)
        for breakdown, frame in frames.items():
            current = frame[frame["mql_week"] == compared.start].set_index("breakdown")
            baseline = _pooled_sla(frame[frame["mql_week"].isin(baseline_weeks)]).set_index("breakdown")
            for name in baseline.index:
                now = current.loc[name] if name in current.index else None
                comparisons.append(
                    {
                        "figure": figure,
                        "breakdown": f"{breakdown}: {name}" if breakdown else "All",
                        "period": f"{compared.label} vs previous {BASELINE_WEEKS} weeks",
                        "current_successes": 0 if now is None else now[f"{prefix}_met"],
                        "current_trials": 0 if now is None else now[f"{prefix}_decided"],
                        "baseline_successes": baseline.loc[name, f"{prefix}_met"],
                        "baseline_trials": baseline.loc[name, f"{prefix}_decided"],
                    }
                )
    return comparisons, unsettled


def changes_section(read: Reader, week: ReportWeek) -> Section:
    comparisons, unsettled = _sla_comparisons(read, week)
    tested = notable_changes(pd.DataFrame(comparisons, columns=[*COMPARISON_COLUMNS, "period"]))
    significant = tested[tested["is_significant"]].sort_values("p_value")
    summary = Paragraph(
        f"Each sales SLA rate, overall, per team and per segment, in its newest week with nothing pending "
        f"(at most {SETTLING_WEEKS} weeks before this one: a week still pending would be biased) against the "
        f"{BASELINE_WEEKS} weeks before it pooled, compared with a two-proportion z-test: "
        f"{int(tested['is_tested'].sum())} comparisons tested, {len(significant)} significant at a "
        f"{FALSE_DISCOVERY_RATE:.0%} false discovery rate (Benjamini–Hochberg); "
        f"{int((~tested['is_tested']).sum())} slices with fewer than {MIN_RATE_COUNT} decided in a period "
        "were not tested."
        + "".join(f" {figure}: no settled week yet, not compared." for figure in unsettled)
        + ("" if len(significant) else " No rate changed by more than chance explains.")
    )
    rows = tuple(
        (
            row.figure,
            row.breakdown,
            row.period,
            f"{percent(row.current_rate)} ({met_of(row.current_successes, row.current_trials)})",
            f"{percent(row.baseline_rate)} ({met_of(row.baseline_successes, row.baseline_trials)})",
            points(row.difference),
            p_value(row.p_value),
        )
        for row in significant.itertuples()
    )
    blocks: tuple = (summary,)
    if rows:
        blocks += (
            Table(
                (
                    "Figure",
                    "Slice",
                    "Compared",
                    "Now (met / decided)",
                    "Before (met / decided)",
                    "Change",
                    "p",
                ),
                rows,
                "Significant changes only, smallest p-value first.",
                label_columns=3,
            ),
        )
    return Section(CHANGES, blocks, ("Sales SLA: first touch", "Sales SLA: attempts"))


def definitions_section(read: Reader, concepts: list[str]) -> Section:
    frame = readouts.shared_definitions(read, concepts)
    return Section(
        DEFINITIONS,
        (
            Table(
                ("Concept", "Shared definition"),
                tuple((row.concept, row.definition) for row in frame.itertuples()),
                "From seed shared_definitions: the one definition each figure above follows.",
                label_columns=2,
            ),
        ),
    )
