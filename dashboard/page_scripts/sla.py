"""The SLA page at /sla, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import sla

sla.render(current_slice())
