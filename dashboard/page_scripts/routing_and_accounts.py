"""The Routing & accounts page at /routing-and-accounts, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import routing

routing.render(current_slice())
