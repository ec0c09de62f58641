"""The weekly alignment pack: the figures both teams review each week, as one HTML and one PDF file.

``weekly`` builds the pack's content (a ``content.Pack``) from the published warehouse through the readouts;
``html`` and ``pdf`` render that one content model, so the two files cannot disagree; ``store`` writes them
atomically under ``<WAREHOUSE_DIR>/reports/``. `make report` and the Dagster asset ``weekly_alignment_pack``
call ``store.render_published``.
"""
