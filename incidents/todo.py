"""What the case loop puts on each role's home (the registry: grids.todo).

Each source's condition is what the case list's IncidentFilter does with the source's params, on
the same `Incident.objects.visible_to(user)`. The queue shows open cases unless a status is asked
for (incidents.views.queue_filter_data), so a source without a status counts open cases only.
The disputed cases are the meeting's sources (governance.meetings.todo): it names the meeting.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from casework.choices import Escalation
from grids.choices import Role
from grids.todo import BAD, WARN, TodoSource
from incidents.choices import OPEN_STATUSES, Status
from incidents.filters import local_day_start
from incidents.models import Incident

ZONE = frozenset({Role.ZONE_LEADER})
DEPARTMENT = frozenset({Role.DEPARTMENT})
WORKER = frozenset({Role.GRID_WORKER})
COMMUNITY = frozenset({Role.COMMUNITY})
STREET = frozenset({Role.STREET, Role.ADMIN})

TO_REGISTER = [Status.REPORTED, Status.SELF_HANDLED]
HANDLING = [Status.DISPATCHED, Status.ACCEPTED]
OPEN = Q(status__in=OPEN_STATUSES)


def _today(now) -> Q:
    day = timezone.localdate(now)
    return Q(due_at__gte=local_day_start(day), due_at__lt=local_day_start(day + dt.timedelta(days=1)))


def _today_params(user, now) -> dict:
    day = timezone.localdate(now).isoformat()
    return {"status": HANDLING, "due_after": day, "due_before": day}


SOURCES = [
    # --- the zone leader (the street office uses the dashboard and the queue for these) ----------
    TodoSource(
        "zone_to_register", _("Reports waiting to be registered"), ZONE, Incident,
        condition=lambda user, now: Q(status__in=TO_REGISTER),
        url_name="incidents:queue", params=lambda user, now: {"status": TO_REGISTER}, order=10,
    ),
    TodoSource(
        "zone_due_soon", _("Cases about to go overdue"), ZONE, Incident,
        condition=lambda user, now: OPEN & Q(warn_at__lte=now, due_at__gt=now),
        url_name="incidents:queue", params=lambda user, now: {"due_soon": "true"}, tone=WARN, order=11,
    ),
    TodoSource(
        "zone_overdue", _("Cases overdue"), ZONE, Incident,
        condition=lambda user, now: OPEN & Q(due_at__lte=now),
        url_name="incidents:queue", params=lambda user, now: {"overdue": "true"}, tone=BAD, order=12,
    ),
    TodoSource(
        "zone_extensions", _("Extension requests to decide"), ZONE, Incident,
        condition=lambda user, now: OPEN & Q(extension_pending=True),
        url_name="incidents:queue", params=lambda user, now: {"extension_pending": "true"}, order=13,
    ),
    # --- a department handler ------------------------------------------------------------------
    TodoSource(
        "dept_to_accept", _("Newly dispatched cases to accept"), DEPARTMENT, Incident,
        condition=lambda user, now: Q(status=Status.DISPATCHED, rework_count=0),
        url_name="incidents:department", params=lambda user, now: {"status": [Status.DISPATCHED], "reworked": "false"},
        order=10,
    ),
    TodoSource(
        "dept_due_today", _("Cases due today"), DEPARTMENT, Incident,
        condition=lambda user, now: Q(status__in=HANDLING) & _today(now),
        url_name="incidents:department", params=_today_params, tone=WARN, order=11,
    ),
    TodoSource(
        "dept_overdue", _("Cases overdue"), DEPARTMENT, Incident,
        condition=lambda user, now: Q(status__in=HANDLING, due_at__lte=now),
        url_name="incidents:department", params=lambda user, now: {"status": HANDLING, "overdue": "true"}, tone=BAD,
        order=12,
    ),
    TodoSource(
        "dept_reworked", _("Sent back for rework"), DEPARTMENT, Incident,
        condition=lambda user, now: Q(status__in=HANDLING, rework_count__gt=0),
        url_name="incidents:department", params=lambda user, now: {"status": HANDLING, "reworked": "true"}, tone=WARN,
        order=13,
    ),
    # --- a grid worker -------------------------------------------------------------------------
    TodoSource(
        "worker_to_verify", _("Handled cases in my cells to verify on site"), WORKER, Incident,
        condition=lambda user, now: Q(status=Status.HANDLED, grid_cell__in=user.grid_cells.all()),
        url_name="incidents:queue", params=lambda user, now: {"status": [Status.HANDLED], "my_cells": "true"}, order=10,
    ),
    TodoSource(
        "worker_reports", _("My reports still in progress"), WORKER, Incident,
        condition=lambda user, now: OPEN & Q(reporter=user),
        url_name="incidents:queue", params=lambda user, now: {"mine": "true"}, order=20,
    ),
    # --- the community -------------------------------------------------------------------------
    TodoSource(
        "community_open", _("Open cases in our grid cells"), COMMUNITY, Incident,
        condition=lambda user, now: OPEN,
        url_name="incidents:queue", params=lambda user, now: {"open": "true"}, order=10,
    ),
    TodoSource(
        "community_overdue", _("Of which overdue"), COMMUNITY, Incident,
        condition=lambda user, now: OPEN & Q(due_at__lte=now),
        url_name="incidents:queue", params=lambda user, now: {"overdue": "true"}, tone=BAD, order=11,
    ),
    # --- the street office ---------------------------------------------------------------------
    TodoSource(
        "street_red", _("Red cards: cases still overdue"), STREET, Incident,
        condition=lambda user, now: OPEN & Q(escalation=Escalation.RED),
        url_name="incidents:queue", params=lambda user, now: {"escalation": str(Escalation.RED.value)}, tone=BAD, order=11,
    ),
]
