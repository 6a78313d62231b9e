"""The role × endpoint matrix of the organisation's API: every persona sees exactly its part.

The expected sets are written out for every persona of the `world` fixture (tests/conftest.py):
zone A holds communities a1 (cells a1x, a1y) and a2 (cell a2x); zone B holds b1 (cell b1x).
"""

import pytest

from tests.scoping import assert_api_scoping

pytestmark = pytest.mark.django_db

PERSONAS = {
    "street", "admin", "zone_leader", "zone_leader_b", "community", "worker", "worker_b",
    "safety", "safety_a", "urban", "officer", "contractor",
}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def check(api_for, world, path: str, expected: dict, every: set) -> None:
    assert set(expected) == PERSONAS == set(vars(world.users)), "write the expected set for every persona"
    assert_api_scoping(
        api_for,
        vars(world.users),
        list_url=f"/api/v1/{path}/",
        detail_url=lambda pk: f"/api/v1/{path}/{pk}/",
        expected=expected,
        all_ids=every,
    )


def test_zones_api_is_scoped_per_role(world, api_for):
    a, b = world.zone_a.pk, world.zone_b.pk
    check(
        api_for,
        world,
        "zones",
        {
            "street": {a, b},
            "admin": {a, b},
            "zone_leader": {a},
            "zone_leader_b": {b},
            "community": {a},
            "worker": {a},
            "worker_b": {b},
            "safety": {a, b},  # a department without a zone team works across the sub-district
            "safety_a": {a},  # its team sunk into zone A
            "urban": {a, b},
            "officer": {a},  # the police room of zone A
            "contractor": set(),
        },
        {a, b},
    )


def test_communities_api_is_scoped_per_role(world, api_for):
    a1, a2, b1 = world.community_a1.pk, world.community_a2.pk, world.community_b1.pk
    check(
        api_for,
        world,
        "communities",
        {
            "street": {a1, a2, b1},
            "admin": {a1, a2, b1},
            "zone_leader": {a1, a2},
            "zone_leader_b": {b1},
            "community": {a1},
            "worker": {a1},
            "worker_b": {b1},
            "safety": {a1, a2, b1},
            "safety_a": {a1, a2},
            "urban": {a1, a2, b1},
            "officer": {a1, a2},
            "contractor": set(),
        },
        {a1, a2, b1},
    )


def test_grid_worker_sees_the_community_of_every_assigned_cell(world, api_for):
    # worker belongs to a1 and is assigned a second cell of a1 and one of a2: both communities, each once.
    world.users.worker.grid_cells.add(world.cell_a1y, world.cell_a2x)
    a1, a2, b1 = world.community_a1.pk, world.community_a2.pk, world.community_b1.pk
    body = api_for(world.users.worker).get("/api/v1/communities/").json()
    assert body["count"] == 2 and sorted(row["id"] for row in body["results"]) == sorted([a1, a2])
    check(
        api_for,
        world,
        "communities",
        {
            "street": {a1, a2, b1}, "admin": {a1, a2, b1}, "zone_leader": {a1, a2}, "zone_leader_b": {b1},
            "community": {a1}, "worker": {a1, a2}, "worker_b": {b1}, "safety": {a1, a2, b1}, "safety_a": {a1, a2},
            "urban": {a1, a2, b1}, "officer": {a1, a2}, "contractor": set(),
        },
        {a1, a2, b1},
    )


def test_grid_cells_api_is_scoped_per_role(world, api_for):
    w = world
    every = {c.pk for c in (w.cell_a1x, w.cell_a1y, w.cell_a2x, w.cell_b1x)}
    zone_a = {w.cell_a1x.pk, w.cell_a1y.pk, w.cell_a2x.pk}
    check(
        api_for,
        world,
        "grid-cells",
        {
            "street": every,
            "admin": every,
            "zone_leader": zone_a,
            "zone_leader_b": {w.cell_b1x.pk},
            "community": {w.cell_a1x.pk, w.cell_a1y.pk},
            "worker": {w.cell_a1x.pk},  # only the assigned cell, not the whole community
            "worker_b": {w.cell_b1x.pk},
            "safety": every,
            "safety_a": zone_a,
            "urban": every,
            "officer": zone_a,
            "contractor": set(),
        },
        every,
    )


def test_grid_cells_geojson_is_scoped_per_role(world, api_for):
    w = world
    every = {c.pk for c in (w.cell_a1x, w.cell_a1y, w.cell_a2x, w.cell_b1x)}
    zone_a = {w.cell_a1x.pk, w.cell_a1y.pk, w.cell_a2x.pk}
    expected = {
        "street": every, "admin": every, "zone_leader": zone_a, "zone_leader_b": {w.cell_b1x.pk},
        "community": {w.cell_a1x.pk, w.cell_a1y.pk}, "worker": {w.cell_a1x.pk}, "worker_b": {w.cell_b1x.pk},
        "safety": every, "safety_a": zone_a, "urban": every, "officer": zone_a, "contractor": set(),
    }
    assert set(expected) == PERSONAS
    for name, ids in expected.items():
        body = api_for(w.persona(name)).get("/api/v1/grid-cells/geojson/").json()
        assert {feature["id"] for feature in body["features"]} == ids, name


def test_departments_api_is_reference_data_for_every_signed_in_role(world, api_for):
    every = {world.safety.pk, world.urban.pk, world.police.pk}
    check(api_for, world, "departments", {name: every for name in PERSONAS}, every)


def test_users_api_is_scoped_per_role(world, api_for):
    u = {name: user.pk for name, user in vars(world.users).items()}
    everyone = set(u.values())
    check(
        api_for,
        world,
        "users",
        {
            "street": everyone,
            "admin": everyone,
            # Zone A's people: posted to the zone (leader, sunk teams) or to one of its communities.
            "zone_leader": {u["zone_leader"], u["safety_a"], u["officer"], u["community"], u["worker"]},
            "zone_leader_b": {u["zone_leader_b"], u["worker_b"]},
            "community": {u["community"], u["worker"]},
            "worker": {u["worker"]},
            "worker_b": {u["worker_b"]},
            "safety": {u["safety"], u["safety_a"]},  # colleagues of one department
            "safety_a": {u["safety"], u["safety_a"]},
            "urban": {u["urban"]},
            "officer": {u["officer"]},
            "contractor": {u["contractor"]},
        },
        everyone,
    )


def test_users_me_is_always_oneself(world, api_for):
    for name in PERSONAS:
        user = world.persona(name)
        assert api_for(user).get("/api/v1/users/me/").json()["id"] == user.pk, name
