"""The Overview page at /overview, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import overview

overview.render(current_slice())
