"""The registry's API and pages: filters, bad input (400, never 500), the import flow, query counts."""

import pytest

from inspections import services
from inspections.models import Enterprise
from tests.inspections.conftest import enterprise_data, sheet_row, workbook

pytestmark = pytest.mark.django_db


def names(response) -> set:
    return {row["name"] for row in response.json()["results"]}


def test_filters_work_alike_on_the_api(world, enterprises, api_for):
    services.update_enterprise(enterprises["a2x"], actor=world.users.street, sectors=["school"], flags=["gas_user"],
                               risk_level="red", target_kind="key", status="closed")
    api = api_for(world.users.street)
    a2x = {enterprises["a2x"].name}
    for query in ("sector=school", "flag=gas_user", "risk=red", "target_kind=key", "status=closed",
                  f"cell={world.cell_a2x.pk}", f"community={world.community_a2.pk}", f"q={enterprises['a2x'].credit_code.lower()}"):
        assert names(api.get(f"/api/v1/enterprises/?{query}")) == a2x, query
    assert len(names(api.get(f"/api/v1/enterprises/?zone={world.zone_a.pk}"))) == 3
    assert len(names(api.get("/api/v1/enterprises/?risk=red&risk=blue"))) == 4


@pytest.mark.parametrize("query", [
    "sector=bakery", "flag=x", "risk=purple", "zone=abc", "zone=99999", "community=1.5", "cell=inf", "status=open",
    "target_kind=%00", "q=" + "x" * 200, "page=abc", "page=99",
])
def test_bad_filters_answer_400_or_404_never_500(world, enterprises, api_for, page_for, query):
    assert api_for(world.users.street).get(f"/api/v1/enterprises/?{query}").status_code in (400, 404)
    assert page_for(world.users.street).get(f"/inspections/enterprises/?{query}").status_code in (200, 400, 404)
    assert page_for(world.users.street).get(f"/inspections/enterprises/export.xlsx?{query}").status_code in (200, 302)


@pytest.mark.parametrize("body", [
    {}, {"credit_code": "91350100M0001TGQXM", "name": "x", "address": "y"}, {"credit_code": 12, "name": [], "address": {}},
    {**enterprise_data(50), "latitude": "north"}, {**enterprise_data(51), "latitude": 1e308},
    {**enterprise_data(52), "sectors": "school"}, {**enterprise_data(53), "sectors": ["bakery"]},
    {**enterprise_data(54), "responsible_departments": [987654]}, {**enterprise_data(55), "responsible_departments": [True]},
    {**enterprise_data(56), "grid_cell": 987654, "latitude": None, "longitude": None},
    {**enterprise_data(57), "employees": -1}, {**enterprise_data(58), "risk_assessed_on": "2026-13-01"},
    {**enterprise_data(59), "risk_assessed_on": "2999-01-01"}, {**enterprise_data(60), "safety_officer_phone": "call me"},
    {**enterprise_data(61), "latitude": 10, "longitude": 10},
])
def test_bad_bodies_answer_400(world, api_for, body):
    response = api_for(world.users.safety).post("/api/v1/enterprises/", body, format="json")
    assert response.status_code == 400, response.content[:300]
    assert Enterprise.objects.count() == 0


def test_create_answers_the_record_with_its_warnings_and_a_duplicate_is_400(world, api_for):
    api = api_for(world.users.safety)
    body = enterprise_data(70, "b1x", sectors=["warehouse"], flags=["confined_space"], responsible_departments=[world.urban.pk])
    created = api.post("/api/v1/enterprises/", body, format="json")
    assert created.status_code == 201
    data = created.json()
    assert (data["zone"], data["sectors"], data["flags"], data["warnings"]) == (world.zone_b.pk, ["warehouse"], ["confined_space"], [])
    assert data["responsible_departments"] == [{"id": world.urban.pk, "name": world.urban.name}]
    assert data["safety_officer_phone"] == "138****8000"  # masked on the detail too (PIPL): in full through personal-data
    listed = api.get("/api/v1/enterprises/").json()["results"][0]
    assert listed["safety_officer_phone"] == "138****8000"  # masked in lists
    again = api.post("/api/v1/enterprises/", {**body, "credit_code": enterprise_data(71)["credit_code"]}, format="json")
    assert again.status_code == 400 and "name" in again.json()


def test_import_page_checks_then_imports_on_confirm(world, page_for):
    client = page_for(world.users.safety)
    checked = client.post("/inspections/enterprises/import/", {"step": "check", "file": workbook([sheet_row(1), sheet_row(2)])})
    assert checked.status_code == 200 and checked.context["report"].created == 2
    assert Enterprise.objects.count() == 0
    done = client.post("/inspections/enterprises/import/", {"step": "confirm"})
    assert done.status_code == 302 and Enterprise.objects.count() == 2
    assert client.post("/inspections/enterprises/import/", {"step": "confirm"}).status_code == 302  # expired: back to upload
    bad = client.post("/inspections/enterprises/import/", {"step": "check", "file": workbook([sheet_row(3, 风险等级="紫")])})
    assert bad.status_code == 400 and b"row-bad" in bad.content
    assert client.post("/inspections/enterprises/import/", {"step": "check"}).status_code == 400
    assert Enterprise.objects.count() == 2


def _more(world, start: int, count: int) -> None:
    cells = ["a1x", "a1y", "a2x", "b1x"]
    for n in range(start, start + count):
        services.register_enterprise(actor=world.users.street, **enterprise_data(
            n, cells[n % 4], sectors=["commercial", "warehouse"], flags=["gas_user"],
            responsible_departments=[world.urban.pk, world.police.pk]))


@pytest.mark.parametrize("persona, url, queries", [
    ("street", "/api/v1/enterprises/", 4),
    ("safety", "/api/v1/enterprises/?sector=commercial", 4),
    ("urban", "/api/v1/enterprises/", 4),
    ("worker", "/api/v1/enterprises/", 4),
    ("street", "/api/v1/criteria/", 2),
    ("street", "/api/v1/checklist-templates/", 5),
    ("street", "/inspections/enterprises/", 9),
    ("zone_leader", "/inspections/enterprises/?risk=blue", 9),
    ("worker", "/inspections/enterprises/", 9),
    ("street", "/inspections/enterprises/export.xlsx", 8),  # with the audit row of the export
    ("street", "/inspections/criteria/", 5),
    ("street", "/inspections/checklists/", 5),
])
def test_lists_run_a_fixed_number_of_queries(world, library, django_assert_num_queries, api_for, page_for, persona, url, queries):
    user = world.persona(persona)
    client = api_for(user) if url.startswith("/api/") else page_for(user)
    _more(world, 100, 4)
    client.get(url)  # warm the session and the cell index
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200
    _more(world, 200, 12)
    with django_assert_num_queries(queries):
        assert client.get(url).status_code == 200


def test_detail_pages_run_a_fixed_number_of_queries(world, library, django_assert_num_queries, page_for, api_for):
    _more(world, 100, 2)
    e = Enterprise.objects.first()
    page, api = page_for(world.users.street), api_for(world.users.street)
    page.get(f"/inspections/enterprises/{e.pk}/")
    with django_assert_num_queries(8):  # 6, and its latest inspections and hazards (one query each)
        assert page.get(f"/inspections/enterprises/{e.pk}/").status_code == 200
    with django_assert_num_queries(4):
        assert api.get(f"/api/v1/enterprises/{e.pk}/").status_code == 200
