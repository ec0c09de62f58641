"""One more day of landed changes on top of an existing landing folder, as a daily extract brings them.

`python -m shared_metrics.generate.daily --landing DIR --day 2026-11-02` writes one file per table
(``day-20261102.parquet``) with: new leads and their campaign responses, status changes with their history
rows, calls to the leads that became MQLs, late updates to old leads and opportunities (some won), rows that
land late (stamped two days earlier), deletions (tasks, campaign members and a few leads, whose activities and
history then point at nothing), and contacts entering the funnel on their own (a first response) or leaving
it (their only response deleted, or a lead converted into them). The rows are drawn deterministically from
the day and the existing rows, so the same day on the same landing gives the same file. Incremental refreshes
are tested and measured with it (the incremental warehouse must equal a full rebuild).
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import duckdb

from shared_metrics.landing import TABLES, glob_literal, sql_literal

# Shares of the lead count per day: about what one day of a two-year history holds.
NEW_LEADS_SHARE = 1 / 700
STATUS_CHANGES_SHARE = 1 / 500
LATE_UPDATES_SHARE = 1 / 2000
DELETED_ACTIVITIES_SHARE = 1 / 3000
DELETED_LEADS_SHARE = 1 / 20000
CONTACT_CHANGES_SHARE = 1 / 10000  # contacts entering or leaving the funnel on their own
LATE_ARRIVAL_DAYS = 2  # late rows are stamped this many days before the day (inside the refresh lookback)


def _current(table: str) -> str:
    """The newest landed version of each row of a table, without deletions or rows lacking an id."""
    version = TABLES[table].version_column or "created_date"
    return f"""
        select * exclude (version_rank) from (
            select *, row_number() over (partition by id order by {version} desc) as version_rank
            from landed_{table} where id is not null
        ) where version_rank = 1 and not coalesce(is_deleted, false)
    """


def _sample(relation: str, salt: str, count: int, where: str = "true") -> str:
    return f"select * from ({relation}) where {where} order by hash(id || '{salt}') limit {max(count, 1)}"


def _stamp(day: dt.date, salt: str, seconds_from: int = 0, span: int = 86_400 - 1) -> str:
    """A moment on `day` drawn from the row's id."""
    return f"(timestamp '{day.isoformat()}' + to_seconds({seconds_from} + hash(id || '{salt}') % {span}))"


@dataclass(frozen=True)
class Day:
    """The day being landed, and how many rows of each kind it brings (shares of the landed leads)."""

    day: dt.date
    leads: int

    @property
    def tag(self) -> str:
        return self.day.strftime("%Y%m%d")

    @property
    def start(self) -> str:
        return f"timestamp '{self.day.isoformat()}'"

    @property
    def late_day(self) -> dt.date:
        return self.day - dt.timedelta(days=LATE_ARRIVAL_DAYS)

    def count(self, share: float) -> int:
        return max(int(self.leads * share), 1)


def new_leads(day: Day) -> str:
    """New leads, copied from existing ones, not yet contacted."""
    return f"""
        select * replace (
            'N{day.tag}-' || id as id,
            {_stamp(day.day, "new")} as created_date,
            'Open - Not Contacted' as status,
            false as is_converted,
            null::timestamp as converted_date,
            null as converted_contact_id,
            null as converted_account_id,
            null as converted_opportunity_id,
            null as disqualified_reason_c,
            null as recycled_reason_c,
            {_stamp(day.day, "new")} as system_modstamp
        )
        from ({_sample("select * from current_lead", "new" + day.tag, day.count(NEW_LEADS_SHARE))})
    """


def moved_leads(day: Day) -> str:
    """Open leads move on: most become MQLs, the rest start nurturing."""
    earlier = _sample(
        "select * from current_lead",
        "move" + day.tag,
        day.count(STATUS_CHANGES_SHARE),
        f"status in ('Open - Not Contacted', 'Nurturing') and created_date < {day.start}",
    )
    return f"""
        select * replace (
            case when hash(id || 'which{day.tag}') % 4 = 0 then 'Nurturing' else 'Marketing Qualified' end
                as status,
            {_stamp(day.day, "move" + day.tag)} as system_modstamp
        )
        from ({earlier})
    """


def corrected_leads(day: Day) -> str:
    """Old leads corrected long after they were created: a late update."""
    old = _sample(
        "select * from current_lead",
        "fix" + day.tag,
        day.count(LATE_UPDATES_SHARE),
        f"created_date < {day.start} - interval 365 day and id not in (select id from moved_lead)",
    )
    return f"""
        select * replace (
            case rating when 'Hot' then 'Warm' else 'Hot' end as rating,
            {_stamp(day.day, "fix" + day.tag)} as system_modstamp
        )
        from ({old})
    """


# Contacts that are people in the funnel on their own: they responded, and no lead was converted to them.
CONTACT_PERSONS = """
    select distinct contact_id as id from current_campaign_member
    where contact_id is not null and lead_id is null and has_responded
    and contact_id not in (
        select converted_contact_id from current_lead where converted_contact_id is not null
    )
"""


def leads_converted_to_contact_persons(day: Day) -> str:
    """Open leads converted into a contact that was a person on its own: the contact leaves the funnel (it is
    the lead's person from now on)."""
    leads = _sample(
        "select * from current_lead",
        "convert" + day.tag,
        day.count(CONTACT_CHANGES_SHARE),
        "not is_converted and status in ('Open - Not Contacted', 'Nurturing') "
        "and id not in (select id from moved_lead union all select id from corrected_lead)",
    )
    contacts = _sample(CONTACT_PERSONS, "convertinto" + day.tag, day.count(CONTACT_CHANGES_SHARE))
    return f"""
        select lead.* exclude (pair, converted_at) replace (
            'Closed - Converted' as status,
            true as is_converted,
            lead.converted_at as converted_date,
            contact.id as converted_contact_id,
            contact.account_id as converted_account_id,
            lead.converted_at as system_modstamp
        )
        from (
            select
                *,
                row_number() over (order by id) as pair,
                {_stamp(day.day, "convert" + day.tag)} as converted_at
            from ({leads})
        ) as lead
        inner join (
            select current_contact.*, row_number() over (order by current_contact.id) as pair
            from ({contacts}) as persons
            inner join current_contact on persons.id = current_contact.id
        ) as contact on lead.pair = contact.pair
    """


def deleted_leads(day: Day) -> str:
    """A few unconverted leads deleted: their history and activities then point at nothing."""
    untouched = _sample(
        "select * from current_lead",
        "del" + day.tag,
        day.count(DELETED_LEADS_SHARE),
        "not is_converted and id not in (select id from moved_lead union all select id from corrected_lead "
        "union all select id from converted_lead)",
    )
    return f"""
        select * replace (true as is_deleted, {_stamp(day.day, "del" + day.tag)} as system_modstamp)
        from ({untouched})
    """


def lead_rows(day: Day) -> str:
    return (
        "select * from new_lead union all by name select * from moved_lead "
        "union all by name select * from corrected_lead union all by name select * from converted_lead "
        "union all by name select * from deleted_lead"
    )


def lead_history_rows(day: Day) -> str:
    """A status-change row per moved lead."""
    return f"""
        select
            'H{day.tag}-' || moved.id as id,
            moved.id as lead_id,
            'Status' as field,
            current.status as old_value,
            moved.status as new_value,
            moved.owner_id as created_by_id,
            moved.system_modstamp as created_date,
            false as is_deleted
        from moved_lead as moved
        inner join current_lead as current on moved.id = current.id
    """


def task_rows(day: Day) -> str:
    """A call to each new MQL an hour later (every third made two days earlier, landing late); some tasks
    deleted."""
    deleted = _sample("select * from current_task", "deltask" + day.tag, day.count(DELETED_ACTIVITIES_SHARE))
    return f"""
        select template.* replace (
            'T{day.tag}-' || lead.id as id,
            lead.id as who_id,
            lead.owner_id as owner_id,
            'Completed' as status,
            true as is_closed,
            cast(lead.called_at as date) as activity_date,
            lead.called_at as completed_date_time,
            lead.called_at as created_date,
            false as is_deleted,
            lead.called_at as system_modstamp
        )
        from (
            select
                *,
                system_modstamp + interval 1 hour
                - case
                    when row_number() over (order by id) % 3 = 1 then interval {LATE_ARRIVAL_DAYS} day
                    else interval 0 day
                end
                    as called_at
            from moved_lead
            where status = 'Marketing Qualified'
        ) as lead
        cross join (select * from current_task where task_subtype = 'Call' limit 1) as template
        union all by name
        select * replace (true as is_deleted, {_stamp(day.day, "deltask" + day.tag)} as system_modstamp)
        from ({deleted})
    """


def campaign_member_rows(day: Day) -> str:
    """New leads respond to the campaign their template responded to; some responses are deleted. Contacts
    enter the funnel on their own (a first response) and leave it (their only response deleted)."""
    deleted = _sample(
        "select * from current_campaign_member", "delmember" + day.tag, day.count(DELETED_ACTIVITIES_SHARE)
    )
    first_responders = _sample(
        "select * from current_contact",
        "respond" + day.tag,
        day.count(CONTACT_CHANGES_SHARE),
        "id not in (select contact_id from current_campaign_member where contact_id is not null) "
        "and id not in (select converted_contact_id from current_lead "
        "where converted_contact_id is not null)",
    )
    only_responses = _sample(
        "select * from current_campaign_member",
        "unrespond" + day.tag,
        day.count(CONTACT_CHANGES_SHARE),
        f"""contact_id in ({CONTACT_PERSONS}) and lead_id is null
        and contact_id in (
            select contact_id from current_campaign_member group by contact_id having count(*) = 1
        )
        and contact_id not in (select converted_contact_id from converted_lead)""",
    )
    return f"""
        select member.* replace (
            'M{day.tag}-' || member.id as id,
            new_lead.id as lead_id,
            cast(new_lead.created_date as date) as first_responded_date,
            new_lead.created_date as created_date,
            new_lead.created_date as system_modstamp
        )
        from current_campaign_member as member
        inner join new_lead on 'N{day.tag}-' || member.lead_id = new_lead.id
        union all by name
        select template.* replace (
            'R{day.tag}-' || contact.id as id,
            null as lead_id,
            contact.id as contact_id,
            cast(contact.responded_at as date) as first_responded_date,
            contact.responded_at as created_date,
            false as is_deleted,
            contact.responded_at as system_modstamp
        )
        from (
            select id, {_stamp(day.day, "respond" + day.tag)} as responded_at from ({first_responders})
        ) as contact
        cross join (
            select * from current_campaign_member where has_responded and lead_id is null limit 1
        ) as template
        union all by name
        select * replace (true as is_deleted, {_stamp(day.day, "delmember" + day.tag)} as system_modstamp)
        from (
            select * from ({deleted})
            union
            select * from ({only_responses})
        )
    """


def opportunity_rows(day: Day) -> str:
    """Old open opportunities are won, stamped two days before the day (they land late)."""
    old_open = _sample(
        "select * from current_opportunity",
        "win" + day.tag,
        day.count(LATE_UPDATES_SHARE),
        f"not is_closed and created_date < {day.start} - interval 90 day",
    )
    won_at = _stamp(day.late_day, "win" + day.tag)
    return f"""
        select * replace (
            'Closed Won' as stage_name,
            round(amount * 1.1) as amount,
            1.0 as probability,
            cast({won_at} as date) as close_date,
            true as is_closed,
            true as is_won,
            'Closed' as forecast_category,
            {won_at} as system_modstamp
        )
        from ({old_open})
    """


def opportunity_history_rows(day: Day) -> str:
    """The stage-history row of each won opportunity."""
    return f"""
        select
            'S{day.tag}-' || id as id,
            id as opportunity_id,
            stage_name,
            amount,
            probability,
            close_date,
            forecast_category,
            owner_id as created_by_id,
            system_modstamp as created_date,
            false as is_deleted
        from ({opportunity_rows(day)})
    """


# The day's lead changes, in order: each later kind leaves out the leads an earlier one took.
LEAD_CHANGES = {
    "new_lead": new_leads,
    "moved_lead": moved_leads,
    "corrected_lead": corrected_leads,
    "converted_lead": leads_converted_to_contact_persons,
    "deleted_lead": deleted_leads,
}
# One query per landed table.
DAY_ROWS = {
    "lead": lead_rows,
    "lead_history": lead_history_rows,
    "task": task_rows,
    "campaign_member": campaign_member_rows,
    "opportunity": opportunity_rows,
    "opportunity_history": opportunity_history_rows,
}


def land_day(landing_dir: Path, day: dt.date) -> dict[str, int]:
    """Write the day's changes into landing_dir; rows written per table."""
    con = duckdb.connect()
    for table in TABLES:
        files = sql_literal(glob_literal(landing_dir / table) + "/*.parquet")
        con.execute(f"create view landed_{table} as select * from read_parquet({files}, union_by_name=true)")
    for table in ("lead", "task", "campaign_member", "opportunity", "contact"):
        con.execute(f"create temp table current_{table} as {_current(table)}")
    landing_day = Day(day, con.execute("select count(*) from current_lead").fetchone()[0])
    for name, changes in LEAD_CHANGES.items():
        con.execute(f"create temp table {name} as {changes(landing_day)}")
    written = {}
    for table, rows in DAY_ROWS.items():
        columns = ", ".join(f'cast("{c.name}" as {c.sql_type}) as "{c.name}"' for c in TABLES[table].columns)
        target = landing_dir / table / f"day-{landing_day.tag}.parquet"
        query = f"select {columns} from ({rows(landing_day)})"
        con.execute(f"copy ({query}) to {sql_literal(target)} (format parquet, compression zstd)")
        written[table] = con.execute(
            f"select count(*) from read_parquet({sql_literal(glob_literal(target))})"
        ).fetchone()[0]
    con.close()
    return written


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--landing", type=Path, required=True)
    parser.add_argument("--day", type=dt.date.fromisoformat, required=True)
    args = parser.parse_args(argv)
    written = land_day(args.landing, args.day)
    print(f"Landed {args.day}: " + ", ".join(f"{table} {rows:,}" for table, rows in written.items()))


if __name__ == "__main__":
    main()
