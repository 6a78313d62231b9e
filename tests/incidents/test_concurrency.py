"""Races on PostgreSQL: simultaneous moves of one case, and sweeps running side by side.

Each thread has its own database connection (Django's are per thread) and closes it at the end;
the data is committed (transaction=True) so that every connection sees it.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import Counter

import pytest
from django.db import connection
from django.http import Http404

from grids.models import Notification
from incidents import services
from incidents.choices import Action, Escalation, EventKind, Status
from incidents.models import Incident, IncidentEvent
from tests.incidents.factories import bulk_running

pytestmark = pytest.mark.django_db(transaction=True)


def in_threads(n: int, work) -> list:
    """Run work(i) in n threads released at the same instant; each result or raised exception."""
    barrier = threading.Barrier(n)
    results: list = [None] * n

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except Exception as error:  # collected and asserted on by the test
            results[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread hung (lock wait?)"
    return results


def test_ten_simultaneous_dispatches_one_wins(postgres, world, make_case, api_for):
    case = make_case(Status.REGISTERED)
    leaders = [world.users.zone_leader, world.users.street]
    departments = [world.safety, world.urban]

    def dispatch(i: int) -> int:
        client = api_for(leaders[i % 2])
        response = client.post(f"/api/v1/incidents/{case.pk}/actions/", {"action": Action.DISPATCH, "department": departments[i % 2].pk},
                               format="json")
        return response.status_code

    codes = in_threads(10, dispatch)
    assert Counter(codes) == {200: 1, 409: 9}, codes
    case.refresh_from_db()
    assert case.status == Status.DISPATCHED
    assert IncidentEvent.objects.filter(incident=case, kind=EventKind.DISPATCH).count() == 1
    assert case.deadlines.filter(finished_at__isnull=True).count() == 1  # one running clock


def test_simultaneous_moves_through_the_service(postgres, world, make_case):
    """Accept and return raced by the department's two desks: exactly one of them happens."""
    case = make_case(Status.DISPATCHED)
    moves = [(world.users.safety, Action.ACCEPT, {}), (world.users.safety_a, Action.RETURN, {"reason": "not ours"})] * 4

    def move(i: int):
        user, action, params = moves[i]
        return services.apply_action(case.pk, actor=user, action=action, params=params).status

    results = in_threads(len(moves), move)
    done = [r for r in results if isinstance(r, str)]
    # Refused by the table (409), or no longer the department's case once returned (404).
    assert all(isinstance(r, str | services.Refused | Http404) for r in results), results
    case.refresh_from_db()
    events = list(IncidentEvent.objects.filter(incident=case, kind__in=[EventKind.ACCEPT, EventKind.RETURN]).order_by("pk")
                  .values_list("kind", flat=True))
    assert len(done) == len(events)  # every success wrote exactly one event, every refusal none
    # Either returned at once, or accepted and then (perhaps) returned: never twice the same move.
    assert events in ([EventKind.RETURN], [EventKind.ACCEPT], [EventKind.ACCEPT, EventKind.RETURN]), events
    assert case.status == {EventKind.RETURN: Status.REGISTERED, EventKind.ACCEPT: Status.ACCEPTED}[events[-1]]


@pytest.mark.parametrize("threads", [2, 4])
def test_concurrent_sweeps_escalate_each_case_once(threads, postgres, world, cats, settings):
    settings.ESCALATION_RED_AFTER_HOURS = 24
    due = dt.datetime(2026, 11, 2, 14, 30, tzinfo=dt.UTC)
    ids = bulk_running(200, cell=world.cell_a1x, category=cats.gas, department=world.safety, reporter=world.users.worker, due_at=due)
    now = due + dt.timedelta(hours=30)  # overdue long enough for yellow and red in the same runs

    results = in_threads(threads, lambda i: services.escalate_overdue(now=now))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r["yellow"] for r in results) == 200 and sum(r["red"] for r in results) == 200, results
    assert set(Incident.objects.filter(pk__in=ids).values_list("escalation", flat=True)) == {Escalation.RED}
    per_case = Counter(IncidentEvent.objects.filter(incident_id__in=ids).values_list("incident_id", "kind"))
    assert set(per_case.values()) == {1} and len(per_case) == 400  # one yellow and one red card each
    assert Notification.objects.filter(recipient=world.users.zone_leader, kind=EventKind.YELLOW_CARD).count() == 200
    assert Notification.objects.filter(recipient=world.users.street, kind=EventKind.RED_CARD).count() == 200
    assert Notification.objects.count() == 400

    # And once more, all at the same time: nothing left to do.
    again = in_threads(threads, lambda i: services.escalate_overdue(now=now))
    assert all(r == {"warning": 0, "yellow": 0, "red": 0} for r in again), again
    assert IncidentEvent.objects.filter(incident_id__in=ids).count() == 400
