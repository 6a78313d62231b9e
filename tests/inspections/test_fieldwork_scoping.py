"""Every persona over every inspection and hazard page and endpoint (exactly the enterprises it
sees, 404 outside), and the query counts of their lists pinned at two data sizes."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inspections import services
from tests.inspections.test_scoping import ALL, EXPECTED
from tests.scoping import assert_api_scoping, assert_page_scoping

pytestmark = pytest.mark.django_db


@pytest.fixture
def fieldwork(world, enterprises, make_inspection):
    """One inspection and one hazard (from its failed major item) per enterprise."""
    made = {}
    for cell, enterprise in enterprises.items():
        inspection = make_inspection(enterprise)
        hazard = services.hazard_from_answer(inspection.answers.get(item__code="G1"), actor=world.users.safety)
        made[cell] = (inspection, hazard)
    return made


def ids(fieldwork, cells, index):
    return {fieldwork[c][index].pk for c in cells}


def test_inspection_api_and_pages_are_scoped(world, fieldwork, api_for, page_for):
    expected = {name: ids(fieldwork, cells, 0) for name, cells in EXPECTED.items()}
    assert_api_scoping(api_for, vars(world.users), list_url="/api/v1/inspections/",
                       detail_url=lambda pk: f"/api/v1/inspections/{pk}/", expected=expected, all_ids=ids(fieldwork, ALL, 0))
    assert_page_scoping(page_for, vars(world.users), detail_url=lambda pk: f"/inspections/inspections/{pk}/",
                        expected=expected, all_ids=ids(fieldwork, ALL, 0))


def test_hazard_api_and_pages_are_scoped(world, fieldwork, api_for, page_for):
    expected = {name: ids(fieldwork, cells, 1) for name, cells in EXPECTED.items()}
    assert_api_scoping(api_for, vars(world.users), list_url="/api/v1/hazards/",
                       detail_url=lambda pk: f"/api/v1/hazards/{pk}/", expected=expected, all_ids=ids(fieldwork, ALL, 1))
    assert_page_scoping(page_for, vars(world.users), detail_url=lambda pk: f"/inspections/hazards/{pk}/",
                        expected=expected, all_ids=ids(fieldwork, ALL, 1))
    for name, want in expected.items():
        page = page_for(world.persona(name)).get("/inspections/hazards/")
        assert page.status_code == 200
        assert {h.pk for h in page.context["hazards"]} == want, name
        for cell in ALL:  # actions on an invisible hazard: 404, like a missing one
            if fieldwork[cell][1].pk not in want:
                response = api_for(world.persona(name)).post(
                    f"/api/v1/hazards/{fieldwork[cell][1].pk}/actions/", {"action": "comment", "note": "x"}, format="json")
                assert response.status_code == 404, (name, cell)


def test_the_enterprise_page_lists_its_inspections_and_hazards(world, fieldwork, enterprises, page_for):
    page = page_for(world.users.zone_leader).get(f"/inspections/enterprises/{enterprises['a1x'].pk}/")
    assert page.status_code == 200
    inspection, hazard = fieldwork["a1x"]
    assert [i.pk for i in page.context["inspections"]] == [inspection.pk]
    assert [h.pk for h in page.context["hazards"]] == [hazard.pk]
    assert hazard.code.encode() in page.content


def _more(world, enterprises, make_inspection, count):
    for n in range(count):
        enterprise = enterprises[["a1x", "a1y", "a2x", "b1x"][n % 4]]
        inspection = make_inspection(enterprise)
        for code in ("G1", "G2"):
            services.hazard_from_answer(inspection.answers.get(item__code=code), actor=world.users.safety)


@pytest.mark.parametrize("persona, url, queries", [
    ("street", "/api/v1/inspections/", 2),
    ("urban", "/api/v1/inspections/?kind=government", 2),
    ("worker", "/api/v1/inspections/", 2),
    ("street", "/api/v1/hazards/", 2),
    ("safety", "/api/v1/hazards/?level=&proposed_level=major", 2),
    ("worker", "/api/v1/hazards/", 2),
    # (the enterprise filter renders only the chosen enterprise: no query for the registry's options)
    ("street", "/inspections/hazards/", 8),
    ("zone_leader", "/inspections/hazards/?status=recorded", 8),
    ("officer", "/inspections/hazards/", 9)  # its user row's department, for the rule,
])
def test_lists_run_a_fixed_number_of_queries(world, enterprises, make_inspection, django_assert_num_queries, api_for,
                                            page_for, persona, url, queries):
    user = world.persona(persona)
    client = api_for(user) if url.startswith("/api/") else page_for(user)
    _more(world, enterprises, make_inspection, 3)
    client.get(url)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more(world, enterprises, make_inspection, 9)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_enterprise_filter_renders_only_the_chosen_enterprise(world, enterprises, page_for):
    chosen, other = enterprises["a1x"], enterprises["b1x"]
    page = page_for(world.users.street)
    body = page.get(f"/inspections/hazards/?enterprise={chosen.pk}").content.decode()
    assert f'<option value="{chosen.pk}" selected>' in body
    assert other.name not in body  # no hazards listed here: only the select could name it
    assert chosen.name not in page.get("/inspections/hazards/").content.decode()


def test_details_run_a_fixed_number_of_queries(world, enterprises, make_inspection, django_assert_num_queries, api_for,
                                               page_for):
    page, api = page_for(world.users.street), api_for(world.users.street)
    e = enterprises["a1x"]
    _more(world, enterprises, make_inspection, 4)
    inspection = e.inspections.first()
    hazard = e.hazards.first()
    for url in (f"/inspections/enterprises/{e.pk}/", f"/inspections/hazards/{hazard.pk}/",
                f"/inspections/inspections/{inspection.pk}/", f"/api/v1/hazards/{hazard.pk}/",
                f"/api/v1/inspections/{inspection.pk}/"):
        client = api if url.startswith("/api/") else page
        client.get(url)
        with CaptureQueriesContext(connection) as first:
            client.get(url)
        _more(world, enterprises, make_inspection, 4)
        with django_assert_num_queries(len(first)):
            assert client.get(url).status_code == 200, url
