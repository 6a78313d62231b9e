"""The dashboards' numbers in the cache (Redis in production), and keeping the default views warm.

Counting a month of cases for the whole sub-district costs seconds at a district's scale (about
2.5 s with 1,000,000 cases, docs/performance.md) — too long for the page the street office opens
most. Two paths share one cache entry per scope + period:

* `cached_numbers`: what the page, the API and the export read. The entry if there is one,
  otherwise the numbers are computed on the spot and kept for DASHBOARD_CACHE_SECONDS.
  `cached_hazard_counts` does the same for the hazards section's counts (their own entry, with
  the hazards' own change stamp: a hazard change does not recount the cases, nor the reverse).
* `warm_dashboards`: Celery beat every DASHBOARD_WARM_SECONDS. For the default period (this month)
  of the sub-district and of every zone it recomputes the entry when any case changed since the
  entry was computed, or when the entry is older than WARM_MAX_AGE, and otherwise only extends the
  entry's life. Nobody then waits for the default view; another period is computed on demand.

*Has anything changed?* Every change to a case appends to its timeline, which is append-only
(ARCHITECTURE.md), so the highest timeline id is a change stamp for all cases: one index look-up
(the hazards' timeline is the hazards' stamp).
The sweep's cards are timeline events too, so a case that becomes overdue changes the stamp
within the minute. Changes that leave no case event (a zone renamed in the admin) show within
WARM_MAX_AGE.

The numbers never differ from a from-scratch count: an entry is `dashboard_numbers()` itself,
computed at its `computed_at` (which the page shows), whichever path computed it.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.cache import cache
from django.db.models import Max
from django.utils import timezone

from governance.dashboard.hazards import hazard_counts
from governance.dashboard.numbers import dashboard_numbers
from governance.dashboard.selectors import Period, Scope, period_from
from grids.choices import Role
from grids.models import User, Zone
from incidents.models import IncidentEvent
from inspections.models import HazardEvent

WARM_MAX_AGE = dt.timedelta(minutes=10)
WARM_LOCK = "dashboard:warming"


def cache_key(scope: Scope, period: Period) -> str:
    """Scope + period: who asks does not change the numbers, because only the street office
    (everything) and the zone's own leader (their zone) may open a scope, and both see all of it."""
    return f"dashboard:v2:{scope.key}:{period.start.isoformat()}:{period.end.isoformat()}"


def hazard_cache_key(scope: Scope, period: Period) -> str:
    return f"dashboard:hazards:v1:{scope.key}:{period.start.isoformat()}:{period.end.isoformat()}"


def data_stamp() -> int:
    """The highest timeline event id: it moves whenever any case changes."""
    return IncidentEvent.objects.aggregate(last=Max("pk"))["last"] or 0


def hazard_stamp() -> int:
    """The highest hazard timeline event id: it moves whenever any hazard changes."""
    return HazardEvent.objects.aggregate(last=Max("pk"))["last"] or 0


# What each cached part is: (its key, how it is counted, its change stamp).
PARTS = {
    "cases": (cache_key, dashboard_numbers, data_stamp),
    "hazards": (hazard_cache_key, hazard_counts, hazard_stamp),
}


def _cached(part: str, user, scope: Scope, period: Period) -> dict:
    key_of, count, stamp_of = PARTS[part]
    ttl = settings.DASHBOARD_CACHE_SECONDS
    if not ttl:
        return count(user, scope, period)
    key = key_of(scope, period)
    numbers = cache.get(key)
    if numbers is None:
        stamp = stamp_of()  # before counting: a change made meanwhile makes the entry look stale, never fresh
        numbers = {**count(user, scope, period), "stamp": stamp}
        cache.set(key, numbers, ttl)
    return numbers


def cached_numbers(user, scope: Scope, period: Period) -> dict:
    """`dashboard_numbers`, from the cache when it holds them; 0 DASHBOARD_CACHE_SECONDS turns the cache off."""
    return _cached("cases", user, scope, period)


def cached_hazard_counts(user, scope: Scope, period: Period) -> dict:
    """`hazard_counts` (the dashboard's hazards section), from the cache when it holds them."""
    return _cached("hazards", user, scope, period)


def _warmer() -> User:
    """The street office's view, without a database row: `visible_to()` stays the only gate."""
    return User(username="dashboard-warmer", role=Role.STREET)


def _current(entry: dict | None, stamp: int, now: dt.datetime) -> bool:
    return entry is not None and entry.get("stamp") == stamp and now - entry["computed_at"] < WARM_MAX_AGE


def warm_dashboards(now: dt.datetime | None = None, *, force: bool = False) -> dict[str, bool]:
    """Recompute the default view of the sub-district and of each zone where it is missing or stale
    (the cases' numbers and the hazards' counts, each against its own stamp).

    Returns {scope key: recomputed?} (either part); empty when the cache is off or another warmer is
    running (a cache lock: runs that overlap skip rather than pile up)."""
    if not settings.DASHBOARD_CACHE_SECONDS:
        return {}
    now = now or timezone.now()
    interval = settings.DASHBOARD_WARM_SECONDS or 60
    # An entry outlives two missed runs, then the page computes for itself.
    ttl = max(settings.DASHBOARD_CACHE_SECONDS, 3 * interval)
    if not cache.add(WARM_LOCK, now.isoformat(), timeout=max(interval, 60)):
        return {}
    try:
        warmer = _warmer()
        period = period_from({}, today=timezone.localdate(now))
        stamps = {part: stamp_of() for part, (_key, _count, stamp_of) in PARTS.items()}
        scopes = [Scope(), *(Scope(zone) for zone in Zone.objects.visible_to(warmer).order_by("number"))]
        done: dict[str, bool] = {}
        for scope in scopes:
            done[scope.key] = False
            for part, (key_of, count, _stamp) in PARTS.items():
                key = key_of(scope, period)
                if not force and _current(cache.get(key), stamps[part], now):
                    cache.touch(key, ttl)
                    continue
                cache.set(key, {**count(warmer, scope, period, now), "stamp": stamps[part]}, ttl)
                done[scope.key] = True
        return done
    finally:
        cache.delete(WARM_LOCK)
