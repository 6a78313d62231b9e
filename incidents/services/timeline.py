"""Appending to a case's timeline, and telling the people a change concerns."""

from __future__ import annotations

from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from grids.notifications import notify
from grids.people import cell_workers, department_handlers, street_office, zone_leaders
from incidents.choices import EventKind
from incidents.models import Incident, IncidentEvent

# Who a change concerns is the organisation's to say (grids.people); re-exported for the callers here.
__all__ = ["case_url", "cell_workers", "department_handlers", "record", "street_office", "tell", "zone_leaders"]


def record(
    incident: Incident,
    kind: str,
    *,
    actor=None,
    from_status: str = "",
    to_status: str = "",
    note: str = "",
    data: dict | None = None,
    at: datetime,
) -> IncidentEvent:
    return IncidentEvent.objects.create(
        incident=incident, kind=kind, actor=actor, from_status=from_status, to_status=to_status,
        note=note, data=data or {}, created_at=at,
    )


def case_url(incident_id: int) -> str:
    return reverse("incidents:detail", args=[incident_id])


def tell(recipients, incident: Incident, event: IncidentEvent) -> None:
    """Notify `recipients` of `event` (never the person who caused it)."""
    ids = {int(r) for r in recipients}
    if event.actor_id:
        ids.discard(event.actor_id)
    label = EventKind(event.kind).label
    notify(
        ids,
        kind=event.kind,
        title=_("%(code)s: %(event)s") % {"code": incident.code, "event": label},
        body=f"{incident.category.display_name} · {incident.description[:80]}" + (f"\n{event.note}" if event.note else ""),
        url=case_url(incident.pk),
        key=f"case-event:{event.pk}",
    )
