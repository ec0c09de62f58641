"""The Data quality page at /data-quality, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import data_quality

data_quality.render(current_slice())
