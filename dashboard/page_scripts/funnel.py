"""The Funnel page at /funnel, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import funnel

funnel.render(current_slice())
