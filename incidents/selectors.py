"""Read models of cases for pages, the API and exports."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Prefetch, QuerySet
from django.utils import timezone

from casework.calendar import load_calendar
from incidents.choices import OPEN_STATUSES
from incidents.models import Category, Incident, IncidentEvent, StageDeadline

DUPLICATE_RADIUS_M = 50
DUPLICATE_WINDOW = timedelta(days=7)
_M_PER_DEG_LAT = 111_320.0


def case_list(user) -> QuerySet:
    """The base of every case list: scoped, with what a row shows joined in.

    Only what the rows show: PostgreSQL plans a nine-table join for longer than it runs it
    (docs/performance.md), and a cell's boundary polygon is not needed in a list.
    """
    return (
        Incident.objects.visible_to(user)
        .select_related("category__parent", "grid_cell", "community", "department")
        .defer("grid_cell__boundary")
        .order_by("-reported_at", "-pk")
    )


def case_detail(user) -> QuerySet:
    return (
        Incident.objects.visible_to(user)
        .select_related("category__parent", "grid_cell", "community", "zone", "department", "assignee", "reporter", "duplicate_of")
        .prefetch_related(
            "photos",
            Prefetch("events", queryset=IncidentEvent.objects.select_related("actor").order_by("created_at", "pk")),
            Prefetch("deadlines", queryset=StageDeadline.objects.order_by("started_at", "pk")),
        )
    )


def category_tree() -> list[Category]:
    """Domains with their active subcategories, for pickers."""
    return list(
        Category.objects.domains().filter(is_active=True).prefetch_related(
            Prefetch("children", queryset=Category.objects.filter(is_active=True).order_by("sort", "code"))
        )
    )


def distance_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance in metres (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_000 * math.asin(math.sqrt(a))


def possible_duplicates(user, *, category_id: int, latitude: float, longitude: float, now: datetime | None = None) -> list[Incident]:
    """Open cases of the same category within 50 m reported in the last 7 days, nearest first.

    A bounding box on the indexed coordinates narrows the search before the exact distance.
    """
    now = now or timezone.now()
    d_lat = DUPLICATE_RADIUS_M / _M_PER_DEG_LAT
    d_lng = DUPLICATE_RADIUS_M / (_M_PER_DEG_LAT * max(math.cos(math.radians(latitude)), 0.01))
    candidates = (
        Incident.objects.visible_to(user)
        .filter(
            category_id=category_id, status__in=OPEN_STATUSES, reported_at__gte=now - DUPLICATE_WINDOW,
            latitude__range=(latitude - d_lat, latitude + d_lat), longitude__range=(longitude - d_lng, longitude + d_lng),
        )
        .select_related("category", "grid_cell")[:20]
    )
    found = [(distance_m(latitude, longitude, c.latitude, c.longitude), c) for c in candidates]
    found = [(d, c) for d, c in found if d <= DUPLICATE_RADIUS_M]
    found.sort(key=lambda pair: pair[0])
    for d, c in found:
        c.distance_m = round(d)
    return [c for _d, c in found]


def deadline_badge(incident: Incident, now: datetime | None = None) -> str:
    """Colour of a case's deadline badge: bad (overdue), warn (past the warning point), ok, or ''."""
    if incident.due_at is None:
        return ""
    now = now or timezone.now()
    if incident.due_at <= now:
        return "bad"
    if incident.warn_at and incident.warn_at <= now:
        return "warn"
    return "ok"


def calendar_gap_years(incident: Incident) -> list[int]:
    """Years the case's running deadline reaches whose holidays are not entered yet.

    Deadlines there are counted Monday to Friday only, so the page warns until an administrator
    enters the year's holidays and make-up working days.
    """
    if incident.due_at is None:
        return []
    start = min(incident.reported_at, incident.due_at)
    return sorted(load_calendar().uncovered_years(start, incident.due_at))


@dataclass(frozen=True)
class CaseNote:
    """A box on the case page that another app writes (the joint meeting's agenda and decision)."""

    title: str
    lines: tuple[str, ...]
    url: str = ""
    link_text: str = ""
    testid: str = "case-note"


# Higher apps add what they know about a case here (the arrows forbid incidents to ask them):
# each takes (user, incident) and returns CaseNotes for the page. One query each at most.
CASE_NOTES: list[Callable[[object, object], list[CaseNote]]] = []


def case_notes(user, incident) -> list[CaseNote]:
    return [note for source in CASE_NOTES for note in source(user, incident)]
