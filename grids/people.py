"""Who holds a post: the people a case (or later a hazard) concerns, as user ids.

The one place that says who "the zone leaders of a zone", "the street office", "the handlers of a
department in a zone" and "the grid workers of a cell" are; services and sweeps notify them and
check against them. Active users only. Each rule is written once, in its bulk form (one query
for a whole sweep batch); the single forms ask the bulk form about one key. The system reads
here, unscoped: these answer "who must hear of it", not "whom may the caller see".
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.db.models import Q

from grids.choices import Role
from grids.models import User


def _active(role: str):
    return User.objects.filter(role=role, is_active=True).order_by("pk")


def zone_leaders_by_zone(zone_ids: Iterable[int]) -> dict[int, list[int]]:
    """zone id → the ids of its zone leaders, for every zone asked about (an empty list if none)."""
    wanted = {z for z in zone_ids if z is not None}
    found: dict[int, list[int]] = {z: [] for z in wanted}
    for pk, zone_id in _active(Role.ZONE_LEADER).filter(zone_id__in=wanted).values_list("pk", "zone_id"):
        found[zone_id].append(pk)
    return found


def zone_leaders(zone_id: int | None) -> list[int]:
    return zone_leaders_by_zone([zone_id]).get(zone_id, []) if zone_id is not None else []


def street_office() -> list[int]:
    return list(_active(Role.STREET).values_list("pk", flat=True))


def department_handlers_by_zone(pairs: Iterable[tuple[int | None, int | None]]) -> dict[tuple[int | None, int | None], list[int]]:
    """(department id, zone id) → the handlers of that department who serve that zone: its zone
    team there and its central staff (handlers with no zone). One query for all the pairs; a pair
    without a department maps to an empty list."""
    pairs = set(pairs)
    department_ids = {d for d, _zone in pairs if d is not None}
    staff: dict[int, list[tuple[int, int | None]]] = defaultdict(list)
    if department_ids:
        rows = _active(Role.DEPARTMENT).filter(department_id__in=department_ids).values_list("pk", "department_id", "zone_id")
        for pk, department_id, zone_id in rows:
            staff[department_id].append((pk, zone_id))
    return {
        (department_id, zone_id): [pk for pk, their_zone in staff.get(department_id, []) if their_zone in (None, zone_id)]
        for department_id, zone_id in pairs
    }


def department_handlers(department_id: int | None, zone_id: int | None) -> list[int]:
    """Handlers of a department who serve this zone: its zone team there, and its central staff."""
    return department_handlers_by_zone([(department_id, zone_id)])[department_id, zone_id]


def handlers_serving_zone(zone_id: int | None):
    """The handlers (users, any department) who serve a zone: its zone teams and every
    department's central staff, for a dispatch form's assignee list."""
    return (
        _active(Role.DEPARTMENT).filter(department__is_active=True).filter(Q(zone__isnull=True) | Q(zone_id=zone_id))
        .select_related("department").order_by("department__sort", "department__name", "last_name", "first_name", "username")
    )


def cell_workers_by_cell(cell_ids: Iterable[int]) -> dict[int, list[int]]:
    """grid cell id → the ids of the grid workers assigned to it."""
    wanted = {c for c in cell_ids if c is not None}
    found: dict[int, list[int]] = {c: [] for c in wanted}
    for pk, cell_id in _active(Role.GRID_WORKER).filter(grid_cells__in=wanted).values_list("pk", "grid_cells"):
        found[cell_id].append(pk)
    return found


def cell_workers(cell_id: int | None) -> list[int]:
    return cell_workers_by_cell([cell_id]).get(cell_id, []) if cell_id is not None else []
