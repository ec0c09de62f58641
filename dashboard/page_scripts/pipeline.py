"""The Pipeline page at /pipeline, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import pipeline

pipeline.render(current_slice())
