"""The escalation sweep with a clock we control, and deadlines computed in the stored work calendar.

The gas category's handle limit is 4 working hours, warning at 80%. The factory dispatches at
Monday 2026-11-02 09:00, so the case warns at 13:42 (3 h 12 min of working time: 09:00–12:00 and
13:30–13:42) and is due at 14:30.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grids.models import Notification
from incidents import services
from incidents.choices import Action, Escalation, EventKind, Status
from incidents.models import Incident, IncidentEvent, StageDeadline
from tests.incidents.factories import bulk_running, local

pytestmark = pytest.mark.django_db

MONDAY = local(2026, 11, 2, 8, 40)
WARN = local(2026, 11, 2, 13, 42)
DUE = local(2026, 11, 2, 14, 30)
HOUR = dt.timedelta(hours=1)
MINUTE = dt.timedelta(minutes=1)
ESCALATION_KINDS = (EventKind.WARNING, EventKind.YELLOW_CARD, EventKind.RED_CARD)


@pytest.fixture
def due_case(make_case, settings):
    settings.ESCALATION_RED_AFTER_HOURS = 24
    case = make_case(Status.DISPATCHED, now=MONDAY)
    assert (case.warn_at, case.due_at) == (WARN, DUE)
    return case


def sweep(now) -> dict[str, int]:
    return services.escalate_overdue(now=now)


def ladder(case) -> list[str]:
    return list(IncidentEvent.objects.filter(incident=case, kind__in=ESCALATION_KINDS).order_by("pk").values_list("kind", flat=True))


def told(user, kind: str) -> int:
    return Notification.objects.filter(recipient=user, kind=kind).count()


def test_the_ladder_climbs_as_time_passes(world, due_case):
    case, users = due_case, world.users
    assert sweep(WARN - MINUTE) == {"warning": 0, "yellow": 0, "red": 0}
    assert ladder(case) == []

    assert sweep(WARN) == {"warning": 1, "yellow": 0, "red": 0}
    case.refresh_from_db()
    assert case.escalation == Escalation.WARNING and ladder(case) == [EventKind.WARNING]
    # Due soon: the department's handlers who serve the zone hear it, nobody else.
    assert (told(users.safety, EventKind.WARNING), told(users.safety_a, EventKind.WARNING)) == (1, 1)
    assert Notification.objects.filter(kind=EventKind.WARNING).count() == 2

    assert sweep(DUE - MINUTE) == {"warning": 0, "yellow": 0, "red": 0}
    assert sweep(DUE) == {"warning": 0, "yellow": 1, "red": 0}
    case.refresh_from_db()
    assert case.escalation == Escalation.YELLOW and ladder(case) == [EventKind.WARNING, EventKind.YELLOW_CARD]
    assert told(users.zone_leader, EventKind.YELLOW_CARD) == 1  # the zone leader supervises (督办)
    assert told(users.zone_leader_b, EventKind.YELLOW_CARD) == 0
    assert Notification.objects.filter(kind=EventKind.YELLOW_CARD).count() == 1

    assert sweep(DUE + 24 * HOUR - MINUTE) == {"warning": 0, "yellow": 0, "red": 0}
    assert sweep(DUE + 24 * HOUR) == {"warning": 0, "yellow": 0, "red": 1}
    case.refresh_from_db()
    assert case.escalation == Escalation.RED
    assert ladder(case) == [EventKind.WARNING, EventKind.YELLOW_CARD, EventKind.RED_CARD]
    assert told(users.street, EventKind.RED_CARD) == 1  # the street office
    assert Notification.objects.filter(kind=EventKind.RED_CARD).count() == 1
    event = IncidentEvent.objects.get(incident=case, kind=EventKind.RED_CARD)
    assert (event.actor, event.data["stage"], event.data["level"]) == (None, "handle", Escalation.RED)

    # Nothing further, however often it runs.
    assert sweep(DUE + 72 * HOUR) == {"warning": 0, "yellow": 0, "red": 0}


def test_red_card_waits_the_configured_hours(world, due_case, settings):
    settings.ESCALATION_RED_AFTER_HOURS = 8
    sweep(DUE)
    assert sweep(DUE + 8 * HOUR - MINUTE)["red"] == 0
    assert sweep(DUE + 8 * HOUR)["red"] == 1


def test_sweep_run_twice_changes_nothing_the_second_time(world, due_case):
    first = sweep(DUE + HOUR)
    assert first == {"warning": 0, "yellow": 1, "red": 0}  # past the warning point and the due time at once: straight to yellow
    state = (Incident.objects.values().get(pk=due_case.pk), IncidentEvent.objects.count(), Notification.objects.count())
    assert sweep(DUE + HOUR) == {"warning": 0, "yellow": 0, "red": 0}
    assert (Incident.objects.values().get(pk=due_case.pk), IncidentEvent.objects.count(), Notification.objects.count()) == state
    assert ladder(due_case) == [EventKind.YELLOW_CARD]


def test_sweep_down_for_a_day_catches_up_in_one_run(world, due_case):
    assert sweep(DUE + 30 * HOUR) == {"warning": 0, "yellow": 1, "red": 1}
    assert ladder(due_case) == [EventKind.YELLOW_CARD, EventKind.RED_CARD]
    assert told(world.users.zone_leader, EventKind.YELLOW_CARD) == 1
    assert told(world.users.street, EventKind.RED_CARD) == 1
    assert sweep(DUE + 31 * HOUR) == {"warning": 0, "yellow": 0, "red": 0}


def test_paused_and_finished_cases_never_escalate(world, make_case):
    suspended = make_case(Status.ACCEPTED, now=MONDAY)
    services.apply_action(suspended.pk, actor=world.users.zone_leader, action=Action.SUSPEND, params={"reason": "Owner abroad"},
                          now=local(2026, 11, 2, 10, 0))
    waiting = make_case(Status.ACCEPTED, now=MONDAY, extension_pending=True)  # extension requested at 09:20
    closed = make_case(Status.CLOSED, now=MONDAY)
    assert sweep(DUE + 100 * HOUR) == {"warning": 0, "yellow": 0, "red": 0}
    for case in (suspended, waiting, closed):
        case.refresh_from_db()
        assert case.escalation == Escalation.NONE and ladder(case) == []
    # Resumed a week later with its 3 hours left: it runs again and escalates from then on.
    resumed = services.apply_action(suspended.pk, actor=world.users.zone_leader, action=Action.RESUME, now=local(2026, 11, 9, 9, 0))
    assert resumed.due_at == local(2026, 11, 9, 12, 0)
    assert sweep(local(2026, 11, 9, 11, 30)) == {"warning": 1, "yellow": 0, "red": 0}
    assert sweep(local(2026, 11, 9, 12, 0)) == {"warning": 0, "yellow": 1, "red": 0}


def test_sweep_query_count_does_not_grow_with_the_number_of_cases(world, cats):
    def run(n: int, due: dt.datetime) -> int:
        ids = bulk_running(n, cell=world.cell_a1x, category=cats.gas, department=world.safety, reporter=world.users.worker, due_at=due)
        with CaptureQueriesContext(connection) as queries:
            assert sweep(due + HOUR) == {"warning": 0, "yellow": n, "red": 0}
        assert IncidentEvent.objects.filter(incident_id__in=ids, kind=EventKind.YELLOW_CARD).count() == n
        assert Notification.objects.filter(recipient=world.users.zone_leader, kind=EventKind.YELLOW_CARD).count() >= n
        return len(queries)

    few = run(10, DUE)
    many = run(100, DUE + 2 * HOUR)
    assert few == many, f"{few} queries for 10 cases, {many} for 100"
    assert many <= 22  # with the per-day rollup upserts of the cards (governance.rollups)


# --- deadline arithmetic through the services and the stored calendar ----------------------------

def test_friday_afternoon_report_is_due_on_monday_morning(world, cats):
    # Register limit 4 working hours: 16:00–17:30 on Friday (1.5 h), then 08:30–11:00 on Monday.
    case = services.report_incident(reporter=world.users.worker, category=cats.gas.pk, description="gas smell",
                                    latitude=36.0025, longitude=120.0025, now=local(2026, 11, 6, 16, 0))
    assert case.due_at == local(2026, 11, 9, 11, 0)
    deadline = StageDeadline.objects.get(incident=case)
    assert (deadline.stage, deadline.started_at, deadline.due_at) == ("register", local(2026, 11, 6, 16, 0), local(2026, 11, 9, 11, 0))


def test_working_days_skip_national_day_and_count_the_make_up_saturday(world, make_case, cats):
    # Handle limit 3 working days from Wednesday 2026-09-30: 1–7 October are holidays, then
    # Thursday 8th, Friday 9th and the make-up working Saturday 10th (调休).
    case = make_case(Status.DISPATCHED, category=cats.fire_exit, now=local(2026, 9, 30, 9, 40))
    assert case.stage == "handle"
    assert case.due_at == local(2026, 10, 10, 17, 30)
    assert sweep(local(2026, 10, 9, 17, 0))["yellow"] == 0
    assert sweep(local(2026, 10, 10, 17, 30))["yellow"] == 1
