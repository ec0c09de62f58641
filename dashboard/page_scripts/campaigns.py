"""The Campaigns page at /campaigns, with the sidebar's filters."""

from dashboard.filters import current_slice
from dashboard.views import campaigns

campaigns.render(current_slice())
