"""The demo sub-district: shape, people, boundaries, roster, idempotency and the commands."""

from __future__ import annotations

import io
from collections import Counter
from datetime import timedelta

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from shapely import STRtree
from shapely.geometry import shape
from shapely.ops import unary_union

from governance.management.commands import seed_demo
from grids.choices import CommunityKind, CommunityPost, DepartmentKind, Role, WorkerKind
from grids.demo import DEMO_LOGINS, data, seed_organisation
from grids.models import Community, Department, DutyShift, GridCell, TrainingSession, User, Zone, ZoneTeam
from grids.selectors import duty_gaps, week_start

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module", autouse=True)
def seeded(django_db_setup, django_db_blocker):
    """Seed once for the module, inside a transaction rolled back after its last test.

    Each test runs in a savepoint within it, so other modules still start from an empty database.
    """
    # The fast hasher the suite's autouse fixture sets for each test, here for the whole module.
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            try:
                yield seed_organisation()
            finally:
                transaction.set_rollback(True)


def _row_counts() -> dict[str, int]:
    models = list(apps.get_app_config("grids").get_models())
    models.append(User.grid_cells.through)
    return {m._meta.label: m.objects.count() for m in models}


def test_first_run_reports_what_it_created(seeded):
    assert seeded["zones"] == 5
    assert seeded["grid cells"] == GridCell.objects.count()
    assert seeded["users"] == User.objects.count()


def test_territory_has_the_shape_of_the_report():
    assert list(Zone.objects.values_list("name", flat=True)) == list(data.ZONE_NAMES)
    assert 20 <= Community.objects.count() <= 30
    assert set(Community.objects.values_list("kind", flat=True)) == set(CommunityKind.values)
    assert 110 <= GridCell.objects.count() <= 130
    for zone in Zone.objects.select_related("leader"):
        assert zone.leader is not None and zone.leader.role == Role.ZONE_LEADER and zone.leader.zone_id == zone.pk
    for community in Community.objects.select_related("grid_head", "specialist"):
        assert community.grid_head.community_post == CommunityPost.GRID_HEAD
        assert community.grid_head.community_id == community.pk
        assert community.specialist.community_post == CommunityPost.SPECIALIST
        assert community.specialist.community_id == community.pk
        assert community.households > 0 and community.population > community.households


def test_cell_codes_are_15_digits_unique_and_prefixed_by_their_community():
    codes = list(GridCell.objects.values_list("code", flat=True))
    assert len(codes) == len(set(codes))
    for cell in GridCell.objects.select_related("community__zone__subdistrict"):
        assert len(cell.code) == 15 and cell.code.isdigit()
        assert cell.code.startswith("370211012" + cell.community.code)


def test_every_cell_passes_validation():
    for cell in GridCell.objects.select_related("community__zone__subdistrict"):
        cell.full_clean()


def test_cells_tile_the_area_without_overlap():
    cells = list(GridCell.objects.select_related("community__zone"))
    polygons = [shape(c.boundary) for c in cells]
    tree = STRtree(polygons)
    for i, polygon in enumerate(polygons):
        for j in tree.query(polygon):
            if j != i:
                overlap = polygon.intersection(polygons[j]).area
                assert overlap < 1e-12, f"{cells[i].code} overlaps {cells[j].code}"
    # Shared edges, no holes: the union is one polygon with exactly the cells' total area.
    union = unary_union(polygons)
    assert union.geom_type == "Polygon"
    assert union.area == pytest.approx(sum(p.area for p in polygons), rel=1e-9)
    west, south, east, north = union.bounds
    assert 120.05 < west < east < 120.30 and 35.85 < south < north < 36.07


def test_communities_and_zones_are_contiguous_and_do_not_overlap_each_other():
    cells = list(GridCell.objects.select_related("community__zone"))
    by_community: dict[int, list] = {}
    by_zone: dict[int, list] = {}
    for cell in cells:
        by_community.setdefault(cell.community_id, []).append(shape(cell.boundary))
        by_zone.setdefault(cell.community.zone_id, []).append(shape(cell.boundary))
    for groups in (by_community, by_zone):
        shapes = [unary_union(polygons) for polygons in groups.values()]
        assert all(s.geom_type == "Polygon" for s in shapes)
        for i, a in enumerate(shapes):
            for b in shapes[i + 1 :]:
                assert a.intersection(b).area < 1e-12


def test_128_grid_workers_of_all_kinds_cover_every_cell_of_their_community():
    workers = User.objects.grid_workers().prefetch_related("grid_cells")
    assert workers.count() == data.GRID_WORKER_TOTAL == 128
    assert Counter(w.worker_kind for w in workers) == data.WORKER_KIND_SPLIT
    assert set(data.WORKER_KIND_SPLIT) == set(WorkerKind.values)
    for worker in workers:
        cells = list(worker.grid_cells.all())
        assert 1 <= len(cells) <= 2, worker.username
        assert all(c.community_id == worker.community_id for c in cells), worker.username
    assert not GridCell.objects.filter(workers__isnull=True).exists()


def test_demo_logins_have_their_roles_and_the_demo_password(settings):
    users = User.objects.select_related("zone", "community__zone", "department").in_bulk(DEMO_LOGINS, field_name="username")
    assert set(users) == {"street", "zone1", "community1", "worker1", "worker2", "safety", "urban", "admin"}
    u = users
    assert u["street"].role == Role.STREET
    assert u["zone1"].role == Role.ZONE_LEADER and u["zone1"].zone.name == "第一管区"
    community1 = Community.objects.get(code="001")
    assert community1.zone.number == 1
    assert u["community1"].role == Role.COMMUNITY and u["community1"].community == community1
    assert community1.grid_head == u["community1"]
    assert u["worker1"].role == Role.GRID_WORKER and u["worker1"].community == community1
    assert u["worker2"].role == Role.GRID_WORKER and u["worker2"].community.zone.number != 1
    assert u["safety"].role == Role.DEPARTMENT and u["safety"].department.slug == "safety" and u["safety"].zone is None
    assert u["urban"].role == Role.DEPARTMENT and u["urban"].department.slug == "urban" and u["urban"].zone is None
    assert u["admin"].role == Role.ADMIN and u["admin"].is_superuser and u["admin"].is_staff
    # Everyone shares one hash (hashing is slow on purpose), so checking one checks them all.
    assert User.objects.values("password").distinct().count() == 1
    assert u["worker1"].check_password(settings.DEMO_PASSWORD)
    assert u["admin"].check_password("demo-2026")
    assert not u["admin"].check_password("wrong-password")


def test_worker1_has_two_cells_in_community1():
    worker1 = User.objects.get(username="worker1")
    codes = sorted(worker1.grid_cells.values_list("code", flat=True))
    assert len(codes) == 2
    assert set(GridCell.objects.filter(code__in=codes).values_list("community__code", flat=True)) == {"001"}
    assert User.objects.get(username="worker2").grid_cells.exists()


def test_departments_zone_teams_and_police_rooms():
    slugs = set(Department.objects.values_list("slug", flat=True))
    assert {"safety", "urban", "union", "petitions", "enforcement", "comprehensive", "joint-defence", "police"} <= slugs
    for zone in Zone.objects.all():
        teams = {t.department.slug: t for t in ZoneTeam.objects.filter(zone=zone).select_related("department")}
        assert {"safety", "urban", "union", "petitions", "police"} <= set(teams)
        assert teams["police"].is_police_room and teams["police"].name == f"{zone.name}警务室"
        officers = User.objects.filter(role=Role.DEPARTMENT, department__kind=DepartmentKind.POLICE, zone=zone)
        assert officers.count() >= 2 * zone.communities.count()


def test_this_weeks_roster_covers_every_community_except_the_deliberate_gaps():
    start = week_start()
    gaps = duty_gaps(Community.objects.order_by("code"), start, start + timedelta(days=7))
    found = sorted((g.community.code, (g.starts_at - start).total_seconds() / 3600, g.hours) for g in gaps)
    assert found == [
        ("006", 2 * 24 + 20, 4.0),  # Wednesday 20:00-24:00
        ("006", 5 * 24 + 0, 3.0),  # Saturday 00:00-03:00
        ("019", 3 * 24 + 12, 2.0),  # Thursday 12:00-14:00
    ]
    assert 2 <= len(gaps) <= 3 and len({g.community.pk for g in gaps}) <= 2


def test_no_officer_is_on_two_duties_at_once():
    shifts = list(DutyShift.objects.order_by("officer_id", "starts_at"))
    for a, b in zip(shifts, shifts[1:], strict=False):
        if a.officer_id == b.officer_id:
            assert b.starts_at >= a.ends_at, f"officer {a.officer_id} double-booked at {b.starts_at}"


def test_training_sessions_are_layered_and_expert_past_and_upcoming():
    sessions = list(TrainingSession.objects.prefetch_related("attendances"))
    assert {s.kind for s in sessions} == {"layered", "expert"}
    assert {s.level for s in sessions} >= {"sub_district", "zone"}
    start = week_start()
    assert any(s.starts_at < start for s in sessions) and any(s.starts_at > start + timedelta(days=7) for s in sessions)
    everyone = next(s for s in sessions if s.title.startswith("网格员岗位职责"))
    assert everyone.attendances.count() == 128
    assert 0 < everyone.attendances.filter(attended=True).count() < 128
    upcoming = [s for s in sessions if s.starts_at > start]
    assert all(not a.attended and a.score is None for s in upcoming for a in s.attendances.all())
    zone_one = next(s for s in sessions if s.zone and s.zone.number == 1)
    assert set(zone_one.attendances.values_list("user__community__zone__number", flat=True)) == {1}


def test_second_run_adds_nothing():
    before = _row_counts()
    created = seed_organisation()
    assert _row_counts() == before
    assert sum(created.values()) == 0


def test_seed_demo_refuses_with_debug_off():
    with override_settings(DEBUG=False), pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo", stdout=io.StringIO())


def test_seed_demo_runs_every_step_with_force_and_prints_the_logins(monkeypatch):
    # Later apps' steps are tested by their owners; a probe stands in for them here.
    calls = []

    def probe(*, stdout):
        calls.append(stdout)
        return {"probes": 1}

    monkeypatch.setattr(seed_demo, "SEED_STEPS", [("organisation", seed_organisation), ("probe", probe)])
    before = _row_counts()
    out = io.StringIO()
    with override_settings(DEBUG=False):
        call_command("seed_demo", "--force", stdout=out)
    assert _row_counts() == before
    assert len(calls) == 1
    text = out.getvalue()
    assert "[organisation]" in text and "probes: 1" in text
    assert "demo-2026" in text
    for username in DEMO_LOGINS:
        assert username in text


def test_demo_logins_command_shows_role_and_org_unit():
    out = io.StringIO()
    call_command("demo_logins", stdout=out)
    lines = {line.split()[0]: line for line in out.getvalue().splitlines()[2:]}
    assert set(lines) == set(DEMO_LOGINS)
    assert "辛河社区" in lines["worker1"] and "第一管区" in lines["zone1"] and "Work Safety Office" in lines["safety"]  # English in tests
