"""Vectorized text: Salesforce-style ids, people, companies (pyarrow compute, no per-row Python)."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

ID_PREFIX = {
    "user": "005",
    "group": "00G",
    "account": "001",
    "contact": "003",
    "lead": "00Q",
    "lead_history": "017",
    "contact_history": "017",
    "campaign": "701",
    "campaign_member": "00v",
    "task": "00T",
    "event": "00U",
    "opportunity": "006",
    "opportunity_history": "008",
    "opportunity_contact_role": "00K",
}
# Ids that never exist in a parent table: orphan foreign keys are drawn from this range.
ORPHAN_ID_BASE = 999_000_000_000_000
JUNK_ID_BASE = 900_000_000_000_000

FIRST_NAMES = [
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Amelia",
    "Oliver",
    "Sophia",
    "Elijah",
    "Charlotte",
    "James",
    "Ava",
    "William",
    "Mia",
    "Lucas",
    "Harper",
    "Benjamin",
    "Evelyn",
    "Henry",
    "Hannah",
    "Mateo",
    "Yuki",
    "Haruto",
    "Sakura",
    "Kenji",
    "Lukas",
    "Leonie",
    "Maximilian",
    "Anna",
    "Felix",
    "Lena",
    "Gabriel",
    "Sofia",
    "Miguel",
    "Valentina",
    "Santiago",
    "Camila",
    "Aoife",
    "Cian",
    "Siobhan",
    "Declan",
    "Priya",
    "Arjun",
    "Chloe",
    "Jack",
    "Isla",
    "Thomas",
    "Grace",
    "Ethan",
    "Zoe",
    "Ruby",
]
LAST_NAMES = [
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Hernandez",
    "Lopez",
    "Wilson",
    "Anderson",
    "Taylor",
    "Moore",
    "Jackson",
    "Martin",
    "Lee",
    "Thompson",
    "Mueller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Wagner",
    "Becker",
    "Tanaka",
    "Suzuki",
    "Sato",
    "Takahashi",
    "Watanabe",
    "Silva",
    "Santos",
    "Oliveira",
    "Souza",
    "Murphy",
    "Kelly",
    "OSullivan",
    "Walsh",
    "Patel",
    "Nguyen",
    "Chen",
    "Wang",
    "Kim",
    "Evans",
    "Roberts",
    "Walker",
    "Wright",
    "Clarke",
]
COMPANY_WORDS = [
    "Acme",
    "Globex",
    "Initech",
    "Umbrella",
    "Stark",
    "Wayne",
    "Hooli",
    "Vandelay",
    "Soylent",
    "Tyrell",
    "Cyberdyne",
    "Aperture",
    "Gringotts",
    "Monarch",
    "Oscorp",
    "Pied",
    "Piper",
    "Wonka",
    "Zenith",
    "Nimbus",
    "Vertex",
    "Quantum",
    "Apex",
    "Summit",
    "Harbor",
    "Northwind",
    "Contoso",
    "Fabrikam",
    "Litware",
    "Tailspin",
]
COMPANY_SUFFIXES = ["Inc", "LLC", "GmbH", "Ltd", "KK", "Pty Ltd", "SA", "Group", "Systems", "Labs"]
# Free email services: a lead writing from one of them names no company by its email.
FREE_EMAIL_DOMAINS = ["gmail.com", "outlook.com", "yahoo.com", "hotmail.com", "icloud.com", "gmx.de"]
INDUSTRIES = [
    "Technology",
    "Financial Services",
    "Healthcare",
    "Manufacturing",
    "Retail",
    "Education",
    "Media",
    "Energy",
    "Telecommunications",
    "Government",
]
TITLES = [
    "CEO",
    "CTO",
    "VP Marketing",
    "VP Sales",
    "Head of Operations",
    "IT Manager",
    "Director of Finance",
    "Marketing Manager",
    "Engineer",
    "Analyst",
    "Procurement Lead",
    "Student",
]


def sf_ids(table: str, numbers: np.ndarray) -> pa.Array:
    """18-character ids: the object's 3-character key prefix and a zero-padded number."""
    digits = pc.utf8_lpad(pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string()), 15, "0")
    return pc.binary_join_element_wise(ID_PREFIX[table], digits, "")


def pick(words: list[str], index: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(words, dtype=object)).take(pa.array(np.asarray(index, dtype=np.int64)))


def join(*parts: pa.Array | str, sep: str = "") -> pa.Array:
    return pc.binary_join_element_wise(*parts, sep)


def people(rng: np.random.Generator, numbers: np.ndarray, domains: pa.Array) -> dict[str, pa.Array]:
    """First and last names, an email at the company's domain and a phone number for each person."""
    n = len(numbers)
    first = pick(FIRST_NAMES, rng.integers(0, len(FIRST_NAMES), n))
    last = pick(LAST_NAMES, rng.integers(0, len(LAST_NAMES), n))
    number_text = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64) % 100_000), pa.string())
    local_part = pc.utf8_lower(join(first, join(last, number_text), sep="."))
    phone_digits = pc.utf8_lpad(pc.cast(pa.array(rng.integers(0, 10_000_000, n)), pa.string()), 7, "0")
    area = pc.cast(pa.array(rng.integers(200, 990, n)), pa.string())
    return {
        "first_name": first,
        "last_name": last,
        "email": join(local_part, domains, sep="@"),
        "phone": join("+1 (", area, ") 555-", phone_digits),
    }


# A brand word per number 0-9999 from four syllables, so that two companies rarely share a name, as in life
# (lead-to-account matching relies on it).
BRAND_SYLLABLES = (
    ["Ka", "Lu", "Me", "No", "Ri", "Sa", "Te", "Vo", "Xe", "Zu"],
    ["ra", "li", "no", "ve", "ta", "mo", "si", "de", "pa", "lo"],
    ["nix", "ris", "tek", "vant", "dyn", "sys", "com", "lia", "ton", "gen"],
    ["", "a", "o", "is", "ex", "on", "ia", "us", "um", "ar"],
)


def brands(numbers: np.ndarray) -> pa.Array:
    digits = zip(BRAND_SYLLABLES, (3, 2, 1, 0), strict=True)
    return join(*(pick(syllables, (numbers // 10**k) % 10) for syllables, k in digits))


def companies(rng: np.random.Generator, numbers: np.ndarray) -> tuple[pa.Array, pa.Array]:
    """Company names and their web domains, one company per number (its domain carries the number)."""
    n = len(numbers)
    first = rng.integers(0, len(COMPANY_WORDS), n)
    second = rng.integers(0, len(COMPANY_WORDS), n)
    suffix = rng.integers(0, len(COMPANY_SUFFIXES), n)
    brand = rng.integers(0, 10_000, n)
    name = join(
        pick(COMPANY_WORDS, first),
        pick(COMPANY_WORDS, second),
        brands(brand),
        pick(COMPANY_SUFFIXES, suffix),
        sep=" ",
    )
    tag = pc.cast(pa.array(np.asarray(numbers, dtype=np.int64)), pa.string())
    domain = pc.utf8_lower(join(pick(COMPANY_WORDS, first), pick(COMPANY_WORDS, second), tag, ".example"))
    return name, domain
