"""Stage clocks: started when a stage starts, paused and resumed, finished when it ends.

A case stores the running stage's due time (and when to warn) on its own row, so the escalation
sweep finds what is due with one indexed query; each run of a stage is kept as a StageDeadline for
the case page and for on-time statistics.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from casework.calendar import LimitKind, WorkCalendar, load_calendar
from incidents.choices import STAGE_OF_STATUS, Escalation, Stage
from incidents.models import Incident, StageDeadline, StageLimit

# Used when a category has no limit for a stage: one working day.
DEFAULT_LIMIT = (Decimal("1"), LimitKind.WORKING_DAYS, Decimal("0.80"))


def stage_limit(incident: Incident, stage: str) -> tuple[Decimal, str, Decimal]:
    limit = StageLimit.objects.filter(category_id=incident.category_id, stage=stage).first()
    if limit is None:
        return DEFAULT_LIMIT
    return limit.amount, limit.kind, limit.warn_ratio


def _current(incident: Incident) -> StageDeadline | None:
    return incident.deadlines.filter(finished_at__isnull=True).order_by("-started_at", "-pk").first()


def plan_stage(incident: Incident, stage: str, now: datetime, *, due_at: datetime | None = None, cal: WorkCalendar | None = None):
    """Set `stage`'s clock fields on the (possibly unsaved) case; returns the limit for its run row.

    `due_at` overrides the category's limit (a meeting's deadline).
    """
    cal = cal or load_calendar()
    amount, kind, ratio = stage_limit(incident, stage)
    if due_at is None:
        due_at = cal.add(now, amount, kind)
        warn_at = cal.warn_at(now, amount, kind, float(ratio))
    else:
        warn_at = now + (due_at - now) * float(ratio) if due_at > now else due_at
    incident.stage = stage
    incident.due_at = due_at
    incident.warn_at = warn_at
    incident.paused_remaining = None
    incident.escalation = Escalation.NONE
    return amount, kind


def record_run(incident: Incident, amount, kind: str, now: datetime) -> StageDeadline:
    """The StageDeadline row of the clock plan_stage() set on a saved case."""
    return StageDeadline.objects.create(
        incident=incident, stage=incident.stage, limit_amount=amount, limit_kind=kind, started_at=now, due_at=incident.due_at
    )


def start_stage(incident: Incident, stage: str, now: datetime, *, due_at: datetime | None = None, cal: WorkCalendar | None = None) -> None:
    """Start `stage`'s clock at `now`; `due_at` overrides the category's limit (a meeting's deadline)."""
    amount, kind = plan_stage(incident, stage, now, due_at=due_at, cal=cal)
    record_run(incident, amount, kind, now)


def finish_stage(incident: Incident, now: datetime) -> None:
    """Stop the running (or paused) clock and record whether the stage ended on time."""
    current = _current(incident)
    if current is not None:
        current.finished_at = now
        current.on_time = current.due_at is None or now <= current.due_at
        current.save(update_fields=["finished_at", "on_time"])
    incident.stage = ""
    incident.due_at = None
    incident.warn_at = None
    incident.paused_remaining = None
    incident.escalation = Escalation.NONE


def restart_for_status(incident: Incident, now: datetime, **kwargs) -> None:
    """Finish whatever clock runs and start the one the case's (new) status calls for."""
    finish_stage(incident, now)
    stage = STAGE_OF_STATUS.get(incident.status)
    if stage is not None:
        start_stage(incident, stage, now, **kwargs)


def pause(incident: Incident, now: datetime, cal: WorkCalendar | None = None) -> None:
    """Stop the clock keeping what is left (suspension, pending extension)."""
    if incident.due_at is None:
        return
    cal = cal or load_calendar()
    current = _current(incident)
    kind = current.limit_kind if current else LimitKind.WORKING_HOURS
    incident.paused_remaining = cal.remaining(now, incident.due_at, kind)
    incident.due_at = None
    incident.warn_at = None


def resume(incident: Incident, now: datetime, *, extra_working_days: int = 0, cal: WorkCalendar | None = None) -> None:
    """Restart a paused clock with the time that was left, plus any granted extension."""
    if incident.paused_remaining is None:
        return
    cal = cal or load_calendar()
    current = _current(incident)
    kind = current.limit_kind if current else LimitKind.WORKING_HOURS
    due = cal.resume(now, int(incident.paused_remaining), kind)
    if extra_working_days:
        due = cal.add(due, extra_working_days, LimitKind.WORKING_DAYS)
    ratio = float(stage_limit(incident, current.stage if current else Stage.HANDLE)[2])
    # Warn when the same share of the (remaining) time is used as the category asks for.
    warn_at = now + (due - now) * ratio if due > now else due
    if current is not None:
        current.due_at = due
        current.extended = current.extended or bool(extra_working_days)
        current.save(update_fields=["due_at", "extended"])
    incident.due_at = due
    incident.warn_at = warn_at
    incident.paused_remaining = None
    if due > now:
        incident.escalation = Escalation.NONE
