"""Beat's heartbeat: the worker records every run of a beat task; `beat_status` says which are late.

Recording happens in the worker (Celery signals, governance.operations.celery_signals), so a row
that stops advancing means beat, the broker or every worker has stopped: whichever it is, the
sweeps are not running. The judgement is a pure function of the schedule, the rows and the time,
so that it is tested without a clock or a worker.

When an entry is late:
- an interval entry (the one-minute sweeps) once it has not started for HEARTBEAT_STALE_MINUTES
  (5) or two of its periods, whichever is longer;
- a crontab entry (the weekly agenda on Monday 08:00, the nightly retention) once the first slot
  after its last run has passed by more than HEARTBEAT_STALE_MINUTES: the weekly agenda that did
  not run after this week's slot has "missed Monday".
An entry that has never run is judged from beat's own start (the BEAT_STARTED row); with no
start either, beat has never run here and every entry is late.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from celery.schedules import crontab
from celery.schedules import schedule as interval_schedule
from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from governance.operations.models import BEAT_STARTED, Heartbeat, Outcome

logger = logging.getLogger(__name__)


def stale_after() -> dt.timedelta:
    return dt.timedelta(minutes=settings.HEARTBEAT_STALE_MINUTES)


def beat_entries(schedule: Mapping | None = None) -> dict[str, str]:
    """Schedule entry name → task name, for what beat runs here."""
    schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
    return {name: entry["task"] for name, entry in schedule.items()}


def entries_for_task(task_name: str) -> list[str]:
    return [name for name, task in beat_entries().items() if task == task_name]


# --- recording (in the worker and in beat) ----------------------------------------------------------


def _upsert(name: str, task: str, **values) -> None:
    """One UPDATE in the usual case; the first run of an entry inserts its row."""
    updated = Heartbeat.objects.filter(name=name).update(**values)
    if not updated:
        plain = {k: v for k, v in values.items() if not hasattr(v, "resolve_expression")}
        try:
            with transaction.atomic():
                Heartbeat.objects.create(name=name, task=task, runs=1 if "runs" in values else 0, **plain)
        except IntegrityError:  # a concurrent first run inserted it
            Heartbeat.objects.filter(name=name).update(**values)


def record_started(task_name: str, *, now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    for name in entries_for_task(task_name):
        _upsert(name, task_name, last_started_at=now, last_outcome=Outcome.RUNNING, runs=F("runs") + 1)


def record_finished(task_name: str, *, outcome: str, duration_ms: int, error: str = "",
                    now: dt.datetime | None = None) -> None:
    now = now or timezone.now()
    for name in entries_for_task(task_name):
        _upsert(name, task_name, last_finished_at=now, last_outcome=outcome, last_duration_ms=duration_ms,
                last_error=error[:300])


def record_beat_started(*, now: dt.datetime | None = None) -> None:
    _upsert(BEAT_STARTED, "", last_started_at=now or timezone.now(), last_outcome=Outcome.RUNNING)


def safely(record, *args, **kwargs) -> None:
    """A heartbeat must never fail the task (or stop beat): a database outage is logged, not raised."""
    try:
        record(*args, **kwargs)
    except DatabaseError:
        logger.warning("heartbeat not recorded", exc_info=True)


# --- judging ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntryStatus:
    name: str
    task: str
    every: str  # the schedule, for people
    last_started_at: dt.datetime | None
    last_finished_at: dt.datetime | None
    last_outcome: str
    last_duration_ms: int | None
    late_after: dt.datetime | None  # the entry is late from this moment on
    late: bool
    problem: str  # empty when on time

    @property
    def outcome_label(self) -> str:
        return Outcome(self.last_outcome).label if self.last_outcome else ""


def _period(schedule) -> dt.timedelta | None:
    if isinstance(schedule, (int, float)):
        return dt.timedelta(seconds=schedule)
    if isinstance(schedule, dt.timedelta):
        return schedule
    if isinstance(schedule, interval_schedule) and not isinstance(schedule, crontab):
        return schedule.run_every
    return None


def _next_slot(schedule: crontab, after: dt.datetime) -> dt.datetime:
    last, delta, _now = schedule.remaining_delta(after)
    return last + delta


def _every(schedule) -> str:
    period = _period(schedule)
    if period is not None:
        seconds = int(period.total_seconds())
        if seconds % 60:
            return _("every %(n)s s") % {"n": seconds}
        return _("every %(n)s min") % {"n": seconds // 60}
    if isinstance(schedule, crontab):
        return _("cron %(expr)s") % {"expr": f"{schedule._orig_minute} {schedule._orig_hour} "
                                               f"{schedule._orig_day_of_month} {schedule._orig_month_of_year} "
                                               f"{schedule._orig_day_of_week}"}
    return str(schedule)


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "l Y-m-d H:i")


def beat_status(*, now: dt.datetime | None = None, rows: Iterable[Heartbeat] | None = None,
                schedule: Mapping | None = None) -> list[EntryStatus]:
    now = now or timezone.now()
    schedule = settings.CELERY_BEAT_SCHEDULE if schedule is None else schedule
    by_name = {row.name: row for row in (Heartbeat.objects.all() if rows is None else rows)}
    beat = by_name.get(BEAT_STARTED)
    grace = stale_after()
    statuses = []
    for name in sorted(schedule):
        entry = schedule[name]
        row = by_name.get(name)
        started = row.last_started_at if row else None
        reference = started or (beat.last_started_at if beat else None)
        problem, late_after = "", None
        if reference is None:
            problem = _("beat has never run here")
        elif (period := _period(entry["schedule"])) is not None:
            late_after = reference + max(grace, 2 * period)
            if now > late_after:
                minutes = int((now - reference).total_seconds() // 60)
                problem = _("has not run for %(n)s minutes") % {"n": minutes} if started else _(
                    "has not run since beat started %(n)s minutes ago") % {"n": minutes}
        elif isinstance(entry["schedule"], crontab):
            slot = _next_slot(entry["schedule"], reference)
            late_after = slot + grace
            if now > late_after:
                problem = _("missed its run of %(when)s") % {"when": _when(slot)}
        statuses.append(EntryStatus(
            name=name, task=entry["task"], every=_every(entry["schedule"]), last_started_at=started,
            last_finished_at=row.last_finished_at if row else None, last_outcome=row.last_outcome if row else "",
            last_duration_ms=row.last_duration_ms if row else None, late_after=late_after, late=bool(problem),
            problem=problem,
        ))
    return statuses
