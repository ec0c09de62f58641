"""Sales–marketing shared-metrics warehouse: Python side (generator, settings, refresh helpers)."""
