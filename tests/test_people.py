"""People in the funnel (tests/conftest.py's small warehouse, 250,000 leads): every lead and every contact
that entered the funnel on its own is one person, counted once in the stage model, the conversion table, the
sales SLA and the feedback; contact persons' stages and SLA equal the generator's planted journeys."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.xdist_group("small_warehouse")

STAGE_COLUMNS = {
    "mql": "mql_at",
    "sal": "sal_at",
    "sql": "sql_at",
    "opportunity": "opportunity_at",
    "won": "won_at",
}


def test_contact_persons_reach_the_planted_stages(warehouse, small_truth: dict) -> None:
    planted = small_truth["people"]
    counts = ", ".join(f"count({column})" for column in STAGE_COLUMNS.values())
    observed = warehouse.execute(
        f"select count(*), {counts} from metrics.lead_funnel where person_type = 'contact'"
    ).fetchall()[0]
    expected = (
        planted["contact_persons"],
        *(planted[f"contact_persons_{stage}"] for stage in STAGE_COLUMNS),
    )
    assert observed == expected
    assert all(value > 0 for value in expected), planted


def test_every_person_is_counted_once_across_lead_and_contact(warehouse, small_truth, small_landing) -> None:
    """A lead and the contact it was converted to are one person (the lead's), even when the contact responds
    and is marked MQL again later; every other responding or qualified contact is one person of its own."""
    planted = small_truth["people"]
    staged_leads = small_truth["defects"]["tables"]["lead"]["staged"]
    assert planted["requalified_converted_contacts"] > 0
    people = warehouse.execute(
        """select count(*), count(distinct person_id), count(lead_id), count(distinct contact_id),
                  count(contact_id)
           from metrics.lead_funnel"""
    ).fetchall()[0]
    assert people[:3] == (staged_leads + planted["contact_persons"],) * 2 + (staged_leads,)
    assert people[3] == people[4], "a contact belongs to one person"
    # No contact a landed lead was converted to is a person of its own, unless the lead was deleted (its
    # contact is then the only record of the person).
    converted_contacts_as_people = warehouse.execute(
        f"""with landed as (select * from read_parquet('{small_landing}/lead/*.parquet'))
            select count(*) from metrics.lead_funnel
            where person_type = 'contact' and person_id in (
                select converted_contact_id from landed
                where converted_contact_id is not null
                    and id not in (select id from landed where is_deleted and id is not null))"""
    ).fetchall()[0][0]
    assert converted_contacts_as_people == 0
    # The conversion table, the SLA and the feedback count the same people.
    entered = warehouse.execute(
        """select person_type, sum(entered_count) from metrics.funnel_conversion where stage_pair_order = 1
           group by 1 order by 1"""
    ).fetchall()
    assert entered == [("contact", planted["contact_persons"]), ("lead", staged_leads)]
    mqls = warehouse.execute(
        """select (select count(*) from metrics.lead_funnel where mql_at is not null),
                  (select count(*) from metrics.sales_sla_by_lead),
                  (select sum(lead_count) from metrics.lead_feedback),
                  (select sum(entered_count) from metrics.funnel_conversion where from_stage = 'MQL')"""
    ).fetchall()[0]
    assert len(set(mqls)) == 1, mqls


def test_contact_mqls_are_held_to_the_sales_sla_as_planted(warehouse, small_truth: dict) -> None:
    """Settled contact MQLs (three weeks before the as-of) first touched within the target: as planted."""
    planted = small_truth["people"]
    as_of = small_truth["generator"]["as_of"]
    observed = warehouse.execute(
        f"""select count(*), count(*) filter (where first_touch_sla_status = 'met')
            from metrics.sales_sla_by_lead
            where person_type = 'contact' and mql_at <= timestamp '{as_of}' - interval 21 day"""
    ).fetchall()[0]
    assert observed == (planted["contact_mqls_settled"], planted["contact_first_touch_met_settled"])
