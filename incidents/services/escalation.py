"""The escalation sweep: due soon → yellow card (overdue) → red card (still overdue).

Run by Celery beat every minute. Each step selects the cases that crossed a threshold with one
indexed query, locks them with SKIP LOCKED (a concurrent sweep passes over them and, once this
one commits, no longer matches), raises their level with one UPDATE and appends the timeline
events and notifications in bulk. The conditions compare stored due times with `now`, so a sweep
that runs twice does nothing the second time and one that was down for a day catches up: a case
overdue long enough goes to yellow and then red in the same run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from grids.notifications import Note, notify_many
from grids.people import department_handlers_by_zone, street_office, zone_leaders_by_zone
from incidents.choices import Escalation, EventKind
from incidents.models import Incident, IncidentEvent
from incidents.services.timeline import case_url

BATCH = 2000


@dataclass(frozen=True)
class Step:
    level: int
    event: str


def _red_after() -> timedelta:
    return timedelta(hours=settings.ESCALATION_RED_AFTER_HOURS)


def _recipients(level: int, rows: list[tuple]) -> dict[int, list[int]]:
    """incident id → user ids to notify: the handlers when due soon, the zone leaders on a yellow
    card, the street office on a red card."""
    if level == Escalation.RED:
        street = street_office()
        return {row[0]: street for row in rows}
    if level == Escalation.YELLOW:
        leaders = zone_leaders_by_zone(row[1] for row in rows)
        return {row[0]: leaders.get(row[1], []) for row in rows}
    handlers = department_handlers_by_zone((row[2], row[1]) for row in rows)
    return {row[0]: handlers[row[2], row[1]] + ([row[4]] if row[4] else []) for row in rows}


def _step(condition: Q, step: Step, now: datetime) -> int:
    total = 0
    # One reverse() for the batch, not one per case: it is half the sweep's Python time.
    url_pattern = case_url(987654321).replace("987654321", "{}")
    titles = {
        Escalation.WARNING: _("%(code)s is due soon"),
        Escalation.YELLOW: _("Yellow card: %(code)s is overdue"),
        Escalation.RED: _("Red card: %(code)s is still overdue"),
    }
    while True:
        with transaction.atomic():
            rows = list(
                Incident.objects.filter(due_at__isnull=False)
                .filter(condition)
                .select_for_update(skip_locked=True)
                .order_by("due_at")
                .values_list("pk", "zone_id", "department_id", "code", "assignee_id", "due_at", "stage")[:BATCH]
            )
            if not rows:
                return total
            ids = [row[0] for row in rows]
            Incident.objects.filter(pk__in=ids).update(escalation=step.level, updated_at=now)
            IncidentEvent.objects.bulk_create(
                IncidentEvent(
                    incident_id=pk, kind=step.event, created_at=now,
                    data={"stage": stage, "due_at": due_at.isoformat(), "level": step.level},
                )
                for pk, _zone, _dept, _code, _assignee, due_at, stage in rows
            )
            recipients = _recipients(step.level, rows)
            notify_many(
                Note(
                    recipient=user_id, kind=step.event, title=titles[step.level] % {"code": code},
                    url=url_pattern.format(pk), key=f"{step.event}:{pk}:{due_at.isoformat()}",
                )
                for pk, _zone, _dept, code, _assignee, due_at, _stage in rows
                for user_id in set(recipients.get(pk, []))
            )
            total += len(rows)
            if len(rows) < BATCH:
                return total


def escalate_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Raise every running case to the level its clock calls for; returns how many moved per step."""
    now = now or timezone.now()
    return {
        "warning": _step(Q(escalation=Escalation.NONE, warn_at__lte=now, due_at__gt=now), Step(Escalation.WARNING, EventKind.WARNING), now),
        "yellow": _step(Q(escalation__lt=Escalation.YELLOW, due_at__lte=now), Step(Escalation.YELLOW, EventKind.YELLOW_CARD), now),
        "red": _step(Q(escalation=Escalation.YELLOW, due_at__lte=now - _red_after()), Step(Escalation.RED, EventKind.RED_CARD), now),
    }
