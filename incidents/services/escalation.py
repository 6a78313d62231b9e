"""The cases' escalation ladder: the shared sweep (casework.ladder) with the case loop's people.

Due soon → the department's handlers serving the zone (and the assignee); yellow card (overdue) →
the zone leaders; red card (still overdue ESCALATION_RED_AFTER_HOURS after the due time) → the
street office. Run by Celery beat every minute (incidents.tasks.sweep_deadlines).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.ladder import Ladder, Rung, standard_rungs, sweep
from grids.notifications import Note, notify_many
from grids.people import department_handlers_by_zone, street_office, zone_leaders_by_zone
from incidents.choices import Escalation, EventKind
from incidents.models import Incident, IncidentEvent
from incidents.services.timeline import case_url


def _recipients(rung: Rung, rows: list) -> dict[int, list[int]]:
    if rung.level == Escalation.RED:
        street = street_office()
        return {row.pk: street for row in rows}
    if rung.level == Escalation.YELLOW:
        leaders = zone_leaders_by_zone(row.zone_id for row in rows)
        return {row.pk: leaders.get(row.zone_id, []) for row in rows}
    handlers = department_handlers_by_zone((row.department_id, row.zone_id) for row in rows)
    return {row.pk: handlers[row.department_id, row.zone_id] + ([row.assignee_id] if row.assignee_id else []) for row in rows}


def _url_of():
    # One reverse() for the sweep, not one per case: it was half the sweep's Python time.
    pattern = case_url(987654321).replace("987654321", "{}")
    return pattern.format


CASE_LADDER = Ladder(
    model=Incident, event_model=IncidentEvent, event_owner="incident_id", columns=("zone_id", "department_id", "assignee_id"),
    recipients=_recipients, note=Note, notify=notify_many, url_of=_url_of,
)
EVENTS = {Escalation.WARNING: EventKind.WARNING, Escalation.YELLOW: EventKind.YELLOW_CARD, Escalation.RED: EventKind.RED_CARD}
TITLES = {
    Escalation.WARNING: _("%(code)s is due soon"),
    Escalation.YELLOW: _("Yellow card: %(code)s is overdue"),
    Escalation.RED: _("Red card: %(code)s is still overdue"),
}


def escalate_overdue(*, now: datetime | None = None) -> dict[str, int]:
    """Raise every running case to the level its clock calls for; returns how many moved per rung."""
    rungs = standard_rungs(events=EVENTS, titles=TITLES, red_after=timedelta(hours=settings.ESCALATION_RED_AFTER_HOURS))
    return sweep(CASE_LADDER, rungs, now=now or timezone.now())
