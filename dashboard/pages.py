"""The dashboard's pages in sidebar order, each with its own address: the app, its tests and the benchmark
read this one list."""

PAGES = [
    "Overview",
    "Funnel",
    "SLA",
    "Pipeline",
    "Pipeline over time",
    "Routing & accounts",
    "Campaigns",
    "Data quality",
]


def url_path(page: str) -> str:
    """The page's address under the dashboard's root ("Routing & accounts": routing-and-accounts)."""
    return page.lower().replace(" & ", " and ").replace(" ", "-")


def script(page: str) -> str:
    """The script that renders the page, relative to dashboard/app.py."""
    return f"page_scripts/{url_path(page).replace('-', '_')}.py"
