"""The street office's home shows the dashboard's headline as beat keeps it warm (governance.dashboard.cache).

Read from the cache only: the home never counts a month of cases itself (seconds at a district's
scale). When nothing is warm yet (warming off, or the first minute after start) the home links to
the dashboard instead, which computes on demand.
"""

from __future__ import annotations

from django.core.cache import cache
from django.utils import timezone

from governance.dashboard.cache import cache_key
from governance.dashboard.report import figure
from governance.dashboard.selectors import Scope, period_from

HOME_FIGURES = ["reported", "closed", "handling_rate", "on_time_rate", "open_overdue"]


def warm_headline(user) -> dict | None:
    """{figures, computed_at} of this month's sub-district dashboard, or None when not warm."""
    if not user.sees_everything:
        return None
    scope, period = Scope(), period_from({})
    numbers = cache.get(cache_key(scope, period))
    if not numbers:
        return None
    return {
        "figures": [figure(key, numbers["totals"], period, scope) for key in HOME_FIGURES],
        "computed_at": timezone.localtime(numbers["computed_at"]),
    }
