"""Who holds a post (grids.people): each rule in its single and bulk form, active users only."""

from __future__ import annotations

import pytest

from grids import people
from grids.choices import Role, WorkerKind
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_zone_leaders_of_a_zone(world):
    u = world.users
    retired = f.UserFactory(username="p_zone_old", role=Role.ZONE_LEADER, zone=world.zone_a, is_active=False)
    assert people.zone_leaders(world.zone_a.pk) == [u.zone_leader.pk]
    assert retired.pk not in people.zone_leaders(world.zone_a.pk)
    assert people.zone_leaders(None) == []


def test_zone_leaders_by_zone_answers_every_zone_asked_in_one_query(world, django_assert_num_queries):
    u = world.users
    empty = f.ZoneFactory(subdistrict=world.subdistrict, number=3, name="第三管区")
    with django_assert_num_queries(1):
        found = people.zone_leaders_by_zone([world.zone_a.pk, world.zone_b.pk, empty.pk, world.zone_a.pk])
    assert found == {world.zone_a.pk: [u.zone_leader.pk], world.zone_b.pk: [u.zone_leader_b.pk], empty.pk: []}


def test_street_office_is_the_active_street_users(world):
    f.UserFactory(username="p_street_old", role=Role.STREET, is_active=False)
    assert people.street_office() == [world.users.street.pk]


def test_department_handlers_are_the_zone_team_and_central_staff(world):
    u = world.users
    zone_b_team = f.UserFactory(username="p_safety_b", role=Role.DEPARTMENT, department=world.safety, zone=world.zone_b)
    f.UserFactory(username="p_safety_old", role=Role.DEPARTMENT, department=world.safety, is_active=False)
    assert sorted(people.department_handlers(world.safety.pk, world.zone_a.pk)) == sorted([u.safety.pk, u.safety_a.pk])
    assert sorted(people.department_handlers(world.safety.pk, world.zone_b.pk)) == sorted([u.safety.pk, zone_b_team.pk])
    assert people.department_handlers(world.police.pk, world.zone_b.pk) == []  # the police team serves zone A only
    assert people.department_handlers(None, world.zone_a.pk) == []


def test_department_handlers_by_zone_in_one_query(world, django_assert_num_queries):
    u = world.users
    pairs = [(world.safety.pk, world.zone_a.pk), (world.safety.pk, world.zone_b.pk), (world.police.pk, world.zone_a.pk),
             (None, world.zone_a.pk)]
    with django_assert_num_queries(1):
        found = people.department_handlers_by_zone(pairs)
    assert {k: sorted(v) for k, v in found.items()} == {
        (world.safety.pk, world.zone_a.pk): sorted([u.safety.pk, u.safety_a.pk]),
        (world.safety.pk, world.zone_b.pk): [u.safety.pk],
        (world.police.pk, world.zone_a.pk): [u.officer.pk],
        (None, world.zone_a.pk): [],
    }


def test_cell_workers(world, django_assert_num_queries):
    u = world.users
    f.GridWorkerFactory(username="p_worker_old", community=world.community_a1, worker_kind=WorkerKind.PART_TIME,
                        cells=[world.cell_a1x], is_active=False)
    assert people.cell_workers(world.cell_a1x.pk) == [u.worker.pk]
    assert people.cell_workers(world.cell_a1y.pk) == []
    with django_assert_num_queries(1):
        found = people.cell_workers_by_cell([world.cell_a1x.pk, world.cell_b1x.pk, world.cell_a2x.pk])
    assert found == {world.cell_a1x.pk: [u.worker.pk], world.cell_b1x.pk: [u.worker_b.pk], world.cell_a2x.pk: []}


def test_the_case_services_use_these_rules():
    from incidents.services import timeline

    assert (timeline.zone_leaders, timeline.street_office, timeline.department_handlers, timeline.cell_workers) == (
        people.zone_leaders, people.street_office, people.department_handlers, people.cell_workers,
    )
