"""Pages of the organisation: scoping, constant query counts, filters, the duty check, language."""

from __future__ import annotations

import json
import re
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from grids.choices import CommunityKind, Role, TrainingKind, TrainingLevel, WorkerKind
from grids.models import DutyShift, TrainingAttendance
from tests import factories as f
from tests.scoping import assert_page_scoping

pytestmark = pytest.mark.django_db

LIST_PAGES = [
    "grids:zone-list",
    "grids:community-list",
    "grids:cell-list",
    "grids:worker-list",
    "grids:training-list",
    "grids:roster",
    "grids:cell-map",
    "home",
]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The world makes a dozen users; the default PBKDF2 hashing would take most of each test.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def english(client):
    """Ask for English so assertions hold whether or not the Chinese catalogue exists."""
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def text(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def local_midnight(days: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(timezone.localdate() + timedelta(days=days), time.min))


def grow(world, n: int, start: int = 0) -> None:
    """Add n of everything in zone A, assigned to the world's worker, so every persona's lists grow."""
    worker = world.users.worker
    for i in range(start, start + n):
        community = f.CommunityFactory(zone=world.zone_a, code=f"{100 + i:03d}", name=f"增长社区{i}", grid_head=world.users.community)
        cell = f.GridCellFactory(
            community=community, code=f"{community.full_code}001", boundary=f.square(121.0 + 0.01 * i, 37.0)
        )
        f.GridWorkerFactory(username=f"grow_worker{i}", community=community, cells=[cell])
        worker.grid_cells.add(cell)
        session = f.TrainingSessionFactory(zone=None, level=TrainingLevel.SUB_DISTRICT)
        TrainingAttendance.objects.create(session=session, user=worker, attended=True)
        DutyShift.objects.create(
            community=community, officer=world.users.officer, starts_at=local_midnight(), ends_at=local_midnight() + timedelta(hours=12)
        )


# --- Query counts ------------------------------------------------------------------------------

# Pinned per (page, persona); the same number must hold with 2 and with 7 extra rows of everything.
EXPECTED_QUERIES = {
    ("grids:zone-list", "street"): 4,
    ("grids:community-list", "street"): 5,
    ("grids:cell-list", "street"): 6,
    ("grids:worker-list", "street"): 7,
    ("grids:training-list", "street"): 5,
    ("grids:roster", "street"): 6,
    ("grids:cell-map", "street"): 5,
    ("home", "street"): 15,  # + one aggregate per to-do model (governance.home)
    ("grids:zone-list", "zone_leader"): 4,
    ("grids:community-list", "zone_leader"): 5,
    ("grids:cell-list", "zone_leader"): 6,
    ("grids:worker-list", "zone_leader"): 7,
    ("grids:training-list", "zone_leader"): 5,
    ("grids:roster", "zone_leader"): 6,
    ("grids:cell-map", "zone_leader"): 5,
    ("home", "zone_leader"): 13,
    ("grids:zone-list", "worker"): 4,
    ("grids:community-list", "worker"): 5,
    ("grids:cell-list", "worker"): 6,
    ("grids:worker-list", "worker"): 7,
    ("grids:training-list", "worker"): 5,
    ("grids:roster", "worker"): 6,
    ("grids:cell-map", "worker"): 4,
    ("home", "worker"): 12,
}


@pytest.mark.parametrize("page, persona", sorted(EXPECTED_QUERIES))
def test_list_page_query_count_does_not_grow_with_rows(world, page_for, django_assert_num_queries, page, persona):
    client = english(page_for(world.persona(persona)))
    url = reverse(page)
    expected = EXPECTED_QUERIES[(page, persona)]
    grow(world, 2)
    with django_assert_num_queries(expected):
        small = text(client.get(url))
    grow(world, 5, start=2)
    with django_assert_num_queries(expected):
        large = text(client.get(url))
    if page != "home":
        # The extra rows are really on the page, so the pin is not measuring an empty list.
        assert large != small


# --- Scoping -----------------------------------------------------------------------------------

def test_zone_detail_is_scoped(world, page_for):
    a, b = world.zone_a.pk, world.zone_b.pk
    assert_page_scoping(
        page_for,
        vars(world.users),
        detail_url=lambda pk: reverse("grids:zone-detail", args=[pk]),
        expected={
            "street": {a, b}, "admin": {a, b}, "zone_leader": {a}, "zone_leader_b": {b}, "community": {a},
            "worker": {a}, "worker_b": {b}, "safety": {a, b}, "safety_a": {a}, "contractor": set(),
        },
        all_ids={a, b, 987654},
    )


def test_community_detail_is_scoped(world, page_for):
    a1, a2, b1 = world.community_a1.pk, world.community_a2.pk, world.community_b1.pk
    every = {a1, a2, b1}
    assert_page_scoping(
        page_for,
        vars(world.users),
        detail_url=lambda pk: reverse("grids:community-detail", args=[pk]),
        expected={
            "street": every, "admin": every, "zone_leader": {a1, a2}, "zone_leader_b": {b1}, "community": {a1},
            "worker": {a1}, "worker_b": {b1}, "safety": every, "safety_a": {a1, a2}, "contractor": set(),
        },
        all_ids=every | {987654},
    )


def test_cell_detail_is_scoped(world, page_for):
    w = world
    every = {c.pk for c in (w.cell_a1x, w.cell_a1y, w.cell_a2x, w.cell_b1x)}
    zone_a = {w.cell_a1x.pk, w.cell_a1y.pk, w.cell_a2x.pk}
    assert_page_scoping(
        page_for,
        vars(w.users),
        detail_url=lambda pk: reverse("grids:cell-detail", args=[pk]),
        expected={
            "street": every, "admin": every, "zone_leader": zone_a, "zone_leader_b": {w.cell_b1x.pk},
            "community": {w.cell_a1x.pk, w.cell_a1y.pk}, "worker": {w.cell_a1x.pk}, "worker_b": {w.cell_b1x.pk},
            "safety": every, "safety_a": zone_a, "contractor": set(),
        },
        all_ids=every | {987654},
    )


def test_worker_detail_is_scoped(world, page_for):
    u = world.users
    worker, worker_b, community, leader, leader_b = (u.worker.pk, u.worker_b.pk, u.community.pk, u.zone_leader.pk, u.zone_leader_b.pk)
    every = {worker, worker_b, community, leader, leader_b}
    assert_page_scoping(
        page_for,
        vars(u),
        detail_url=lambda pk: reverse("grids:worker-detail", args=[pk]),
        expected={
            "street": every, "admin": every, "zone_leader": {worker, community, leader}, "zone_leader_b": {worker_b, leader_b},
            "community": {worker, community}, "worker": {worker}, "worker_b": {worker_b}, "safety": set(), "contractor": set(),
        },
        all_ids=every | {987654},
    )


def test_training_detail_is_scoped(world, page_for):
    everyone = f.TrainingSessionFactory(zone=None)
    in_a = f.TrainingSessionFactory(zone=world.zone_a, level=TrainingLevel.ZONE)
    in_b = f.TrainingSessionFactory(zone=world.zone_b, level=TrainingLevel.ZONE)
    TrainingAttendance.objects.create(session=in_a, user=world.users.worker, attended=True)
    every = {everyone.pk, in_a.pk, in_b.pk}
    assert_page_scoping(
        page_for,
        vars(world.users),
        detail_url=lambda pk: reverse("grids:training-detail", args=[pk]),
        expected={
            "street": every, "admin": every, "zone_leader": {everyone.pk, in_a.pk}, "zone_leader_b": {everyone.pk, in_b.pk},
            "community": {everyone.pk, in_a.pk}, "worker": {in_a.pk}, "worker_b": set(), "safety": set(), "contractor": set(),
        },
        all_ids=every | {987654},
    )


def test_zone_leader_b_cannot_see_zone_a_in_lists(world, page_for):
    client = english(page_for(world.users.zone_leader_b))
    assert "东岭社区" not in text(client.get(reverse("grids:community-list")))
    assert "南河社区" in text(client.get(reverse("grids:community-list")))
    assert world.cell_a1x.code not in text(client.get(reverse("grids:cell-list")))
    assert "第一管区" not in text(client.get(reverse("grids:zone-list")))


@pytest.mark.parametrize("page", LIST_PAGES)
def test_contractor_gets_empty_lists(world, page_for, page):
    body = text(english(page_for(world.users.contractor)).get(reverse(page)))
    for name in ("东岭社区", "西岭社区", "南河社区", "第一管区", world.cell_a1x.code, "p_worker"):
        assert name not in body, (page, name)


@pytest.mark.parametrize("page", LIST_PAGES)
def test_anonymous_is_sent_to_login(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_anonymous_detail_is_sent_to_login(world, client):
    response = client.get(reverse("grids:cell-detail", args=[world.cell_a1x.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- Content and filters -----------------------------------------------------------------------

def test_community_list_filters_by_kind_zone_and_text(world, page_for):
    world.community_a2.kind = CommunityKind.VILLAGE
    world.community_a2.save()
    client = english(page_for(world.users.street))
    url = reverse("grids:community-list")
    everything = text(client.get(url))
    assert all(name in everything for name in ("东岭社区", "西岭社区", "南河社区"))
    villages = text(client.get(url, {"kind": "village"}))
    assert "西岭社区" in villages and "东岭社区" not in villages and "南河社区" not in villages
    zone_b = text(client.get(url, {"zone": world.zone_b.pk}))
    assert "南河社区" in zone_b and "东岭社区" not in zone_b
    found = text(client.get(url, {"q": "东岭"}))
    assert "东岭社区" in found and "西岭社区" not in found


def test_community_filter_cannot_name_an_invisible_zone(world, page_for):
    client = english(page_for(world.users.zone_leader))
    body = text(client.get(reverse("grids:community-list"), {"zone": world.zone_b.pk}))
    assert "南河社区" not in body
    assert "Select a valid choice" in body


def test_cell_list_filters_by_community_and_text(world, page_for):
    client = english(page_for(world.users.street))
    url = reverse("grids:cell-list")
    body = text(client.get(url, {"community": world.community_a1.pk}))
    assert world.cell_a1x.code in body and world.cell_a1y.code in body and world.cell_b1x.code not in body
    body = text(client.get(url, {"zone": world.zone_b.pk}))
    assert world.cell_b1x.code in body and world.cell_a1x.code not in body
    body = text(client.get(url, {"q": world.cell_a2x.code}))
    assert world.cell_a2x.code in body and world.cell_a1x.code not in body


def test_worker_list_shows_grid_workers_with_masked_phones_and_filters(world, page_for):
    u = world.users
    u.worker.phone = "13912345678"
    u.worker.save()
    client = english(page_for(u.street))
    url = reverse("grids:worker-list")
    body = text(client.get(url))
    assert "p_worker" in body and "p_worker_b" in body
    assert "p_zone" not in body  # only grid workers by default
    assert "139****5678" in body and "13912345678" not in body
    assert world.cell_a1x.name in body
    body = text(client.get(url, {"worker_kind": WorkerKind.PART_TIME}))
    assert "p_worker_b" in body and ">p_worker<" not in body
    body = text(client.get(url, {"zone": world.zone_a.pk}))
    assert "p_worker<" in body and "p_worker_b" not in body
    body = text(client.get(url, {"community": world.community_b1.pk}))
    assert "p_worker_b" in body and "p_worker<" not in body
    body = text(client.get(url, {"role": Role.ZONE_LEADER}))
    assert "p_zone<" in body and "p_worker" not in body


def test_training_list_filters_by_kind_and_level(world, page_for):
    f.TrainingSessionFactory(title="Layered zone course", kind=TrainingKind.LAYERED, level=TrainingLevel.ZONE)
    f.TrainingSessionFactory(title="Expert fire course", kind=TrainingKind.EXPERT, level=TrainingLevel.SUB_DISTRICT)
    client = english(page_for(world.users.street))
    url = reverse("grids:training-list")
    body = text(client.get(url, {"kind": TrainingKind.EXPERT}))
    assert "Expert fire course" in body and "Layered zone course" not in body
    body = text(client.get(url, {"level": TrainingLevel.ZONE}))
    assert "Layered zone course" in body and "Expert fire course" not in body


def test_training_detail_lists_only_visible_attendees(world, page_for):
    session = f.TrainingSessionFactory(title="Sub-district course", zone=None)
    TrainingAttendance.objects.create(session=session, user=world.users.worker, attended=True, score=91)
    TrainingAttendance.objects.create(session=session, user=world.users.worker_b, attended=False)
    body = text(english(page_for(world.users.zone_leader)).get(reverse("grids:training-detail", args=[session.pk])))
    assert "p_worker<" in body and "91" in body
    assert "p_worker_b" not in body
    assert "1 / 2" in body  # totals count everyone


def test_worker_detail_shows_cells_and_training(world, page_for):
    session = f.TrainingSessionFactory(title="Patrol basics", zone=world.zone_a)
    TrainingAttendance.objects.create(session=session, user=world.users.worker, attended=True)
    body = text(english(page_for(world.users.zone_leader)).get(reverse("grids:worker-detail", args=[world.users.worker.pk])))
    assert world.cell_a1x.code in body and "Patrol basics" in body


def test_zone_detail_shows_communities_teams_and_police_room(world, page_for):
    f.UserFactory(username="leader_a", role=Role.ZONE_LEADER, zone=world.zone_a, first_name="Lin")
    world.zone_a.leader = world.users.zone_leader
    world.zone_a.save()
    from grids.models import ZoneTeam

    ZoneTeam.objects.create(department=world.police, zone=world.zone_a, name="第一警务室", phone="0532-1234567")
    ZoneTeam.objects.create(department=world.safety, zone=world.zone_a, name="安监第一组")
    body = text(english(page_for(world.users.street)).get(reverse("grids:zone-detail", args=[world.zone_a.pk])))
    assert "东岭社区" in body and "西岭社区" in body and "南河社区" not in body
    assert "第一警务室" in body and "安监第一组" in body
    assert "p_zone" in body


def test_community_detail_shows_people_with_masked_phones_cells_and_duty(world, page_for):
    a1 = world.community_a1
    head = f.UserFactory(username="head_a1", role=Role.COMMUNITY, community=a1, phone="13711112222")
    specialist = f.UserFactory(username="spec_a1", role=Role.COMMUNITY, community=a1, phone="13633334444")
    a1.grid_head, a1.specialist = head, specialist
    a1.save()
    body = text(english(page_for(world.users.street)).get(reverse("grids:community-detail", args=[a1.pk])))
    assert "137****2222" in body and "136****4444" in body
    assert "13711112222" not in body
    assert world.cell_a1x.code in body and world.cell_a1y.code in body and world.cell_a2x.code not in body
    assert "p_worker" in body
    # No shifts at all this week: the whole week is uncovered.
    assert "168.0 hours without an officer on duty" in body


def test_cell_detail_embeds_the_cell_boundary_for_the_map(world, page_for):
    body = text(english(page_for(world.users.worker)).get(reverse("grids:cell-detail", args=[world.cell_a1x.pk])))
    data = json.loads(re.search(r'<script id="map-cells" type="application/json">(.*?)</script>', body, re.S).group(1))
    assert [feat["properties"]["code"] for feat in data["features"]] == [world.cell_a1x.code]
    assert data["features"][0]["properties"]["mine"] is True
    assert "leaflet-1.9.4/leaflet.js" in body


def test_map_controls_speak_the_page_language(world, page_for):
    """Leaflet's zoom buttons take their titles from the tag that loads map.js (see map_scripts.html)."""
    client = page_for(world.users.worker)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "zh-hans"
    body = text(client.get(reverse("grids:cell-map")))
    assert 'data-zoom-in="放大" data-zoom-out="缩小"' in body
    body = text(english(client).get(reverse("grids:cell-map")))
    assert 'data-zoom-in="Zoom in" data-zoom-out="Zoom out"' in body


def test_map_marks_a_workers_own_cells(world, page_for):
    body = text(english(page_for(world.users.worker)).get(reverse("grids:cell-map")))
    data = json.loads(re.search(r'<script id="map-cells" type="application/json">(.*?)</script>', body, re.S).group(1))
    assert {feat["id"]: feat["properties"]["mine"] for feat in data["features"]} == {world.cell_a1x.pk: True}


def test_map_for_street_shows_every_cell_none_mine(world, page_for):
    body = text(english(page_for(world.users.street)).get(reverse("grids:cell-map")))
    data = json.loads(re.search(r'<script id="map-cells" type="application/json">(.*?)</script>', body, re.S).group(1))
    assert len(data["features"]) == 4 and not any(feat["properties"]["mine"] for feat in data["features"])


@pytest.mark.parametrize(
    "tiles, expected",
    [("osm", ["tile.openstreetmap.org"]), ("tianditu", ["vec_w", "cva_w", "tk=test-key"]), ("none", [])],
)
def test_map_tiles_follow_settings(world, page_for, settings, tiles, expected):
    settings.MAP_TILES = tiles
    settings.TIANDITU_KEY = "test-key"
    body = text(english(page_for(world.users.street)).get(reverse("grids:cell-map")))
    config = json.loads(re.search(r'<script id="map-config" type="application/json">(.*?)</script>', body, re.S).group(1))
    urls = " ".join(tile["url"] for tile in config["tiles"])
    assert len(config["tiles"]) == {"osm": 1, "tianditu": 2, "none": 0}[tiles]
    assert all(part in urls for part in expected)
    # no third-party host (a random token in the page may spell "cdn", so look for host names)
    assert "unpkg" not in body and "//cdn" not in body.lower() and "cdn." not in body.lower()


# --- Duty roster -------------------------------------------------------------------------------

def test_roster_shows_hours_without_an_officer(world, page_for):
    officer = world.users.officer
    start = local_midnight()
    # a1: covered except 02:00–08:00 on the first day; a2: covered the whole week.
    DutyShift.objects.create(community=world.community_a1, officer=officer, starts_at=start, ends_at=start + timedelta(hours=2))
    DutyShift.objects.create(
        community=world.community_a1, officer=officer, starts_at=start + timedelta(hours=8), ends_at=start + timedelta(days=7)
    )
    DutyShift.objects.create(community=world.community_a2, officer=officer, starts_at=start, ends_at=start + timedelta(days=7))
    body = text(english(page_for(world.users.zone_leader)).get(reverse("grids:roster")))
    a1 = re.search(rf'<section class="[^"]*" data-community="{world.community_a1.pk}".*?</section>', body, re.S).group(0)
    a2 = re.search(rf'<section class="[^"]*" data-community="{world.community_a2.pk}".*?</section>', body, re.S).group(0)
    assert 'data-uncovered="6.0"' in a1 and "card-bad" in a1
    assert "6.0 hours without an officer on duty" in a1
    gap_from = timezone.localtime(start + timedelta(hours=2)).strftime("%m-%d 02:00")
    assert gap_from in a1 and "08:00" in a1
    assert "Covered around the clock" in a2 and "card-bad" not in a2
    assert "南河社区" not in body  # zone B is not the zone leader's
    assert "1 of 2 communities has hours without an officer on duty" in body


def test_roster_week_is_chosen_by_start(world, page_for):
    start = local_midnight(14)
    DutyShift.objects.create(
        community=world.community_a1, officer=world.users.officer, starts_at=start, ends_at=start + timedelta(days=7)
    )
    client = english(page_for(world.users.community))
    covered = text(client.get(reverse("grids:roster"), {"start": start.date().isoformat()}))
    assert "Covered around the clock" in covered
    this_week = text(client.get(reverse("grids:roster")))
    assert "168.0 hours without an officer on duty" in this_week


@pytest.mark.parametrize("bad", ["yesterday", "2026-13-40", "9999-12-31", "0001-01-01"])
def test_roster_bad_start_is_a_form_message_not_a_500(world, page_for, bad):
    response = english(page_for(world.users.street)).get(reverse("grids:roster"), {"start": bad})
    body = text(response)
    assert 'data-testid="start-error"' in body
    assert "Enter a date as YYYY-MM-DD." in body or "Choose a date between 2000 and 2100." in body
    assert "东岭社区" in body  # falls back to the coming week


# --- Home and language -------------------------------------------------------------------------

def test_home_per_role(world, page_for):
    street = text(english(page_for(world.users.street)).get(reverse("home")))
    assert "Grid workers by kind" in street and "Communities without an officer" in street
    worker = text(english(page_for(world.users.worker)).get(reverse("home")))
    assert world.cell_a1x.name in worker and reverse("grids:cell-map") in worker and world.cell_b1x.name not in worker
    leader = text(english(page_for(world.users.zone_leader)).get(reverse("home")))
    assert "东岭社区" in leader and "南河社区" not in leader and "168.0 h" in leader
    officer = text(english(page_for(world.users.officer)).get(reverse("home")))
    assert world.police.name in officer
    contractor = text(english(page_for(world.users.contractor)).get(reverse("home")))
    assert "not available in this system yet" in contractor and "东岭社区" not in contractor


def test_language_switch_to_english(world):
    from django.test import Client

    client = Client()  # no Accept-Language: the product's default language
    client.force_login(world.users.worker)
    chinese = text(client.get(reverse("home")))
    assert '<html lang="zh-hans">' in chinese and ">首页</a>" in chinese
    response = client.post("/i18n/setlang/", {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    english_page = text(client.get(reverse("home")))
    assert '<html lang="en">' in english_page
    assert ">Home</a>" in english_page and ">Map</a>" in english_page


def test_cell_list_paginates_at_50_and_keeps_filters(world, page_for):
    a1 = world.community_a1
    for i in range(55):
        f.GridCellFactory(community=a1, code=f"{a1.full_code}{100 + i:03d}", boundary=f.square(122.0 + 0.01 * i, 38.0))
    client = english(page_for(world.users.street))
    first = text(client.get(reverse("grids:cell-list"), {"community": a1.pk}))
    assert first.count('<td data-label="Code" class="code">') == 50
    assert "57 results" in first
    assert f"?community={a1.pk}&amp;page=2" in first
    second = text(client.get(reverse("grids:cell-list"), {"community": a1.pk, "page": 2}))
    assert second.count('<td data-label="Code" class="code">') == 7
    assert client.get(reverse("grids:cell-list"), {"page": 99}).status_code == 404
