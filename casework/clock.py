"""Stage clocks on the work calendar: planned, started, paused, resumed, extended, finished.

A `StageClock` serves one kind of clocked object (a `ClockedBase` subclass) and its run rows (a
`StageRunBase` subclass). Where the limits come from is the client's: cases read their
category's limit per stage; a hazard's rectification reads the days its notice sets. The clock
itself only does the arithmetic (on `casework.calendar`) and keeps the fields and runs in step.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from casework.calendar import WorkCalendar, load_calendar
from casework.choices import Escalation, LimitKind


@dataclass(frozen=True)
class Limit:
    amount: Decimal
    kind: str
    warn_ratio: Decimal = Decimal("0.80")
    # Warn this many working days before the due time instead of at warn_ratio (a hazard's
    # reminder comes one working day before its deadline, however long the deadline is).
    warn_before_days: int | None = None


# Used when no limit is set for a stage: one working day.
DEFAULT_LIMIT = Limit(Decimal("1"), LimitKind.WORKING_DAYS, Decimal("0.80"))


def _warn_between(now: datetime, due: datetime, ratio) -> datetime:
    """Warn when the same share of the (remaining) time is used as the limit asks for."""
    return now + (due - now) * float(ratio) if due > now else due


def _warn(limit: Limit, now: datetime, due: datetime, cal: WorkCalendar | None) -> datetime:
    if limit.warn_before_days is None:
        return _warn_between(now, due, limit.warn_ratio)
    cal = cal or load_calendar()
    return max(now, min(due, cal.before(due, limit.warn_before_days)))


@dataclass(frozen=True)
class StageClock:
    run_model: type  # a StageRunBase subclass
    owner_field: str  # its foreign key to the clocked object, e.g. "incident"
    runs: str  # the reverse accessor on the clocked object, e.g. "deadlines"
    limit_of: Callable[[object, str], Limit | None]  # (object, stage) → its limit, None: DEFAULT_LIMIT
    stage_of_status: Mapping[str, str]  # which stage's clock runs in a status (none: no clock)
    status_field: str = "status"

    def limit(self, obj, stage: str) -> Limit:
        return self.limit_of(obj, stage) or DEFAULT_LIMIT

    def current(self, obj):
        return getattr(obj, self.runs).filter(finished_at__isnull=True).order_by("-started_at", "-pk").first()

    def plan(self, obj, stage: str, now: datetime, *, due_at: datetime | None = None, cal: WorkCalendar | None = None) -> Limit:
        """Set `stage`'s clock fields on the (possibly unsaved) object; returns the limit for its run row.

        `due_at` overrides the limit (a meeting's deadline).
        """
        limit = self.limit(obj, stage)
        if due_at is None:
            cal = cal or load_calendar()
            due_at = cal.add(now, limit.amount, limit.kind)
            warn_at = (cal.warn_at(now, limit.amount, limit.kind, float(limit.warn_ratio)) if limit.warn_before_days is None
                       else _warn(limit, now, due_at, cal))
        else:
            warn_at = _warn(limit, now, due_at, cal)
        obj.stage = stage
        obj.due_at = due_at
        obj.warn_at = warn_at
        obj.paused_remaining = None
        obj.escalation = Escalation.NONE
        return limit

    def record_run(self, obj, limit: Limit, now: datetime):
        """The run row of the clock plan() set on a saved object."""
        return self.run_model.objects.create(
            **{self.owner_field: obj}, stage=obj.stage, limit_amount=limit.amount, limit_kind=limit.kind,
            started_at=now, due_at=obj.due_at,
        )

    def start(self, obj, stage: str, now: datetime, *, due_at: datetime | None = None, cal: WorkCalendar | None = None) -> None:
        self.record_run(obj, self.plan(obj, stage, now, due_at=due_at, cal=cal), now)

    def finish(self, obj, now: datetime) -> None:
        """Stop the running (or paused) clock and record whether the stage ended on time."""
        current = self.current(obj)
        if current is not None:
            current.finished_at = now
            current.on_time = current.due_at is None or now <= current.due_at
            current.save(update_fields=["finished_at", "on_time"])
        obj.stage = ""
        obj.due_at = None
        obj.warn_at = None
        obj.paused_remaining = None
        obj.escalation = Escalation.NONE

    def restart_for_status(self, obj, now: datetime, **kwargs) -> None:
        """Finish whatever clock runs and start the one the object's (new) status calls for."""
        self.finish(obj, now)
        stage = self.stage_of_status.get(getattr(obj, self.status_field))
        if stage is not None:
            self.start(obj, stage, now, **kwargs)

    def pause(self, obj, now: datetime, cal: WorkCalendar | None = None) -> None:
        """Stop the clock keeping what is left (suspension, a pending extension)."""
        if obj.due_at is None:
            return
        cal = cal or load_calendar()
        current = self.current(obj)
        kind = current.limit_kind if current else LimitKind.WORKING_HOURS
        obj.paused_remaining = cal.remaining(now, obj.due_at, kind)
        obj.due_at = None
        obj.warn_at = None

    def resume(self, obj, now: datetime, *, extra_working_days: int = 0, cal: WorkCalendar | None = None) -> None:
        """Restart a paused clock with the time that was left, plus any granted extension."""
        if obj.paused_remaining is None:
            return
        cal = cal or load_calendar()
        current = self.current(obj)
        kind = current.limit_kind if current else LimitKind.WORKING_HOURS
        due = cal.resume(now, int(obj.paused_remaining), kind)
        self._set_due(obj, current, now, due, extended=bool(extra_working_days), extra_working_days=extra_working_days, cal=cal)
        obj.paused_remaining = None

    def extend(self, obj, now: datetime, *, working_days: int, cal: WorkCalendar | None = None) -> None:
        """Move a running clock's due time by `working_days` (an explicit, logged extension)."""
        if obj.due_at is None:
            return
        cal = cal or load_calendar()
        self._set_due(obj, self.current(obj), now, obj.due_at, extended=True, extra_working_days=working_days, cal=cal)

    def _set_due(self, obj, current, now, due, *, extended: bool, extra_working_days: int, cal: WorkCalendar) -> None:
        if extra_working_days:
            due = cal.add(due, extra_working_days, LimitKind.WORKING_DAYS)
        stage = current.stage if current else (obj.stage or self.stage_of_status.get(getattr(obj, self.status_field), ""))
        limit = self.limit(obj, stage)
        if current is not None:
            current.due_at = due
            current.extended = current.extended or extended
            current.save(update_fields=["due_at", "extended"])
        obj.due_at = due
        obj.warn_at = _warn(limit, now, due, cal)
        if due > now:
            obj.escalation = Escalation.NONE
