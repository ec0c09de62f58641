"""The account funnel counts buying groups as the landing holds them (tests/conftest.py's small warehouse,
250,000 leads): every person once across lead and contact, every opportunity once in its month and sales
motion, bookings equal to the opportunities won."""

from __future__ import annotations

import duckdb
import pytest

from shared_metrics import readouts
from shared_metrics.landing import glob_literal, sql_literal

pytestmark = pytest.mark.xdist_group("small_warehouse")


def landed(small_landing, table: str) -> str:
    files = sql_literal(glob_literal(small_landing / table) + "/*.parquet")
    return f"read_parquet({files}, union_by_name = true)"


def test_engaged_people_count_a_converted_lead_and_its_contact_once(warehouse, small_landing) -> None:
    """Recomputed from the landed rows (the newest, undeleted version of each): a lead's response counts for
    the contact it converted into, so a person who responded as a lead and again as that contact in one month
    is one engaged person of the account."""
    latest = "qualify row_number() over (partition by id order by system_modstamp desc) = 1"
    landed_people = duckdb.sql(
        f"""
        with leads as (select * from {landed(small_landing, "lead")} where id is not null {latest}),
             contacts as (select * from {landed(small_landing, "contact")} where id is not null {latest}),
             members as (
                 select * from {landed(small_landing, "campaign_member")} where id is not null {latest}
             )
        select count(*) from (
            select distinct
                coalesce(leads.converted_account_id, contacts.account_id) as account_id,
                coalesce(leads.converted_contact_id, members.contact_id) as person_id,
                date_trunc('month', members.created_date) as month
            from members
            left join leads on members.lead_id = leads.id and not leads.is_deleted
            left join contacts on members.contact_id = contacts.id and not contacts.is_deleted
            where members.has_responded and not members.is_deleted
              and coalesce(leads.converted_account_id, contacts.account_id) is not null
        )"""
    ).fetchall()[0][0]
    counted, unconverted_matched = warehouse.execute(
        """select (select sum(engaged_person_count) from metrics.account_funnel),
                  (select count(distinct (responses.lead_id, date_trunc('month', responses.responded_at)))
                   from intermediate.int_campaign_responses__timed as responses
                   inner join intermediate.int_leads__matched_to_accounts as matches using (lead_id))"""
    ).fetchall()[0]
    # The mart adds the leads matched to an account (not converted yet), each once a month.
    assert counted == pytest.approx(landed_people + unconverted_matched, rel=0.002), (counted, landed_people)
    assert landed_people > 1_000


def test_opportunities_and_bookings_are_counted_once_by_sales_motion(warehouse, small_landing) -> None:
    created, new_business, expansion, won = warehouse.execute(
        """select sum(created_opportunity_count), sum(new_business_opportunity_count),
                  sum(expansion_opportunity_count), sum(won_amount)
           from metrics.account_funnel"""
    ).fetchall()[0]
    staged, staged_won = warehouse.execute(
        """select count(*), sum(opportunity_amount) filter (where is_won)
           from intermediate.int_opportunities__sourced where account_id is not null"""
    ).fetchall()[0]
    assert created == staged and won == staged_won
    types = dict(
        warehouse.execute(
            "select opportunity_type, count(*) from staging.stg_salesforce__opportunities group by 1"
        ).fetchall()
    )
    assert (new_business, expansion) == (types["New Business"], types["Existing Business"])
    months = readouts.account_funnel_by_month(readouts.connection_reader(warehouse), readouts.Slice())
    assert months["opportunities_created"].sum() == created
    assert 0 < months["mqa_sourced_opportunities"].sum() < created
