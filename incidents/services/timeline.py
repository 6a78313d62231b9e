"""Appending to a case's timeline, and telling the people a change concerns."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.urls import reverse
from django.utils.translation import gettext as _

from grids.choices import Role
from grids.models import User
from grids.notifications import notify
from incidents.choices import EventKind
from incidents.models import Incident, IncidentEvent


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


def zone_leaders(zone_id: int) -> Iterable[int]:
    return User.objects.filter(role=Role.ZONE_LEADER, zone_id=zone_id, is_active=True).values_list("pk", flat=True)


def street_office() -> Iterable[int]:
    return User.objects.filter(role=Role.STREET, is_active=True).values_list("pk", flat=True)


def department_handlers(department_id: int, zone_id: int | None) -> list[int]:
    """Handlers of a department who serve this zone: its zone team there, and its central staff."""
    from django.db.models import Q

    qs = User.objects.filter(role=Role.DEPARTMENT, department_id=department_id, is_active=True)
    return list(qs.filter(Q(zone__isnull=True) | Q(zone_id=zone_id)).values_list("pk", flat=True))


def cell_workers(grid_cell_id: int) -> Iterable[int]:
    return User.objects.filter(role=Role.GRID_WORKER, grid_cells=grid_cell_id, is_active=True).values_list("pk", flat=True)


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
        body=f"{incident.category.name} · {incident.description[:80]}" + (f"\n{event.note}" if event.note else ""),
        url=case_url(incident.pk),
        key=f"case-event:{event.pk}",
    )
