"""Hand-built rows for the to-do homes: each source's expected count per persona, written down
independently of the sources' conditions, with a mirror set in zone B that no zone-A persona may
count (scoping). Rows are written directly (reads only), as tests/incidents/factories.IncidentFactory."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone

from casework.choices import Escalation
from governance.meetings.agenda import week_of
from governance.meetings.choices import ItemReason, MeetingKind
from governance.meetings.models import AgendaItem, Meeting
from incidents.choices import Status
from incidents.filters import local_day_start
from incidents.models import Incident
from tests.incidents.factories import IncidentFactory

# persona → {source key: count}. Sources a persona does not have are absent.
EXPECTED = {
    "zone_leader": {"zone_to_register": 3, "zone_due_soon": 2, "zone_overdue": 2, "zone_extensions": 1, "zone_disputed": 1},
    "urban": {"dept_to_accept": 3, "dept_due_today": 2, "dept_overdue": 2, "dept_reworked": 1},
    "officer": {"dept_to_accept": 0, "dept_due_today": 0, "dept_overdue": 1, "dept_reworked": 1},
    "worker": {"worker_to_verify": 1, "worker_reports": 11, "worker_cells": 1},
    "community": {"community_open": 8, "community_overdue": 1},
    "street": {"street_disputed": 2, "street_red": 2, "street_agenda": 1},
}


def _due_today(now: dt.datetime) -> dt.datetime:
    """A moment later today (local), whatever time the test runs."""
    end = local_day_start(timezone.localdate(now) + dt.timedelta(days=1))
    return now + (end - now) / 2


def case(cell, reporter, status, **extra) -> Incident:
    return IncidentFactory(grid_cell=cell, reporter=reporter, status=status, **extra)


def build(world, now: dt.datetime | None = None) -> dict:
    """The cases, a meeting of this week with one live and one removed item; returns the cases by name."""
    now = now or timezone.now()
    u = world.users
    a1x, a1y, a2x, b1x = world.cell_a1x, world.cell_a1y, world.cell_a2x, world.cell_b1x
    soon = {"due_at": now + dt.timedelta(days=3), "warn_at": now - dt.timedelta(hours=1)}
    later = {"due_at": now + dt.timedelta(days=3), "warn_at": now + dt.timedelta(days=2)}
    today = {"due_at": _due_today(now), "warn_at": now - dt.timedelta(minutes=30)}
    # Two days late: never "due today", whatever the hour.
    overdue = {"due_at": now - dt.timedelta(days=2), "warn_at": now - dt.timedelta(days=3)}
    late = {**overdue, "escalation": Escalation.RED}
    rows = {
        # Zone A, community 东岭 (a1x the worker's cell, a1y) and 西岭 (a2x).
        "reported_a1x": case(a1x, u.worker, Status.REPORTED, **later),
        "reported_a1y": case(a1y, u.worker, Status.REPORTED, **soon),
        "self_handled_a2x": case(a2x, u.worker, Status.SELF_HANDLED),
        "new_urban": case(a1x, u.worker, Status.DISPATCHED, department=world.urban, **later),
        "today_urban": case(a1y, u.worker, Status.DISPATCHED, department=world.urban, **today),
        "rework_police": case(a1x, u.worker, Status.ACCEPTED, department=world.police, rework_count=1, **overdue),
        "late_urban": case(a2x, u.worker, Status.ACCEPTED, department=world.urban, extension_pending=True, rework_count=1,
                           **late),
        "handled_a1x": case(a1x, u.worker, Status.HANDLED, department=world.urban),
        "handled_a1y": case(a1y, u.worker, Status.HANDLED, department=world.urban),
        "disputed_a1x": case(a1x, u.worker, Status.DISPUTED),
        "closed_a1x": case(a1x, u.worker, Status.CLOSED, department=world.urban, rework_count=1),
        # Reported by the worker in zone B's cell: theirs to follow, not zone A's.
        "mine_in_b": case(b1x, u.worker, Status.REGISTERED, **soon),
        # Zone B: no zone-A persona counts these.
        "reported_b": case(b1x, u.worker_b, Status.REPORTED),
        "today_urban_b": case(b1x, u.worker_b, Status.DISPATCHED, department=world.urban, **today),
        "late_urban_b": case(b1x, u.worker_b, Status.ACCEPTED, department=world.urban, extension_pending=True, **late),
        "handled_b": case(b1x, u.worker_b, Status.HANDLED, department=world.urban),
        "disputed_b": case(b1x, u.worker_b, Status.DISPUTED),
    }
    week = week_of(now)
    meeting = Meeting.objects.create(
        kind=MeetingKind.WEEKLY, year=week.year, number=1, week_start=week, place="三楼会议室",
        held_at=timezone.make_aware(dt.datetime.combine(week + dt.timedelta(days=6), dt.time(23, 59))),
    )
    AgendaItem.objects.create(meeting=meeting, incident=rows["disputed_a1x"], reason=ItemReason.DISPUTED, position=1)
    AgendaItem.objects.create(meeting=meeting, incident=rows["disputed_b"], reason=ItemReason.DISPUTED, position=2,
                              withdrawn_at=now, withdrawn_reason="重复")
    rows["meeting"] = meeting
    return rows


def hazards_and_drafts(world, enterprises, make_inspection, make_hazard) -> dict:
    """Two recorded hazards (zone A and B), one confirmed; a draft of `safety`'s and one of `safety_a`'s,
    and a submitted one. The safety office sees every hazard, its zone team too (HazardQuerySet)."""
    recorded_a = make_hazard(enterprises["a1x"])
    recorded_b = make_hazard(enterprises["b1x"])
    make_hazard(enterprises["a1y"], status="confirmed")
    # make_hazard records its inspections as drafts by `safety`: 3 so far.
    make_inspection(enterprises["a2x"], actor=world.users.safety_a, key=uuid.uuid4())
    make_inspection(enterprises["a2x"], actor=world.users.safety, key=uuid.uuid4(), submit=True)
    return {"recorded": [recorded_a, recorded_b]}


HAZARD_EXPECTED = {
    "street": {"hazards_to_confirm": 2},
    "safety": {"hazards_to_confirm": 2, "own_draft_inspections": 3},
    "safety_a": {"hazards_to_confirm": 2, "own_draft_inspections": 1},
}
