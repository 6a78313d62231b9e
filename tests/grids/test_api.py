"""The organisation's REST API: authentication, pagination, filters, bad input, GeoJSON, schema, query counts."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from grids.choices import CommunityKind, DepartmentKind, Role
from grids.models import Department, GridCell
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english_and_fast_passwords(settings):
    # Error messages are asserted in their English source form; PBKDF2 would make each persona ~0.3 s.
    settings.LANGUAGE_CODE = "en"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def ids(response) -> set:
    assert response.status_code == 200, response.content[:300]
    return {row["id"] for row in response.json()["results"]}


# --- authentication --------------------------------------------------------------------------------


def test_token_from_username_and_password_then_authenticates(world):
    client = APIClient()
    response = client.post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json")
    assert response.status_code == 200
    token = response.json()["token"]
    assert len(token) == 40

    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    me = client.get("/api/v1/users/me/")
    assert me.status_code == 200
    body = me.json()
    assert body["username"] == "p_worker"
    assert body["role"] == Role.GRID_WORKER
    assert body["grid_cells"] == [world.cell_a1x.pk]
    assert body["community"] == world.community_a1.pk

    # One token per device: a second login from the same (here: unnamed) device replaces the first.
    again = APIClient().post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json")
    assert again.json()["token"] != token
    assert client.get("/api/v1/users/me/").status_code == 401


def test_token_with_wrong_password_is_400_naming_the_problem(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "p_worker", "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert response.json() == {"non_field_errors": ["Unable to log in with provided credentials."]}


def test_token_for_unknown_or_inactive_user_is_400(world):
    response = APIClient().post("/api/v1/auth/token/", {"username": "nobody", "password": f.PASSWORD}, format="json")
    assert response.status_code == 400
    worker = world.users.worker
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    response = APIClient().post("/api/v1/auth/token/", {"username": "p_worker", "password": f.PASSWORD}, format="json")
    assert response.status_code == 400
    assert "non_field_errors" in response.json()


def test_token_with_missing_fields_is_400_naming_each_field(db):
    response = APIClient().post("/api/v1/auth/token/", {}, format="json")
    assert response.status_code == 400
    assert response.json() == {"username": ["This field is required."], "password": ["This field is required."]}
    response = APIClient().post("/api/v1/auth/token/", {"username": "p_worker"}, format="json")
    assert response.status_code == 400
    assert set(response.json()) == {"password"}


def test_bad_token_is_refused(world):
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION="Token " + "0" * 40)
    response = client.get("/api/v1/users/me/")
    assert response.status_code in (401, 403)
    assert response.json() == {"detail": "Invalid token."}


def test_session_login_works_for_the_api(world, page_for):
    response = page_for(world.users.zone_leader).get("/api/v1/users/me/")
    assert response.status_code == 200
    assert response.json()["username"] == "p_zone"
    assert response.json()["zone"] == world.zone_a.pk


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/zones/",
        "/api/v1/communities/",
        "/api/v1/grid-cells/",
        "/api/v1/grid-cells/geojson/",
        "/api/v1/departments/",
        "/api/v1/users/",
        "/api/v1/users/me/",
    ],
)
def test_anonymous_is_refused_with_json(world, url):
    response = APIClient().get(url)
    assert response.status_code in (401, 403)
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_api_is_read_only(world, api_for):
    client = api_for(world.users.admin)
    assert client.post("/api/v1/zones/", {"name": "x"}, format="json").status_code == 405
    assert client.delete(f"/api/v1/grid-cells/{world.cell_a1x.pk}/").status_code == 405
    assert GridCell.objects.filter(pk=world.cell_a1x.pk).exists()


# --- pagination and bad input ----------------------------------------------------------------------


def test_lists_are_paginated_with_count_next_previous_results(world, api_for):
    Department.objects.bulk_create(Department(name=f"部门{n:02d}", slug=f"d{n:02d}", sort=1) for n in range(55))
    client = api_for(world.users.street)
    first = client.get("/api/v1/departments/").json()
    assert set(first) == {"count", "next", "previous", "results"}
    assert first["count"] == 58
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert first["next"].endswith("/api/v1/departments/?page=2")

    second = client.get("/api/v1/departments/?page=2").json()
    assert second["count"] == 58
    assert len(second["results"]) == 8
    assert second["next"] is None
    assert second["previous"].endswith("/api/v1/departments/")
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}


@pytest.mark.parametrize("page", ["999", "0", "abc"])
def test_page_out_of_range_is_404_json(world, api_for, page):
    response = api_for(world.users.street).get(f"/api/v1/zones/?page={page}")
    assert response.status_code == 404
    assert response.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize(
    ("url", "field"),
    [
        ("/api/v1/grid-cells/?zone=abc", "zone"),
        ("/api/v1/grid-cells/?zone=999999", "zone"),
        ("/api/v1/grid-cells/?community=999999", "community"),
        ("/api/v1/grid-cells/geojson/?zone=abc", "zone"),
        ("/api/v1/communities/?zone=-1", "zone"),
        ("/api/v1/communities/?kind=castle", "kind"),
        ("/api/v1/departments/?kind=bank", "kind"),
        ("/api/v1/departments/?is_active=maybe", "is_active"),
        ("/api/v1/users/?role=king", "role"),
        ("/api/v1/users/?worker_kind=sometimes", "worker_kind"),
        ("/api/v1/users/?zone=1.5", "zone"),
        ("/api/v1/users/?community=abc", "community"),
        ("/api/v1/users/?community=" + "9" * 25, "community"),  # beyond any integer column
    ],
)
def test_invalid_filter_value_is_400_naming_the_field(world, api_for, url, field):
    response = api_for(world.users.street).get(url)
    assert response.status_code == 400, response.content
    body = response.json()
    assert list(body) == [field]
    assert body[field][0].startswith("Select a valid choice.")


def test_null_character_in_a_filter_is_400(world, api_for):
    response = api_for(world.users.street).get("/api/v1/grid-cells/?q=%00")
    assert response.status_code == 400
    assert response.json() == {"q": ["Null characters are not allowed."]}


def test_filter_by_a_zone_outside_ones_scope_is_400_like_a_missing_one(world, api_for):
    client = api_for(world.users.zone_leader)
    outside = client.get(f"/api/v1/grid-cells/?zone={world.zone_b.pk}")
    missing = client.get("/api/v1/grid-cells/?zone=999999")
    assert outside.status_code == missing.status_code == 400
    assert outside.json() == missing.json()


@pytest.mark.parametrize("path", ["zones", "communities", "grid-cells", "departments", "users"])
def test_malformed_or_missing_detail_id_is_404_json(world, api_for, path):
    client = api_for(world.users.street)
    for bad in ("abc", "999999", "1.5", "-1", "9" * 25):
        response = client.get(f"/api/v1/{path}/{bad}/")
        assert response.status_code == 404, (path, bad)
        assert response["Content-Type"].startswith("application/json")
        assert set(response.json()) == {"detail"}


@pytest.mark.parametrize(
    ("path", "outside"),
    [("zones", "zone_b"), ("communities", "community_b1"), ("grid-cells", "cell_b1x")],
)
def test_out_of_scope_detail_answers_exactly_like_a_missing_one(world, api_for, path, outside):
    client = api_for(world.users.zone_leader)
    hidden = client.get(f"/api/v1/{path}/{getattr(world, outside).pk}/")
    missing = client.get(f"/api/v1/{path}/999999/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.json() == missing.json()


# --- filters ----------------------------------------------------------------------------------------


def test_zone_filters(world, api_for):
    client = api_for(world.users.street)
    assert ids(client.get("/api/v1/zones/")) == {world.zone_a.pk, world.zone_b.pk}
    assert ids(client.get("/api/v1/zones/?q=第二")) == {world.zone_b.pk}
    assert ids(client.get("/api/v1/zones/?q=nothing-like-this")) == set()


def test_community_filters(world, api_for):
    w = world
    village = f.CommunityFactory(zone=w.zone_b, code="004", name="北村", kind=CommunityKind.VILLAGE)
    client = api_for(w.users.street)
    assert ids(client.get(f"/api/v1/communities/?zone={w.zone_a.pk}")) == {w.community_a1.pk, w.community_a2.pk}
    assert ids(client.get(f"/api/v1/communities/?kind={CommunityKind.VILLAGE}")) == {village.pk}
    assert ids(client.get(f"/api/v1/communities/?zone={w.zone_a.pk}&kind={CommunityKind.VILLAGE}")) == set()
    assert ids(client.get("/api/v1/communities/?q=东岭")) == {w.community_a1.pk}
    assert ids(client.get("/api/v1/communities/?q=003")) == {w.community_b1.pk}
    row = client.get(f"/api/v1/communities/{village.pk}/").json()
    assert row == {
        "id": village.pk, "name": "北村", "code": "004", "kind": "village", "kind_display": "Village community",
        "zone": w.zone_b.pk, "zone_name": "第二管区", "households": 0, "population": 0,
    }


def test_grid_cell_filters(world, api_for):
    w = world
    client = api_for(w.users.street)
    assert ids(client.get(f"/api/v1/grid-cells/?zone={w.zone_b.pk}")) == {w.cell_b1x.pk}
    assert ids(client.get(f"/api/v1/grid-cells/?community={w.community_a1.pk}")) == {w.cell_a1x.pk, w.cell_a1y.pk}
    assert ids(client.get(f"/api/v1/grid-cells/?zone={w.zone_b.pk}&community={w.community_a1.pk}")) == set()
    assert ids(client.get(f"/api/v1/grid-cells/?q={w.cell_a2x.code}")) == {w.cell_a2x.pk}
    row = client.get(f"/api/v1/grid-cells/{w.cell_a2x.pk}/").json()
    assert row["code"] == w.cell_a2x.code
    assert row["community"] == w.community_a2.pk and row["community_name"] == "西岭社区"
    assert row["zone"] == w.zone_a.pk
    assert row["boundary"] == f.square(120.02, 36.00)


def test_grid_cell_filter_choices_are_scoped(world, api_for):
    w = world
    client = api_for(w.users.zone_leader)
    assert ids(client.get(f"/api/v1/grid-cells/?community={w.community_a2.pk}")) == {w.cell_a2x.pk}
    assert client.get(f"/api/v1/grid-cells/?community={w.community_b1.pk}").status_code == 400


def test_department_filters(world, api_for):
    w = world
    Department.objects.create(name="旧科室", slug="old", kind=DepartmentKind.OTHER, is_active=False)
    client = api_for(w.users.worker)
    assert ids(client.get(f"/api/v1/departments/?kind={DepartmentKind.POLICE}")) == {w.police.pk}
    assert ids(client.get("/api/v1/departments/?is_active=false")) == {Department.objects.get(slug="old").pk}
    assert ids(client.get("/api/v1/departments/?is_active=true")) == {w.safety.pk, w.urban.pk, w.police.pk}
    assert ids(client.get("/api/v1/departments/?q=urban")) == {w.urban.pk}


def test_user_filters(world, api_for):
    w, u = world, world.users
    client = api_for(u.street)
    assert ids(client.get(f"/api/v1/users/?role={Role.GRID_WORKER}")) == {u.worker.pk, u.worker_b.pk}
    assert ids(client.get("/api/v1/users/?worker_kind=part_time")) == {u.worker_b.pk}
    # A zone's people: those posted to the zone and those of its communities.
    assert ids(client.get(f"/api/v1/users/?zone={w.zone_a.pk}")) == {
        u.zone_leader.pk, u.safety_a.pk, u.officer.pk, u.community.pk, u.worker.pk
    }
    assert ids(client.get(f"/api/v1/users/?community={w.community_b1.pk}")) == {u.worker_b.pk}
    assert ids(client.get("/api/v1/users/?q=p_zone")) == {u.zone_leader.pk, u.zone_leader_b.pk}


def test_inactive_users_are_not_listed(world, api_for):
    worker = world.users.worker_b
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    client = api_for(world.users.street)
    assert worker.pk not in ids(client.get("/api/v1/users/"))
    assert client.get(f"/api/v1/users/{worker.pk}/").status_code == 404


def test_users_list_shows_masked_phones_only(world, api_for):
    worker = world.users.worker
    worker.phone = "139-1234-5678"
    worker.save(update_fields=["phone"])
    client = api_for(world.users.street)
    response = client.get("/api/v1/users/")
    content = response.content.decode()
    assert "1234" not in content.replace("5678", "")
    assert "139-1234-5678" not in content and "13912345678" not in content
    row = next(r for r in response.json()["results"] if r["id"] == worker.pk)
    assert row["phone"] == "139****5678"
    assert client.get(f"/api/v1/users/{worker.pk}/").json()["phone"] == "139****5678"
    me = api_for(worker).get("/api/v1/users/me/").json()
    assert me["phone"] == "139****5678"
    assert "password" not in row and "password" not in me


# --- GeoJSON --------------------------------------------------------------------------------------


def test_geojson_is_a_feature_collection_of_visible_cells_only(world, api_for):
    w = world
    body = api_for(w.users.worker).get("/api/v1/grid-cells/geojson/").json()
    assert body["type"] == "FeatureCollection"
    assert [feature["id"] for feature in body["features"]] == [w.cell_a1x.pk]
    feature = body["features"][0]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == f.square(120.00, 36.00)
    assert feature["properties"] == {
        "code": w.cell_a1x.code, "name": w.cell_a1x.name, "community": "东岭社区", "households": 300, "population": 900,
    }


def test_geojson_follows_scope_and_filters(world, api_for):
    w = world
    leader = api_for(w.users.zone_leader)
    assert {ft["id"] for ft in leader.get("/api/v1/grid-cells/geojson/").json()["features"]} == {
        w.cell_a1x.pk, w.cell_a1y.pk, w.cell_a2x.pk
    }
    filtered = leader.get(f"/api/v1/grid-cells/geojson/?community={w.community_a2.pk}").json()
    assert [ft["id"] for ft in filtered["features"]] == [w.cell_a2x.pk]
    assert api_for(w.users.contractor).get("/api/v1/grid-cells/geojson/").json() == {"type": "FeatureCollection", "features": []}


# --- schema and docs ------------------------------------------------------------------------------


def test_openapi_schema_describes_the_api(world, api_for):
    response = APIClient().get("/api/schema/", {"format": "json"})
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    for path in (
        "/api/v1/auth/token/", "/api/v1/users/me/", "/api/v1/zones/", "/api/v1/communities/",
        "/api/v1/grid-cells/", "/api/v1/grid-cells/{id}/", "/api/v1/grid-cells/geojson/", "/api/v1/departments/", "/api/v1/users/",
    ):
        assert path in schema["paths"], path
    params = {p["name"] for p in schema["paths"]["/api/v1/grid-cells/"]["get"]["parameters"]}
    assert {"zone", "community", "q", "page"} <= params


def test_api_docs_page_is_served(db):
    response = APIClient().get("/api/docs/")
    assert response.status_code == 200
    # The page loads its script from a URL (the CSP allows no inline script); the script names the schema.
    assert b'src="/api/docs/?script=' in response.content
    script = APIClient().get("/api/docs/?script=")
    assert script.status_code == 200 and b"/api/schema/" in script.content


# --- query counts -----------------------------------------------------------------------------------


def grow(world, n: int) -> None:
    """n more rows of each listed kind, linked to everything the serializers show."""
    sd = world.subdistrict
    for i in range(n):
        zone = f.ZoneFactory(subdistrict=sd, number=100 + i + n * 10, name=f"zone {i} of {n}")
        community = f.CommunityFactory(zone=zone, code=f"{500 + i + n * 10:03d}", kind=CommunityKind.RELOCATION)
        f.GridCellFactory(community=community, boundary=f.square(122.0 + i * 0.01 + n * 0.1, 37.0))
        f.DepartmentFactory(slug=f"extra-{n}-{i}")
        f.GridWorkerFactory(username=f"extra-{n}-{i}", community=community, cells=list(community.cells.all()))
        f.UserFactory(username=f"leader-{n}-{i}", role=Role.ZONE_LEADER, zone=zone)


LIST_URLS = [
    ("/api/v1/zones/", 2),
    ("/api/v1/communities/", 2),
    ("/api/v1/grid-cells/", 2),
    ("/api/v1/grid-cells/geojson/", 1),
    ("/api/v1/departments/", 2),
    ("/api/v1/users/", 2),
]


@pytest.mark.parametrize(("url", "queries"), LIST_URLS)
def test_list_query_count_does_not_grow_with_rows(world, api_for, django_assert_num_queries, url, queries):
    client = api_for(world.users.street)
    with django_assert_num_queries(queries):
        small = client.get(url)
    grow(world, 6)
    with django_assert_num_queries(queries):
        large = client.get(url)
    key = "features" if url.endswith("geojson/") else "results"
    per_round = 2 if url == "/api/v1/users/" else 1  # a worker and a zone leader per round
    assert len(large.json()[key]) == len(small.json()[key]) + 6 * per_round


@pytest.mark.parametrize(("url", "queries"), LIST_URLS)
def test_scoped_list_query_count_does_not_grow_with_rows(world, api_for, django_assert_num_queries, url, queries):
    # A zone leader's scope is a filter, not extra queries.
    client = api_for(world.users.zone_leader)
    with django_assert_num_queries(queries):
        client.get(url)
    grow(world, 5)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_filtered_list_adds_one_query_per_checked_choice(world, api_for, django_assert_num_queries):
    client = api_for(world.users.street)
    url = f"/api/v1/grid-cells/?zone={world.zone_a.pk}&community={world.community_a1.pk}"
    with django_assert_num_queries(4):  # two choice look-ups, count, page
        assert ids(client.get(url)) == {world.cell_a1x.pk, world.cell_a1y.pk}
    grow(world, 4)
    with django_assert_num_queries(4):
        client.get(url)


def test_token_authenticated_list_costs_one_more_query(world, django_assert_num_queries):
    from governance.security.devices import issue_token

    _token, key = issue_token(user=world.users.street)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    client.get("/api/v1/zones/")  # the first use stamps last_used_at; later ones within a minute write nothing
    with django_assert_num_queries(3):  # token + user, count, page
        assert client.get("/api/v1/zones/").status_code == 200


# --- the shared exception handler --------------------------------------------------------------------


def test_django_validation_error_becomes_400_naming_the_fields():
    from django.core.exceptions import ValidationError

    from casework.http import exception_handler

    response = exception_handler(ValidationError({"boundary": ["The boundary must be a GeoJSON Polygon."]}), {})
    assert response.status_code == 400
    assert response.data == {"boundary": ["The boundary must be a GeoJSON Polygon."]}
    response = exception_handler(ValidationError("Not now."), {})
    assert response.status_code == 400
    assert response.data == {"non_field_errors": ["Not now."]}


def test_integrity_error_becomes_409_json():
    from django.db import IntegrityError

    from casework.http import exception_handler

    response = exception_handler(IntegrityError("duplicate key"), {})
    assert response.status_code == 409
    assert response.data == {"detail": "The change conflicts with existing data."}
    assert "duplicate key" not in str(response.data)
