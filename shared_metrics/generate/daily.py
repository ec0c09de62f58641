"""One more day of landed changes on top of an existing landing folder, as a daily extract brings them.

`python -m shared_metrics.generate.daily --landing DIR --day 2026-11-02` writes one file per table
(``day-20261102.parquet``) with: new leads and their campaign responses, status changes with their history
rows, calls to the leads that became MQLs, late updates to old leads and opportunities (some won), rows that
land late (stamped two days earlier), and deletions (tasks, campaign members and a few leads, whose
activities and history then point at nothing). The rows are drawn deterministically from the day and the
existing rows, so the same day on the same landing gives the same file. Incremental refreshes are tested
and measured with it (the incremental warehouse must equal a full rebuild).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import duckdb

from shared_metrics.landing import TABLES

# Shares of the lead count per day: about what one day of a two-year history holds.
NEW_LEADS_SHARE = 1 / 700
STATUS_CHANGES_SHARE = 1 / 500
LATE_UPDATES_SHARE = 1 / 2000
DELETED_ACTIVITIES_SHARE = 1 / 3000
DELETED_LEADS_SHARE = 1 / 20000
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


def land_day(landing_dir: Path, day: dt.date) -> dict[str, int]:
    """Write the day's changes into landing_dir; rows written per table."""
    tag = day.strftime("%Y%m%d")
    late_day = day - dt.timedelta(days=LATE_ARRIVAL_DAYS)
    con = duckdb.connect()
    for table in TABLES:
        con.execute(
            f"create view landed_{table} as select * from read_parquet("
            f"'{landing_dir / table}/*.parquet', union_by_name = true)"
        )
    for table in ("lead", "task", "campaign_member", "opportunity"):
        con.execute(f"create temp table current_{table} as {_current(table)}")
    leads = con.execute("select count(*) from current_lead").fetchone()[0]

    def count(share: float) -> int:
        return max(int(leads * share), 1)

    day_start = f"timestamp '{day.isoformat()}'"
    con.execute(
        f"""
        create temp table new_lead as
        select * replace (
            'N{tag}-' || id as id,
            {_stamp(day, "new")} as created_date,
            'Open - Not Contacted' as status,
            false as is_converted,
            null::timestamp as converted_date,
            null as converted_contact_id,
            null as converted_account_id,
            null as converted_opportunity_id,
            null as disqualified_reason_c,
            null as recycled_reason_c,
            {_stamp(day, "new")} as system_modstamp
        )
        from ({_sample("select * from current_lead", "new" + tag, count(NEW_LEADS_SHARE))})
        """
    )
    # Open leads move on: most become MQLs, the rest start nurturing.
    con.execute(
        f"""
        create temp table moved_lead as
        select * replace (
            case when hash(id || 'which{
            tag
        }') % 4 = 0 then 'Nurturing' else 'Marketing Qualified' end as status,
            {_stamp(day, "move" + tag)} as system_modstamp
        )
        from ({
            _sample(
                "select * from current_lead",
                "move" + tag,
                count(STATUS_CHANGES_SHARE),
                "status in ('Open - Not Contacted', 'Nurturing') and created_date < " + day_start,
            )
        })
        """
    )
    # Old leads corrected long after they were created: a late update.
    con.execute(
        f"""
        create temp table corrected_lead as
        select * replace (
            case rating when 'Hot' then 'Warm' else 'Hot' end as rating,
            {_stamp(day, "fix" + tag)} as system_modstamp
        )
        from ({
            _sample(
                "select * from current_lead",
                "fix" + tag,
                count(LATE_UPDATES_SHARE),
                f"created_date < {day_start} - interval 365 day and id not in (select id from moved_lead)",
            )
        })
        """
    )
    con.execute(
        f"""
        create temp table deleted_lead as
        select * replace (true as is_deleted, {_stamp(day, "del" + tag)} as system_modstamp)
        from ({
            _sample(
                "select * from current_lead",
                "del" + tag,
                count(DELETED_LEADS_SHARE),
                "not is_converted and id not in "
                "(select id from moved_lead union all select id from corrected_lead)",
            )
        })
        """
    )
    rows = {
        "lead": "select * from new_lead union all by name select * from moved_lead "
        "union all by name select * from corrected_lead union all by name select * from deleted_lead",
        "lead_history": f"""
            select
                'H{tag}-' || moved.id as id,
                moved.id as lead_id,
                'Status' as field,
                current.status as old_value,
                moved.status as new_value,
                moved.owner_id as created_by_id,
                moved.system_modstamp as created_date,
                false as is_deleted
            from moved_lead as moved
            inner join current_lead as current on moved.id = current.id
        """,
        # A call to each new MQL an hour later; every third is a call made two days earlier that lands late.
        "task": f"""
            select template.* replace (
                'T{tag}-' || lead.id as id,
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
            select * replace (true as is_deleted, {_stamp(day, "deltask" + tag)} as system_modstamp)
            from ({_sample("select * from current_task", "deltask" + tag, count(DELETED_ACTIVITIES_SHARE))})
        """,
        # New leads respond to the campaign their template responded to; some responses are deleted.
        "campaign_member": f"""
            select member.* replace (
                'M{tag}-' || member.id as id,
                new_lead.id as lead_id,
                cast(new_lead.created_date as date) as first_responded_date,
                new_lead.created_date as created_date,
                new_lead.created_date as system_modstamp
            )
            from current_campaign_member as member
            inner join new_lead on 'N{tag}-' || member.lead_id = new_lead.id
            union all by name
            select * replace (true as is_deleted, {_stamp(day, "delmember" + tag)} as system_modstamp)
            from ({
            _sample(
                "select * from current_campaign_member", "delmember" + tag, count(DELETED_ACTIVITIES_SHARE)
            )
        })
        """,
        # Old open opportunities are won (with the stage history row), some of it landing late.
        "opportunity": f"""
            select * replace (
                'Closed Won' as stage_name,
                round(amount * 1.1) as amount,
                1.0 as probability,
                cast({_stamp(late_day, "win" + tag)} as date) as close_date,
                true as is_closed,
                true as is_won,
                'Closed' as forecast_category,
                {_stamp(late_day, "win" + tag)} as system_modstamp
            )
            from ({
            _sample(
                "select * from current_opportunity",
                "win" + tag,
                count(LATE_UPDATES_SHARE),
                f"not is_closed and created_date < {day_start} - interval 90 day",
            )
        })
        """,
    }
    rows["opportunity_history"] = f"""
        select
            'S{tag}-' || id as id,
            id as opportunity_id,
            stage_name,
            amount,
            probability,
            close_date,
            forecast_category,
            owner_id as created_by_id,
            system_modstamp as created_date,
            false as is_deleted
        from ({rows["opportunity"]})
    """
    written = {}
    for table, sql in rows.items():
        schema = TABLES[table]
        columns = ", ".join(f'cast("{c.name}" as {c.sql_type}) as "{c.name}"' for c in schema.columns)
        target = landing_dir / table / f"day-{tag}.parquet"
        con.execute(f"copy (select {columns} from ({sql})) to '{target}' (format parquet, compression zstd)")
        written[table] = con.execute(f"select count(*) from read_parquet('{target}')").fetchone()[0]
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
