"""The planted truth: every rate and distribution the generator draws from.

Tests compare the warehouse's numbers with these (through ``_truth.json``), so they are written down once,
here, and nowhere else.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

DEFAULT_AS_OF = dt.date(2026, 11, 1)  # fixed so that a seed always gives the same data
HISTORY_DAYS = 730
CHUNK_LEADS = 250_000  # fixed: the output for a seed must not depend on how the work is split
# Cohorts created this many days before as-of have finished every stage (the longest path is < 365 days).
MATURE_AFTER_DAYS = 365


def mature_cohorts_before(as_of: dt.date) -> dt.date:
    """First day of the first cohort month that may still be maturing: truth covers the months before it."""
    day = as_of - dt.timedelta(days=MATURE_AFTER_DAYS)
    return day.replace(day=1)


LEAD_SOURCES = [
    "Web",
    "Paid Search",
    "Webinar",
    "Event",
    "Content Syndication",
    "Email",
    "Outbound Prospecting",
    "Partner",
    "Referral",
]
LEAD_SOURCE_SHARE = np.array([0.20, 0.14, 0.10, 0.08, 0.12, 0.08, 0.16, 0.07, 0.05])
SEGMENTS = ["SMB", "Mid-Market", "Enterprise"]
# Segment mix per lead source (rows follow LEAD_SOURCES).
SEGMENT_SHARE_BY_SOURCE = np.array(
    [
        [0.60, 0.30, 0.10],
        [0.55, 0.32, 0.13],
        [0.40, 0.38, 0.22],
        [0.30, 0.40, 0.30],
        [0.50, 0.35, 0.15],
        [0.50, 0.33, 0.17],
        [0.20, 0.40, 0.40],
        [0.35, 0.40, 0.25],
        [0.40, 0.35, 0.25],
    ]
)
EMPLOYEE_RANGE_BY_SEGMENT = [(1, 199), (200, 1999), (2000, 200_000)]
TERRITORY_COUNTRIES = {
    "North America": ["United States", "United States", "United States", "Canada"],
    "Latin America": ["Brazil", "Mexico", "Argentina"],
    "UK & Ireland": ["United Kingdom", "United Kingdom", "Ireland"],
    "DACH": ["Germany", "Germany", "Austria", "Switzerland"],
    "APAC": ["Australia", "New Zealand", "Singapore"],
    "Japan": ["Japan"],
}
TERRITORY_SHARE = np.array([0.42, 0.08, 0.13, 0.13, 0.14, 0.10])

# Stage conversion given the previous stage, per lead source (rows) and the segment multiplier (columns).
STAGES = ["Lead", "MQL", "SAL", "SQL", "Opportunity", "Won"]
STAGE_RATE_BY_SOURCE = {
    #            Web   Paid  Webin Event CSynd Email Outb  Partn Refer
    "MQL": [0.30, 0.22, 0.35, 0.28, 0.12, 0.18, 0.45, 0.40, 0.50],
    "SAL": [0.75, 0.65, 0.70, 0.70, 0.50, 0.60, 0.85, 0.80, 0.85],
    "SQL": [0.50, 0.40, 0.45, 0.50, 0.30, 0.35, 0.55, 0.60, 0.65],
    "Opportunity": [0.60, 0.55, 0.60, 0.65, 0.45, 0.50, 0.70, 0.70, 0.75],
    "Won": [0.28, 0.24, 0.27, 0.30, 0.20, 0.22, 0.25, 0.33, 0.38],
}
STAGE_MULTIPLIER_BY_SEGMENT = {
    "MQL": [1.00, 1.10, 1.20],
    "SAL": [1.00, 0.95, 0.90],
    "SQL": [1.00, 1.05, 1.10],
    "Opportunity": [1.00, 1.00, 0.95],
    "Won": [1.10, 0.95, 0.80],
}
# Fit: the contact's title multiplies the Lead->MQL and SAL->SQL rates (before the 0.95 cap), so that a lead
# score built on it (seed lead_scoring_rules) separates good leads from bad ones. Titles are drawn uniformly.
TITLE_MULTIPLIER = {
    #                      MQL   SQL
    "CEO": (1.35, 1.20),
    "CTO": (1.35, 1.20),
    "VP Marketing": (1.25, 1.15),
    "VP Sales": (1.25, 1.15),
    "Head of Operations": (1.10, 1.05),
    "IT Manager": (1.00, 1.00),
    "Director of Finance": (1.10, 1.05),
    "Marketing Manager": (1.00, 1.00),
    "Engineer": (0.85, 0.90),
    "Analyst": (0.85, 0.90),
    "Procurement Lead": (1.00, 1.00),
    "Student": (0.25, 0.50),
}
LEAD_SCORE_BAND_WIDTH = 10  # points per score band in lead_score_calibration (var lead_score_band_width)
# Each campaign multiplies the Lead->MQL rate of the leads it sources by a lognormal lift.
CAMPAIGN_LIFT_SIGMA = 0.30
SKIP_SAL_STATUS_RATE = 0.06  # share of SQLs whose history jumps from MQL straight to SQL
RECYCLE_BEFORE_ACCEPT_RATE = 0.08  # accepted leads that were recycled once before being accepted

# Where a lead that stops at a stage ends up (status, share); reasons are drawn uniformly.
EXIT_BY_LAST_STAGE = {
    "Lead": [("Open - Not Contacted", 0.35), ("Nurturing", 0.35), ("Disqualified", 0.30)],
    "MQL": [("Marketing Qualified", 0.20), ("Recycled", 0.50), ("Disqualified", 0.30)],
    "SAL": [("Sales Accepted", 0.20), ("Recycled", 0.40), ("Disqualified", 0.40)],
    "SQL": [("Sales Qualified", 0.20), ("Recycled", 0.30), ("Disqualified", 0.50)],
}
DISQUALIFIED_REASONS = [
    "No budget",
    "Bad fit",
    "Competitor",
    "Student or job seeker",
    "Invalid contact data",
    "Lost to competitor",
    "No decision",
]
RECYCLED_REASONS = ["No response", "Not ready to buy", "Timing", "Wrong contact"]

# Stage timing (days, lognormal median and sigma, clipped).
DAYS_TO_MQL = (2.0, 1.0, 0.01, 45.0)
DAYS_MQL_TO_SAL = (1.5, 0.9, 0.05, 20.0)
DAYS_SAL_TO_SQL = (7.0, 0.8, 0.05, 40.0)
DAYS_SQL_TO_OPPORTUNITY = (4.0, 0.8, 0.05, 30.0)
DAYS_TO_EXIT = (10.0, 0.8, 0.5, 60.0)
SALES_CYCLE_DAYS_BY_SEGMENT = [(30.0, 0.5, 7.0, 180.0), (60.0, 0.5, 7.0, 180.0), (90.0, 0.5, 7.0, 180.0)]
AMOUNT_BY_SEGMENT = [(12_000.0, 0.6), (45_000.0, 0.6), (150_000.0, 0.7)]  # lognormal median, sigma

# Sales SLA behaviour. Targets equal the defaults in seeds/sla_targets.csv (a test checks that).
SLA_FIRST_TOUCH_TARGET_MINUTES = 240
SLA_MIN_ATTEMPTS = 3
SLA_ATTEMPT_WINDOW_BUSINESS_DAYS = 5
REP_FAST_FIRST_TOUCH_RANGE = (0.35, 0.95)  # per rep: P(first touch within target | touched)
REP_NEVER_TOUCH_RANGE = (0.02, 0.20)  # per rep: P(never touched | lead not accepted)
REP_ENOUGH_ATTEMPTS_RANGE = (0.30, 0.90)  # per rep: P(>= K attempts within the window | touched)
# Speed-to-lead, planted causally (generate/speed_to_lead.py). A first touch within the target multiplies the
# odds of SAL -> SQL by this ratio; each lead's SQL rate over all touch speeds stays its planted p_next.
SPEED_TO_LEAD_SQL_ODDS_RATIO = 2.0
# Confounding: reps answer high-score leads and some sources first. Log-odds of a first touch within target
# added to the rep's own (REP_FAST_FIRST_TOUCH_RANGE, for a lead of score SPEED_TO_LEAD_REFERENCE_SCORE).
SPEED_TO_LEAD_REFERENCE_SCORE = 40
FAST_TOUCH_LOG_ODDS_PER_SCORE_POINT = 0.05
FAST_TOUCH_LOG_ODDS_BY_SOURCE = {
    "Web": 0.0,
    "Paid Search": -0.5,
    "Webinar": 0.3,
    "Event": 0.6,
    "Content Syndication": -1.0,
    "Email": -0.3,
    "Outbound Prospecting": 0.0,
    "Partner": 0.6,
    "Referral": 1.0,
}
TOUCH_TYPE_SHARE = {"Call": 0.50, "Email": 0.35, "Meeting": 0.15}
OPEN_TASK_RATE = 0.08  # planned, not yet completed tasks per post-MQL touch: never count as touches
# Touches a teammate of the owner makes (same segment and territory): they count for the lead's SLA like the
# owner's own (DESIGN.md, "Sales SLA"), so the planted SLA behaviour holds whoever touched.
TEAMMATE_TOUCH_RATE = 0.10
# Share of leads whose email, phone or last name is edited later (field history that carries personal data).
CONTACT_DETAIL_CHANGE_RATE = 0.03

# Injected defects. Extra junk rows carry exactly one defect each; rates are per clean row of the table.
SUPERSEDED_VERSION_RATE = 0.03
EXACT_DUPLICATE_RATE = 0.002
DELETED_LEAD_RATE = 0.01  # cascades to the lead's history, memberships and activities
DELETED_ACTIVITY_RATE = 0.005  # tasks, events and campaign members, independently
NULL_ID_RATE = 0.001
ORPHAN_KEY_RATE = 0.002
UNKNOWN_STATUS_RATE = 0.002
IMPOSSIBLE_TIMESTAMP_RATE = 0.001
UNKNOWN_STATUS_VALUES = ["Qualified - Legacy", "MQL?", "Contacted (old)", "Hot Lead"]


def stage_rate_table() -> dict[str, np.ndarray]:
    """Stage conversion given the previous stage: array [source, segment] per stage, capped below 1."""
    return {
        stage: np.minimum(np.outer(STAGE_RATE_BY_SOURCE[stage], STAGE_MULTIPLIER_BY_SEGMENT[stage]), 0.95)
        for stage in STAGES[1:]
    }


# Opportunities (generate/opportunities.py). A deal that will be lost advances past each open stage but the
# last (Prospecting, Qualification, Needs Analysis, Proposal/Price Quote) with these probabilities per segment
# (rows: SMB, Mid-Market, Enterprise) and is lost where it stops; a deal that will be won passes every stage.
LOST_DEAL_ADVANCE_BY_SEGMENT = np.array(
    [
        [0.55, 0.50, 0.45, 0.40],
        [0.65, 0.55, 0.50, 0.45],
        [0.75, 0.65, 0.55, 0.50],
    ]
)
# Each open stage's share of a deal's cycle: relative weights per segment, times lognormal noise (this sigma).
STAGE_TIME_WEIGHT_BY_SEGMENT = np.array(
    [
        [1.0, 1.5, 2.0, 2.5, 1.5],
        [1.0, 2.0, 3.0, 3.0, 2.0],
        [1.5, 3.0, 4.0, 3.5, 3.0],
    ]
)
STAGE_TIME_NOISE_SIGMA = 0.35
# Close-date pushes: this share of deals per segment (SMB, Mid-Market, Enterprise) starts with an optimistic
# expected close date that slips shortly before it comes due; a pushed deal is pushed again with
# CLOSE_DATE_PUSH_AGAIN_PROBABILITY each time (at most CLOSE_DATE_MAX_PUSHES), the last push to its real
# close.
CLOSE_DATE_PUSH_PROBABILITY_BY_SEGMENT = np.array([0.20, 0.30, 0.45])
CLOSE_DATE_PUSH_AGAIN_PROBABILITY = 0.35
CLOSE_DATE_MAX_PUSHES = 6
# A pushed deal's first expected close date lies this share of its cycle after creation (uniform).
FIRST_CLOSE_DATE_SHARE_OF_CYCLE = (0.4, 0.8)
# A push comes up to this many days before the expected close date it moves.
PUSH_DAYS_BEFORE_DUE = 7.0
# Amount edits: this share of deals per segment has its amount changed once while open, by a lognormal factor.
AMOUNT_EDIT_PROBABILITY_BY_SEGMENT = np.array([0.15, 0.25, 0.35])
AMOUNT_EDIT_SIGMA = 0.25
# Reopenings: this share of lost deals per segment is reopened REOPEN_AFTER_DAYS after the loss (uniform), in
# the stage it was lost from and with a new expected close date, and lost again REOPENED_OPEN_DAYS later.
REOPEN_PROBABILITY_BY_SEGMENT = np.array([0.05, 0.07, 0.10])
REOPEN_AFTER_DAYS = (14.0, 120.0)
REOPENED_OPEN_DAYS = (10.0, 60.0)

# Lead routing (generate/routing.py). Inbound leads (every source but outbound prospecting) enter their
# segment x territory queue with QUEUE_ROUTED_SHARE; the rest are created owned by a rep. A round robin
# assigns a queued lead after a lognormal delay in the assignee's business time (minutes: median, sigma,
# min, max).
QUEUE_ROUTED_SHARE = 0.80
ASSIGNMENT_DELAY_BUSINESS_MINUTES = (90.0, 1.0, 1.0, 2400.0)
# Queued leads that never qualify and are never assigned: they wait in the queue for good.
STUCK_IN_QUEUE_RATE = 0.03
# Queued leads assigned to a rep of their segment in another territory.
MISROUTED_TERRITORY_RATE = 0.03
# Assigned leads handed to another rep of the same group later (once), this many business days after
# the assignment.
REASSIGNMENT_RATE = 0.06
REASSIGN_AFTER_BUSINESS_DAYS = (1.0, 15.0)
# This share of the reps (at least two) is deactivated, beside the users drawn inactive (3 %). Inactive users
# were deactivated this many days before the as-of (uniform); a deactivated rep keeps the leads assigned
# before, and routing gives the rep none after.
DEACTIVATED_REP_SHARE = 0.04
DEACTIVATED_DAYS_BEFORE_AS_OF = (5.0, 300.0)
# The unfair team's router sends this share of its high-fit leads (titles whose Lead->MQL multiplier is at
# least UNFAIR_HIGH_FIT_MULTIPLIER) to one of its first UNFAIR_FAVOURED_REPS reps.
UNFAIR_FAVOURED_REPS = 2
UNFAIR_HIGH_FIT_SHARE = 0.7
UNFAIR_HIGH_FIT_MULTIPLIER = 1.25
# A lead waiting in a queue longer than this (business hours of its territory) is stuck: equals dbt var
# routing_queue_wait_threshold_business_hours (a test checks that).
QUEUE_WAIT_THRESHOLD_BUSINESS_HOURS = 8
# Lead-to-account matching (generate/matching.py): this share of the leads that never convert comes from
# the company of an earlier account, ACCOUNT_MATCH_BY_DOMAIN_SHARE of them writing from its domain (the others
# from a free email service, under its name); FREE_EMAIL_SHARE of the other leads write from a free email
# service. The router sends ACCOUNT_OWNER_ROUTED_SHARE of the matched leads to the account's owner.
ACCOUNT_MATCH_SHARE = 0.05
ACCOUNT_MATCH_BY_DOMAIN_SHARE = 0.6
FREE_EMAIL_SHARE = 0.08
ACCOUNT_OWNER_ROUTED_SHARE = 0.5
# Accounts with a website on record (the others' domain shows only in their contacts' emails).
ACCOUNT_WEBSITE_SHARE = 0.85
# Contacts in the funnel (generate/contact_funnel.py). CONTACT_SOURCED_SHARE of the opportunities sales create
# come from their primary contact, whom marketing qualified first: a campaign response this many days before
# the opportunity, then MQL, SAL and SQL statuses in contact_history (field CONTACT_STATUS_FIELD).
# CONTACT_MQL_SHARE of the other contacts on opportunities respond later and are marked MQL; sales rules on
# them (first disposition shares; SAL to SQL rate) and follows them up, fast with
# CONTACT_FAST_FIRST_TOUCH_RATE.
# REQUALIFIED_CONVERTED_CONTACT_SHARE of converted leads' contacts respond and are marked MQL again: the same
# person as their lead, never a new one.
CONTACT_STATUS_FIELD = "Contact_Status__c"
CONTACT_SOURCED_SHARE = 0.4
CONTACT_SOURCED_RESPONSE_DAYS_BEFORE = (7.0, 60.0)
CONTACT_MQL_SHARE = 0.12
CONTACT_FIRST_DISPOSITION_SHARE = {"Sales Accepted": 0.55, "Recycled": 0.30, "Disqualified": 0.15}
CONTACT_SAL_TO_SQL_RATE = 0.4
REQUALIFIED_CONVERTED_CONTACT_SHARE = 0.03
CONTACT_FAST_FIRST_TOUCH_RATE = 0.7
