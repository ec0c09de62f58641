"""The Pipeline over time page at /pipeline-over-time, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import pipeline_over_time

pipeline_over_time.render(current_slice())
