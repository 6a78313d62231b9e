"""Role × endpoint matrix of the cases API: each persona sees exactly its cases and its own inbox."""

from __future__ import annotations

import pytest

from grids.models import Notification
from incidents.choices import Action, Status
from tests.incidents.factories import IncidentFactory
from tests.scoping import assert_api_scoping

pytestmark = pytest.mark.django_db


@pytest.fixture
def spread(world, cats):
    """Cases in every cell, zone and department of the world fixture."""
    u = world.users
    make = IncidentFactory
    return {
        "a1x_new": make(category=cats.gas, grid_cell=world.cell_a1x, reporter=u.worker),
        "a1y_safety": make(category=cats.gas, grid_cell=world.cell_a1y, reporter=u.community, status=Status.DISPATCHED,
                           department=world.safety),
        # Reported by `worker` in a cell that is not theirs: they still follow what they reported.
        "a1y_by_worker": make(category=cats.rubbish, grid_cell=world.cell_a1y, reporter=u.worker),
        "a2x_urban": make(category=cats.rubbish, grid_cell=world.cell_a2x, reporter=u.zone_leader, status=Status.ACCEPTED,
                          department=world.urban),
        "a2x_police": make(category=cats.fire_exit, grid_cell=world.cell_a2x, reporter=u.zone_leader, status=Status.DISPATCHED,
                           department=world.police),
        "b1x_safety": make(category=cats.gas, grid_cell=world.cell_b1x, reporter=u.worker_b, status=Status.HANDLED,
                           department=world.safety),
        "b1x_new": make(category=cats.rubbish, grid_cell=world.cell_b1x, reporter=u.worker_b),
    }


def test_incidents_api_is_scoped_per_role(world, spread, api_for):
    ids = {name: case.pk for name, case in spread.items()}

    def of(*names):
        return {ids[n] for n in names}

    zone_a = of("a1x_new", "a1y_safety", "a1y_by_worker", "a2x_urban", "a2x_police")
    assert_api_scoping(
        api_for,
        vars(world.users),
        list_url="/api/v1/incidents/",
        detail_url=lambda pk: f"/api/v1/incidents/{pk}/",
        expected={
            "street": set(ids.values()),
            "admin": set(ids.values()),
            "zone_leader": zone_a,
            "zone_leader_b": of("b1x_safety", "b1x_new"),
            "community": of("a1x_new", "a1y_safety", "a1y_by_worker"),
            "worker": of("a1x_new", "a1y_by_worker"),
            "worker_b": of("b1x_safety", "b1x_new"),
            "safety": of("a1y_safety", "b1x_safety"),  # the department's central staff: every zone
            "safety_a": of("a1y_safety"),  # its zone-A team: zone A only
            "urban": of("a2x_urban"),
            "officer": of("a2x_police"),
            "contractor": set(),
        },
        all_ids=ids.values(),
    )


def test_out_of_scope_actions_answer_404_like_missing_cases(world, spread, api_for):
    case = spread["b1x_new"]
    for name in ("zone_leader", "worker", "safety_a", "contractor"):
        response = api_for(world.persona(name)).post(f"/api/v1/incidents/{case.pk}/actions/", {"action": Action.COMMENT, "note": "hi"},
                                                     format="json")
        assert response.status_code == 404, name
    case.refresh_from_db()
    assert case.events.count() == 0


def test_notifications_api_shows_only_ones_own(world, api_for):
    u = world.users
    mine = {}
    for name in ("street", "zone_leader", "zone_leader_b", "worker", "safety", "contractor"):
        user = u.__dict__[name]
        mine[name] = {
            Notification.objects.create(recipient=user, kind="test", title=f"for {name} {i}", key=f"{name}:{i}").pk for i in range(2)
        }
    every = set().union(*mine.values())
    assert_api_scoping(
        api_for,
        vars(u),
        list_url="/api/v1/notifications/",
        detail_url=lambda pk: f"/api/v1/notifications/{pk}/",
        expected={name: mine.get(name, set()) for name in vars(u)},
        all_ids=every,
    )
    # Marking read touches one's own rows only, even when given someone else's ids.
    response = api_for(u.worker).post("/api/v1/notifications/read/", {"ids": sorted(every)}, format="json")
    assert response.status_code == 200 and response.json()["marked"] == 2
    assert Notification.objects.filter(read_at__isnull=False).count() == 2
    assert not Notification.objects.exclude(recipient=u.worker).filter(read_at__isnull=False).exists()


def test_anonymous_gets_nothing(world, spread, client):
    for url in ("/api/v1/incidents/", f"/api/v1/incidents/{spread['a1x_new'].pk}/", "/api/v1/notifications/", "/api/v1/categories/"):
        assert client.get(url).status_code in (401, 403), url
