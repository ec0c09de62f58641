"""Leads from companies that are already accounts, planted so that lead-to-account matching can be tested.

A share of the leads that never convert come from the company of an account created before them: most write
from an email at the account's domain (under whatever company name they type), the others from a free email
service under the account's name as they spell it. A share of the rest write from a free email service too
(they match nothing). Runs on its own random stream right after the leads are drawn; it changes only company
names and email domains, which no planted rate depends on.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from shared_metrics.generate import parameters as P
from shared_metrics.generate.funnel import NO_TIME, Leads
from shared_metrics.generate.text import FREE_EMAIL_DOMAINS, join, pick

# How leads spell an account's name: as it is, in capitals with a comma before the legal suffix, without it.
NAME_SPELLINGS = 3


@dataclass
class AccountMatches:
    lead: np.ndarray  # index of each matched lead
    converted_lead: np.ndarray  # index of the lead whose conversion created the account it belongs to
    by_domain: np.ndarray  # True: writes from the account's domain; False: free email, the account's name


def _spelled(names: pa.Array, spelling: np.ndarray) -> pa.Array:
    """The account names as leads type them (legal suffixes and punctuation vary, the words do not)."""
    shouted = pc.replace_substring_regex(pc.utf8_upper(names), r" (\S+)$", r", \1.")
    without_suffix = pc.replace_substring_regex(names, r" (Inc|LLC|GmbH|Ltd|KK|Pty Ltd|SA)$", "")
    return pc.choose(pa.array(spelling), names, shouted, without_suffix)


def _with_domain(emails: pa.Array, domains: pa.Array) -> pa.Array:
    local = pc.list_element(pc.split_pattern(emails, "@"), 0)
    return join(local, domains, sep="@")


def plant_account_matches(rng: np.random.Generator, leads: Leads, lead: dict) -> AccountMatches:
    """Choose the matched leads and rewrite their (and the free-mail leads') company and email in ``lead``."""
    n = len(leads)
    converted_at = leads.reached_at[:, 3]
    converted = np.flatnonzero(converted_at != NO_TIME)
    by_time = converted[np.argsort(converted_at[converted], kind="stable")]
    # Accounts created before each lead: the first `earlier` of by_time.
    earlier = np.searchsorted(converted_at[by_time], leads.created, side="left")
    chosen = (converted_at == NO_TIME) & (earlier > 0) & (rng.random(n) < P.ACCOUNT_MATCH_SHARE)
    matched = np.flatnonzero(chosen)
    account_lead = by_time[(rng.random(len(matched)) * earlier[matched]).astype(np.int64)]
    by_domain = rng.random(len(matched)) < P.ACCOUNT_MATCH_BY_DOMAIN_SHARE
    free_mail = ~chosen & (rng.random(n) < P.FREE_EMAIL_SHARE)
    free_domains = pick(FREE_EMAIL_DOMAINS, rng.integers(0, len(FREE_EMAIL_DOMAINS), n))

    company = lead["company"].to_numpy(zero_copy_only=False).copy()
    domain = leads.domain.to_numpy(zero_copy_only=False).copy()
    account_names = leads.company.take(pa.array(account_lead))
    spelled = _spelled(account_names, rng.integers(0, NAME_SPELLINGS, len(matched)))
    company[matched[~by_domain]] = spelled.filter(pa.array(~by_domain)).to_numpy(zero_copy_only=False)
    domain[matched[by_domain]] = leads.domain.take(pa.array(account_lead[by_domain])).to_numpy(
        zero_copy_only=False
    )
    writes_free = free_mail.copy()
    writes_free[matched[~by_domain]] = True
    free = free_domains.to_numpy(zero_copy_only=False)
    domain[writes_free] = free[writes_free]
    lead["company"] = pa.array(company, pa.string())
    lead["email"] = _with_domain(lead["email"], pa.array(domain, pa.string()))
    return AccountMatches(lead=matched, converted_lead=account_lead, by_domain=by_domain)
