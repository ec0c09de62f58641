"""The Dagster code location of the shared-metrics warehouse (see definitions.py)."""
