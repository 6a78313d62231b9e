"""Deadline arithmetic in Chinese working time.

A :class:`WorkCalendar` is an immutable value: the local time zone, the working periods of a
working day (e.g. 08:30–12:00 and 13:30–17:30), the dates that break the Monday–Friday rule
(public holidays on weekdays, make-up working days 调休 on weekends) and the years whose
holidays are completely entered. All arithmetic on it is pure; only :func:`load_calendar` and
:func:`sync_from_package` touch the database.

Semantics of the four limit kinds (``add(start, amount, kind)``):

- ``urgent_hours`` N: natural clock hours, 24/7: ``start + N hours``.
- ``natural_days`` N: ``start + N × 24 h``.
- ``working_hours`` N: walk forward through the working periods of working days, skipping lunch,
  nights, weekends and holidays and counting make-up Saturdays/Sundays. A start outside working
  time begins counting at the next period start. A deadline that lands exactly on a period end
  stays there (17:30, not the next morning's 08:30).
- ``working_days`` N: the deadline is the end of the last working period of the Nth working day
  *after* the start date. The start date never counts, whatever the time of day and whether or
  not it is a working day ("N working days counted from the next working day"; the usual Chinese
  administrative reading, 期间开始的当日不计入). Must be a whole number.

Hours and natural days may be fractional (0.5 working hours = 30 working minutes); amounts are
resolved to the microsecond. A zero amount gives ``start`` back unchanged. Results are aware
datetimes in the calendar's time zone; inputs may be aware datetimes in any zone. Arithmetic is
done on UTC instants, so it stays correct in zones with daylight saving time.

Clocks that pause (suspension 挂账, a pending extension) use :meth:`WorkCalendar.remaining` when
they stop — the signed number of seconds in the limit's unit (working seconds for the working
kinds, natural seconds otherwise) between *now* and the due time, negative when overdue — and
:meth:`WorkCalendar.resume` when they restart, which puts the same amount of time back in front
of (or, when overdue, behind) the new *now*.

Years that have no :class:`~casework.models.CalendarYear` row are counted with the plain
Monday–Friday rule plus whatever days an administrator entered; :meth:`WorkCalendar.uncovered_years`
names them so that callers can show a warning.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from zoneinfo import ZoneInfo

from django.db import transaction

from casework.choices import WORKING_KINDS, LimitKind

logger = logging.getLogger(__name__)

UTC = dt.UTC
SHANGHAI = ZoneInfo("Asia/Shanghai")
DEFAULT_PERIODS: tuple[tuple[dt.time, dt.time], ...] = (
    (dt.time(8, 30), dt.time(12, 0)),
    (dt.time(13, 30), dt.time(17, 30)),
)
_SECOND = dt.timedelta(seconds=1)
_ZERO = dt.timedelta(0)


# --- input validation -------------------------------------------------------------------------


def _kind(kind: LimitKind | str) -> LimitKind:
    try:
        return LimitKind(kind)
    except ValueError:
        choices = ", ".join(LimitKind.values)
        raise ValueError(f"Unknown time-limit kind {kind!r}; expected one of: {choices}.") from None


def _aware(value: dt.datetime, name: str) -> dt.datetime:
    if not isinstance(value, dt.datetime):
        raise ValueError(f"{name} must be a datetime, not {type(value).__name__}.")
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got naive {value.isoformat()}.")
    return value.astimezone(UTC)


def _amount(amount: Decimal | float | int, name: str = "amount") -> Decimal:
    if isinstance(amount, bool) or not isinstance(amount, int | float | Decimal):
        raise ValueError(f"{name} must be a number, not {type(amount).__name__}.")
    try:
        value = amount if isinstance(amount, Decimal) else Decimal(str(amount))
    except InvalidOperation:  # pragma: no cover - str() of a number always parses
        raise ValueError(f"{name} {amount!r} is not a number.") from None
    if not value.is_finite():
        raise ValueError(f"{name} must be finite, got {amount!r}.")
    if value < 0:
        raise ValueError(f"{name} must not be negative, got {amount!r}.")
    return value


def _micro(seconds: Decimal) -> dt.timedelta:
    return dt.timedelta(microseconds=int((seconds * 1_000_000).to_integral_value(ROUND_HALF_UP)))


def _normalise_periods(periods: Iterable[tuple[dt.time, dt.time]]) -> tuple[tuple[dt.time, dt.time], ...]:
    """Sorted, with overlapping or touching periods merged, so the walk never counts twice."""
    merged: list[list[dt.time]] = []
    for start, end in sorted(periods):
        if not start < end:
            raise ValueError(f"A working period must end after it starts ({start}–{end}).")
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple((s, e) for s, e in merged)


# --- the calendar -----------------------------------------------------------------------------


@dataclass(frozen=True)
class WorkCalendar:
    tz: ZoneInfo = SHANGHAI
    periods: tuple[tuple[dt.time, dt.time], ...] = DEFAULT_PERIODS
    holidays: frozenset[dt.date] = field(default_factory=frozenset)
    workdays: frozenset[dt.date] = field(default_factory=frozenset)
    covered_years: frozenset[int] = field(default_factory=frozenset)

    def __post_init__(self) -> None:
        object.__setattr__(self, "periods", _normalise_periods(self.periods))
        object.__setattr__(self, "holidays", frozenset(self.holidays))
        object.__setattr__(self, "workdays", frozenset(self.workdays))
        object.__setattr__(self, "covered_years", frozenset(self.covered_years))
        clash = self.holidays & self.workdays
        if clash:
            raise ValueError(f"Dates cannot be both holiday and make-up working day: {sorted(clash)[:5]}.")

    # -- days and periods

    def is_working_day(self, day: dt.date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() < 5

    @property
    def working_day_length(self) -> dt.timedelta:
        return sum((dt.datetime.combine(dt.date.min, e) - dt.datetime.combine(dt.date.min, s) for s, e in self.periods), _ZERO)

    def _local_date(self, instant: dt.datetime) -> dt.date:
        return instant.astimezone(self.tz).date()

    def _day_periods(self, day: dt.date) -> list[tuple[dt.datetime, dt.datetime]]:
        """The working periods of ``day`` as UTC instants; empty on a rest day."""
        if not self.is_working_day(day):
            return []
        at = lambda t: dt.datetime.combine(day, t, tzinfo=self.tz).astimezone(UTC)
        return [(at(s), at(e)) for s, e in self.periods]

    def _days(self, start: dt.date, step: int) -> Iterator[dt.date]:
        day, delta = start, dt.timedelta(days=step)
        while True:
            yield day
            day += delta

    def _require_periods(self) -> None:
        if not self.periods:
            raise ValueError("The work calendar has no working periods; working-time limits cannot be computed.")

    # -- working-time walks (UTC in, UTC out)

    def _forward(self, cur: dt.datetime, todo: dt.timedelta) -> dt.datetime:
        self._require_periods()
        if todo <= _ZERO:
            return cur
        for day in self._days(self._local_date(cur), 1):
            for p_start, p_end in self._day_periods(day):
                if p_end <= cur:
                    continue
                seg_start = max(cur, p_start)
                available = p_end - seg_start
                if todo <= available:
                    return seg_start + todo
                todo -= available
                cur = p_end
        raise AssertionError("unreachable")  # pragma: no cover

    def _backward(self, cur: dt.datetime, todo: dt.timedelta) -> dt.datetime:
        self._require_periods()
        if todo <= _ZERO:
            return cur
        for day in self._days(self._local_date(cur), -1):
            for p_start, p_end in reversed(self._day_periods(day)):
                if p_start >= cur:
                    continue
                seg_end = min(cur, p_end)
                available = seg_end - p_start
                if todo <= available:
                    return seg_end - todo
                todo -= available
                cur = p_start
        raise AssertionError("unreachable")  # pragma: no cover

    def _working_between(self, a: dt.datetime, b: dt.datetime) -> dt.timedelta:
        if b < a:
            return -self._working_between(b, a)
        total = _ZERO
        last = self._local_date(b)
        day = self._local_date(a)
        while day <= last:
            for p_start, p_end in self._day_periods(day):
                lo, hi = max(a, p_start), min(b, p_end)
                if hi > lo:
                    total += hi - lo
            day += dt.timedelta(days=1)
        return total

    def _end_of_nth_working_day(self, start: dt.datetime, n: int) -> dt.datetime:
        self._require_periods()
        counted = 0
        for day in self._days(self._local_date(start) + dt.timedelta(days=1), 1):
            if self.is_working_day(day):
                counted += 1
                if counted == n:
                    return self._day_periods(day)[-1][1]
        raise AssertionError("unreachable")  # pragma: no cover

    # -- public API

    def add(self, start: dt.datetime, amount: Decimal | float | int, kind: LimitKind | str) -> dt.datetime:
        """The due time of a limit of ``amount`` ``kind`` that starts at ``start``."""
        kind, cur, value = _kind(kind), _aware(start, "start"), _amount(amount)
        if value == 0:
            return cur.astimezone(self.tz)
        if kind == LimitKind.URGENT_HOURS:
            due = cur + _micro(value * 3600)
        elif kind == LimitKind.NATURAL_DAYS:
            due = cur + _micro(value * 86400)
        elif kind == LimitKind.WORKING_HOURS:
            due = self._forward(cur, _micro(value * 3600))
        else:
            if value != value.to_integral_value():
                raise ValueError(f"A working-days limit must be a whole number of days, got {amount!r}.")
            due = self._end_of_nth_working_day(cur, int(value))
        return due.astimezone(self.tz)

    def before(self, instant: dt.datetime, working_days: int) -> dt.datetime:
        """The instant ``working_days`` working days' worth of working time before ``instant``
        (a reminder one working day before a deadline)."""
        cur = _aware(instant, "instant")
        return self._backward(cur, self.working_day_length * int(working_days)).astimezone(self.tz)

    def working_seconds_between(self, a: dt.datetime, b: dt.datetime) -> int:
        """Whole working seconds from ``a`` to ``b`` (negative when ``b`` is before ``a``)."""
        return self._working_between(_aware(a, "a"), _aware(b, "b")) // _SECOND

    def elapsed(self, a: dt.datetime, b: dt.datetime, kind: LimitKind | str) -> int:
        """Seconds from ``a`` to ``b`` in the unit of ``kind``: working seconds or natural seconds."""
        kind = _kind(kind)
        if kind in WORKING_KINDS:
            return self.working_seconds_between(a, b)
        return (_aware(b, "b") - _aware(a, "a")) // _SECOND

    def remaining(self, now: dt.datetime, due: dt.datetime, kind: LimitKind | str) -> int:
        """Signed seconds of the limit's unit left at ``now``; negative when overdue. Store it on pause."""
        return self.elapsed(now, due, kind)

    def resume(self, now: dt.datetime, remaining_seconds: int, kind: LimitKind | str) -> dt.datetime:
        """The new due time of a clock restarted at ``now`` with ``remaining_seconds`` (from :meth:`remaining`).

        Working kinds (working days too) put the working seconds back; natural kinds natural seconds.
        A negative remainder keeps the case overdue by the same amount.
        """
        kind, cur = _kind(kind), _aware(now, "now")
        if isinstance(remaining_seconds, bool) or not isinstance(remaining_seconds, int):
            raise ValueError(f"remaining_seconds must be an int, not {type(remaining_seconds).__name__}.")
        delta = dt.timedelta(seconds=remaining_seconds)
        if kind in WORKING_KINDS:
            due = self._forward(cur, delta) if remaining_seconds >= 0 else self._backward(cur, -delta)
        else:
            due = cur + delta
        return due.astimezone(self.tz)

    def warn_at(self, start: dt.datetime, amount: Decimal | float | int, kind: LimitKind | str, ratio: Decimal | float) -> dt.datetime:
        """The instant at which ``ratio`` (e.g. 0.8) of the limit has been used, in the limit's own time."""
        kind, cur = _kind(kind), _aware(start, "start")
        share = _amount(ratio, "ratio")
        if share > 1:
            raise ValueError(f"ratio must be between 0 and 1, got {ratio!r}.")
        due = _aware(self.add(start, amount, kind), "due")
        if kind in WORKING_KINDS:
            span = self._working_between(cur, due)
            warn = self._forward(cur, _micro(Decimal(span // dt.timedelta(microseconds=1)) * share / 1_000_000))
        else:
            warn = cur + _micro(Decimal((due - cur) // dt.timedelta(microseconds=1)) * share / 1_000_000)
        return warn.astimezone(self.tz)

    def uncovered_years(self, start: dt.datetime, end: dt.datetime) -> set[int]:
        """Local years touched by ``start``…``end`` whose holidays have not been entered."""
        a, b = sorted((self._local_date(_aware(start, "start")).year, self._local_date(_aware(end, "end")).year))
        return {y for y in range(a, b + 1) if y not in self.covered_years}


# --- database side: loading (cached) and syncing from the chinese_calendar package -------------

_cached: tuple[tuple, WorkCalendar] | None = None


def bump_calendar_version() -> None:
    """Forget the cached calendar of this process (call after editing calendar rows)."""
    global _cached
    _cached = None


_fingerprint_sql: dict[str, tuple[str, list]] = {}


def _fingerprint() -> tuple:
    """One small query whose answer changes whenever a calendar row is added, removed or edited.

    Per table: row count, highest id and id-weighted sums of the fields the arithmetic reads, so
    that an in-place edit (another date, kind or time) shows too. The per-row expressions are
    compiled by the ORM (portable across SQLite and PostgreSQL) once per database vendor — the
    statement never changes, and compiling it cost as much as running it (1.4 of 2.7 ms, on every
    transition); the three one-row aggregates are cross-joined into a single statement.
    """
    from django.db import connection

    if connection.vendor not in _fingerprint_sql:
        _fingerprint_sql[connection.vendor] = _fingerprint_statement()
    sql, params = _fingerprint_sql[connection.vendor]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(cursor.fetchone())


# The database edges below import the models inside the function on purpose: the arithmetic above
# stays importable without Django's app registry (the bench's simulator, pure tests). casework.models
# does not import this module, so no cycle hides here.
def _fingerprint_statement() -> tuple[str, list]:
    from django.db.models import Case, F, Value, When
    from django.db.models.functions import ExtractDay, ExtractHour, ExtractMinute, ExtractMonth, ExtractYear

    from casework.models import CalendarDay, CalendarYear, DayKind, WorkingPeriod

    def minutes(name: str):
        return (ExtractHour(name) * 60 + ExtractMinute(name)) * F("id")

    tables = [
        CalendarDay.objects.annotate(
            k1=(ExtractYear("date") * 10000 + ExtractMonth("date") * 100 + ExtractDay("date")) * F("id"),
            k2=Case(When(kind=DayKind.HOLIDAY, then=F("id")), default=Value(0)),
        ),
        CalendarYear.objects.annotate(k1=F("year") * 1, k2=F("year") * F("id")),
        WorkingPeriod.objects.annotate(k1=minutes("start"), k2=minutes("end")),
    ]
    parts, params = [], []
    for n, qs in enumerate(tables):
        sql, sub_params = qs.order_by().values("id", "k1", "k2").query.sql_with_params()
        parts.append(
            f"(SELECT COUNT(*) AS c, COALESCE(MAX(r.id), 0) AS m, COALESCE(SUM(r.k1), 0) AS s1, "
            f"COALESCE(SUM(r.k2), 0) AS s2 FROM ({sql}) r) t{n}"
        )
        params.extend(sub_params)
    return "SELECT * FROM " + ", ".join(parts), params


def _load() -> WorkCalendar:
    from django.conf import settings

    from casework.models import CalendarDay, CalendarYear, DayKind, WorkingPeriod

    periods = tuple(WorkingPeriod.objects.order_by("start").values_list("start", "end"))
    if not periods:
        logger.warning("No working periods configured; using the defaults %s", DEFAULT_PERIODS)
        periods = DEFAULT_PERIODS
    holidays, workdays = set(), set()
    for day, kind in CalendarDay.objects.values_list("date", "kind"):
        (holidays if kind == DayKind.HOLIDAY else workdays).add(day)
    return WorkCalendar(
        tz=ZoneInfo(getattr(settings, "TIME_ZONE", None) or "Asia/Shanghai"),
        periods=periods,
        holidays=frozenset(holidays),
        workdays=frozenset(workdays),
        covered_years=frozenset(CalendarYear.objects.values_list("year", flat=True)),
    )


_pinned: WorkCalendar | None = None


@contextmanager
def pinned_calendar() -> Iterator[WorkCalendar]:
    """Use one calendar, without the freshness query, for a bulk job (e.g. replaying the demo
    history) during which nobody edits the calendar."""
    global _pinned
    previous = _pinned
    _pinned = load_calendar()
    try:
        yield _pinned
    finally:
        _pinned = previous


def load_calendar() -> WorkCalendar:
    """The calendar as stored in the database, cached in-process.

    Costs one small aggregate query when the cache is fresh (it detects edits made by any process)
    and four queries when it (re)loads. Call it once per transition, not per row of a list: lists
    show stored due times.
    """
    global _cached
    if _pinned is not None:
        return _pinned
    key = _fingerprint()
    cached = _cached
    if cached is not None and cached[0] == key:
        return cached[1]
    calendar = _load()
    _cached = (key, calendar)
    return calendar


def package_years() -> set[int]:
    """The years the installed chinese_calendar package knows."""
    import chinese_calendar

    return {d.year for d in chinese_calendar.holidays} | {d.year for d in chinese_calendar.workdays}


def _package_rows(years: set[int]) -> dict[dt.date, tuple[str, str]]:
    """date → (kind, name) for the package's exceptions to the Monday–Friday rule in ``years``."""
    import chinese_calendar
    from chinese_calendar.constants import Holiday

    from casework.models import DayKind

    def name(english: str) -> str:
        try:
            return Holiday(english).chinese[:50]
        except ValueError:
            return (english or "")[:50]

    rows: dict[dt.date, tuple[str, str]] = {}
    for day, label in chinese_calendar.holidays.items():
        if day.year in years and day.weekday() < 5:
            rows[day] = (DayKind.HOLIDAY, name(label))
    for day, label in chinese_calendar.workdays.items():
        if day.year in years and day.weekday() >= 5:
            rows[day] = (DayKind.WORKDAY, name(label))
    return rows


@transaction.atomic
def sync_from_package(years: Iterable[int] | None = None) -> int:
    """Make the calendar rows of ``years`` (default: every year the package knows) match the package.

    The package is authoritative for the years it covers: missing rows are created, differing ones
    updated, extra ones deleted, and the year is marked ``source=package``. Years the package does
    not know are ignored (see :func:`package_years`). Idempotent; returns the number of rows changed.
    """
    from casework.models import CalendarDay, CalendarYear

    known = package_years()
    chosen = known if years is None else {int(y) for y in years} & known
    if not chosen:
        return 0
    wanted = _package_rows(chosen)
    existing = {d.date: d for d in CalendarDay.objects.filter(date__year__in=chosen)}
    create = [CalendarDay(date=day, kind=kind, name=name) for day, (kind, name) in wanted.items() if day not in existing]
    update = []
    for day, row in existing.items():
        if day in wanted and (row.kind, row.name) != wanted[day]:
            row.kind, row.name = wanted[day]
            update.append(row)
    stale = [row.pk for day, row in existing.items() if day not in wanted]
    CalendarDay.objects.filter(pk__in=stale).delete()
    CalendarDay.objects.bulk_update(update, ["kind", "name"], batch_size=500)
    CalendarDay.objects.bulk_create(create, batch_size=500)
    years_rows = {y.year: y for y in CalendarYear.objects.filter(year__in=chosen)}
    new_years = [CalendarYear(year=y, source=CalendarYear.Source.PACKAGE) for y in sorted(chosen - years_rows.keys())]
    relabel = [y for y in years_rows.values() if y.source != CalendarYear.Source.PACKAGE]
    for y in relabel:
        y.source = CalendarYear.Source.PACKAGE
    CalendarYear.objects.bulk_create(new_years)
    CalendarYear.objects.bulk_update(relabel, ["source"])
    transaction.on_commit(bump_calendar_version)
    return len(create) + len(update) + len(stale) + len(new_years) + len(relabel)
