"""Lead scores from the seed ``lead_scoring_rules``, computed independently of the dbt models, so the planted
conversion per score band can be written into the truth and checked against lead_score_calibration."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from shared_metrics.generate import parameters as P
from shared_metrics.generate.funnel import Leads
from shared_metrics.generate.text import TITLES
from shared_metrics.settings import SEEDS_DIR


def scoring_rules(seeds_dir: Path = SEEDS_DIR) -> dict[str, dict[str, int]]:
    """attribute -> value -> points."""
    rules: dict[str, dict[str, int]] = {}
    with (seeds_dir / "lead_scoring_rules.csv").open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            rules.setdefault(row["lead_attribute"], {})[row["attribute_value"]] = int(row["points"])
    return rules


RESPONSE_BUCKETS = ["", "1", "2", "3+"]  # campaign_responses rule values for 0, 1, 2 and 3 or more


def lead_scores(attributes: dict[str, tuple[list[str], np.ndarray]], responses: np.ndarray) -> np.ndarray:
    """Score per lead: the points of every rule it matches. ``attributes`` maps segment, title and
    lead_source to (labels, index of each lead's label); ``responses`` counts campaign responses up to
    the lead's MQL (or now)."""
    values = {**attributes, "campaign_responses": (RESPONSE_BUCKETS, np.minimum(responses, 3))}
    score = np.zeros(len(responses), dtype=np.int64)
    for lead_attribute, points in scoring_rules().items():
        labels, index = values[lead_attribute]
        score += np.array([points.get(label, 0) for label in labels], dtype=np.int64)[index]
    return score


def planted_scores(leads: Leads, members: dict[str, np.ndarray]) -> np.ndarray:
    """Each lead's score as the models compute it. Responses count up to MQL: the generator draws none
    after it."""
    responses = np.bincount(members["lead"][members["responded"]], minlength=len(leads))
    return lead_scores(
        {
            "segment": (P.SEGMENTS, leads.segment),
            "title": (TITLES, leads.title),
            "lead_source": (P.LEAD_SOURCES, leads.source),
        },
        responses,
    )
