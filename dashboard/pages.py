"""The dashboard's pages in sidebar order: the app, its tests and the benchmark read this one list."""

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
