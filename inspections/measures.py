"""The row conditions the hazard measures count with (SAFETY.md §8.4), in one place.

`governance.dashboard.hazards` builds its figures from these conditions and the hazard list's
FilterSet (`inspections.fieldwork_filters.HazardFilter`, page and API) filters with the same ones,
so a figure and its drill-down list cannot drift apart; tests/governance/test_hazard_measures.py
proves every figure equals its list on a hand-built data set.

Periods are half-open instants `[lo, hi)` (whole local days). Nothing here reads rows.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import DateTimeField, Exists, ExpressionWrapper, F, Func, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Least
from django.utils import timezone

from inspections.choices import RUNNING, HazardStatus, RecheckResult
from inspections.models import EnterpriseSector, Hazard, Recheck

REPEAT_WINDOW = dt.timedelta(days=365)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day` in the active time zone (Asia/Shanghai)."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def between(name: str, lo: dt.datetime, hi: dt.datetime) -> Q:
    return Q(**{f"{name}__gte": lo, f"{name}__lt": hi})


def live() -> Q:
    """Confirmed (a level was decided) and not voided: what the rates count at all."""
    return Q(confirmed_at__isnull=False) & ~Q(status=HazardStatus.VOID)


def closed_between(lo: dt.datetime, hi: dt.datetime) -> Q:
    return Q(status=HazardStatus.CLOSED) & between("closed_at", lo, hi)


def open_at(lo: dt.datetime) -> Q:
    """Not closed before `lo` (open then, or closed since)."""
    return Q(closed_at__isnull=True) | Q(closed_at__gte=lo)


class AliveRange(Func):
    """(PostgreSQL) The hazard's life as a range: from recording to closing, both included, open
    while it is not closed. The `hazard_alive_covering` GiST index (inspections 0012, 0014) is built on exactly this
    expression over the live hazards, so `alive__overlap` finds the hazards alive during a period with
    one index scan, however old the period. LEAST keeps the range valid for a closing time before the
    recording time (never written by the services, but an index expression must never fail)."""

    function = "TSTZRANGE"
    template = "%(function)s(%(expressions)s, '[]')"

    def __init__(self):
        super().__init__(Least("recorded_at", "closed_at"), F("closed_at"), output_field=_range_field())


def _range_field():
    from django.contrib.postgres.fields import DateTimeRangeField

    return DateTimeRangeField()


def range_of(lo: dt.datetime, hi: dt.datetime):
    """The period `[lo, hi)` as a value for `alive__overlap`."""
    from django.db.backends.postgresql.psycopg_any import DateTimeTZRange

    return DateTimeTZRange(lo, hi, "[)")


def decided_between(lo: dt.datetime, hi: dt.datetime) -> Q:
    """A recheck decided in the period (served by the `recheck_decided` index)."""
    return between("decided_at", lo, hi) & ~Q(result=RecheckResult.PENDING)


def due_for_closing(lo: dt.datetime, hi: dt.datetime) -> Q:
    """整改率's denominator: open at the start of the period plus confirmed in it, less the voided."""
    return live() & Q(confirmed_at__lt=hi) & open_at(lo)


def overdue(now: dt.datetime) -> Q:
    """Under a running deadline that has passed (the rectification list's "overdue" queue)."""
    return Q(status__in=RUNNING, due_at__lte=now)


def with_sector(code: str) -> Q:
    return Q(Exists(EnterpriseSector.objects.filter(enterprise_id=OuterRef("enterprise_id"), code=code)))


# --- the first recheck (复查一次通过率) -----------------------------------------------------------

def _first_recheck(field: str) -> Subquery:
    decided = Recheck.objects.filter(hazard=OuterRef("pk")).exclude(result=RecheckResult.PENDING)
    return Subquery(decided.order_by("decided_at", "pk").values(field)[:1])


def with_first_recheck(hazards: QuerySet) -> QuerySet:
    """`first_recheck_at` and `first_recheck_result`: the hazard's first decided recheck."""
    return hazards.annotate(first_recheck_at=_first_recheck("decided_at"), first_recheck_result=_first_recheck("result"))


def first_recheck_between(lo: dt.datetime, hi: dt.datetime) -> Q:
    """(on `with_first_recheck` rows) the first recheck was decided in the period."""
    return between("first_recheck_at", lo, hi)


def first_recheck_passed() -> Q:
    return Q(first_recheck_result=RecheckResult.PASSED)


# --- repeat hazards (重复隐患率) ------------------------------------------------------------------

def repeat() -> Q:
    """The same enterprise and checklist item as a hazard closed in the 12 months before this one was
    recorded (SAFETY.md §8.4). Hazards without a checklist item are never repeats."""
    earlier = Hazard.objects.filter(
        enterprise_id=OuterRef("enterprise_id"), item_id=OuterRef("item_id"), status=HazardStatus.CLOSED,
        closed_at__lt=OuterRef("recorded_at"),
        closed_at__gte=ExpressionWrapper(OuterRef("recorded_at") - REPEAT_WINDOW, output_field=DateTimeField()),
    )
    return Q(item_id__isnull=False) & Q(Exists(earlier))
