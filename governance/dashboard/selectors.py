"""The dashboard's figures: the ONE place that defines them (formulas in docs/dashboard.md).

Every figure is a `Measure` (a count of cases) or a `Rate` (one measure over another). A measure
says two things that must always agree: the SQL condition the aggregate counts with, and the
`IncidentFilter` query string that lists exactly those cases (the drill-down). Pages, the API and
the Excel export all render `governance.dashboard.selectors_report`, which reads
`dashboard_numbers()` (through its cache), so the three never disagree.

Speed: nothing here reads case rows into Python. Each block is one grouped aggregate query —
`COUNT(*) FILTER (WHERE …)` per figure, via `Count(filter=Q(…))` — whose WHERE clause is bounded
by the period's dates (or the open statuses for the figures of "now"), so the number of queries
does not depend on the number of cases. The finished numbers are cached per scope + period, and beat
keeps the default views warm (see `governance.dashboard.selectors_cache`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db.models import Count, Exists, Q, QuerySet
from django.db.models.functions import TruncWeek
from django.http import Http404
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from grids.access import get_visible_or_404
from grids.choices import Role
from grids.models import Zone
from incidents.choices import OPEN_STATUSES, EventKind, Status
from incidents.filters import handle_runs, local_day_start
from incidents.models import Incident, IncidentEvent

MAX_PERIOD_DAYS = 731
TREND_MIN_WEEKS = 12
OVERDUE_LIST_SIZE = 10
PERIOD, NOW = "period", "now"
UP, DOWN, NEUTRAL = "up", "down", ""


# --- period and scope -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """Whole local days from `start` to `end`, both included."""

    start: dt.date
    end: dt.date
    preset: str = "custom"

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    @property
    def lo(self) -> dt.datetime:
        return local_day_start(self.start)

    @property
    def hi(self) -> dt.datetime:
        """The first instant after the period (exclusive upper bound)."""
        return local_day_start(self.end + dt.timedelta(days=1))

    def previous(self) -> Period:
        """The period of equal length that ends the day before this one starts."""
        return Period(self.start - dt.timedelta(days=self.days), self.start - dt.timedelta(days=1), "previous")

    def dates(self, prefix: str) -> dict[str, str]:
        """The IncidentFilter date pair that selects this period on `<prefix>_after/_before`."""
        return {f"{prefix}_after": self.start.isoformat(), f"{prefix}_before": self.end.isoformat()}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _preset(name: str, today: dt.date) -> Period | None:
    if name == "this_week":
        return Period(_monday(today), today, name)
    if name == "last_week":
        start = _monday(today) - dt.timedelta(days=7)
        return Period(start, start + dt.timedelta(days=6), name)
    if name == "this_month":
        return Period(_month_start(today), today, name)
    if name == "last_month":
        end = _month_start(today) - dt.timedelta(days=1)
        return Period(_month_start(end), end, name)
    if name == "this_quarter":
        return Period(dt.date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today, name)
    if name == "this_year":
        return Period(dt.date(today.year, 1, 1), today, name)
    if name == "last_30_days":
        return Period(today - dt.timedelta(days=29), today, name)
    return None


PRESETS = [
    ("this_week", _("This week")),
    ("last_week", _("Last week")),
    ("this_month", _("This month")),
    ("last_month", _("Last month")),
    ("this_quarter", _("This quarter")),
    ("this_year", _("This year")),
    ("last_30_days", _("Last 30 days")),
    ("custom", _("Chosen dates")),
]
DEFAULT_PRESET = "this_month"


def period_from(params: Mapping, today: dt.date | None = None) -> Period:
    """The period a query string asks for: `period=<preset>`, or `start` and `end` (YYYY-MM-DD).

    Raises ValidationError (HTTP 400 / a form error) for unknown presets, bad dates, an end before
    the start, or more than two years.
    """
    today = today or timezone.localdate()
    raw_start, raw_end = (params.get("start") or "").strip(), (params.get("end") or "").strip()
    name = (params.get("period") or "").strip() or ("custom" if raw_start or raw_end else DEFAULT_PRESET)
    if name != "custom":
        period = _preset(name, today)
        if period is None:
            raise ValidationError({"period": _("Unknown period “%(name)s”.") % {"name": name}})
        # Dates typed next to a preset (the form without JavaScript) win when they differ from it.
        if not (raw_start or raw_end) or (raw_start, raw_end) == (period.start.isoformat(), period.end.isoformat()):
            return period
    try:
        start = dt.date.fromisoformat(raw_start)
        end = dt.date.fromisoformat(raw_end) if raw_end else today
    except ValueError:
        raise ValidationError({"start": _("Give start and end as dates, e.g. 2026-11-01.")}) from None
    if end < start:
        raise ValidationError({"end": _("The end date is before the start date.")})
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise ValidationError({"end": _("Choose at most %(days)s days.") % {"days": MAX_PERIOD_DAYS}})
    return Period(start, end, "custom")


@dataclass(frozen=True)
class Scope:
    """What a dashboard covers: the whole sub-district, or one management zone."""

    zone: Zone | None = None

    @property
    def key(self) -> str:
        return f"zone-{self.zone.pk}" if self.zone else "subdistrict"

    def params(self) -> dict[str, str]:
        return {"zone": str(self.zone.pk)} if self.zone else {}


def can_view_dashboard(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and (
        user.sees_everything or (user.role == Role.ZONE_LEADER and user.zone_id is not None)
    )


def resolve_scope(user, zone_id: int | None = None) -> Scope:
    """The street office (and admin) see the sub-district and every zone; a zone leader only their
    own zone. Anyone else, and any other zone, is a 404."""
    if not can_view_dashboard(user):
        raise Http404
    if zone_id is None:
        if not user.sees_everything:
            raise Http404
        return Scope()
    zone = get_visible_or_404(Zone, user, pk=zone_id)
    if not user.sees_everything and zone.pk != user.zone_id:
        raise Http404
    return Scope(zone)


def scoped_cases(user, scope: Scope) -> QuerySet:
    cases = Incident.objects.visible_to(user)
    return cases.filter(zone_id=scope.zone.pk) if scope.zone else cases


# --- the definitions --------------------------------------------------------------------------------


def _between(name: str, period: Period) -> Q:
    return Q(**{f"{name}__gte": period.lo, f"{name}__lt": period.hi})


def _dispatched() -> Q:
    # A closed case has a department exactly when a department handled it (returns and disputes
    # clear it, and a case cannot close from there without a new dispatch). A column, not a
    # subquery: the handled cohort is counted on every closed row of the period.
    return Q(department__isnull=False)


def _on_time() -> Q:
    """No run of the handle-stage clock finished after its deadline (one correlated EXISTS,
    evaluated only for the rows the cheaper conditions before it let through)."""
    return ~Q(Exists(handle_runs().filter(on_time=False)))


def _closed(period: Period) -> Q:
    return Q(status=Status.CLOSED) & _between("closed_at", period)


def _closed_params(period: Period) -> dict:
    return {**period.dates("closed"), "status": [Status.CLOSED]}


@dataclass(frozen=True)
class Measure:
    """A count of cases: the condition it counts with and the case-list filter of the same cases.

    A measure with `events` counts cases that have a timeline event of those kinds in the period
    (each case once, however many such events it has)."""

    key: str
    label: Promise
    help: Promise
    when: str
    condition: Callable[[Period, dt.datetime], Q] | None = None
    params: Callable[[Period], dict] = lambda period: {}
    events: tuple[str, ...] = ()
    good: str = NEUTRAL


MEASURES: dict[str, Measure] = {m.key: m for m in [
    Measure(
        "reported", _("Reported"), _("Cases reported in the period (by reporting time)."), PERIOD,
        lambda p, now: _between("reported_at", p), lambda p: p.dates("reported"),
    ),
    Measure(
        "reported_invalid", _("Rejected or void"), _("Cases reported in the period that were rejected or voided."), PERIOD,
        lambda p, now: _between("reported_at", p) & Q(status__in=[Status.REJECTED, Status.VOID]),
        lambda p: {**p.dates("reported"), "status": [Status.REJECTED, Status.VOID]}, good=DOWN,
    ),
    Measure(
        "reported_valid", _("Valid reports"), _("Cases reported in the period that were not rejected or voided."), PERIOD,
        lambda p, now: _between("reported_at", p) & ~Q(status__in=[Status.REJECTED, Status.VOID]),
        lambda p: {**p.dates("reported"), "status_not": [Status.REJECTED, Status.VOID]}, good=UP,
    ),
    Measure(
        "registered", _("Registered"), _("Cases registered (立案) in the period."), PERIOD,
        lambda p, now: _between("registered_at", p), lambda p: p.dates("registered"),
    ),
    Measure(
        "registered_live", _("Registered, not void"),
        _("Cases registered in the period and not voided afterwards: the cases that should be closed (应结案数)."), PERIOD,
        lambda p, now: _between("registered_at", p) & ~Q(status=Status.VOID),
        lambda p: {**p.dates("registered"), "status_not": [Status.VOID]},
    ),
    Measure(
        "registered_closed", _("Registered and closed"), _("Cases registered in the period that are closed now."), PERIOD,
        lambda p, now: _between("registered_at", p) & Q(status=Status.CLOSED),
        lambda p: {**p.dates("registered"), "status": [Status.CLOSED]}, good=UP,
    ),
    Measure(
        "closed", _("Closed"), _("Cases closed (结案) in the period, including confirmed on-the-spot fixes."), PERIOD,
        lambda p, now: _closed(p), _closed_params, good=UP,
    ),
    Measure(
        "handled", _("Closed after handling"),
        _("Cases closed in the period that a department handled (they have a department)."), PERIOD,
        lambda p, now: _closed(p) & _dispatched(), lambda p: {**_closed_params(p), "dispatched": "true"},
    ),
    Measure(
        "handled_on_time", _("Handled on time"),
        _("Of the cases closed after handling in the period: those with no handling run finished after its deadline."), PERIOD,
        lambda p, now: _closed(p) & _dispatched() & _on_time(),
        lambda p: {**_closed_params(p), "dispatched": "true", "on_time": "true"}, good=UP,
    ),
    Measure(
        "handled_reworked", _("Reworked"),
        _("Of the cases closed after handling in the period: those that failed verification at least once."), PERIOD,
        lambda p, now: _closed(p) & _dispatched() & Q(rework_count__gt=0),
        lambda p: {**_closed_params(p), "dispatched": "true", "reworked": "true"}, good=DOWN,
    ),
    Measure(
        "handled_extended", _("Extended"),
        _("Of the cases closed after handling in the period: those granted at least one extension."), PERIOD,
        lambda p, now: _closed(p) & _dispatched() & Q(extension_count__gt=0),
        lambda p: {**_closed_params(p), "dispatched": "true", "extended": "true"}, good=DOWN,
    ),
    Measure(
        "open", _("Open now"), _("Cases not yet closed, rejected or void, now."), NOW,
        lambda p, now: Q(status__in=OPEN_STATUSES), lambda p: {"open": "true"},
    ),
    Measure(
        "open_overdue", _("Open overdue"), _("Open cases whose running stage is past its deadline now."), NOW,
        lambda p, now: Q(status__in=OPEN_STATUSES, due_at__lte=now), lambda p: {"open": "true", "overdue": "true"}, good=DOWN,
    ),
    Measure(
        "disputed", _("Disputed, waiting for the meeting"),
        _("Cases whose ownership is disputed and wait for the joint meeting to assign them, now."), NOW,
        lambda p, now: Q(status=Status.DISPUTED), lambda p: {"status": [Status.DISPUTED]}, good=DOWN,
    ),
    Measure(
        "yellow", _("Yellow cards"), _("Cases that received a yellow card (overdue supervision) in the period."), PERIOD,
        params=lambda p: {"event": [EventKind.YELLOW_CARD], **p.dates("event")}, events=(EventKind.YELLOW_CARD,), good=DOWN,
    ),
    Measure(
        "red", _("Red cards"), _("Cases that received a red card (still overdue, street office told) in the period."), PERIOD,
        params=lambda p: {"event": [EventKind.RED_CARD], **p.dates("event")}, events=(EventKind.RED_CARD,), good=DOWN,
    ),
    Measure(
        "disputed_new", _("Sent to the meeting"), _("Cases whose ownership was disputed (by hand or after two returns) in the period."),
        PERIOD, params=lambda p: {"event": [EventKind.DISPUTE, EventKind.AUTO_DISPUTE], **p.dates("event")},
        events=(EventKind.DISPUTE, EventKind.AUTO_DISPUTE),
    ),
]}


@dataclass(frozen=True)
class Rate:
    key: str
    label: Promise
    help: Promise
    numerator: str
    denominator: str
    good: str = UP


RATES: dict[str, Rate] = {r.key: r for r in [
    Rate("handling_rate", _("Handling rate"),
         _("事件处置率 = cases registered in the period that are closed now ÷ cases registered in the period and not voided."),
         "registered_closed", "registered_live"),
    Rate("on_time_rate", _("On-time closure rate"),
         _("按期结案率 = cases closed after handling in the period whose every handling run met its deadline ÷ "
           "cases closed after handling in the period."),
         "handled_on_time", "handled"),
    Rate("rework_rate", _("Rework rate"),
         _("返工率 = cases closed after handling in the period that failed verification at least once ÷ "
           "cases closed after handling in the period."),
         "handled_reworked", "handled", DOWN),
    Rate("extension_rate", _("Extension rate"),
         _("延期率 = cases closed after handling in the period that were granted an extension ÷ "
           "cases closed after handling in the period."),
         "handled_extended", "handled", DOWN),
    Rate("valid_report_rate", _("Valid report rate"),
         _("有效上报率 = cases reported in the period that were not rejected or voided ÷ cases reported in the period."),
         "reported_valid", "reported"),
]}

# The headline figures, in the order the page shows them.
HEADLINE = [
    "reported", "registered", "closed", "handling_rate", "on_time_rate", "rework_rate", "extension_rate",
    "open_overdue", "yellow", "red", "disputed",
]


def rate(numerator: int | None, denominator: int | None) -> float | None:
    """numerator ÷ denominator, or None (shown as "–") when nothing was there to count."""
    if not denominator:
        return None
    return (numerator or 0) / denominator


def needed(keys: list[str]) -> list[str]:
    """The measures behind a list of figure keys (rates bring their two measures)."""
    out: list[str] = []
    for key in keys:
        parts = [RATES[key].numerator, RATES[key].denominator] if key in RATES else [key]
        out += [part for part in parts if part not in out]
    return out


# --- the aggregate queries -------------------------------------------------------------------------


@dataclass
class Counter:
    """Counts measures over a scoped case queryset, optionally grouped by one column."""

    cases: QuerySet
    now: dt.datetime
    keys: list[str]
    periods: dict[str, Period] = field(default_factory=dict)  # suffix → period ("" is the chosen one)

    def _case_keys(self) -> list[str]:
        return [k for k in self.keys if not MEASURES[k].events]

    def _event_keys(self) -> list[str]:
        return [k for k in self.keys if MEASURES[k].events]

    def by(self, group: str | None = None) -> dict:
        """{group value: {key+suffix: count}} (or one dict when `group` is None)."""
        result: dict = {}
        for rows in (self._cases(group), self._events(group)):
            for value, counts in rows.items():
                result.setdefault(value, {}).update(counts)
        if group is None:
            return result.get(None, {f"{k}{s}": 0 for k in self.keys for s in self.periods})
        return result

    def _cases(self, group: str | None) -> dict:
        keys = self._case_keys()
        if not keys:
            return {}
        earliest = min(p.lo for p in self.periods.values())
        # Bounds the rows read: each period condition implies one of these dates in range, and
        # each condition of "now" implies an open status.
        rows_q = Q(reported_at__gte=earliest) | Q(registered_at__gte=earliest) | Q(closed_at__gte=earliest)
        rows_q |= Q(status__in=OPEN_STATUSES)
        counts = {
            f"{key}{suffix}": Count("pk", filter=MEASURES[key].condition(period, self.now))
            for key in keys for suffix, period in self.periods.items()
            if suffix == "" or MEASURES[key].when == PERIOD
        }
        queryset = self.cases.filter(rows_q).order_by()
        if group is None:
            return {None: queryset.aggregate(**counts)}
        return {row.pop(group): row for row in queryset.values(group).annotate(**counts)}

    def _events(self, group: str | None) -> dict:
        keys = self._event_keys()
        if not keys:
            return {}
        kinds = sorted({kind for key in keys for kind in MEASURES[key].events})
        earliest = min(p.lo for p in self.periods.values())
        latest = max(p.hi for p in self.periods.values())
        events = IncidentEvent.objects.filter(incident__in=self.cases.order_by().values("pk"), kind__in=kinds)
        events = events.filter(created_at__gte=earliest, created_at__lt=latest).order_by()
        counts = {
            f"{key}{suffix}": Count(
                "incident", distinct=True,
                filter=Q(kind__in=MEASURES[key].events, created_at__gte=period.lo, created_at__lt=period.hi),
            )
            for key in keys for suffix, period in self.periods.items()
        }
        if group is None:
            return {None: events.aggregate(**counts)}
        column = f"incident__{group}"
        return {row.pop(column): row for row in events.values(column).annotate(**counts)}


def _trend_start(period: Period) -> dt.date:
    return _monday(min(period.start, period.end - dt.timedelta(weeks=TREND_MIN_WEEKS - 1)))


def _week_day(value, tz) -> dt.date:
    return timezone.localtime(value, tz).date() if isinstance(value, dt.datetime) else value


def weekly(cases: QuerySet, period: Period) -> list[dict]:
    """Reported, registered and closed per week (Monday–Sunday, local time) over the period, or
    over the last 12 weeks ending with it when it is shorter; 3 grouped queries."""
    start = _trend_start(period)
    span = Period(start, period.end)
    tz = timezone.get_current_timezone()

    def per_week(name: str, base: QuerySet, **extra) -> dict[dt.date, dict]:
        rows = (
            base.filter(_between(name, span)).order_by().annotate(week=TruncWeek(name, tzinfo=tz))
            .values("week").annotate(n=Count("pk"), **extra)
        )
        return {_week_day(row.pop("week"), tz): row for row in rows}

    reported = per_week("reported_at", cases)
    registered = per_week("registered_at", cases)
    closed = per_week(
        "closed_at", cases.filter(status=Status.CLOSED),
        handled=Count("pk", filter=_dispatched()), on_time=Count("pk", filter=_dispatched() & _on_time()),
    )
    weeks = []
    monday = start
    while monday <= period.end:
        week = Period(monday, min(monday + dt.timedelta(days=6), period.end))
        row_closed = closed.get(monday, {})
        weeks.append({
            "start": week.start.isoformat(), "end": week.end.isoformat(),
            "reported": reported.get(monday, {}).get("n", 0), "registered": registered.get(monday, {}).get("n", 0),
            "closed": row_closed.get("n", 0), "handled": row_closed.get("handled", 0), "handled_on_time": row_closed.get("on_time", 0),
        })
        monday += dt.timedelta(days=7)
    return weeks

