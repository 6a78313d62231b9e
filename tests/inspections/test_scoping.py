"""Every persona over every new page and endpoint: exactly its enterprises, 404 outside, the
library readable by every signed-in user, the registry written only by its keepers.

World (tests/conftest.py): zone A = a1 (cells a1x, a1y) + a2 (a2x); zone B = b1 (b1x).
Enterprises (tests/inspections/conftest.py): a1x (urban), a1y (police), a2x (none), b1x (urban, police).
"""

import pytest

from inspections.models import ChecklistTemplate, Clause
from tests.inspections.conftest import enterprise_data
from tests.scoping import assert_api_scoping, assert_page_scoping

pytestmark = pytest.mark.django_db

ALL = {"a1x", "a1y", "a2x", "b1x"}
EXPECTED = {
    "street": ALL, "admin": ALL,
    "safety": ALL, "safety_a": ALL,  # the safety office keeps the whole registry
    "zone_leader": {"a1x", "a1y", "a2x"}, "zone_leader_b": {"b1x"},
    "community": {"a1x", "a1y"},
    "worker": {"a1x"}, "worker_b": {"b1x"},
    "urban": {"a1x", "b1x"},  # responsible for these, across the sub-district
    "officer": {"a1y"},  # police, zone A's room: b1x is outside its zone
    "contractor": set(),  # issue 13 adds the enterprises of its service plans
}
WRITERS = {"street", "admin", "safety", "safety_a"}


def ids(enterprises, cells):
    return {enterprises[c].pk for c in cells}


def test_enterprise_api_is_scoped_per_role(world, enterprises, api_for):
    assert set(EXPECTED) == set(vars(world.users))
    assert_api_scoping(
        api_for, vars(world.users), list_url="/api/v1/enterprises/", detail_url=lambda pk: f"/api/v1/enterprises/{pk}/",
        expected={name: ids(enterprises, cells) for name, cells in EXPECTED.items()},
        all_ids=ids(enterprises, ALL),
    )


def test_enterprise_pages_are_scoped_per_role(world, enterprises, page_for):
    assert_page_scoping(
        page_for, vars(world.users), detail_url=lambda pk: f"/inspections/enterprises/{pk}/",
        expected={name: ids(enterprises, cells) for name, cells in EXPECTED.items()},
        all_ids=ids(enterprises, ALL),
    )
    for name, cells in EXPECTED.items():
        page = page_for(world.persona(name)).get("/inspections/enterprises/")
        assert page.status_code == 200
        shown = {e.pk for e in page.context["enterprises"]}
        assert shown == ids(enterprises, cells), name


def test_export_holds_exactly_the_visible_rows(world, enterprises, page_for):
    import io

    from openpyxl import load_workbook

    for name, cells in EXPECTED.items():
        response = page_for(world.persona(name)).get("/inspections/enterprises/export.xlsx")
        assert response.status_code == 200
        rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=3, values_only=True))
        assert {r[0] for r in rows} == {enterprises[c].credit_code for c in cells}, name
        if rows and name not in WRITERS:
            assert all("****" in (r[5] or "****") for r in rows)


def test_only_keepers_write_through_the_api(world, enterprises, api_for):
    for n, name in enumerate(sorted(EXPECTED), start=20):
        client = api_for(world.persona(name))
        created = client.post("/api/v1/enterprises/", enterprise_data(n), format="json")
        assert created.status_code == (201 if name in WRITERS else 403), (name, created.content[:200])
        target = enterprises["a1x"].pk
        changed = client.patch(f"/api/v1/enterprises/{target}/", {"employees": n}, format="json")
        want = 200 if name in WRITERS else 403 if enterprises["a1x"].pk in ids(enterprises, EXPECTED[name]) else 404
        assert changed.status_code == want, name


def test_import_pages_are_for_keepers_only(world, page_for):
    for name in EXPECTED:
        client = page_for(world.persona(name))
        want = 200 if name in WRITERS else 403
        assert client.get("/inspections/enterprises/import/").status_code == want, name
        assert client.get("/inspections/enterprises/import/template.xlsx").status_code == want, name


def test_the_library_is_readable_by_every_signed_in_user(world, library, api_for, page_for, client):
    template = ChecklistTemplate.objects.get(code="catering-gas")
    clause = Clause.objects.first()
    for name in EXPECTED:
        api, page = api_for(world.persona(name)), page_for(world.persona(name))
        assert api.get("/api/v1/criteria/").json()["count"] == Clause.objects.count()
        assert api.get(f"/api/v1/criteria/{clause.pk}/").status_code == 200
        assert api.get("/api/v1/checklist-templates/").json()["count"] == 5
        assert len(api.get(f"/api/v1/checklist-templates/{template.pk}/").json()["current_version"]["items"]) == 14
        for url in ("/inspections/criteria/", "/inspections/checklists/", f"/inspections/checklists/{template.pk}/"):
            assert page.get(url).status_code == 200, (name, url)
    for url in ("/api/v1/enterprises/", "/api/v1/criteria/", "/api/v1/checklist-templates/"):
        assert client.get(url).status_code in (401, 403)
    for url in ("/inspections/enterprises/", "/inspections/criteria/", "/inspections/checklists/"):
        assert client.get(url).status_code == 302
    assert page_for(world.users.street).get("/inspections/checklists/987654/").status_code == 404
